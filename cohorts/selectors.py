"""Reads, always scoped to the person asking. A view never fetches an object any other way."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from cohorts.choices import CohortStatus, OrganisationKind, TeamRole
from cohorts.models import (
    Cohort,
    Enrolment,
    Membership,
    Organisation,
    Program,
    Seat,
    TakingPart,
)
from cohorts.rules import is_alliance_staff


@dataclass(frozen=True)
class Roles:
    staff: bool = False
    facilitator: bool = False
    partner: bool = False
    team: bool = False

    def __bool__(self):
        return self.staff or self.facilitator or self.partner or self.team


def roles_for(user):
    """Every role a person holds, read from data in one query. A view asks once per request
    (request.roles, set by cohorts.middleware); selectors only need `user.is_alliance_staff`."""
    if not user.is_authenticated:
        return Roles()
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_staff_member=Exists(User.objects.staff().filter(pk=OuterRef("pk"))),
            is_facilitator=Exists(
                Cohort.facilitators.through.objects.filter(user_id=OuterRef("pk"))
            ),
            is_partner=Exists(Membership.objects.in_partners().filter(person_id=OuterRef("pk"))),
            is_team=Exists(Seat.objects.held_by(OuterRef("pk"))),
        )
        .values("is_staff_member", "is_facilitator", "is_partner", "is_team")
        .get()
    )
    return Roles(
        staff=flags["is_staff_member"],
        facilitator=flags["is_facilitator"],
        partner=flags["is_partner"],
        team=flags["is_team"],
    )


# Programs ------------------------------------------------------------------------------------


def programs_for(user):
    if is_alliance_staff(user):
        return Program.objects.annotate(cohort_count=Count("cohorts"))
    visible = cohorts_for(user).values("pk")
    return (
        Program.objects.filter(cohorts__in=visible)
        .distinct()
        .annotate(cohort_count=Count("cohorts", filter=Q(cohorts__in=visible), distinct=True))
    )


def get_program_for(user, pk):
    return get_object_or_404(programs_for(user), pk=pk)


# Cohorts -------------------------------------------------------------------------------------


def cohorts_for(user):
    """Staff see every cohort; everyone else the cohorts they take part in."""
    qs = Cohort.objects.select_related("program")
    if is_alliance_staff(user):
        return qs
    return qs.taking_part(user)


def get_cohort_for(user, pk):
    return get_object_or_404(cohorts_for(user), pk=pk)


def facilitated_cohorts(user):
    return Cohort.objects.taking_part(user, (TakingPart.FACILITATOR,)).select_related("program")


def partnered_cohorts(user):
    return Cohort.objects.taking_part(user, (TakingPart.PARTNER,)).select_related("program")


def partner_organisations(user):
    """The planning-partner organisations a person belongs to."""
    return list(
        Organisation.objects.filter(
            pk__in=Membership.objects.in_partners().filter(person=user).values("organisation")
        ).order_by("name")
    )


def current_seats(queryset=None):
    qs = queryset if queryset is not None else Seat.objects.all()
    return qs.current().select_related("person").order_by("role", "person__full_name")


def cohort_teams(cohort):
    """The cohort's enrolments with their current seats, in two queries."""
    return cohort.enrolments.select_related("organisation").prefetch_related(
        Prefetch("seats", queryset=current_seats(), to_attr="current_seats")
    )


# Enrolments (teams) --------------------------------------------------------------------------


def enrolments_for(user):
    """Facilitators and assigned partners see every team of their cohorts; a team member
    sees their own team."""
    qs = Enrolment.objects.select_related("organisation", "cohort", "cohort__program")
    if is_alliance_staff(user):
        return qs
    led = Cohort.objects.taking_part(user, (TakingPart.FACILITATOR, TakingPart.PARTNER))
    return qs.filter(
        Q(cohort__in=led.values("pk")) | Q(pk__in=Seat.objects.held_by(user).values("enrolment"))
    )


def get_enrolment_for(user, pk):
    return get_object_or_404(enrolments_for(user), pk=pk)


