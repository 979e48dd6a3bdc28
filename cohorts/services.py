"""Every write to programs, cohorts, enrolments and teams. Each runs in one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts import hooks
from cohorts.choices import CohortStatus, OrganisationKind, TeamRole
from cohorts.models import Cohort, Enrolment, Membership, Seat
from cohorts.selectors import cohort_teams, readiness
from portal.permissions import require

# Programs ------------------------------------------------------------------------------------


@transaction.atomic
def save_program(program, *, by):
    """Save a program; the apps that plan from it (reminders, check-ins) are told."""
    _save_checked(program, by=by, perm="cohorts.manage_programs")
    hooks.program_saved.announce(program=program)
    return program


def _save_checked(obj, *, by, perm):
    require(by, perm)
    obj.full_clean()
    obj.save()
    return obj


# Cohorts -------------------------------------------------------------------------------------


@transaction.atomic
def save_cohort(cohort, *, by, facilitators, partners):
    """Create or update a cohort; the end date defaults to start + the program's months."""
    require(by, "cohorts.manage_cohort", cohort)
    if cohort.starts_on and not cohort.ends_on:
        cohort.ends_on = Cohort.default_end(cohort.program, cohort.starts_on)
    cohort.full_clean()
    cohort.save()
    cohort.facilitators.set(facilitators)
    cohort.partners.set(partners)
    hooks.cohort_saved.announce(cohort=cohort)
    return cohort


@transaction.atomic
def start_cohort(cohort, *, by):
    require(by, "cohorts.manage_cohort", cohort)
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    if cohort.status != CohortStatus.PLANNED:
        raise ValidationError(_("Only a planned cohort can be started."))
    failed = [check for check in readiness(cohort, cohort_teams(cohort)) if not check.ok]
    if failed:
        raise ValidationError(
            [_("%(label)s: %(detail)s") % {"label": c.label, "detail": c.detail} for c in failed]
        )
    cohort.status = CohortStatus.ACTIVE
    cohort.save(update_fields=["status"])
    return cohort


@transaction.atomic
def complete_cohort(cohort, *, by):
    require(by, "cohorts.manage_cohort", cohort)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.status != CohortStatus.ACTIVE:
        raise ValidationError(_("Only an active cohort can be marked completed."))
    cohort.status = CohortStatus.COMPLETED
    cohort.save(update_fields=["status"])
    hooks.cohort_completed.announce(cohort=cohort)
    return cohort


# Enrolments ----------------------------------------------------------------------------------


@transaction.atomic
def enrol_organisation(cohort, organisation, *, by):
    require(by, "cohorts.manage_cohort", cohort)
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=cohort.pk)
    if organisation.kind != OrganisationKind.STATE_GRANTEE:
        raise ValidationError(
            {"organisation": _("Only state grantee organisations enrol in a cohort.")}
        )
    if cohort.enrolments.filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "organisation": _("%(name)s is already enrolled in this cohort.")
                % {"name": organisation.name}
            }
        )
    if cohort.enrolments.count() >= cohort.program.max_organisations:
        raise ValidationError(
            {
                "organisation": _(
                    "This cohort already has %(max)s organisations, the most %(program)s allows."
                )
                % {"max": cohort.program.max_organisations, "program": cohort.program.name}
            }
        )
    try:
        with transaction.atomic():
            return Enrolment.objects.create(cohort=cohort, organisation=organisation)
    except IntegrityError as error:
        raise ValidationError(
            {
                "organisation": _("%(name)s is already enrolled in this cohort.")
                % {"name": organisation.name}
            }
        ) from error


# Seats ---------------------------------------------------------------------------------------


def _locked_enrolment(enrolment):
    return (
        Enrolment.objects.select_for_update()
        .select_related("cohort__program", "organisation")
        .get(pk=enrolment.pk)
    )


