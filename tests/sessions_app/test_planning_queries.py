"""Planning does not grow with people: scheduling a series and moving a session cost the same
statements for a cohort of 2 teams as for one of 20 (notifications.services.plan_many)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app import services
from sessions_app.timing import PlannedTime
from tests.conftest import make_team
from tests.factories import CohortFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)
FIRST = datetime(2026, 10, 6, 16, 0, tzinfo=UTC)


def cohort_with(teams):
    cohort = CohortFactory(facilitators=[UserFactory()])
    for _ in range(teams):
        make_team(cohort)
    return cohort


def queries(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def schedule_nine(cohort, staff):
    planned = [
        PlannedTime((FIRST + timedelta(weeks=n)).date(), FIRST + timedelta(weeks=n))
        for n in range(9)
    ]
    return services.create_series(
        cohort,
        planned=planned,
        title="Learning session",
        by=staff,
        time_zone="America/Denver",
        where="video",
        video_url="https://video.example.org/room",
    )


@time_machine.travel(NOW, tick=False)
def test_scheduling_a_series_costs_the_same_for_2_and_20_teams():
    staff = StaffFactory()
    small, large = cohort_with(2), cohort_with(20)
    schedule_nine(cohort_with(1), staff)  # warm caches (content types) outside the count

    small_cost = queries(lambda: schedule_nine(small, staff))
    large_cost = queries(lambda: schedule_nine(large, staff))

    assert large_cost == small_cost
    assert large.learning_sessions.get(number=1).pk  # the series was really made
    assert small_cost <= 9 * 12


@time_machine.travel(NOW, tick=False)
def test_rescheduling_costs_the_same_for_2_and_20_teams():
    staff = StaffFactory()
    small, large = cohort_with(2), cohort_with(20)
    small_session = schedule_nine(small, staff)[0]
    large_session = schedule_nine(large, staff)[0]

    def move(session):
        return lambda: services.reschedule_session(
            session, starts_at=session.starts_at + timedelta(hours=1), reason="Room", by=staff
        )

    assert queries(move(large_session)) == queries(move(small_session))
