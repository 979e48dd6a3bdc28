"""Reads, always scoped to the person asking. A view never fetches an object any other way."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from cohorts.choices import OrganisationKind, TeamRole
from cohorts.models import Cohort, Enrolment, Membership, Organisation, Program, Seat


@dataclass(frozen=True)
class Roles:
    staff: bool = False
    facilitator: bool = False
    partner: bool = False
    team: bool = False

    def __bool__(self):
        return self.staff or self.facilitator or self.partner or self.team


def roles_for(user):
    """Every role a person holds, read from data in one query."""
    if not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    flags = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_staff_member=Exists(
                User.groups.through.objects.filter(
                    user_id=OuterRef("pk"), group__name="Alliance staff"
                )
            ),
            is_facilitator=Exists(
                Cohort.facilitators.through.objects.filter(user_id=OuterRef("pk"))
            ),
            is_partner=Exists(
                Membership.objects.filter(
                    person_id=OuterRef("pk"),
                    organisation__kind=OrganisationKind.PLANNING_PARTNER,
                )
            ),
            is_team=Exists(Seat.objects.current().filter(person_id=OuterRef("pk"))),
        )
        .values("is_superuser", "is_staff_member", "is_facilitator", "is_partner", "is_team")
        .get()
    )
    roles = Roles(
        staff=flags["is_superuser"] or flags["is_staff_member"],
        facilitator=flags["is_facilitator"],
        partner=flags["is_partner"],
        team=flags["is_team"],
    )
    user._portal_roles = roles
    user.is_alliance_staff = roles.staff
    return roles


def _partner_organisations(user):
    return Organisation.objects.filter(
        kind=OrganisationKind.PLANNING_PARTNER, memberships__person=user
    )


# Programs ------------------------------------------------------------------------------------


def programs_for(user):
    if roles_for(user).staff:
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
    qs = Cohort.objects.select_related("program")
    if roles_for(user).staff:
        return qs
    visible = (
        Q(facilitators=user)
        | Q(partners__in=_partner_organisations(user))
        | Q(enrolments__seats__person=user, enrolments__seats__ended_at__isnull=True)
    )
    return qs.filter(pk__in=Cohort.objects.filter(visible).values("pk"))


def get_cohort_for(user, pk):
    return get_object_or_404(cohorts_for(user), pk=pk)


def facilitated_cohorts(user):
    return Cohort.objects.filter(facilitators=user).select_related("program")


def partnered_cohorts(user):
    return Cohort.objects.filter(
        pk__in=Cohort.objects.filter(partners__in=_partner_organisations(user)).values("pk")
    ).select_related("program")


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
    qs = Enrolment.objects.select_related("organisation", "cohort", "cohort__program")
    if roles_for(user).staff:
        return qs
    visible = (
        Q(cohort__facilitators=user)
        | Q(cohort__partners__in=_partner_organisations(user))
        | Q(seats__person=user, seats__ended_at__isnull=True)
    )
    return qs.filter(pk__in=Enrolment.objects.filter(visible).values("pk"))


def get_enrolment_for(user, pk):
    return get_object_or_404(enrolments_for(user), pk=pk)


def my_team_enrolments(user):
    return (
        Enrolment.objects.filter(seats__person=user, seats__ended_at__isnull=True)
        .select_related("organisation", "cohort", "cohort__program")
        .prefetch_related(Prefetch("seats", queryset=current_seats(), to_attr="current_seats"))
        .order_by("-cohort__starts_on")
    )


def seat_history(enrolment):
    return enrolment.seats.select_related("person", "ended_by").order_by("-started_at")


# Organisations -------------------------------------------------------------------------------


def organisations_for(user):
    qs = Organisation.objects.all()
    if roles_for(user).staff:
        return qs
    visible = (
        Q(memberships__person=user)
        | Q(enrolments__cohort__facilitators=user)
        | Q(enrolments__cohort__partners__in=_partner_organisations(user))
        # The planning partners of the cohorts a person takes part in.
        | Q(partner_cohorts__in=cohorts_for(user).values("pk"))
    )
    return qs.filter(pk__in=Organisation.objects.filter(visible).values("pk"))


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
    short = [t.organisation.name for t in teams if len(t.current_seats) < program.team_size]
    checks.append(
        Check(
            _("Every team is full"),
            not short,
            _("Teams need %(size)s people. Not yet full: %(names)s.")
            % {"size": program.team_size, "names": ", ".join(short)}
            if short
            else ngettext(
                "Every team has its %(size)s person.",
                "Every team has its %(size)s people.",
                program.team_size,
            )
            % {"size": program.team_size},
        )
    )
    for role in program.required_roles:
        label = TeamRole(role).label
        missing = [
            t.organisation.name
            for t in teams
            if not any(seat.role == role for seat in t.current_seats)
        ]
        checks.append(
            Check(
                _("Every team has its %(role)s") % {"role": label.lower()},
                not missing,
                _("Missing in: %(names)s.") % {"names": ", ".join(missing)}
                if missing
                else _("Every team has one."),
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
