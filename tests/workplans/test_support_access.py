"""Who reaches a support request and what they may do with it: team A's request, assigned to the
cohort's planning partner, as a table of role × page → status; the steps each role may take;
and a partner reads team A's workplan only while a request of team A is assigned to it."""

import pytest
from django.urls import reverse

from tests.submissions import with_token
from tests.workplans.factories import GoalFactory, SupportRequestFactory
from workplans.models import SupportRequest

pytestmark = pytest.mark.usefixtures("september")


@pytest.fixture
def assigned(world):
    return SupportRequestFactory(
        enrolment=world.team_a,
        requested_by=world.team_a_ed,
        partner=world.partner_org,
        assignee=world.partner,
        status=SupportRequest.Status.ASSIGNED,
    )


READS = [
    ("team_a", 200),
    ("partner", 200),
    ("fac1", 200),
    ("staff", 200),
    ("stray_partner", 404),
    ("team_b", 404),
    ("team_c", 404),
    ("fac2", 404),
]


@pytest.mark.parametrize(("role", "status"), READS)
def test_who_may_read_a_teams_request(client, world, assigned, role, status):
    client.force_login(world.person(role))
    assert client.get(reverse("workplans:support_request", args=[assigned.pk])).status_code == (
        status
    )


TEAM_LIST = [
    ("team_a", 200),
    ("fac1", 200),
    ("staff", 200),
    ("partner", 404),  # a partner works from its inbox, not a team's whole list
    ("team_b", 404),
    ("team_c", 404),
    ("fac2", 404),
]


@pytest.mark.parametrize(("role", "status"), TEAM_LIST)
def test_who_may_read_a_teams_list_of_requests(client, world, assigned, role, status):
    client.force_login(world.person(role))
    url = reverse("workplans:support_list", args=[world.team_a.pk])
    assert client.get(url).status_code == status


# Staff hold every permission (accounts.backends.AllianceStaffBackend): they can step in.
@pytest.mark.parametrize(("role", "status"), [("team_a", 200), ("staff", 200), ("fac1", 403)])
def test_the_team_asks_for_its_own_support(client, world, role, status):
    client.force_login(world.person(role))
    assert client.get(reverse("workplans:support_create", args=[world.team_a.pk])).status_code == (
        status
    )


@pytest.mark.parametrize(
    ("role", "status"), [("staff", 200), ("partner", 200), ("fac1", 403), ("team_a", 403)]
)
def test_staff_and_the_partner_organisation_assign(client, world, assigned, role, status):
    client.force_login(world.person(role))
    url = reverse("workplans:support_assign", args=[assigned.pk])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("partner", 200), ("staff", 200), ("fac1", 403), ("team_a", 403)]
)
def test_the_partner_answers(client, world, assigned, role, status):
    client.force_login(world.person(role))
    assert client.get(reverse("workplans:support_help", args=[assigned.pk])).status_code == status
    assert client.get(reverse("workplans:support_close", args=[assigned.pk])).status_code == status


@pytest.mark.parametrize(("role", "status"), [("team_a", 200), ("partner", 403), ("fac1", 403)])
def test_the_team_reopens(client, world, assigned, role, status):
    client.force_login(world.person(role))
    url = reverse("workplans:support_reopen", args=[assigned.pk])
    assert client.get(url).status_code == status


def test_the_facilitator_reads_but_is_offered_no_step(client, world, assigned):
    client.force_login(world.fac1)
    response = client.get(reverse("workplans:support_request", args=[assigned.pk]))
    assert not any(response.context["can"].values())


def test_the_assignee_is_offered_accept_and_close(client, world, assigned):
    client.force_login(world.partner)
    can = client.get(reverse("workplans:support_request", args=[assigned.pk])).context["can"]
    assert {step for step, allowed in can.items() if allowed} == {"assign", "accept", "close"}


def test_another_teams_goal_forged_into_the_form_is_a_field_error(client, world):
    theirs = GoalFactory(workplan__enrolment=world.team_b)
    client.force_login(world.team_a_ed)
    url = reverse("workplans:support_create", args=[world.team_a.pk])
    data = {"focus_area": "data", "need": "x", "needed_by": "2026-10-01", "goal": theirs.pk}
    response = client.post(url, with_token(client, url, data))
    assert response.status_code == 200
    assert response.context["form"].errors["goal"] == ["Choose one of your team's goals."]
    assert not SupportRequest.objects.exists()


def test_a_partner_reads_a_teams_workplan_only_while_a_request_of_it_is_assigned(client, world):
    url = reverse("workplans:workplan", args=[world.team_a.pk])
    client.force_login(world.partner)
    assert client.get(url).status_code == 404

    support_request = SupportRequestFactory(enrolment=world.team_a)
    assert client.get(url).status_code == 404  # asked, not yet given to the partner

    client.force_login(world.staff)
    client.post(
        reverse("workplans:support_assign", args=[support_request.pk]),
        {
            "version": support_request.version,
            "partner": world.partner_org.pk,
            "assignee": world.partner.pk,
        },
    )
    client.force_login(world.partner)
    assert client.get(url).status_code == 200
    assert client.get(reverse("workplans:workplan", args=[world.team_b.pk])).status_code == 404
