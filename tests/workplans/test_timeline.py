"""The progress timeline records every change of an action item's status, owner and due date
(and its creation), in the same transaction, and shows it as people read it."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from tests.workplans.factories import GoalFactory
from workplans.models import ProgressUpdate
from workplans.services import workplan as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    ed = world.team_a_ed
    member = world.team_a.seats.current().exclude(person=ed).first().person
    member.full_name = "Maya Member"
    member.save()
    ed.full_name = "Eda Director"
    ed.save()
    return ed, member


@pytest.fixture
def goal(world):
    return GoalFactory(workplan__enrolment=world.team_a)


def test_every_change_is_recorded_with_who_when_and_from_to(world, goal, people):
    ed, member = people
    with time_machine.travel("2027-01-05 15:00Z", tick=False):
        item = services.add_action_item(goal, by=ed, title="Draft the survey", owner=ed)
    with time_machine.travel("2027-01-06 15:00Z", tick=False):
        item, _ = services.set_status(item, by=member, version=1, status="in_progress")
    with time_machine.travel("2027-01-07 15:00Z", tick=False):
        item = services.edit_action_item(
            item, by=ed, version=2, owner=member, due_on=date(2027, 2, 1), note="Maya leads"
        )
    with time_machine.travel("2027-01-08 15:00Z", tick=False):
        services.set_status(
            item, by=member, version=3, status="blocked", reason="Waiting on the printer"
        )

    rows = list(
        ProgressUpdate.objects.order_by("at", "pk").values_list(
            "field", "old_value", "new_value", "by", "note"
        )
    )
    assert rows == [
        ("created", "", "not_started", ed.pk, ""),
        ("status", "not_started", "in_progress", member.pk, ""),
        ("owner", str(ed.pk), str(member.pk), ed.pk, "Maya leads"),
        ("due_on", "", "2027-02-01", ed.pk, ""),
        ("status", "in_progress", "blocked", member.pk, "Waiting on the printer"),
    ]
    assert set(ProgressUpdate.objects.values_list("workplan", flat=True)) == {goal.workplan_id}


def test_the_change_and_its_update_are_one_transaction(world, goal, people, monkeypatch):
    ed, _member = people
    item = services.add_action_item(goal, by=ed, title="Draft the survey")

    def broken(*args, **kwargs):
        raise RuntimeError("the ledger is down")

    monkeypatch.setattr(services.notices, "status_changed", broken)
    with pytest.raises(RuntimeError):
        services.set_status(item, by=ed, version=1, status="done")

    item.refresh_from_db()
    assert (item.status, item.version) == ("not_started", 1)
    assert ProgressUpdate.objects.count() == 1  # its creation only


def test_the_item_page_shows_names_labels_and_local_times(client, world, goal, people):
    ed, member = people
    ed.time_zone = "America/Phoenix"
    ed.save()
    with time_machine.travel("2027-01-05 15:00Z", tick=False):
        item = services.add_action_item(goal, by=ed, title="Draft the survey", owner=ed)
        item = services.edit_action_item(item, by=ed, version=1, owner=member)
        services.set_status(item, by=member, version=2, status="done")
    client.force_login(ed)

    page = client.get(reverse("workplans:action_item", args=[item.pk])).content.decode()

    assert "changed the owner from Eda Director to Maya Member" in page
    assert "changed the status from Not started to Done" in page
    assert "added this action item (Not started)" in page
    assert "08:00 MST" in page  # 15:00 UTC in Phoenix


def test_the_workplan_timeline_lists_every_items_changes_newest_first(client, world, goal, people):
    ed, member = people
    with time_machine.travel("2027-01-05 15:00Z", tick=False):
        first = services.add_action_item(goal, by=ed, title="First item")
    with time_machine.travel("2027-01-06 15:00Z", tick=False):
        services.add_action_item(goal, by=member, title="Second item", due_on=date(2027, 3, 1))
    client.force_login(world.fac1)

    response = client.get(reverse("workplans:timeline", args=[world.team_a.pk]))

    entries = response.context["entries"]
    assert [entry.update.action_item.title for entry in entries] == ["Second item", "First item"]
    assert reverse("workplans:action_item", args=[first.pk]) in response.content.decode()


def test_an_owner_who_left_the_portal_is_named_as_such(client, world, goal, people):
    ed, _member = people
    item = services.add_action_item(goal, by=ed, title="Draft the survey")
    ProgressUpdate.objects.create(
        workplan=goal.workplan,
        action_item=item,
        field="owner",
        old_value="",
        new_value="999999",
        by=None,
    )
    client.force_login(ed)

    page = client.get(reverse("workplans:action_item", args=[item.pk])).content.decode()

    assert "changed the owner from nobody to someone no longer in the portal" in page
    assert "Someone who left" in page


def test_an_empty_timeline_says_what_will_show_there(client, world):
    client.force_login(world.team_a_ed)

    response = client.get(reverse("workplans:timeline", args=[world.team_a.pk]))

    assert "Nothing has changed yet" in response.content.decode()
