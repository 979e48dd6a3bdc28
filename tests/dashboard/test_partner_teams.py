"""A planning partner's page: the teams it supports, who is on them and how to reach them,
and each cohort's next sessions — its own cohorts only, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cohorts.choices import CohortStatus, TeamRole
from tests.conftest import SEPTEMBER_1, make_team
from tests.factories import CohortFactory, MembershipFactory, PartnerOrganisationFactory
from tests.sessions_app.factories import LearningSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

NOW = SEPTEMBER_1
URL = reverse("dashboard:partner_teams")


def test_a_partner_sees_the_teams_of_its_cohorts_with_their_contacts(client, world):
    session = LearningSessionFactory(
        cohort=world.cohort1, number=4, title="Data for equity", starts_at=NOW + timedelta(days=2)
    )
    client.force_login(world.partner)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()

    assert "Data Partners" in content
    assert "Cohort One" in content
    for team in (world.team_a, world.team_b):
        assert team.organisation.name in content
        for seat in team.seats.all():
            assert seat.person.full_name in content
            assert f'href="mailto:{seat.person.email}">{seat.person.email}</a>' in content
    assert "Executive director" in content
    # The next sessions, in the partner's zone (New York: 11:00 EDT).
    assert "Session 4: Data for equity" in content
    assert session.get_absolute_url() in content
    assert "Thu 3 Sep 2026, 11:00 EDT" in content
    # Another cohort's team is not there.
    assert world.team_c.organisation.name not in content
    for seat in world.team_c.seats.all():
        assert seat.person.email not in content


def test_a_partner_sees_only_current_seats_and_running_cohorts(client, world):
    seat = world.team_a.seats.get(role=TeamRole.MEMBER)
    seat.ended_at = seat.started_at
    seat.save()
    done = CohortFactory(
        name="Finished Cohort", status=CohortStatus.COMPLETED, partners=[world.partner_org]
    )
    old_team = make_team(done)
    client.force_login(world.partner)
    content = client.get(URL).content.decode()
    assert seat.person.email not in content
    assert "Finished Cohort" not in content
    assert old_team.organisation.name not in content


def test_a_partner_assigned_to_no_cohort_sees_an_empty_page(client, world):
    client.force_login(world.stray_partner)
    response = client.get(URL)
    assert response.status_code == 200
    assert "No team to support yet" in response.content.decode()


@pytest.mark.parametrize("who", ["staff", "fac1", "team_a"])
def test_the_page_is_for_planning_partners(client, world, who):
    client.force_login(world.person(who))
    assert client.get(URL).status_code == 403


def test_partners_reach_the_page_from_home(client, world):
    client.force_login(world.partner)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_the_page_costs_the_same_with_1_and_6_cohorts(client, django_assert_num_queries):
    organisation = PartnerOrganisationFactory()
    partner = MembershipFactory(organisation=organisation).person

    def add_cohort():
        cohort = CohortFactory(status=CohortStatus.ACTIVE, partners=[organisation])
        make_team(cohort)
        make_team(cohort)
        LearningSessionFactory(cohort=cohort, starts_at=NOW + timedelta(days=1))
        return cohort

    add_cohort()
    client.force_login(partner)
    # session, person, roles; the partner's organisations; their running cohorts; the teams
    # and their current seats (a prefetch); the next sessions of every cohort (a window).
    with django_assert_num_queries(8):
        client.get(URL)
    cohorts = [add_cohort() for _ in range(5)]
    with django_assert_num_queries(8):
        content = client.get(URL).content.decode()
    assert all(cohort.name in content for cohort in cohorts)
