"""Write costs: what scheduling a 9-session series, rescheduling one session and adding a
person to a team cost, in queries and milliseconds, for cohorts of 8 and of 40 teams of
three. Each cohort is built on the national data with bench/national.py's bulk writers,
the writes go through the services (sessions_app/services.py, cohorts/services.py), and
everything is rolled back afterwards.
"""

import time
from dataclasses import dataclass
from datetime import time as clock
from datetime import timedelta

from bench import db
from bench.national import Builder
from bench.report import Target, table

SERIES_LENGTH = 9
MAX_TIME_GROWTH = 1.5  # the larger cohort may take at most 1.5× the time of the smaller


@dataclass(frozen=True)
class Cost:
    queries: int
    ms: float


def _measure(write):
    from django.db import connection

    counter = db.QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = write()
        took = time.perf_counter() - started
    return result, Cost(counter.count, took * 1000)


def _cohort(builder, teams):
    """A cohort starting in a month, with `teams` teams of three (room for a fourth), a
    facilitator and a planning partner, like the cohorts around it."""
    from cohorts.choices import FocusArea, OrganisationKind
    from cohorts.models import Cohort, Program

    today = builder.now.date()
    program = Program.objects.create(
        name=f"Bench program {builder.tag}",
        summary="Write costs (rolled back).",
        months=9,
        session_count=SERIES_LENGTH,
        min_organisations=1,
        max_organisations=teams,
        team_size=4,
    )
    cohort = Cohort.objects.create(
        program=program,
        name=f"Bench cohort {builder.tag}",
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=300),
    )
    cohort.facilitators.add(*builder.people(1, "facilitator"))
    partner = builder.organisations(
        1, OrganisationKind.PLANNING_PARTNER, focus_areas=[FocusArea.DATA]
    )
    partner[0].memberships.create(person=builder.people(1, "partner")[0])
    cohort.partners.add(*partner)
    organisations = builder.organisations(teams, OrganisationKind.STATE_GRANTEE, states=["CO"])
    return cohort, builder.teams(cohort, organisations, 3)


def costs(teams, by):
    """The three writes on a new cohort of `teams` teams; all rolled back."""
    from django.db import transaction
    from django.utils import timezone

    from cohorts import services as cohort_services
    from cohorts.choices import TeamRole
    from sessions_app import services as session_services
    from sessions_app.models import LearningSession
    from sessions_app.timing import WEEKLY, plan_series

    with transaction.atomic():
        builder = Builder(f"writes{teams}", timezone.now())
        cohort, enrolments = _cohort(builder, teams)
        zone = "America/Denver"
        planned = plan_series(
            cohort.starts_on, clock(10), zone, WEEKLY, SERIES_LENGTH, every_weeks=2
        )
        sessions, series = _measure(
            lambda: session_services.create_series(
                cohort,
                planned=planned,
                title="Learning session",
                by=by,
                duration_minutes=90,
                time_zone=zone,
                where=LearningSession.Where.VIDEO,
                video_url="https://video.example.org/bench",
            )
        )
        _, reschedule = _measure(
            lambda: session_services.reschedule_session(
                sessions[0],
                starts_at=sessions[0].starts_at + timedelta(days=1),
                reason="A clash with a state legislative hearing.",
                by=by,
            )
        )
        newcomer = builder.people(1, "team")[0]
        _, seat = _measure(
            lambda: cohort_services.add_seat(
                enrolments[0], person=newcomer, role=TeamRole.MEMBER, by=by
            )
        )
        transaction.set_rollback(True)
    return {"series": series, "reschedule": reschedule, "seat": seat}


LABELS = {
    "series": f"schedule a {SERIES_LENGTH}-session series",
    "reschedule": "reschedule one session",
    "seat": "add a person to a team",
}


def run(team_counts):
    """Measure at each size (after an unreported warm-up, which fills Django's caches) and
    print the table; return the targets."""
    from accounts.models import STAFF_GROUP, User

    staff = User.objects.filter(groups__name=STAFF_GROUP).order_by("pk")[0]
    costs(1, staff)
    small, large = team_counts
    measured = {teams: costs(teams, staff) for teams in team_counts}
    rows = []
    for name, label in LABELS.items():
        a, b = measured[small][name], measured[large][name]
        rows.append(
            [label, f"{a.queries:,}", f"{a.ms:,.0f}", f"{b.queries:,}", f"{b.ms:,.0f}",
             f"{b.queries / a.queries:.2f}×", f"{b.ms / a.ms:.2f}×"]
        )  # fmt: skip
    table(
        f"Write costs on the national data (rolled back): teams of three, "
        f"{small} and {large} teams",
        ["write", f"SQL {small}", f"ms {small}", f"SQL {large}", f"ms {large}", "SQL ×",
         "time ×"],
        rows,
    )  # fmt: skip
    targets = []
    for name in ("series", "reschedule"):
        a, b = measured[small][name], measured[large][name]
        targets.append(
            Target(
                f"{LABELS[name]}: the query count does not grow with people "
                f"({a.queries} at {small} teams, {b.queries} at {large})",
                b.queries <= a.queries,
            )
        )
        targets.append(
            Target(
                f"{LABELS[name]}: {large} teams take at most {MAX_TIME_GROWTH}× the time of "
                f"{small} ({b.ms / a.ms:.2f}×)",
                b.ms <= MAX_TIME_GROWTH * a.ms,
            )
        )
    return targets
