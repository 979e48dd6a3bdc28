"""The cohort schedule page and the home page cost the same number of queries whatever the
number of sessions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import SEPTEMBER_1
from tests.sessions_app.factories import LearningSessionFactory, LinkMaterialFactory

pytestmark = pytest.mark.usefixtures("september")

NOW = SEPTEMBER_1


def add_sessions(cohort, count):
    """`count` more weekly sessions of the cohort, each with a material. Of the first three,
    two are already held and one is upcoming; every later one is upcoming."""
    start = cohort.learning_sessions.count()
    for offset in range(start, start + count):
        session = LearningSessionFactory(
            cohort=cohort, starts_at=NOW + timedelta(weeks=offset - 2, hours=1)
        )
        LinkMaterialFactory(session=session)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["team_a", "fac1"])
def test_the_cohort_schedule_costs_the_same_with_3_and_30_sessions(
    client, world, django_assert_max_num_queries, role
):
    url = reverse("sessions_app:schedule", args=[world.cohort1.pk])
    client.force_login(world.person(role))
    add_sessions(world.cohort1, 3)
    with_3 = queries_for(client, url)
    add_sessions(world.cohort1, 27)

    with_30 = queries_for(client, url)

    assert with_30 == with_3
    # 1 the login session, 2 the user, 3 the person's roles for the menu (one query of flags),
    # 4 "are they staff?" (the selector's scope), 5 the cohort within the person's scope,
    # 6 "may they schedule?" (are they a facilitator), 7 the cohort's sessions, 8 their
    # materials (one prefetch for all sessions).
    with django_assert_max_num_queries(8):
        client.get(url)


@pytest.mark.parametrize(
    ("role", "most"),
    [
        # 1 the login session, 2 the user, 3 the person's roles, 4 the ids of their cohorts,
        # 5 the upcoming sessions (with cohort and program joined), 6 their materials (one
        # prefetch), 7 the person's team enrolments, 8 the current seats of those teams (one
        # prefetch).
        ("team_a", 8),
        # 1–6 as above, 7 the cohorts they facilitate (with their team counts).
        ("fac1", 7),
    ],
)
def test_the_home_page_costs_the_same_with_3_and_30_sessions(
    client, world, django_assert_max_num_queries, role, most
):
    url = reverse("home")
    client.force_login(world.person(role))
    add_sessions(world.cohort1, 3)
    with_3 = queries_for(client, url)
    add_sessions(world.cohort1, 27)

    with_30 = queries_for(client, url)

    assert with_30 == with_3
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert len(response.context["upcoming"]) == 5
