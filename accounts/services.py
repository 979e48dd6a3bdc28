"""Invitations: the only way into the portal. Every write here runs in one transaction."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import hooks
from accounts.models import STAFF_GROUP, Invitation, User
from cohorts import hooks as cohort_hooks
from cohorts.choices import OrganisationKind, TeamRole
from cohorts.models import Membership, Seat, TakingPart
from cohorts.services import add_seat
from portal.permissions import require


class InvitationClosed(Exception):
    """The link can no longer be used; the page explains what to do instead."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def _validate_target(*, kind, organisation, team_role, enrolment, cohort):
    errors = {}
    if kind == Invitation.Kind.TEAM:
        if organisation is None:
            errors["organisation"] = _("Choose the state grantee organisation for this person.")
        elif organisation.kind != OrganisationKind.STATE_GRANTEE:
            errors["organisation"] = _("Team members join a state grantee organisation.")
        if not team_role:
            errors["team_role"] = _("Choose the person's role on the team.")
        if enrolment is not None and organisation is not None:
            if enrolment.organisation_id != organisation.pk:
                errors["enrolment"] = _("That team belongs to another organisation.")
    elif kind == Invitation.Kind.PARTNER:
        if organisation is None or organisation.kind != OrganisationKind.PLANNING_PARTNER:
            errors["organisation"] = _("Choose the planning-partner organisation.")
    elif kind == Invitation.Kind.FACILITATOR and cohort is None:
        errors["cohort"] = _("Choose the cohort this person will facilitate.")
    if errors:
        raise ValidationError(errors)


def _holds_role(person, invitation):
    kind = invitation.kind
    if kind == Invitation.Kind.STAFF:
        return User.objects.staff().filter(pk=person.pk).exists()
    if kind == Invitation.Kind.FACILITATOR:
        return invitation.cohort.has_person(person, (TakingPart.FACILITATOR,))
    if kind == Invitation.Kind.TEAM and invitation.enrolment is not None:
        return Seat.objects.held_by(person).filter(enrolment=invitation.enrolment).exists()
    return Membership.objects.filter(person=person, organisation=invitation.organisation).exists()


def _check_room_on_team(enrolment, team_role):
    """An invitation to a seat is refused when the seat can't be had (full, or the role taken)."""
    seats = enrolment.seats.current()
    size = enrolment.cohort.program.team_size
    if seats.count() >= size:
        raise ValidationError(
            {"enrolment": _("This team already has its %(size)s people.") % {"size": size}}
        )
    if team_role == TeamRole.EXECUTIVE_DIRECTOR and seats.filter(role=team_role).exists():
        raise ValidationError({"team_role": _("This team already has its executive director.")})


def grant_role(person, invitation):
    """Give a person what the invitation promises. Safe to repeat."""
    kind = invitation.kind
    if kind in (Invitation.Kind.TEAM, Invitation.Kind.PARTNER):
        Membership.objects.get_or_create(
            person=person,
            organisation=invitation.organisation,
            defaults={"role": invitation.team_role or Membership._meta.get_field("role").default},
        )
    if kind == Invitation.Kind.PARTNER:
        for cohort in invitation.organisation.partner_cohorts.all():
            cohort_hooks.people_changed.announce(cohort=cohort)
    if kind == Invitation.Kind.TEAM and invitation.enrolment is not None:
        if not invitation.enrolment.seats.current().filter(person=person).exists():
            add_seat(
                invitation.enrolment,
                person=person,
                role=invitation.team_role,
                by=invitation.invited_by,
                check_permission=False,
            )
    elif kind == Invitation.Kind.FACILITATOR:
        invitation.cohort.facilitators.add(person)
        cohort_hooks.people_changed.announce(cohort=invitation.cohort)
    elif kind == Invitation.Kind.STAFF:
        person.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])


def _send(invitation):
    """Plan the email; a sending still waiting (a double click, a retry) is replaced by it."""
    invitation.send_count += 1
    invitation.updated_at = timezone.now()
    invitation.save(update_fields=["send_count", "updated_at"])
    hooks.invitation_sent.announce(invitation=invitation)


@transaction.atomic
def invite(
    *,
    by,
    email,
    kind,
    full_name="",
    language="en",
    organisation=None,
    team_role="",
    enrolment=None,
    cohort=None,
):
    """Invite an email address into a role.

    An address that already has an account gets the role at once (and a notice), never a
    second account. An address with an open invitation is refused with a clear message.
    """
    require(by, "accounts.invite_people")
    email = User.objects.normalize_email(email).strip().lower()
    _validate_target(
        kind=kind,
        organisation=organisation,
        team_role=team_role,
        enrolment=enrolment,
        cohort=cohort,
    )
    now = timezone.now()
    open_invitations = Invitation.objects.unused().select_for_update().filter(email__iexact=email)
    for existing in open_invitations:
        if existing.expires_at > now:
            raise ValidationError(
                {
                    "email": _(
                        "%(email)s already has an invitation waiting, sent on %(date)s. "
                        "Resend or revoke it from the invitations page."
                    )
                    % {
                        "email": email,
                        "date": formats.date_format(timezone.localdate(existing.created_at)),
                    }
                }
            )
        existing.revoked_at = now
        existing.save(update_fields=["revoked_at"])
    invitation = Invitation(
        email=email,
        full_name=full_name,
        kind=kind,
        language=language,
        organisation=organisation,
        team_role=team_role,
        enrolment=enrolment,
        cohort=cohort,
        invited_by=by,
    )
    person = User.objects.filter(email__iexact=email).first()
    if person is not None and _holds_role(person, invitation):
        raise ValidationError(
            {"email": _("%(email)s already has this role: nothing to add.") % {"email": email}}
        )
    if person is None and enrolment is not None:
        _check_room_on_team(enrolment, team_role)
    if person is not None:
        grant_role(person, invitation)
        invitation.accepted_at = now
        invitation.accepted_by = person
    invitation.save()
    _send(invitation)
    return invitation


@transaction.atomic
def resend_invitation(invitation, *, by):
    require(by, "accounts.invite_people")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("Only an invitation that has not been used can be resent."))
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    invitation.save(update_fields=["expires_at"])
    _send(invitation)
    return invitation


@transaction.atomic
def revoke_invitation(invitation, *, by):
    require(by, "accounts.invite_people")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted; it can't be revoked."))
    if not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        hooks.invitation_revoked.announce(invitation=invitation)
    return invitation


def open_invitation(key):
    """The invitation behind a link, or InvitationClosed saying why it can't be used."""
    invitation = (
        Invitation.objects.select_related("organisation", "cohort", "enrolment__cohort")
        .filter(key=key)
        .first()
    )
    if invitation is None:
        raise InvitationClosed("unknown")
    if not invitation.is_open:
        raise InvitationClosed(invitation.status)
    return invitation


@transaction.atomic
def accept_invitation(key, *, full_name, password, time_zone, language):
    """Create the account, give it the role, mark the address verified. Returns the person."""
    invitation = open_invitation(key)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise InvitationClosed(invitation.status)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise InvitationClosed("account_exists")
    person = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name,
        time_zone=time_zone,
        language=language,
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    grant_role(person, invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return person
