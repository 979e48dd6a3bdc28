"""Everyday staff and partner pages in a real browser: the staff home on its cohorts, the
invitation form whose fields follow the role (with htmx, and as plain forms without
JavaScript), a partner's teams. axe-core runs on each page at desktop and phone widths;
the screenshots land in BROWSER_SHOTS."""

import re

from playwright.sync_api import expect

from accounts.models import Invitation
from tests.browser.conftest import (
    BROWSER_TEST,
    PARTNER,
    PASSWORD,
    STAFF,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
    screenshot,
)

pytestmark = BROWSER_TEST

ROLE_FIELDS = ["#id_organisation", "#id_team_role", "#id_enrolment", "#id_cohort"]
SHOWN = {
    "State team member": ["#id_organisation", "#id_team_role", "#id_enrolment"],
    "Facilitator": ["#id_cohort"],
    "Planning partner": ["#id_organisation"],
    "Alliance staff": [],
}


def expect_role_fields(page, shown):
    for selector in ROLE_FIELDS:
        expect(page.locator(selector)).to_have_count(1 if selector in shown else 0)


def test_staff_home_opens_on_the_cohorts_and_the_cohort_page_explains_a_blocked_start(page, demo):
    log_in(page, STAFF)
    cohorts = page.get_by_role("table", name=re.compile("next session"))
    oe1 = cohorts.get_by_role("row", name=re.compile("OE Cohort 1"))
    expect(oe1).to_contain_text(re.compile(r"Session \d+: "))
    # The demo's Iowa team missed the last two sessions of OE Cohort 1.
    expect(oe1).to_contain_text("Iowa Early Learning Coalition")
    expect(page.get_by_role("heading", name="My upcoming sessions")).to_have_count(0)
    assert_accessible(page, "staff-home")
    assert_accessible_on_phone(page, "staff-home")

    oe1.get_by_role("link", name=re.compile("team")).click()
    expect(page).to_have_url(re.compile(r"/cohorts/\d+/#attendance-heading$"))
    expect(page.get_by_role("heading", name="Attendance by team")).to_be_visible()

    page.goto("/")
    cohorts.get_by_role("link", name="OE Cohort 3").click()
    start = page.get_by_role("button", name="Start cohort")
    expect(start).to_have_attribute("aria-disabled", "true")
    assert_accessible(page, "cohort-blocked-start")
    assert_accessible_on_phone(page, "cohort-blocked-start")


def test_the_invite_form_follows_the_role_with_javascript(page, demo):
    log_in(page, STAFF)
    page.goto("/invitations/new/")
    # htmx does what the plain buttons do, so they are gone.
    expect(page.get_by_role("button", name="Show the fields for this role")).to_have_count(0)
    expect_role_fields(page, [])
    expect(page.get_by_text("Choose a role: the fields it needs appear here.")).to_be_visible()
    assert_accessible(page, "invite-no-role")

    page.fill("#id_email", "kim.lead@utah.example")
    for role, shown in SHOWN.items():
        kind = page.locator("#id_kind")
        kind.focus()
        kind.select_option(label=role)
        expect(page.locator("#invitation-fields-status")).to_contain_text(role)
        expect_role_fields(page, shown)
        expect(page.get_by_role("button", name=re.compile("^Show "))).to_have_count(0)
        # The choice keeps the focus; what was typed stays.
        expect(kind).to_be_focused()
        expect(page.locator("#id_email")).to_have_value("kim.lead@utah.example")
        name = "invite-" + role.lower().replace(" ", "-")
        assert_accessible(page, name)
        assert_accessible_on_phone(page, name)

    # The team list follows the organisation chosen.
    page.select_option("#id_kind", label="State team member")
    expect(page.locator("#id_enrolment option")).to_have_text(["No team for now"])
    expect(page.get_by_role("button", name="Show this organisation's teams")).to_have_count(0)
    organisation = page.locator("#id_organisation")
    organisation.focus()
    organisation.select_option(label="Utah Early Childhood Alliance")
    expect(page.locator("#id_enrolment option")).to_have_text(
        ["No team for now", "OE Cohort 3 (planned)"]
    )
    expect(organisation).to_be_focused()
    organisation.select_option(label="Arizona Early Childhood Alliance")
    expect(page.locator("#id_enrolment option")).to_have_text(
        ["No team for now", "OE Cohort 1 (active)"]
    )
    # Chosen while the team list was changing: kept, since only the list is replaced.
    page.select_option("#id_team_role", label="Team lead")
    organisation.select_option(label="Utah Early Childhood Alliance")
    page.select_option("#id_enrolment", label="OE Cohort 3 (planned)")
    expect(page.locator("#id_team_role")).to_have_value("team_lead")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to kim.lead@utah.example")
    invitation = Invitation.objects.get(email="kim.lead@utah.example")
    assert invitation.enrolment.organisation.name == "Utah Early Childhood Alliance"
    assert invitation.team_role == "team_lead"


