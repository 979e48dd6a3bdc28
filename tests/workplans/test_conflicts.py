"""Two people of the same team edit the same item: the second save is told, sees both versions,
and loses nothing; saving again applies theirs. A stale one-click status says so too."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction
from django.urls import reverse

from tests.workplans.factories import ActionItemFactory, GoalFactory
from workplans.models import ProgressUpdate
from workplans.services import workplan as services
from workplans.services.workplan import EditConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(world):
    return world.team_a.seats.current().exclude(person=world.team_a_ed).first().person


@pytest.fixture
def item(world):
    return ActionItemFactory(
        goal__workplan__enrolment=world.team_a,
        title="Ask the data office",
        owner=world.team_a_ed,
        due_on=date(2027, 1, 15),
    )


def edit(item, **values):
    return {
        "title": item.title,
        "owner": item.owner_id or "",
        "due_on": item.due_on.isoformat() if item.due_on else "",
        "status": item.status,
        "blocked_reason": "",
        "note": "",
        "version": item.version,
        **values,
    }


def test_the_second_save_is_told_who_changed_the_item_and_sees_both_versions(
    client, world, item, member
):
    opened = edit(item)  # both open the form at version 1
    services.edit_action_item(
        item,
        by=member,
        version=1,
        title="Ask the data office for 2026",
        status="in_progress",
    )
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:action_edit", args=[item.pk]),
        {**opened, "title": "Call the data office", "note": "Mine"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{member} changed this since you opened it" in page
    rows = {row["label"]: row for row in response.context["conflict"]["rows"]}
    assert rows["Title"]["theirs"] == "Ask the data office for 2026"
    assert rows["Title"]["yours"] == "Call the data office"
    assert rows["Status"]["theirs"] == "In progress"
    assert rows["Status"]["yours"] == "Not started"
    # Nothing typed is lost, and the form now carries the version it was told about.
    form = response.context["form"]
    assert form["title"].value() == "Call the data office"
    assert form["note"].value() == "Mine"
    assert str(form["version"].value()) == "2"
    item.refresh_from_db()
    assert (item.title, item.version) == ("Ask the data office for 2026", 2)


def test_saving_again_after_the_warning_applies_the_typed_values(client, world, item, member):
    opened = edit(item)
    services.edit_action_item(item, by=member, version=1, status="in_progress")
    client.force_login(world.team_a_ed)
    url = reverse("workplans:action_edit", args=[item.pk])
    typed = {**opened, "title": "Call the data office"}
    warned = client.post(url, typed)

    response = client.post(url, {**typed, "version": warned.context["form"]["version"].value()})

    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.version) == ("Call the data office", "not_started", 3)
    assert list(
        ProgressUpdate.objects.filter(field="status").values_list("old_value", "new_value", "by")
    ) == [
        ("in_progress", "not_started", world.team_a_ed.pk),
        ("not_started", "in_progress", member.pk),
    ]


def test_a_stale_goal_save_is_told_too(client, world, member):
    goal = GoalFactory(workplan__enrolment=world.team_a, title="First title")
    services.edit_goal(goal, by=member, version=1, title="Their title")
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:goal_edit", args=[goal.pk]),
        {"title": "My title", "focus_area": "data", "version": 1},
    )

    assert response.status_code == 200
    assert f"{member} changed this since you opened it" in response.content.decode()
    assert response.context["form"]["title"].value() == "My title"
    goal.refresh_from_db()
    assert goal.title == "Their title"


def test_a_stale_click_says_so_instead_of_overwriting(client, world, item, member):
    services.set_status(item, by=member, version=1, status="done")
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "blocked", "blocked_reason": "Stuck", "version": 1},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert f"{member} changed this item since you loaded the page: it is Done now." in page
    assert 'value="2"' in page  # the row is the new version: a second click applies
    item.refresh_from_db()
    assert (item.status, item.version) == ("done", 2)


def test_a_stale_plain_click_is_a_message_and_nothing_changes(client, world, item, member):
    services.set_status(item, by=member, version=1, status="done")
    client.force_login(world.team_a_ed)

    response = client.post(
        reverse("workplans:action_status", args=[item.pk]),
        {"status": "in_progress", "version": 1},
        follow=True,
    )

    assert "changed this item since you loaded the page" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done"


def test_the_service_refuses_a_stale_version_and_gives_the_stored_item(world, item, member):
    services.set_status(item, by=member, version=1, status="in_progress")

    with pytest.raises(EditConflict) as refused:
        services.edit_action_item(item, by=world.team_a_ed, version=1, title="Late")

    assert refused.value.current.version == 2
    assert refused.value.current.updated_by == member


@pytest.mark.django_db(transaction=True)
def test_of_two_clicks_at_the_same_moment_the_second_waits_and_is_refused(world, item, member):
    """The version is read under a row lock: a second save waits for the first to commit,
    then finds the version moved on, instead of both reading version 1 and both writing."""
    first_holds_the_lock = threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                services.set_status(item, by=member, version=1, status="done")
                first_holds_the_lock.set()
                time.sleep(0.5)  # the second save starts meanwhile, and must wait
        finally:
            connection.close()

    def second():
        first_holds_the_lock.wait(5)
        try:
            services.set_status(item, by=world.team_a_ed, version=1, status="in_progress")
        except EditConflict as conflict:
            outcome["refused_at_version"] = conflict.current.version
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcome == {"refused_at_version": 2}
    item.refresh_from_db()
    assert (item.status, item.version) == ("done", 2)
    assert ProgressUpdate.objects.filter(field="status").count() == 1
