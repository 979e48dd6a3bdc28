"""The workplan page: who sees it (a table of role × page), what the team and its readers see,
and what it costs."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.workplans.factories import (
    ActionItemFactory,
    CommentFactory,
    GoalFactory,
    SupportRequestFactory,
    WorkplanFactory,
)
from workplans.choices import WorkplanStatus
from workplans.models import Workplan
from workplans.services import workplan as services

pytestmark = pytest.mark.django_db

TODAY = date(2027, 1, 18)


@pytest.fixture(autouse=True)
def _mid_january():
    with time_machine.travel("2027-01-18 17:00Z", tick=False):
        yield


@pytest.fixture
def plan(world):
    """Team A's workplan: one goal with a comment, one action item overdue by 3 days."""
    item = ActionItemFactory(
        goal__workplan__enrolment=world.team_a,
        goal__title="Disaggregate enrolment data",
        title="Ask the data office for the 2026 tables",
        owner=world.team_a_ed,
        due_on=date(2027, 1, 15),
    )
    CommentFactory(action_item=None, goal=item.goal, workplan=item.goal.workplan, author=world.fac1)
    return item.goal.workplan


def pages(world, plan):
    item = plan.goals.get().action_items.get()
    return {
        "workplan": reverse("workplans:workplan", args=[world.team_a.pk]),
        "timeline": reverse("workplans:timeline", args=[world.team_a.pk]),
        "csv": reverse("workplans:action_items_csv", args=[world.team_a.pk]),
        "item": reverse("workplans:action_item", args=[item.pk]),
    }


def partner_assigned(world):
    SupportRequestFactory(enrolment=world.team_a, partner=world.partner_org, assignee=world.partner)


# role, how the situation is set up, status, may edit
VISIBILITY = [
    ("team_a", None, 200, True),
    ("team_a_member", None, 200, True),
    ("team_b", None, 404, False),
    ("team_b", "shared", 200, False),
    ("team_b", "shared_not_opted_in", 404, False),
    ("team_c", "shared", 404, False),
    ("fac1", None, 200, False),
    ("fac2", None, 404, False),
    ("partner", None, 404, False),
    ("partner", "assigned", 200, False),
    ("stray_partner", None, 404, False),
    # Staff hold every permission (accounts.backends.AllianceStaffBackend): a fallback.
    ("staff", None, 200, True),
]


def set_up(world, plan, situation):
    if situation in ("shared", "shared_not_opted_in"):
        world.cohort1.shares_workplans = True
        world.cohort1.save()
        plan.shared = situation == "shared"
        plan.save()
    elif situation == "assigned":
        partner_assigned(world)


def person(world, role):
    if role == "team_a_member":
        return world.team_a.seats.current().exclude(person=world.team_a_ed).first().person
    return world.person(role)


@pytest.mark.parametrize(("role", "situation", "status", "may_edit"), VISIBILITY)
def test_who_sees_team_as_workplan_and_who_may_change_it(
    client, world, plan, role, situation, status, may_edit
):
    set_up(world, plan, situation)
    client.force_login(person(world, role))

    for url in pages(world, plan).values():
        assert client.get(url).status_code == status, url

    if status == 200:
        page = client.get(pages(world, plan)["workplan"]).content.decode()
        assert ("Add a goal" in page) is may_edit
        assert ("Add an action item" in page) is may_edit
        assert ("hx-post" in page) is may_edit


@pytest.mark.parametrize("role", ["fac1", "team_b"])
def test_readers_see_the_goals_but_no_edit_controls(client, world, plan, role):
    set_up(world, plan, "shared")
    client.force_login(world.person(role))

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert "Disaggregate enrolment data" in page
    assert "Ask the data office for the 2026 tables" in page
    assert "only the team changes it" in page
    assert reverse("workplans:goal_create", args=[world.team_a.pk]) not in page