def _check_role_free(enrolment, role, *, except_seat=None):
    if role != TeamRole.EXECUTIVE_DIRECTOR:
        return
    holders = enrolment.seats.current().filter(role=TeamRole.EXECUTIVE_DIRECTOR)
    if except_seat is not None:
        holders = holders.exclude(pk=except_seat.pk)
    holder = holders.select_related("person").first()
    if holder:
        raise ValidationError(
            {
                "role": _(
                    "%(name)s is already the executive director of this team. "
                    "Use “Replace” on their seat to hand the role over."
                )
                % {"name": holder.person}
            }
        )


@transaction.atomic
def add_seat(enrolment, *, person, role, by, check_permission=True):
    """Seat a person on a team. The team may not grow past the program's team size."""
    if check_permission:
        require(by, "cohorts.manage_team", enrolment)
    enrolment = _locked_enrolment(enrolment)
    size = enrolment.cohort.program.team_size
    current = enrolment.seats.current()
    if current.filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s is already on this team.") % {"name": person}})
    if current.count() >= size:
        raise ValidationError(
            {
                "person": _(
                    "This team already has its %(size)s people. End or replace a seat first."
                )
                % {"size": size}
            }
        )
    _check_role_free(enrolment, role)
    Membership.objects.get_or_create(
        person=person, organisation=enrolment.organisation, defaults={"role": role}
    )
    seat = Seat.objects.create(enrolment=enrolment, person=person, role=role)
    hooks.people_changed.announce(cohort=enrolment.cohort)
    return seat


def _ed_required(enrolment):
    return TeamRole.EXECUTIVE_DIRECTOR in enrolment.cohort.program.required_roles


@transaction.atomic
def end_seat(seat, *, by):
    """Take a person off a team; the seat stays in the history with its dates."""
    require(by, "cohorts.manage_team", seat.enrolment)
    enrolment = _locked_enrolment(seat.enrolment)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    if seat.ended_at:
        raise ValidationError(_("This seat has already ended."))
    if seat.role == TeamRole.EXECUTIVE_DIRECTOR and _ed_required(enrolment):
        raise ValidationError(
            _(
                "%(program)s needs the executive director on every team. "
                "Replace %(name)s with the new executive director instead of removing them."
            )
            % {"program": enrolment.cohort.program.name, "name": seat.person}
        )
    seat.ended_at = timezone.now()
    seat.ended_by = by
    seat.save(update_fields=["ended_at", "ended_by"])
    hooks.people_changed.announce(cohort=enrolment.cohort)
    return seat


@transaction.atomic
def replace_seat(seat, *, person, role, by):
    """Hand a seat to someone else (or change its role): the old seat ends, a new one begins."""
    require(by, "cohorts.manage_team", seat.enrolment)
    enrolment = _locked_enrolment(seat.enrolment)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    if seat.ended_at:
        raise ValidationError(_("This seat has already ended."))
    if person != seat.person and enrolment.seats.current().filter(person=person).exists():
        raise ValidationError({"person": _("%(name)s is already on this team.") % {"name": person}})
    if (
        seat.role == TeamRole.EXECUTIVE_DIRECTOR
        and role != TeamRole.EXECUTIVE_DIRECTOR
        and _ed_required(enrolment)
    ):
        raise ValidationError(
            {
                "role": _(
                    "The team would be left without its executive director. "
                    "Keep the role, or give it to someone else first."
                )
            }
        )
    _check_role_free(enrolment, role, except_seat=seat)
    now = timezone.now()
    seat.ended_at = now
    seat.ended_by = by
    seat.save(update_fields=["ended_at", "ended_by"])
    Membership.objects.get_or_create(
        person=person, organisation=enrolment.organisation, defaults={"role": role}
    )
    new_seat = Seat.objects.create(enrolment=enrolment, person=person, role=role, started_at=now)
    hooks.people_changed.announce(cohort=enrolment.cohort)
    return new_seat


# Organisations -------------------------------------------------------------------------------


@transaction.atomic
def save_organisation(organisation, *, by):
    """Create or update an organisation. Its kind can't change while it is enrolled or an
    assigned partner: that rule is Organisation.clean(), so the admin refuses it too."""
    return _save_checked(organisation, by=by, perm="cohorts.manage_organisations")