def test_the_invite_form_follows_the_role_without_javascript(new_page, demo):
    page = new_page(java_script_enabled=False)
    log_in(page, STAFF)
    page.goto("/invitations/new/")
    show_fields = page.get_by_role("button", name="Show the fields for this role")
    expect(show_fields).to_be_visible()
    expect_role_fields(page, [])

    page.fill("#id_email", "sam.partner@demo.example")
    page.fill("#id_full_name", "Sam Partner")
    for role, shown in SHOWN.items():
        page.select_option("#id_kind", label=role)
        show_fields.click()
        expect(page).to_have_url(re.compile(r"/invitations/new/#invitation-fields$"))
        expect_role_fields(page, shown)
        expect(page.get_by_role("alert")).to_have_count(0)  # asked, not sent: no errors
        expect(page.locator("#id_email")).to_have_value("sam.partner@demo.example")
        screenshot(page, "invite-no-js-" + role.lower().replace(" ", "-"))
    assert not Invitation.objects.filter(email="sam.partner@demo.example").exists()

    # A team member: the organisation's teams come with a second plain step.
    page.select_option("#id_kind", label="State team member")
    show_fields.click()
    page.select_option("#id_organisation", label="Utah Early Childhood Alliance")
    expect(page.locator("#id_enrolment option")).to_have_text(["No team for now"])
    page.get_by_role("button", name="Show this organisation's teams").click()
    expect(page.locator("#id_organisation option:checked")).to_have_text(
        "Utah Early Childhood Alliance"
    )
    expect(page.locator("#id_enrolment option")).to_have_text(
        ["No team for now", "OE Cohort 3 (planned)"]
    )
    page.select_option("#id_team_role", label="Team member")
    page.select_option("#id_enrolment", label="OE Cohort 3 (planned)")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to sam.partner@demo.example"
    )
    invitation = Invitation.objects.get(email="sam.partner@demo.example")
    assert (invitation.kind, invitation.enrolment.cohort.name) == ("team", "OE Cohort 3")

    # axe-core can't run where JavaScript is off: it checks the same page, plain buttons and
    # all, in a browser where htmx did not load.
    plain = new_page()
    plain.route("**/htmx.min.js", lambda route: route.abort())
    log_in(plain, STAFF)
    plain.goto("/invitations/new/?kind=team")
    expect(plain.get_by_role("button", name="Show this organisation's teams")).to_be_visible()
    assert_accessible(plain, "invite-plain-buttons")
    assert_accessible_on_phone(plain, "invite-plain-buttons")


def test_a_partner_reaches_its_teams_and_their_contacts_from_home(page, demo):
    log_in(page, PARTNER, PASSWORD)
    page.get_by_role("link", name="Teams we support, with their contacts").click()
    expect(page.get_by_role("heading", level=1, name="Teams we support")).to_be_visible()
    oe1 = page.locator("section", has=page.get_by_role("heading", name="OE Cohort 1", level=2))
    expect(oe1.get_by_role("link", name="arizona@demo.test")).to_be_visible()
    expect(oe1).to_contain_text("Rebecca Tsosie")
    expect(oe1.get_by_role("heading", name="Next sessions")).to_be_visible()
    assert_accessible(page, "partner-teams")
    assert_accessible_on_phone(page, "partner-teams")
