"""A facilitator downloads an export in a real browser on the demo data: the exports page lists
only their cohorts, a cohort picked narrows the file (named with the cohort and the day), and the
file opens as UTF-8 with its header; axe-core clean at both widths. A team member finds no page."""

import csv
import io
import re

from playwright.sync_api import expect

from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    FACILITATOR,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST


def test_a_facilitator_downloads_one_cohorts_check_ins(page, demo, tmp_path):
    log_in(page, FACILITATOR)
    page.goto("/exports/")
    expect(page.get_by_role("heading", level=1, name="Exports")).to_be_visible()
    assert_accessible(page, "exports")
    assert_accessible_on_phone(page, "exports")

    section = page.locator("section", has=page.get_by_role("heading", name="Check-ins"))
    cohort = section.get_by_label("Cohort")
    options = cohort.locator("option").all_inner_texts()
    assert options[0] == "Every cohort you facilitate"
    assert "OE — OE Pilot Cohort" in options
    assert not any("OE Cohort 2" in option for option in options)  # not theirs

    cohort.select_option(label="OE — OE Pilot Cohort")
    with page.expect_download() as download:
        section.get_by_role("button", name="Download the check-ins (CSV)").click()
    file = download.value
    name = file.suggested_filename
    assert re.fullmatch(r"check-ins-oe-pilot-cohort-\d{4}-\d{2}-\d{2}\.csv", name)
    path = tmp_path / name
    file.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8")[1:])))
    assert rows[0][:3] == ["Program", "Cohort", "State"]
    assert len(rows) > 1
    assert {row[1] for row in rows[1:]} == {"OE Pilot Cohort"}


def test_a_team_member_finds_no_exports(page, demo):
    log_in(page, ARIZONA)
    response = page.goto("/exports/")
    assert response.status == 404
