"""Staff read the national view in a real browser on the demo data: the map's tiles are
named links a keyboard reaches, the table says the same, a bad filter is said on the page;
axe-core clean at both widths."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    BROWSER_TEST,
    STAFF,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST

FOCUSED = """() => {
    const el = document.activeElement;
    return {label: el.getAttribute('aria-label') || '', outline: getComputedStyle(el).outlineStyle};
}"""


def test_staff_read_the_national_view(page, demo):
    log_in(page, STAFF)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", level=1, name="Progress across the network")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^As of "))).to_be_visible()
    expect(page.locator(".fifty-count")).to_contain_text("of 50 states reached")

    # Every one of the 56 tiles is a link named with its state and its status in words.
    tiles = page.locator("svg.national-map a.map-tile")
    expect(tiles).to_have_count(56)
    arizona = page.get_by_role("link", name="Arizona: In an active cohort")
    expect(arizona).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Puerto Rico: "))).to_have_count(1)
    assert_accessible(page, "national")
    assert_accessible_on_phone(page, "national")

    # The keyboard: the skip link, then Tab reaches the first tile (Alaska), focus visible.
    page.get_by_role("link", name="Skip the map to its table").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["label"].startswith("Alaska: "), focused
    assert focused["outline"] != "none"

    # The table alternative says the same in words.
    page.get_by_text("The map as a table").click()
    table = page.get_by_role("table", name=re.compile("Each state, DC and territory"))
    row = table.get_by_role("row", name=re.compile("^Arizona"))
    expect(row).to_contain_text("In an active cohort")
    assert_accessible(page, "national-table")

    # A tile opens the state's dossier.
    page.get_by_role("link", name="Arizona: In an active cohort").click()
    expect(page).to_have_url(re.compile(r"/states/AZ/$"))


def test_a_bad_filter_is_said_and_the_rest_kept(page, demo):
    log_in(page, STAFF)
    page.goto("/progress/?year=1999&status=completed")
    expect(page.get_by_role("status")).to_contain_text("could not be used")
    expect(page.locator("#f-status")).to_have_value("completed")
    expect(page.locator("#f-year")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "national-bad-filter")
