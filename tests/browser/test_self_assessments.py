"""A team takes its start self-assessment in a real browser (keyboard-reachable radios, a draft,
a submission), sees the comparison, and staff edit the rubric; axe runs on every page, at
desktop and phone widths."""

from datetime import UTC, datetime

import pytest
import time_machine
from playwright.sync_api import expect

from tests.browser.conftest import (
    BROWSER_TEST,
    assert_accessible,
    assert_accessible_on_phone,
    sign_in,
)
from tests.factories import PASSWORD
from tests.workplans.factories import DimensionFactory, RubricFactory
from workplans.models import SelfAssessment
from workplans.rubrics import OE_RUBRIC
from workplans.services.assessments import UNSAVED, submit_assessment

pytestmark = BROWSER_TEST

# tests/browser's fixtures, for this module beside the rest of the self-assessment tests.


@pytest.fixture
def rubric(world):
    """Program One's rubric, worded as Operationalizing Equity's."""
    rubric = RubricFactory(program=world.program1, introduction=OE_RUBRIC["introduction"])
    return [
        DimensionFactory(
            rubric=rubric,
            name=values["name"],
            description=values["description"],
            **{f"level_{n}": text for n, text in enumerate(values["levels"], start=1)},
        )
        for values in OE_RUBRIC["dimensions"]
    ]


def log_in(page, person):
    sign_in(page, person.email, PASSWORD)
    expect(page.locator("main h1")).to_be_visible()


def test_a_team_saves_a_draft_then_submits_its_start_self_assessment(page, world, rubric):
    log_in(page, world.team_a_ed)
    page.goto(f"/teams/{world.team_a.pk}/self-assessment/start/")
    assert_accessible(page, "assessment-start")
    assert_accessible_on_phone(page, "assessment-start")

    page.get_by_role("group", name=rubric[0].name).get_by_label("Level 2").check()
    page.get_by_label("Why this level? (optional)").first.fill("We talk about it <b>sometimes</b>.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your answers are saved as a draft.")).to_be_visible()

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page, "assessment-missing-levels")
    for dimension in rubric:
        page.get_by_role("group", name=dimension.name).get_by_label("Level 3").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Your self-assessment is submitted.")).to_be_visible()
    assert SelfAssessment.objects.get().is_submitted
    assert_accessible(page, "assessment-submitted")


def test_the_comparison_and_the_rubric_pages_are_accessible(new_page, world, rubric):
    with time_machine.travel(datetime(2026, 9, 1, 15, 0, tzinfo=UTC)):
        for phase, levels in (("start", [1, 2, 3, 1, 2, 2]), ("end", [3, 2, 4, 2, 1, 3])):
            submit_assessment(
                (world.team_a, phase),
                {
                    d.pk: {"level": level, "note": ""}
                    for d, level in zip(rubric, levels, strict=True)
                },
                by=world.team_a_ed,
                version=UNSAVED,
            )
    facilitator = new_page()
    log_in(facilitator, world.fac1)
    facilitator.goto(f"/teams/{world.team_a.pk}/self-assessment/compare/")
    expect(facilitator.get_by_role("img")).to_be_visible()
    assert_accessible(facilitator, "assessment-compare")
    assert_accessible_on_phone(facilitator, "assessment-compare")
    facilitator.goto(f"/teams/{world.team_a.pk}/self-assessment/end/")
    assert_accessible(facilitator, "assessment-read-only")

    staff = new_page()
    log_in(staff, world.staff)
    staff.goto(f"/programs/{world.program1.pk}/rubric/")
    assert_accessible(staff, "rubric-edit")
    assert_accessible_on_phone(staff, "rubric-edit")
    staff.get_by_role("link", name="Add a dimension").click()
    staff.get_by_label("Name").fill("Budget equity")
    staff.get_by_role("button", name="Add the dimension").click()
    expect(staff.get_by_role("alert")).to_contain_text(
        "Level 1: Describe what an organisation at this level looks like."
    )
    assert_accessible(staff, "rubric-dimension-missing-levels")
    assert_accessible_on_phone(staff, "rubric-dimension-missing-levels")
