"""Reads that gather from several apps for one page. Reads only; every one scoped to the
person asking through the apps' own selectors."""

from collections import defaultdict

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts.models import Invitation
from cohorts import selectors as cohort_selectors
from cohorts.choices import CohortStatus
from cohorts.models import Cohort, Enrolment
from notifications.models import Notification
from sessions_app.models import LearningSession
from sessions_app.selectors import MISSED_IN_A_ROW, attendance_by_team, upcoming_for

with_team_count = Count("enrolments", distinct=True)
RUNNING = [CohortStatus.PLANNED, CohortStatus.ACTIVE]


def home_sections(user, roles):
    """One section for each role the person holds. "My upcoming sessions" only for someone
    who takes part in a cohort: staff who don't open on the cohorts they watch."""
    sections = {"takes_part": roles.facilitator or roles.partner or roles.team}
    if sections["takes_part"]:
        sections["upcoming"] = upcoming_for(user)
    if roles.staff:
        cohorts = staff_cohorts()
        sections["staff_cohorts"] = cohorts
        sections["flagged_total"] = sum(len(cohort.flagged_teams) for cohort in cohorts)
        sections["failed_total"] = sum(cohort.failed_emails for cohort in cohorts)
        sections["open_invitations"] = Invitation.objects.open().count()
    if roles.facilitator:
        sections["facilitated"] = cohort_selectors.facilitated_cohorts(user).annotate(
            team_count=with_team_count
        )
    if roles.partner:
        sections["partnered"] = cohort_selectors.partnered_cohorts(user).annotate(
            team_count=with_team_count
        )
    if roles.team:
        sections["teams"] = cohort_selectors.my_team_enrolments(user)
    return sections


def staff_cohorts():
    """Planned and active cohorts, each with what staff watch: its team count and failed
    emails (one query), its next session (one), the teams flagged for missing sessions (three:
    the latest held sessions and who was present at them, sessions_app's attendance_by_team,
    and the teams)."""
    failed = Notification.objects.filter(state=Notification.State.FAILED)
    cohorts = list(
        Cohort.objects.filter(status__in=RUNNING)
        .select_related("program")
        # Counted in subqueries, not joins: a join with the teams would count each cohort's
        # failed rows once per team (at national size, 40 of this page's 60 ms).
        .annotate(
            team_count=count_of(Enrolment.objects.all()),
            failed_emails=count_of(failed),
        )
        .order_by("starts_on", "name")
    )
    ids = [cohort.pk for cohort in cohorts]
    following = next_sessions(ids)
    # Every team of those cohorts, with only what the list shows of the flagged ones.
    teams = (
        Enrolment.objects.filter(cohort_id__in=ids)
        .select_related("organisation")
        .only("cohort_id", "organisation__name")
        .order_by("organisation__name")
    )
    attendance = attendance_by_team(ids, teams, latest=MISSED_IN_A_ROW)
    for cohort in cohorts:
        cohort.next_session = following.get(cohort.pk, [None])[0]
        _held, rows = attendance[cohort.pk]
        cohort.flagged_teams = [row.enrolment for row in rows if row.flagged]
    return cohorts


def count_of(rows):
    """How many of `rows` belong to the cohort of the outer query, as a subquery."""
    counted = rows.filter(cohort=OuterRef("pk")).values("cohort").annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def next_sessions(cohort_ids, per_cohort=1):
    """{cohort id: [session, …]}: the next scheduled sessions of each cohort, in one query."""
    ranked = (
        LearningSession.objects.filter(
            cohort_id__in=cohort_ids,
            status=LearningSession.Status.SCHEDULED,
            starts_at__gte=timezone.now(),
        )
        .annotate(
            place=Window(
                RowNumber(),
                partition_by=[F("cohort_id")],
                order_by=[F("starts_at").asc(), F("number").asc()],
            )
        )
        .filter(place__lte=per_cohort)
        .order_by("cohort_id", "starts_at", "number")
    )
    by_cohort = defaultdict(list)
    for session in ranked:
        by_cohort[session.cohort_id].append(session)
    return by_cohort


def partner_page(user):
    """What a planning partner supports: its organisations, and their planned and active
    cohorts, each with its teams (the people on them, their roles and emails) and its next
    sessions. Five queries, however many cohorts and teams."""
    cohorts = list(
        cohort_selectors.partnered_cohorts(user)
        .filter(status__in=RUNNING)
        .order_by("starts_on", "name")
    )
    ids = [cohort.pk for cohort in cohorts]
    teams = defaultdict(list)
    # The teams of those cohorts, which the partner sees (cohorts.selectors.enrolments_for).
    for team in (
        Enrolment.objects.filter(cohort_id__in=ids)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("seats", queryset=cohort_selectors.current_seats(), to_attr="current_seats")
        )
        .order_by("organisation__name")
    ):
        teams[team.cohort_id].append(team)
    upcoming = next_sessions(ids, per_cohort=3)
    for cohort in cohorts:
        cohort.teams = teams[cohort.pk]
        cohort.upcoming = upcoming.get(cohort.pk, [])
    return {
        "organisations": cohort_selectors.partner_organisations(user),
        "cohorts": cohorts,
    }


def cohort_page(user, pk):
    """A cohort, its teams, and what the person may see of its progress (404 if not theirs)."""
    cohort = cohort_selectors.get_cohort_for(user, pk)
    teams = list(cohort_selectors.cohort_teams(cohort))
    page = {
        "cohort": cohort,
        "teams": teams,
        "facilitators": list(cohort.facilitators.all()),
        "partners": list(cohort.partners.all()),
        "can_manage": user.has_perm("cohorts.manage_cohort", cohort),
        "my_team_ids": {
            t.pk for t in teams if any(s.person_id == user.pk for s in t.current_seats)
        },
        "opens_every_team": cohort_selectors.enrolments_for(user).filter(cohort=cohort).count()
        == len(teams),
    }
    if page["can_manage"]:
        page["checks"] = cohort_selectors.readiness(cohort, teams)
        page["unmet"] = sum(not check.ok for check in page["checks"])
        page["ready"] = not page["unmet"]
    if user.has_perm("sessions_app.mark_attendance", cohort):
        page["held"], page["attendance"] = attendance_by_team([cohort.pk], teams)[cohort.pk]
    return page
