"""Staff and a state team member use the main pages in a real browser; axe runs on each."""

import re

from playwright.sync_api import expect

from cohorts.models import Cohort
from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    DESKTOP,
    PHONE,
    STAFF,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST


def test_staff_runs_the_main_pages(page, demo):
    log_in(page, STAFF)
    staff_section = page.locator(
        "section", has=page.get_by_role("heading", name="Planned and active cohorts")
    )
    expect(staff_section).to_be_visible()
    assert_accessible(page, "staff-home")
    assert_accessible_on_phone(page, "staff-home")

    # Programs, then one program.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", level=1, name="Programs")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Operationalizing Equity").click()
    expect(page.get_by_role("heading", level=1, name="Operationalizing Equity")).to_be_visible()
    assert_accessible(page, "program")

    # A planned cohort that isn't ready: the checklist says why, and Start looks unavailable,
    # says why and points to the checklist.
    page.get_by_role("link", name="OE Cohort 3").click()
    expect(page.get_by_role("heading", level=1, name="OE Cohort 3")).to_be_visible()
    readiness = page.locator("section", has=page.get_by_role("heading", name="Ready to start?"))
    expect(readiness.locator("li.not-ok").first).to_contain_text("✗")
    expect(readiness.locator("li.not-ok").first).to_contain_text("not met")
    start = page.get_by_role("button", name="Start cohort")
    expect(start).to_have_attribute("aria-disabled", "true")
    expect(start).to_have_accessible_description(
        re.compile(r"^Starting is blocked until every item above is met\. \d items are not met")
    )
    assert_accessible(page, "cohort-planned")
    assert_accessible_on_phone(page, "cohort-planned")
    start.click(force=True)  # Playwright, like a person, takes it as unavailable
    expect(page.get_by_role("status")).to_have_count(0)
    assert Cohort.objects.get(name="OE Cohort 3").status == "planned"
    readiness.get_by_role("link", name=re.compile("items are not met yet")).click()
    expect(page).to_have_url(re.compile("#readiness-checklist$"))

    # Enrol an organisation: first with nothing chosen (GOV.UK error pattern), then for real.
    page.get_by_role("link", name="Enrol an organisation").click()
    expect(page.get_by_role("heading", level=1, name="Enrol an organisation")).to_be_visible()
    assert_accessible(page, "enrol")
    page.get_by_role("button", name="Enrol", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#id_organisation")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "enrol-error")
    # Iowa is in OE Cohort 1: offered, and named as such.
    page.select_option(
        "#id_organisation", label="Iowa Early Learning Coalition (also in OE Cohort 1)"
    )
    page.get_by_role("button", name="Enrol", exact=True).click()

    # The new team's seats page.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Team seats: Iowa Early Learning Coalition"
    )
    expect(page.get_by_role("status")).to_contain_text("is enrolled")
    assert_accessible(page, "team-seats")

    # Invitations: the list, then invite a team member into the new team.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    expect(page.get_by_role("heading", level=1, name="Invitations")).to_be_visible()
    assert_accessible(page, "invitations")
    page.get_by_role("main").get_by_role("link", name="Invite someone").click()
    assert_accessible(page, "invite")
    page.fill("#id_email", "new.lead@iowa.example")
    page.fill("#id_full_name", "Lena Iowa")
    page.select_option("#id_kind", label="State team member")
    expect(page.locator("#invitation-fields-status")).to_contain_text("State team member")
    # The new fields are htmx's once it has taken away their plain-form button.
    expect(page.get_by_role("button", name="Show this organisation's teams")).to_have_count(0)
    page.select_option("#id_organisation", label="Iowa Early Learning Coalition")
    expect(page.locator("#invitation-fields-status")).to_contain_text("team list")
    page.select_option("#id_team_role", label="Team lead")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.lead@iowa.example")
    expect(page.get_by_role("table")).to_contain_text("new.lead@iowa.example")
    assert_accessible(page, "invitations-after-invite")

    # Organisations: the list and one organisation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1, name="Organisations")).to_be_visible()
    assert_accessible(page, "organisations")
    page.get_by_role("link", name="Arizona Early Childhood Alliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arizona Early Childhood Alliance")
    assert_accessible(page, "organisation")

    # Profile: a new time zone is found by typing a city, and saved.
    page.goto("/profile/")
    assert_accessible(page, "profile")
    page.fill("#id_time_zone", "honolulu")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.locator("#id_time_zone")).to_have_value("Hawaii (Honolulu)")
    assert_accessible(page, "profile-saved")


def test_state_team_member_sees_their_team(page, demo):
    log_in(page, ARIZONA)
    team_section = page.locator("section", has=page.get_by_role("heading", name="My team"))
    expect(team_section).to_contain_text("Arizona Early Childhood Alliance")
    expect(page.get_by_role("heading", name="Alliance staff")).to_have_count(0)
    assert_accessible(page, "team-home")
    assert_accessible_on_phone(page, "team-home")

    # On a phone the menu folds behind a button; opened, it and the person's menu pass axe.
    page.set_viewport_size(PHONE)
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="My cohorts")).to_be_hidden()
    menu.get_by_role("button", name="Show the menu").click()
    # Bootstrap adds "show" once the opening animation is over.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(menu.get_by_role("link", name="My cohorts")).to_be_in_viewport()
    menu.get_by_role("button", name="Rebecca Tsosie").click()
    expect(menu.get_by_role("button", name="Sign out")).to_be_in_viewport()
    assert_accessible(page, "team-home-menu-open")
    page.set_viewport_size(DESKTOP)
    page.reload()

    team_section.get_by_role("link", name="Arizona Early Childhood Alliance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arizona Early Childhood Alliance")
    expect(page.get_by_role("table")).to_contain_text("Rebecca Tsosie")
    assert_accessible(page, "team")

    page.get_by_role("link", name="The whole cohort").click()
    expect(page.get_by_role("heading", level=1, name="OE Cohort 1")).to_be_visible()
    expect(page.get_by_role("button", name="Start cohort")).to_have_count(0)
    assert_accessible(page, "team-cohort")
    assert_accessible_on_phone(page, "team-cohort")

    page.goto("/")
    page.locator("section", has=page.get_by_role("heading", name="My team")).get_by_role(
        "link", name="My organisation"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arizona Early Childhood Alliance")
    assert_accessible(page, "team-organisation")

    # Another cohort is not theirs: the same page as an address that doesn't exist.
    other = Cohort.objects.get(name="OE Cohort 2")
    response = page.goto(f"/cohorts/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("main")).not_to_contain_text("OE Cohort 2")
    assert_accessible(page, "team-other-cohort-404")
