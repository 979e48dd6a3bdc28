"""The review's pages in a browser: the facilitator comments on a goal of a submitted workplan
and marks it reviewed; the team sees the comment, answers it and chooses whether to share;
the snapshot page before and after the cohort's end. axe-core clean at desktop and phone
widths (screenshots in /tmp/browser-shots/)."""

import pytest
from playwright.sync_api import expect

from cohorts.choices import CohortStatus
from tests.browser.conftest import (
    BROWSER_TEST,
    assert_accessible,
    assert_accessible_on_phone,
    sign_in,
)
from tests.factories import PASSWORD
from tests.workplans.factories import ActionItemFactory, GoalFactory
from workplans.models import Comment, Workplan
from workplans.services.review import freeze_workplans

pytestmark = BROWSER_TEST

# tests/browser's fixtures, for this module beside the rest of the review tests.


@pytest.fixture
def submitted_workplan(world):
    goal = GoalFactory(
        workplan__enrolment=world.team_a,
        title="Disaggregate enrolment data by race and language",
        description="So that every family's experience is counted.",
    )
    ActionItemFactory(goal=goal, title="Ask the data partner for a template", owner=world.team_a_ed)
    ActionItemFactory(goal=goal, title="Draft the new intake form", status="in_progress")
    GoalFactory(workplan=goal.workplan, title="Share power with the parent council")
    Workplan.objects.filter(pk=goal.workplan.pk).update(status=Workplan.Status.SUBMITTED)
    return goal


def test_the_facilitator_comments_and_marks_reviewed_and_the_team_answers(
    new_page, world, live_server, submitted_workplan
):
    goal = submitted_workplan
    page = new_page()
    sign_in(page, world.fac1.email, PASSWORD)
    page.goto(f"/teams/{world.team_a.pk}/workplan/")
    assert_accessible(page, "review-workplan-facilitator")
    assert_accessible_on_phone(page, "review-workplan-facilitator")

    page.locator(f"#goal-{goal.pk} .comment-add summary").click()
    page.fill(f"#comment-goal-{goal.pk}", "Who on the team <b>owns</b> the data request?")
    page.get_by_role("button", name="Post comment").first.click()
    expect(page.get_by_text("Your comment is posted. The team is told.")).to_be_visible()
    expect(page.get_by_text("Who on the team <b>owns</b> the data request?")).to_be_visible()
    page.get_by_role("button", name="Mark the workplan reviewed").click()
    expect(page.get_by_text("The workplan is marked reviewed. The team is told.")).to_be_visible()

    team = new_page()
    sign_in(team, world.team_a_ed.email, PASSWORD)
    team.goto(f"/teams/{world.team_a.pk}/workplan/")
    expect(team.get_by_text("Who on the team <b>owns</b> the data request?")).to_be_visible()
    assert_accessible(team, "review-workplan-team")
    assert_accessible_on_phone(team, "review-workplan-team")
    team.locator(f"#goal-{goal.pk} .comment-add summary").click()
    team.fill(f"#comment-goal-{goal.pk}", "Our data lead, Maria.")
    team.get_by_role("button", name="Post answer").first.click()
    expect(team.get_by_text("Your answer is posted. Your facilitators are told.")).to_be_visible()
    assert Comment.objects.filter(author=world.team_a_ed).exists()

    team.get_by_label("Yes: the other teams can read it").check()
    team.get_by_role("button", name="Save sharing choice").click()
    expect(team.get_by_text("Your cohort does not share workplans at the moment")).to_have_count(2)


def test_an_empty_comment_is_shown_with_the_error_pattern(
    new_page, world, live_server, submitted_workplan
):
    page = new_page()
    sign_in(page, world.fac1.email, PASSWORD)
    page.goto(f"/goals/{submitted_workplan.pk}/comments/")
    assert_accessible(page, "review-comment-page")
    page.get_by_role("button", name="Post comment").click()

    expect(page.get_by_role("alert")).to_contain_text("Write your comment.")
    assert page.title().startswith("Error:")
    assert_accessible(page, "review-comment-error")
    assert_accessible_on_phone(page, "review-comment-error")


def test_the_item_page_and_the_snapshot_before_and_after_the_end(
    new_page, world, live_server, submitted_workplan
):
    item = submitted_workplan.action_items.first()
    page = new_page()
    sign_in(page, world.team_a_ed.email, PASSWORD)
    page.goto(f"/actions/{item.pk}/")
    assert_accessible(page, "review-item-team")
    page.goto(f"/teams/{world.team_a.pk}/workplan/snapshot/")
    expect(page.get_by_text("Not frozen yet")).to_be_visible()
    assert_accessible(page, "review-snapshot-empty")

    world.cohort1.status = CohortStatus.COMPLETED
    world.cohort1.save(update_fields=["status"])
    freeze_workplans(cohort=world.cohort1)
    page.reload()
    expect(page.get_by_text("Ask the data partner for a template")).to_be_visible()
    assert_accessible(page, "review-snapshot")
    assert_accessible_on_phone(page, "review-snapshot")
