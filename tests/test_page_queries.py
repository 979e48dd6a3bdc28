"""The busiest pages cost the same number of queries with a little data and with ten times
as much: the cohort page (teams, readiness, attendance by team), a session page with its
attendance list, and the outbox."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Notification
from sessions_app import notices
from sessions_app import services as session_services
from sessions_app.models import Attendance
from tests.conftest import SEPTEMBER_1, make_team
from tests.sessions_app.factories import LearningSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

NOW = SEPTEMBER_1


def held_sessions(cohort, count, by):
    """`count` sessions already held, each with every team member marked present."""
    for offset in range(count):
        session = LearningSessionFactory(cohort=cohort, starts_at=NOW - timedelta(weeks=offset + 1))
        for seat in session.cohort.enrolments.all():
            for person_seat in seat.seats.current():
                session_services.mark_attendance(
                    session, person=person_seat.person, mark=Attendance.Mark.PRESENT, by=by
                )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def grow(world, teams, sessions):
    for _ in range(teams):
        make_team(world.cohort1)
    held_sessions(world.cohort1, sessions, world.fac1)


@pytest.mark.parametrize("role", ["staff", "fac1"])
def test_the_cohort_page_costs_the_same_with_2_and_12_teams(client, world, role):
    url = reverse("dashboard:cohort_detail", args=[world.cohort1.pk])
    client.force_login(world.person(role) if role != "staff" else world.staff)
    held_sessions(world.cohort1, 2, world.fac1)
    small = count_queries(client, url)

    grow(world, teams=10, sessions=8)

    assert count_queries(client, url) == small
    # session, user, roles (which answer the staff checks), the cohort, its teams (with
    # whether the person may open each) and their seats (2), facilitators (which answer
    # the facilitator checks), partners, attendance: the held sessions and who was present
    # at them (2) — ten whatever the size of the cohort.
    assert small <= 10


@pytest.mark.parametrize(
    "started", [timedelta(hours=1), timedelta(weeks=1)], ids=["under way", "held"]
)
def test_a_session_page_with_its_attendance_list_costs_the_same_with_2_and_12_teams(
    client, world, started
):
    session = LearningSessionFactory(cohort=world.cohort1, starts_at=NOW - started)
    url = reverse("sessions_app:session_detail", args=[session.pk])
    client.force_login(world.fac1)
    count_queries(client, url)  # warm the process-wide caches (content types) first
    small = count_queries(client, url)

    for _ in range(10):
        make_team(world.cohort1)

    assert count_queries(client, url) == small
    # login session, user, roles (which answer the staff check), the session (with its
    # wrap-up and whether the person facilitates its cohort, which answers the permission
    # check), the held notices, the roll (rows, seats, partners), materials, facilitators,
    # moves: eleven at any size.
    assert small <= 11


def test_the_outbox_costs_the_same_with_few_and_many_messages(client, world):
    client.force_login(world.staff)
    url = reverse("notifications:outbox")
    notices.sync_session(
        LearningSessionFactory(cohort=world.cohort1, starts_at=NOW + timedelta(days=10))
    )
    few = Notification.objects.count()
    small = count_queries(client, url)

    for offset in range(5):
        notices.sync_session(
            LearningSessionFactory(
                cohort=world.cohort1, starts_at=NOW + timedelta(days=11 + offset)
            )
        )

    assert Notification.objects.count() >= 5 * few > 0
    assert count_queries(client, url) == small
    # session, user, roles, the count for the pager, the page of rows (with recipient,
    # cohort and kind joined), the sessions the rows are about (one query per content type,
    # to name each row's session), the cohorts for the filter.
    assert small <= 9
