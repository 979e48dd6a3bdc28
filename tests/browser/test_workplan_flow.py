"""A workplan kept and reviewed, in a real browser on the demo data: arizona@demo.test starts
an action item on Arizona's workplan with one click; facilitator@demo.test finds Arizona's
workplan in the review queue, sees the item in progress and comments on it; Arizona reads
the comment. axe runs on each page, at a desktop's and a phone's width."""

from playwright.sync_api import expect

from cohorts.models import Enrolment
from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    FACILITATOR,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)
from workplans.models import ActionItem, Comment, ProgressUpdate

pytestmark = BROWSER_TEST

COMMENT = "Good start. Who from the parent advisory group will review it with you?"


def test_arizona_starts_an_item_the_facilitator_sees_it_and_comments_arizona_reads_it(
    new_page, demo
):
    arizona = Enrolment.objects.get(cohort__name="OE Cohort 1", organisation__state="AZ")
    item = (
        ActionItem.objects.filter(goal__workplan__enrolment=arizona, status="not_started")
        .order_by("due_on", "pk")
        .first()
    )
    workplan_url = f"/teams/{arizona.pk}/workplan/"

    # Arizona: home → team home → the workplan; one click starts the item.
    team = new_page()
    log_in(team, ARIZONA)
    team.get_by_role("link", name="Team home: workplan, actions, support").first.click()
    assert_accessible(team, "team-home")
    assert_accessible_on_phone(team, "team-home")
    team.goto(workplan_url)
    row = team.locator(f"#action-{item.pk}")
    expect(row).to_contain_text("Not started")
    assert_accessible(team, "workplan")
    assert_accessible_on_phone(team, "workplan")

    row.get_by_role("button", name="In progress").click()

    row = team.locator(f"#action-{item.pk}")
    expect(row.locator(".status-action")).to_contain_text("In progress")
    expect(row.get_by_role("button", name="In progress")).to_have_attribute("aria-pressed", "true")
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert ProgressUpdate.objects.filter(
        action_item=item, field="status", new_value="in_progress", by__email=ARIZONA
    ).exists()
    assert_accessible(team, "workplan-item-started")

    # The facilitator: the review queue → Arizona's workplan → the item, in progress.
    facilitator = new_page()
    log_in(facilitator, FACILITATOR)
    facilitator.goto("/review/")
    workplan_link = facilitator.get_by_role("link", name=f"{arizona.organisation.name}'s workplan")
    expect(workplan_link).to_be_visible()
    assert_accessible(facilitator, "review-queue")
    assert_accessible_on_phone(facilitator, "review-queue")
    workplan_link.click()
    row = facilitator.locator(f"#action-{item.pk}")
    expect(row.locator(".status-action")).to_contain_text("In progress")
    assert_accessible(facilitator, "workplan-as-facilitator")

    row.get_by_role("link", name=item.title).click()
    facilitator.get_by_label("Your comment").fill(COMMENT)
    facilitator.get_by_role("button", name="Post comment").click()
    expect(facilitator.locator("#comments")).to_contain_text(COMMENT)
    assert Comment.objects.filter(action_item=item, author__email=FACILITATOR).count() == 1
    assert_accessible(facilitator, "action-item-commented")
    assert_accessible_on_phone(facilitator, "action-item-commented")

    # Arizona reads it on the item's page.
    team.goto(item.get_absolute_url())
    expect(team.locator("#comments")).to_contain_text(COMMENT)
    assert_accessible(team, "action-item-as-team")
