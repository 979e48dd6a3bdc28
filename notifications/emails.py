"""Render a ledger row as an email, in the recipient's own language and time zone."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.timezones import DEFAULT_TIME_ZONE, zone_or_utc


def render_plain(template_name, context):
    """A plain-text part, rendered without HTML escaping: "R&D" stays "R&D"."""
    template = get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def render_parts(template_dir, context):
    """subject.txt, body.txt and body.html of one kind of message. The subject is one line."""
    subject = render_plain(f"{template_dir}/subject.txt", context)
    text = render_plain(f"{template_dir}/body.txt", context)
    html = render_to_string(f"{template_dir}/body.html", context)
    return " ".join(subject.split()), text, html


def render_message(row, kind, obj, unsubscribe):
    person = row.recipient
    language = person.language if person else row.payload.get("language", "en")
    zone = person.time_zone if person else DEFAULT_TIME_ZONE
    with translation.override(language), timezone.override(zone_or_utc(zone)):
        context = {
            "row": row,
            "person": person,
            "obj": obj,
            "kind": kind,
            "site_url": settings.SITE_URL,
            "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
            "unsubscribe_url": unsubscribe,
            **kind.context(row, obj),
        }
        subject, text, html = render_parts(kind.template_dir, context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[row.to_email],
        headers={
            "Message-ID": row.message_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in kind.attachments(row, obj):
        message.attach(filename, content, mimetype)
    return message
