"""Query counts of the support pages stay the same with 2 and 20 requests (the inbox, a team's
list) and with 2 and 20 steps on a request's timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workplans.factories import SupportRequestFactory
from workplans.models import SupportEvent, SupportRequest

pytestmark = pytest.mark.usefixtures("september")


def requests_for(world, count):
    return [
        SupportRequestFactory(
            enrolment=world.team_a,
            partner=world.partner_org,
            assignee=world.partner,
            status=SupportRequest.Status.ASSIGNED,
        )
        for _ in range(count)
    ]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("show", ["mine", "waiting", "all"])
def test_the_inbox_reads_the_same_with_2_and_20_requests(
    client, world, show, django_assert_max_num_queries
):
    client.force_login(world.partner)
    url = reverse("workplans:support_inbox") + f"?show={show}"
    requests_for(world, 2)
    few = queries(client, url)
    requests_for(world, 18)
    assert queries(client, url) == few
    # Session and person, the person's roles (the nav), staff? (the scope), the two tabs'
    # counts, the page's count and its rows (with team, cohort, partner and assignee joined).
    with django_assert_max_num_queries(8):
        client.get(url)


def test_a_teams_list_reads_the_same_with_2_and_20_requests(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.team_a_ed)
    url = reverse("workplans:support_list", args=[world.team_a.pk])
    requests_for(world, 2)
    few = queries(client, url)
    requests_for(world, 18)
    assert queries(client, url) == few
    # Session and person, staff? (the scope), the team, may they ask (a seat), the person's
    # roles (the nav), the requests (with partner and assignee joined).
    with django_assert_max_num_queries(7):
        client.get(url)


def add_steps(support_request, count, by):
    SupportEvent.objects.bulk_create(
        SupportEvent(
            request=support_request,
            step=SupportEvent.Step.HELPED,
            by=by,
            given_on="2026-08-30",
            hours=1,
            note="Met",
        )
        for _ in range(count)
    )


@pytest.mark.parametrize("role", ["partner", "team_a", "staff"])
def test_a_requests_page_reads_the_same_with_2_and_20_steps(
    client, world, role, django_assert_max_num_queries
):
    support_request = requests_for(world, 1)[0]
    support_request.status = SupportRequest.Status.ACCEPTED
    support_request.save()
    client.force_login(world.person(role))
    url = support_request.get_absolute_url()
    add_steps(support_request, 2, world.partner)
    few = queries(client, url)
    add_steps(support_request, 18, world.partner)
    assert queries(client, url) == few
    # Session and person, staff? (the scope), the request (with team, cohort, partner, assignee
    # and goal joined), its steps with who took them and to whom, the rules behind the buttons
    # (a seat on the team; a membership of the partner, for answering and for assigning), the
    # person's roles (the nav).
    with django_assert_max_num_queries(9):
        client.get(url)
