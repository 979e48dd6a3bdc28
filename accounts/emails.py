from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Invitation


def render_email(template_prefix, context):
    """Render subject.txt, body.txt and body.html under templates/<template_prefix>/."""
    subject = render_to_string(f"{template_prefix}/subject.txt", context).strip()
    text = render_to_string(f"{template_prefix}/body.txt", context)
    html = render_to_string(f"{template_prefix}/body.html", context)
    return " ".join(subject.split()), text, html


def send_invitation(invitation_id):
    """Send the invitation (or, for an existing account, the notice of a new role)."""
    invitation = (
        Invitation.objects.select_related("organisation", "cohort", "invited_by", "accepted_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.revoked_at:
        return False
    person = invitation.accepted_by
    language = person.language if person else invitation.language
    if person:
        template, link = "accounts/email/role_added", settings.SITE_URL + reverse("home")
    else:
        template = "accounts/email/invitation"
        link = settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation.key])
    with translation.override(language):
        subject, text, html = render_email(
            template, {"invitation": invitation, "link": link, "person": person}
        )
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=timezone.now(), send_count=F("send_count") + 1
    )
    return True
