"""Staff read a state's dossier in a real browser on the demo data: Maryland's completed
pilot with its reviewed check-in, Virginia's overdue one, Florida never enrolled; the Print
button shows once scripts run; axe-core clean at both widths; on paper, no navigation and no
button."""

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


def test_staff_read_a_states_dossier(page, demo):
    log_in(page, STAFF)
    page.goto("/states/md/")  # any case: sent on to the capitals

    expect(page).to_have_url(re.compile(r"/states/MD/$"))
    expect(page.get_by_role("heading", level=1, name="Maryland")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^As of "))).to_be_visible()
    for heading in ("Cohorts", "Teams over time", "Attendance", "Workplans", "Check-ins"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    checkins = page.get_by_role("table", name=re.compile("OE Pilot Cohort")).last
    expect(checkins).to_contain_text("Reviewed")
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert_accessible(page, "dossier-md")
    assert_accessible_on_phone(page, "dossier-md")

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.emulate_media(media="screen")

    page.goto("/states/VA/")
    expect(page.get_by_text(re.compile(r"Overdue by \d+ days"))).to_be_visible()
    assert_accessible(page, "dossier-va")

    page.goto("/states/FL/")
    expect(page.get_by_text("Not enrolled in a program yet")).to_be_visible()
    assert_accessible(page, "dossier-fl")
    assert_accessible_on_phone(page, "dossier-fl")
