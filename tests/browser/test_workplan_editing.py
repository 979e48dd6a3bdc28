"""The workplan in Chromium: the team changes a status with one click (htmx) and without
scripts, the pages are axe-clean at desktop and phone widths, and a facilitator reads them."""

from datetime import date

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import (
    BROWSER_TEST,
    assert_accessible,
    assert_accessible_on_phone,
    screenshot,
    sign_in,
)
from tests.factories import PASSWORD
from tests.workplans.factories import ActionItemFactory, CommentFactory, GoalFactory
from workplans.models import ActionItem, ProgressUpdate
from workplans.services import workplan as services

pytestmark = BROWSER_TEST


@pytest.fixture
def plan(world):
    ed = world.team_a_ed
    member = world.team_a.seats.current().exclude(person=ed).first().person
    goal = GoalFactory(
        workplan__enrolment=world.team_a,
        title="Disaggregate enrolment data by race and language",
        description="So that every family's experience shows in the numbers we report.",
        focus_area="data",
        target_date=date(2027, 6, 30),
    )
    ActionItemFactory(
        goal=goal,
        title="Ask the state data office for the 2026 enrolment tables",
        owner=ed,
        due_on=date(2026, 11, 20),
    )
    item = services.add_action_item(
        goal,
        by=ed,
        title="Agree the categories with the family advisory group",
        owner=ed,
        due_on=date(2027, 1, 15),
        note="From our kick-off meeting",
    )
    item = services.edit_action_item(item, by=ed, version=1, owner=member, due_on=date(2027, 2, 1))
    services.set_status(
        item,
        by=member,
        version=2,
        status="blocked",
        reason="The advisory group meets again in January.",
    )
    ActionItemFactory(goal=goal, title="Publish the first table", owner=None, status="done")
    second = GoalFactory(
        workplan=goal.workplan, title="Hear families before deciding", focus_area="community"
    )
    CommentFactory(action_item=None, goal=second, workplan=goal.workplan, author=world.fac1)
    return goal.workplan


def as_person(page, person):
    sign_in(page, person.email, PASSWORD)
    page.wait_for_load_state("load")


@time_machine.travel("2026-12-01 17:00Z", tick=True)
def test_the_team_changes_a_status_with_one_click(new_page, world, plan):
    page = new_page()
    as_person(page, world.team_a_ed)
    item = ActionItem.objects.get(title__startswith="Ask the state")

    page.goto(f"/teams/{world.team_a.pk}/workplan/")
    assert_accessible(page, "workplan-team")
    expect(page.locator(f"#action-{item.pk} .overdue")).to_contain_text("Overdue by 11 days")
    page.locator(f"#status-{item.pk}-in_progress").click()

    expect(page.locator(f"#status-{item.pk}-in_progress")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#live-region")).to_contain_text("is In progress")
    assert ProgressUpdate.objects.get(action_item=item, field="status").new_value == "in_progress"
    assert_accessible_on_phone(page, "workplan-team")

    page.locator(f"#status-{item.pk}-blocked").click()
    page.fill(f"#reason-{item.pk}", "")
    page.locator(f"#action-{item.pk}").get_by_role("button", name="Mark blocked").click()
    expect(page.locator(f"#action-{item.pk}")).to_contain_text("Say why it is blocked")
    assert_accessible(page, "workplan-blocked-error")


@time_machine.travel("2026-12-01 17:00Z", tick=True)
def test_one_click_works_without_scripts(new_page, world, plan):
    page = new_page(java_script_enabled=False)
    as_person(page, world.team_a_ed)
    item = ActionItem.objects.get(title__startswith="Ask the state")

    page.goto(f"/teams/{world.team_a.pk}/workplan/")
    page.locator(f"#status-{item.pk}-done").click()

    expect(page.locator(f"#status-{item.pk}-done")).to_have_attribute("aria-pressed", "true")
    item.refresh_from_db()
    assert item.status == "done"


@time_machine.travel("2026-12-01 17:00Z", tick=True)
def test_the_forms_item_page_and_timeline_are_accessible(new_page, world, plan):
    page = new_page()
    as_person(page, world.team_a_ed)
    item = ActionItem.objects.get(title__startswith="Agree")
    goal = item.goal

    for url, name in [
        (f"/teams/{world.team_a.pk}/workplan/goals/new/", "goal-new"),
        (f"/goals/{goal.pk}/actions/new/", "action-new"),
        (f"/actions/{item.pk}/", "action-item"),
        (f"/actions/{item.pk}/edit/", "action-edit"),
        (f"/teams/{world.team_a.pk}/workplan/timeline/", "timeline"),
    ]:
        page.goto(url)
        assert_accessible(page, name)
        assert_accessible_on_phone(page, name)

    page.goto(f"/goals/{goal.pk}/actions/new/")
    page.fill("#id_title", "")
    page.fill("#id_due_on", "1 January 2026")
    page.get_by_role("button", name="Add the action item").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page, "action-new-errors")
    assert_accessible_on_phone(page, "action-new-errors")


@time_machine.travel("2026-12-01 17:00Z", tick=True)
def test_the_facilitator_reads_the_workplan(new_page, world, plan):
    page = new_page()
    as_person(page, world.fac1)

    page.goto(f"/teams/{world.team_a.pk}/workplan/")

    expect(page.get_by_role("heading", name="Hear families before deciding")).to_be_visible()
    expect(page.get_by_role("link", name="Add a goal")).to_have_count(0)
    assert_accessible(page, "workplan-facilitator")
    assert_accessible_on_phone(page, "workplan-facilitator")


@time_machine.travel("2026-12-01 17:00Z", tick=True)
def test_the_printed_workplan_has_no_navigation_or_buttons(new_page, world, plan):
    page = new_page()
    as_person(page, world.team_a_ed)
    page.goto(f"/teams/{world.team_a.pk}/workplan/")

    page.emulate_media(media="print")

    screenshot(page, "workplan-print")
    for hidden in ["nav", ".page-actions", ".action-controls", ".goal-actions", "footer"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    expect(page.locator(".action-card").first).to_be_visible()
    expect(page.get_by_text("Overdue by 11 days")).to_be_visible()