def organisations_to_enrol(cohort):
    """The state grantees not yet in the cohort."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.STATE_GRANTEE)
        .exclude(pk__in=cohort.enrolments.values("organisation"))
        .order_by("name")
    )


def enrolled_elsewhere(cohort):
    """{organisation: [cohort, …]}, by organisation name: the grantees not yet in the cohort
    that are in another planned or active cohort of the same program, with those cohorts.
    One query."""
    elsewhere = defaultdict(list)
    rows = (
        Enrolment.objects.filter(
            cohort__program_id=cohort.program_id,
            cohort__status__in=[CohortStatus.PLANNED, CohortStatus.ACTIVE],
        )
        .exclude(organisation__in=cohort.enrolments.values("organisation"))
        .select_related("cohort", "organisation")
        .order_by("organisation__name", "cohort__starts_on", "cohort__name")
    )
    for enrolment in rows:
        elsewhere[enrolment.organisation].append(enrolment.cohort)
    return dict(elsewhere)


def my_team_enrolments(user):
    return (
        Enrolment.objects.filter(pk__in=Seat.objects.held_by(user).values("enrolment"))
        .select_related("organisation", "cohort", "cohort__program")
        .prefetch_related(Prefetch("seats", queryset=current_seats(), to_attr="current_seats"))
        .order_by("-cohort__starts_on")
    )


def seat_history(enrolment):
    return enrolment.seats.select_related("person", "ended_by").order_by("-started_at")


# Organisations -------------------------------------------------------------------------------


def organisations_for(user):
    """A person's own organisations; the teams of the cohorts they lead; the planning
    partners of the cohorts they take part in."""
    qs = Organisation.objects.all()
    if is_alliance_staff(user):
        return qs
    mine = Cohort.objects.taking_part(user).values("pk")
    led = Cohort.objects.taking_part(user, (TakingPart.FACILITATOR, TakingPart.PARTNER))
    visible = (
        Q(pk__in=Membership.objects.filter(person=user).values("organisation"))
        | Q(pk__in=Enrolment.objects.filter(cohort__in=led.values("pk")).values("organisation"))
        | Q(pk__in=Cohort.partners.through.objects.filter(cohort__in=mine).values("organisation"))
    )
    return qs.filter(visible)


def get_organisation_for(user, pk):
    return get_object_or_404(organisations_for(user), pk=pk)


# Readiness -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


def readiness(cohort, teams=None):
    """The rules a cohort must meet before it starts, each explained in words."""
    program = cohort.program
    teams = list(teams if teams is not None else cohort_teams(cohort))
    count = len(teams)
    checks = [
        Check(
            _("Number of organisations"),
            program.min_organisations <= count <= program.max_organisations,
            _("%(count)s enrolled; %(program)s needs between %(min)s and %(max)s.")
            % {
                "count": count,
                "program": program.name,
                "min": program.min_organisations,
                "max": program.max_organisations,
            },
        )
    ]
    # With no team enrolled, "every team" is met by no one: not a reason to start.
    no_team = _("No organisation enrolled yet.")
    short = [t.organisation.name for t in teams if len(t.current_seats) < program.team_size]
    if not teams:
        full = no_team
    elif short:
        full = _("Teams need %(size)s people. Not yet full: %(names)s.") % {
            "size": program.team_size,
            "names": ", ".join(short),
        }
    else:
        full = ngettext(
            "Every team has its %(size)s person.",
            "Every team has its %(size)s people.",
            program.team_size,
        ) % {"size": program.team_size}
    checks.append(Check(_("Every team is full"), bool(teams) and not short, full))
    for role in program.required_roles:
        label = TeamRole(role).label
        missing = [
            t.organisation.name
            for t in teams
            if not any(seat.role == role for seat in t.current_seats)
        ]
        if not teams:
            detail = no_team
        elif missing:
            detail = _("Missing in: %(names)s.") % {"names": ", ".join(missing)}
        else:
            detail = _("Every team has one.")
        checks.append(
            Check(
                _("Every team has its %(role)s") % {"role": label.lower()},
                bool(teams) and not missing,
                detail,
            )
        )
    facilitator_names = [str(p) for p in cohort.facilitators.all()]
    checks.append(
        Check(
            _("Facilitators named"),
            bool(facilitator_names),
            ", ".join(facilitator_names) if facilitator_names else _("No facilitator yet."),
        )
    )
    return checks
