"""A cohort's progress page in a real browser on the demo data: the facilitator reaches it
from the cohort page, reads the needs-attention list and the charts' text, sorts the team
table, asks for changes since a day (a future one is refused beside the field); staff read the
completed pilot cohort; without JavaScript everything is still there. axe-core clean at both
widths."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from cohorts.models import Cohort
from tests.browser.conftest import (
    BROWSER_TEST,
    FACILITATOR,
    PHONE,
    STAFF,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST


def test_the_facilitator_reads_and_sorts_a_cohorts_progress(page, demo):
    cohort = Cohort.objects.get(name="OE Cohort 1")
    log_in(page, FACILITATOR)
    page.goto(reverse("dashboard:cohort_detail", args=[cohort.pk]))
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="OE Cohort 1")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Figures as of "))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^What changed since "))).to_be_visible()
    # The chart is a picture with a name, its numbers in the table beside it.
    expect(
        page.get_by_role("img", name=re.compile(r"^Column chart: the attendance rate"))
    ).to_be_visible()
    expect(page.get_by_role("table", name="Held sessions, oldest first")).to_be_visible()
    # The rules, in words.
    page.get_by_text("How a team is flagged").click()
    expect(page.get_by_text(re.compile(r"^Any of its check-ins is overdue"))).to_be_visible()
    assert_accessible(page, "cohort-progress")
    assert_accessible_on_phone(page, "cohort-progress")

    # Sort by overdue actions, most first, from the column heading.
    teams = page.locator("table.progress-teams")
    teams.get_by_role("link", name=re.compile(r"^Overdue")).click()
    heading = teams.get_by_role("columnheader", name=re.compile(r"^Overdue"))
    expect(heading).to_have_attribute("aria-sort", "ascending")
    teams.get_by_role("link", name=re.compile(r"^Overdue")).click()
    expect(heading).to_have_attribute("aria-sort", "descending")
    page.get_by_role("link", name="Back to the usual order (needing attention first)").click()
    expect(teams.locator("th[aria-sort]")).to_have_count(0)

    # A day in the future is refused beside the field; the default window is used.
    page.goto(reverse("dashboard:cohort_progress", args=[cohort.pk]) + "?since=2999-01-01")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Pick a day that is not in the future.")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#id_since")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "cohort-progress-error")


def test_staff_read_the_completed_pilot_cohort(page, demo):
    cohort = Cohort.objects.get(name="OE Pilot Cohort")
    log_in(page, STAFF)
    page.goto(reverse("dashboard:cohort_progress", args=[cohort.pk]))
    expect(page.get_by_role("heading", level=1, name="OE Pilot Cohort")).to_be_visible()
    attention = page.locator("ul.attention-list")
    expect(attention.locator("li").first).to_contain_text("overdue")
    expect(page.get_by_role("table", name="Average change per dimension")).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile(r"^Bar chart: the average change"))
    ).to_be_visible()
    assert_accessible(page, "pilot-progress")
    assert_accessible_on_phone(page, "pilot-progress")
    # On a phone the headings are hidden: the orders are offered as links above the table.
    page.set_viewport_size(PHONE)
    page.get_by_role("navigation", name="Sort the teams").get_by_role(
        "link", name="Overdue"
    ).click()
    expect(
        page.get_by_role("navigation", name="Sort the teams").get_by_role(
            "link", name="Overdue (sorted, ascending)"
        )
    ).to_have_attribute("aria-current", "true")
    assert_accessible(page, "pilot-progress-phone-sorted")


def test_the_page_reads_whole_without_javascript(new_page, demo):
    page = new_page(java_script_enabled=False)
    cohort = Cohort.objects.get(name="OE Pilot Cohort")
    log_in(page, STAFF)
    page.goto(reverse("dashboard:cohort_progress", args=[cohort.pk]))
    expect(
        page.get_by_role("img", name=re.compile(r"^Column chart: the attendance rate"))
    ).to_be_visible()
    expect(page.get_by_role("table", name="Held sessions, oldest first")).to_be_visible()
    page.get_by_text("How a team is flagged").click()  # a <details>: no script needed
    expect(page.get_by_text(re.compile(r"^More than 3 of its action items"))).to_be_visible()
    page.get_by_label("Changes since").fill("2026-01-01")
    page.get_by_role("button", name="Show changes").click()
    expect(page.get_by_role("heading", name="What changed since 1 January 2026")).to_be_visible()
