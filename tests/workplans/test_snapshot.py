"""When a cohort is completed, every team's workplan is frozen as it stood, for the check-ins
that follow to compare with; later edits don't change it."""

from datetime import date

import pytest
from django.urls import reverse

from cohorts.choices import CohortStatus
from tests.conftest import make_team
from tests.workplans.factories import ActionItemFactory, GoalFactory
from workplans.models import ActionItem, Workplan, WorkplanSnapshot
from workplans.services.review import freeze_workplans


@pytest.fixture
def running(world):
    world.cohort1.status = CohortStatus.ACTIVE
    world.cohort1.save(update_fields=["status"])
    return world.cohort1


@pytest.fixture
def item(world):
    goal = GoalFactory(
        workplan__enrolment=world.team_a,
        title="Disaggregate enrolment data",
        target_date=date(2027, 3, 31),
    )
    return ActionItemFactory(
        goal=goal,
        title="Ask the data partner",
        owner=world.team_a_ed,
        due_on=date(2027, 1, 15),
        status=ActionItem.Status.IN_PROGRESS,
    )


def complete(client, world):
    client.force_login(world.staff)
    return client.post(reverse("cohorts:cohort_complete", args=[world.cohort1.pk]))


def test_completing_the_cohort_freezes_each_teams_workplan(client, world, running, item):
    complete(client, world)

    snapshot = WorkplanSnapshot.objects.get(workplan__enrolment=world.team_a)
    assert snapshot.data == {
        "goals": [
            {
                "id": item.goal.pk,
                "title": "Disaggregate enrolment data",
                "focus_area": item.goal.focus_area,
                "target_date": "2027-03-31",
                "action_items": [
                    {
                        "id": item.pk,
                        "title": "Ask the data partner",
                        "owner": world.team_a_ed.get_full_name(),
                        "owner_id": world.team_a_ed.pk,
                        "due_on": "2027-01-15",
                        "status": "in_progress",
                    }
                ],
            }
        ]
    }


def test_a_team_without_a_workplan_gets_an_empty_snapshot(client, world, running, item):
    complete(client, world)

    snapshot = WorkplanSnapshot.objects.get(workplan__enrolment=world.team_b)
    assert snapshot.data == {"goals": []}
    assert not WorkplanSnapshot.objects.filter(workplan__enrolment=world.team_c).exists()


def test_later_edits_do_not_change_the_snapshot(client, world, running, item):
    complete(client, world)

    item.status = ActionItem.Status.DONE
    item.title = "Renamed after the end"
    item.save()
    GoalFactory(workplan=item.goal.workplan, title="A goal added later")

    snapshot = WorkplanSnapshot.objects.get(workplan__enrolment=world.team_a)
    frozen_item = snapshot.data["goals"][0]["action_items"][0]
    assert (frozen_item["status"], frozen_item["title"]) == ("in_progress", "Ask the data partner")
    assert len(snapshot.data["goals"]) == 1


def test_a_snapshot_already_taken_is_never_overwritten(world, item):
    freeze_workplans(cohort=world.cohort1)
    item.status = ActionItem.Status.DONE
    item.save()

    freeze_workplans(cohort=world.cohort1)

    snapshot = WorkplanSnapshot.objects.get(workplan__enrolment=world.team_a)
    assert snapshot.data["goals"][0]["action_items"][0]["status"] == "in_progress"


def test_the_snapshot_page_shows_the_frozen_workplan(client, world, running, item):
    complete(client, world)
    item.status = ActionItem.Status.DONE
    item.save()
    client.force_login(world.team_a_ed)

    page = client.get(reverse("workplans:snapshot", args=[world.team_a.pk])).content.decode()

    assert "Disaggregate enrolment data" in page
    assert "Ask the data partner" in page
    assert "In progress" in page  # as it stood, not Done
    assert world.team_a_ed.get_full_name() in page


def test_before_the_cohort_ends_the_snapshot_page_says_it_is_not_frozen_yet(client, world, item):
    client.force_login(world.team_a_ed)

    response = client.get(reverse("workplans:snapshot", args=[world.team_a.pk]))

    assert response.status_code == 200
    assert "Not frozen yet" in response.content.decode()


def test_the_workplan_page_links_to_the_snapshot_once_the_cohort_is_completed(
    client, world, running, item
):
    url = reverse("workplans:snapshot", args=[world.team_a.pk])
    client.force_login(world.team_a_ed)
    before = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    complete(client, world)
    client.force_login(world.team_a_ed)
    after = client.get(reverse("workplans:workplan", args=[world.team_a.pk])).content.decode()

    assert url not in before
    assert url in after


def test_html_in_a_frozen_title_is_shown_escaped(client, world, running):
    GoalFactory(workplan__enrolment=world.team_a, title="<script>alert(1)</script>")
    complete(client, world)
    client.force_login(world.team_a_ed)

    page = client.get(reverse("workplans:snapshot", args=[world.team_a.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_another_team_gets_a_404_for_the_snapshot(client, world, running, item):
    complete(client, world)
    client.force_login(world.team_b_ed)

    response = client.get(reverse("workplans:snapshot", args=[world.team_a.pk]))

    assert response.status_code == 404


def test_freezing_costs_a_few_queries_per_team(world, django_assert_max_num_queries, item):
    for _ in range(3):
        make_team(world.cohort1)
    teams = world.cohort1.enrolments.count()

    # The teams (one), then per team: its workplan (get or create: up to three), whether a
    # snapshot exists and its insert (two, or three with the savepoint), its goals and their
    # items (two).
    with django_assert_max_num_queries(1 + teams * 10):
        freeze_workplans(cohort=world.cohort1)

    assert WorkplanSnapshot.objects.count() == teams
    assert Workplan.objects.filter(enrolment__cohort=world.cohort1).count() == teams
