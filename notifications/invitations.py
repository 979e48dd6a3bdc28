"""Invitation emails go through the notification ledger like every other message.

accounts announces invitations (accounts/hooks.py); the ledger plans their emails here.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts import hooks
from accounts.models import Invitation
from notifications import kinds
from notifications import services as ledger

INVITATION = "invitation"
ROLE_ADDED = "role_added"


def plan_invitation(*, invitation):
    """One row per sending: a resend is a new slot, so it is a new message, sent once.
    An earlier sending that hasn't gone yet is cancelled, so a double click sends once."""
    slot = f"send-{invitation.send_count}"
    ledger.cancel_open(
        ledger.rows_about(invitation).exclude(slot=slot),
        gettext_noop("A newer sending of the invitation replaced it."),
    )
    ledger.plan(
        kind=ROLE_ADDED if invitation.accepted_by_id else INVITATION,
        about=invitation,
        slot=slot,
        due_at=invitation.updated_at,
        to_email=invitation.email,
        recipient=invitation.accepted_by,
        cohort=invitation.cohort,
        payload={"language": invitation.language},
    )
    ledger.dispatch_soon()


def invitation_revoked(*, invitation):
    ledger.cancel_open(ledger.rows_about(invitation), gettext_noop("The invitation was revoked."))


def _context(row, invitation):
    if row.kind == INVITATION:
        link = reverse("accounts:invitation_accept", args=[invitation.key])
    else:
        link = reverse("home")
    return {"invitation": invitation, "link": settings.SITE_URL + link}


CLOSED = {
    Invitation.Status.ACCEPTED: gettext_noop("The invitation was accepted already."),
    Invitation.Status.REVOKED: gettext_noop("The invitation was revoked."),
    Invitation.Status.EXPIRED: gettext_noop("The invitation expired."),
}


def _invitation_applies(row, invitation):
    return CLOSED.get(invitation.status)


def _lock(invitation):
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "cohort", "invited_by")
        .filter(pk=invitation.pk)
        .first()
    )


def register():
    hooks.invitation_sent.subscribe(plan_invitation)
    hooks.invitation_revoked.subscribe(invitation_revoked)
    kinds.register_all(
        [
            (
                INVITATION,
                _("Invitations to the portal"),
                _("An invitation to create your account."),
                _invitation_applies,
            ),
            (
                ROLE_ADDED,
                _("New roles on your account"),
                _("When Alliance staff add a role to your account."),
                kinds.always_applies,
            ),
        ],
        context=_context,
        lock=_lock,
    )
