"""The facilitator's review queue: across the cohorts a person facilitates (staff: every
running cohort), the workplans submitted for review, the action items blocked and the support
requests not yet taken up, oldest first — in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cohorts.choices import CohortStatus
from dashboard.selectors import QUEUE_SHOWN
from tests.conftest import SEPTEMBER_1, make_team
from tests.factories import CohortFactory
from tests.workplans.factories import ActionItemFactory, SupportRequestFactory, WorkplanFactory
from workplans.choices import ActionStatus, SupportStatus, WorkplanStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

NOW = SEPTEMBER_1
URL = reverse("dashboard:review_queue")


def submitted(team, days_ago):
    return WorkplanFactory(
        enrolment=team,
        status=WorkplanStatus.SUBMITTED,
        submitted_at=NOW - timedelta(days=days_ago),
    )


def blocked(team, title, days_ago=1):
    return ActionItemFactory(
        goal__workplan__enrolment=team,
        title=title,
        status=ActionStatus.BLOCKED,
        blocked_reason="Waiting on the state agency's data",
        updated_at=NOW - timedelta(days=days_ago),
    )


def queue_of(client, person):
    client.force_login(person)
    return client.get(URL)


def test_a_facilitator_sees_the_submitted_workplans_of_their_cohorts_only(client, world):
    submitted(world.team_a, days_ago=3)
    submitted(world.team_c, days_ago=3)
    response = queue_of(client, world.fac1)
    assert response.status_code == 200
    assert [w.enrolment for w in response.context["workplans"]] == [world.team_a]
    content = response.content.decode()
    assert world.team_a.organisation.name in content
    assert world.team_c.organisation.name not in content
    assert reverse("workplans:workplan", args=[world.team_a.pk]) in content


def test_another_cohorts_facilitator_does_not_see_team_as_workplan(client, world):
    submitted(world.team_a, days_ago=3)
    response = queue_of(client, world.fac2)
    assert response.context["workplans"] == []
    assert world.team_a.organisation.name not in response.content.decode()


@pytest.mark.parametrize("role", ["team_a", "team_c", "partner", "stray_partner"])
def test_team_members_and_partners_are_refused(client, world, role):
    """A page without an object: refused for who they are (as dashboard:partner_teams)."""
    assert queue_of(client, world.person(role)).status_code == 403


def test_staff_see_every_running_cohort(client, world):
    submitted(world.team_a, days_ago=1)
    submitted(world.team_c, days_ago=2)
    finished = CohortFactory(status=CohortStatus.COMPLETED)
    submitted(make_team(finished), days_ago=5)
    response = queue_of(client, world.staff)
    assert [w.enrolment for w in response.context["workplans"]] == [world.team_c, world.team_a]


def test_a_facilitator_keeps_seeing_a_cohort_that_has_ended(client, world):
    world.cohort1.status = CohortStatus.COMPLETED
    world.cohort1.save()
    submitted(world.team_a, days_ago=1)
    assert len(queue_of(client, world.fac1).context["workplans"]) == 1


def test_each_list_is_oldest_first_with_its_age_in_words(client, world):
    submitted(world.team_a, days_ago=1)
    submitted(world.team_b, days_ago=6)
    blocked(world.team_a, "Newer block", days_ago=2)
    blocked(world.team_b, "Older block", days_ago=9)
    newer = SupportRequestFactory(enrolment=world.team_a, created_at=NOW - timedelta(days=1))
    older = SupportRequestFactory(enrolment=world.team_b, created_at=NOW - timedelta(days=4))

    response = queue_of(client, world.fac1)
    assert [w.enrolment for w in response.context["workplans"]] == [world.team_b, world.team_a]
    assert [i.title for i in response.context["blocked"]] == ["Older block", "Newer block"]
    assert response.context["support"] == [older, newer]
    content = response.content.decode()
    assert "waiting 6\xa0days" in content
    assert "for 1\xa0week, 2\xa0days" in content
    assert "asked 4\xa0days ago" in content
    assert "Waiting on the state agency&#x27;s data" in content


def test_only_requests_not_yet_taken_up_are_waiting(client, world):
    waiting = [
        SupportRequestFactory(enrolment=world.team_a, need="Nobody has it yet"),
        SupportRequestFactory(
            enrolment=world.team_a,
            need="Assigned, not accepted",
            status=SupportStatus.ASSIGNED,
            partner=world.partner_org,
            assignee=world.partner,
        ),
    ]
    for status in (SupportStatus.ACCEPTED, SupportStatus.CLOSED):
        SupportRequestFactory(enrolment=world.team_a, need=f"Already {status}", status=status)
    response = queue_of(client, world.fac1)
    assert set(response.context["support"]) == set(waiting)
    content = response.content.decode()
    assert f"Not yet accepted by {world.partner.full_name}" in content
    assert "Waiting to be assigned" in content
    assert "Already accepted" not in content
    assert reverse("workplans:support_request", args=[waiting[0].pk]) in content


def test_only_blocked_items_are_in_the_queue(client, world):
    stuck = blocked(world.team_a, "Stuck")
    ActionItemFactory(goal__workplan__enrolment=world.team_a, title="Moving along")
    content = queue_of(client, world.fac1).content.decode()
    assert "Stuck" in content
    assert reverse("workplans:action_item", args=[stuck.pk]) in content
    assert "Moving along" not in content


def test_an_empty_queue_says_it_is_clear(client, world):
    WorkplanFactory(enrolment=world.team_a)  # a draft: not waiting for review
    response = queue_of(client, world.fac1)
    assert "The queue is clear" in response.content.decode()


def test_the_facilitator_finds_the_queue_in_the_menu_and_on_home(client, world):
    client.force_login(world.fac1)
    content = client.get(reverse("home")).content.decode()
    assert content.count(f'href="{URL}"') == 2


def test_a_team_member_has_no_queue_in_the_menu(client, world):
    client.force_login(world.team_a_ed)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def fill_queue(cohort, teams):
    """`teams` teams in the cohort, each with a submitted workplan, a blocked action item and
    an open support request."""
    for n in range(teams):
        team = make_team(cohort)
        submitted(team, days_ago=n)
        blocked(team, f"Blocked {n}", days_ago=n)
        SupportRequestFactory(enrolment=team, created_at=NOW - timedelta(days=n))


@pytest.mark.parametrize("teams", [2, 20])
def test_the_queue_costs_the_same_queries_with_2_or_20_of_everything(
    client, world, teams, django_assert_max_num_queries
):
    """1. the session row; 2. the person; 3. their roles (request.roles, which decides who may
    see the page); 4. the submitted workplans with their team, cohort and sender; 5. the
    blocked action items with their owner, team and cohort; 6. the support requests waiting,
    with team, cohort, partner and assignee; 7. and 8. the check-ins submitted and overdue
    (none here: tests/dashboard/test_review_queue_checkins.py counts them). Each list carries
    its own total (a window count), and the cohorts reviewed are a subquery of each."""
    fill_queue(world.cohort1, teams)
    client.force_login(world.fac1)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    for name in ("workplans", "blocked", "support"):
        assert len(response.context[name]) == teams
        assert response.context[name][0].waiting == teams


def test_a_long_list_shows_its_oldest_and_says_how_many_wait(client, world):
    for n in range(QUEUE_SHOWN + 1):
        blocked(world.team_a, f"Blocked {n}", days_ago=n)
    response = queue_of(client, world.fac1)
    titles = [item.title for item in response.context["blocked"]]
    assert len(titles) == QUEUE_SHOWN
    assert titles[0] == f"Blocked {QUEUE_SHOWN}"
    assert f"The oldest {QUEUE_SHOWN} of {QUEUE_SHOWN + 1} are shown" in response.content.decode()
