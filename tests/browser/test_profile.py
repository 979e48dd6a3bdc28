"""The profile in a real browser: the calendar link made, offered as webcal:// and copied
with one click (and, without JavaScript, there to select); a time zone found by typing a
city; each page axe-clean at desktop and phone widths."""

import re

from playwright.sync_api import expect

from sessions_app.models import CalendarFeed
from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    STAFF,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST


def test_the_calendar_link_subscribes_in_one_tap_or_is_copied(new_page, demo):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    log_in(page, ARIZONA)
    page.goto("/profile/")

    page.get_by_role("button", name="Create my calendar link").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your calendar link is ready.")
    expect(status).not_to_contain_text("stopped working")
    token = CalendarFeed.objects.get(person__email=ARIZONA).token
    subscribe = page.get_by_role("link", name="Subscribe in your calendar app")
    expect(subscribe).to_have_attribute("href", re.compile(rf"^webcal://[^/]+/calendar/{token}"))
    link = page.get_by_label(re.compile("copy your private link"))
    expect(link).to_have_value(re.compile(rf"^http://[^/]+/calendar/{token}"))
    assert_accessible(page, "profile-calendar")
    assert_accessible_on_phone(page, "profile-calendar")

    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("The link is copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link.input_value()

    page.get_by_role("button", name="Make a new link").click()
    expect(page.get_by_role("status")).to_contain_text("Any old link has stopped working.")

    # Without JavaScript there is no button that would do nothing: the link is there to copy.
    plain = new_page(java_script_enabled=False)
    log_in(plain, ARIZONA)
    plain.goto("/profile/")
    expect(plain.get_by_label(re.compile("copy your private link"))).to_be_visible()
    expect(plain.get_by_role("button", name="Copy link")).to_be_hidden()


def test_a_time_zone_is_found_by_typing_a_city(page, demo):
    log_in(page, ARIZONA)
    page.goto("/profile/")
    field = page.get_by_label("Time zone")
    expect(field).to_have_value("Arizona (Phoenix, no daylight saving)")

    field.fill("Europe/Madrid")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Madrid")

    page.get_by_label("Time zone").fill("Springfield")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("“Springfield” is not a time zone we know")
    assert_accessible(page, "profile-time-zone-error")


def test_the_outbox_names_each_messages_session(page, demo):
    log_in(page, STAFF)
    page.goto("/outbox/?state=scheduled")
    first = page.get_by_role("table").locator("tbody tr").first.get_by_role("rowheader")
    expect(first).to_contain_text(re.compile(r"Learning session \d+"))
    expect(first).to_contain_text(re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d [A-Z]{3,4}"))
    assert_accessible(page, "outbox-named")
    assert_accessible_on_phone(page, "outbox-named")