@pytest.mark.parametrize("role", ["team_b", "fac1", "partner"])
def test_readers_get_403_on_the_forms_and_the_status_click(client, world, plan, role):
    set_up(world, plan, "shared")
    partner_assigned(world)
    item = plan.goals.get().action_items.get()
    goal = item.goal
    client.force_login(world.person(role))

    for url in [
        reverse("workplans:goal_create", args=[world.team_a.pk]),
        reverse("workplans:goal_edit", args=[goal.pk]),
        reverse("workplans:action_create", args=[goal.pk]),
        reverse("workplans:action_edit", args=[item.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("workplans:action_status", args=[item.pk]), {"status": "done", "version": 1}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "not_started"


def test_the_facilitator_sees_the_comments_on_a_goal(client, world, plan):
    client.force_login(world.fac1)

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert "Good progress: who else needs to be in the room?" in page


def test_the_page_says_overdue_in_words_with_a_labelled_icon(client, world, plan):
    client.force_login(world.team_a_ed)

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert "Overdue by 3 days" in page
    assert "0 of 1" in page
    assert '<span class="overdue-icon" aria-hidden="true">' in page


def test_an_empty_workplan_says_how_to_start_and_is_not_created_by_looking(client, world):
    client.force_login(world.team_a_ed)

    response = client.get(reverse("workplans:workplan", args=[world.team_a.pk]))

    assert response.status_code == 200
    assert "Your workplan has no goals yet" in response.content.decode()
    assert not Workplan.objects.exists()


def test_a_reader_of_an_empty_workplan_is_told_the_team_has_not_started(client, world):
    client.force_login(world.fac1)

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert "The team has not started its workplan" in page


def test_titles_with_html_are_shown_escaped(client, world):
    ActionItemFactory(
        goal__workplan__enrolment=world.team_a,
        goal__title="<script>alert(1)</script>",
        title="<b>bold</b>",
    )
    client.force_login(world.team_a_ed)

    page = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def add_goals(world, count):
    plan = WorkplanFactory(enrolment=world.team_a)
    for _ in range(count):
        goal = GoalFactory(workplan=plan)
        CommentFactory(action_item=None, goal=goal, workplan=plan, author=world.fac1)
        for owner in world.team_a.seats.current().values_list("person", flat=True):
            ActionItemFactory(goal=goal, owner_id=owner)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["team_a", "fac1"])
def test_the_workplan_page_costs_the_same_with_2_and_20_goals(
    client, world, django_assert_max_num_queries, role
):
    url = reverse("workplans:workplan", args=[world.team_a.pk])
    client.force_login(world.person(role))
    add_goals(world, 2)
    with_2 = queries_for(client, url)
    add_goals(world, 18)

    with_20 = queries_for(client, url)

    assert with_20 == with_2
    # 1 the login session, 2 the user, 3 the person's roles (for the menu; read first, they
    # answer the selector's "are they staff?"), 4 the team within the person's scope with its
    # workplan and who reviewed it, 5 the goals, 6 their action items with owners, 7 the
    # goals' comments with authors (prefetches, one each for all goals), 8 "do they
    # facilitate the cohort?" and 9 "are they on the team?" (asked once for the page by the
    # review include's review_of).
    with django_assert_max_num_queries(9):
        client.get(url)


def test_a_reviewed_workplan_costs_what_a_draft_costs(client, world):
    """The page names who reviewed the workplan: read with the team, not on its own."""
    url = reverse("workplans:workplan", args=[world.team_a.pk])
    client.force_login(world.team_a_ed)
    add_goals(world, 2)
    draft = queries_for(client, url)
    Workplan.objects.filter(enrolment=world.team_a).update(
        status=WorkplanStatus.REVIEWED, reviewed_at=timezone.now(), reviewed_by=world.fac1
    )

    assert queries_for(client, url) == draft
    assert world.fac1.full_name in client.get(url).content.decode()


def changed_many_times(world, count):
    """An action item whose owner changed `count` times, with a comment per change."""
    item = ActionItemFactory(goal__workplan__enrolment=world.team_a)
    team = [seat.person for seat in world.team_a.seats.current()]
    for turn in range(count):
        item = services.edit_action_item(
            item, by=team[turn % 3], version=item.version, owner=team[(turn + 1) % 3]
        )
        CommentFactory(action_item=item, author=world.fac1)
    return item


def test_the_item_page_and_the_timeline_cost_the_same_with_2_and_20_changes(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.team_a_ed)
    few, many = changed_many_times(world, 2), changed_many_times(world, 20)
    item_urls = [reverse("workplans:action_item", args=[item.pk]) for item in (few, many)]

    assert queries_for(client, item_urls[0]) == queries_for(client, item_urls[1])
    # 1 the login session, 2 the user, 3 "are they staff?", 4 the item within the person's
    # scope (goal, team and owner joined), 5 its progress updates with who made them, 6 the
    # owners they name, 7 the person's roles for the menu, 8 "do they facilitate?" and 9 "are
    # they on the team?" (the review include's review_of, asked once), 10 the item's comments
    # with their authors.
    with django_assert_max_num_queries(10):
        client.get(item_urls[1])
    # 1–3 as above, 4 the team within scope, 5 its workplan, 6 the count of its updates (the
    # pages), 7 one page of updates with who and which item, 8 the owners they name, 9 the
    # person's roles for the menu.
    with django_assert_max_num_queries(9):
        client.get(reverse("workplans:timeline", args=[world.team_a.pk]))
