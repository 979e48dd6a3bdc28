"""The email pages in a real browser: the outbox for staff and for a facilitator, a person's
own email choices, and the signed one-click unsubscribe link (no login). axe runs on each."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from cohorts.models import Cohort
from notifications.models import MutedKind, Notification
from notifications.services import unsubscribe_token
from sessions_app.notices import REMINDER
from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    FACILITATOR,
    STAFF,
    assert_accessible,
    log_in,
)

pytestmark = BROWSER_TEST


def caption_count(page):
    caption = page.get_by_role("table").locator("caption").inner_text()
    return int(re.match(r"(\d+) messages?$", caption.strip()).group(1))


def test_outbox_for_staff_and_for_a_facilitator(page, new_page, demo):
    log_in(page, STAFF)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1, name="Outbox")).to_be_visible()
    assert_accessible(page, "outbox-staff")

    page.select_option("#f-state", label="Scheduled")
    page.select_option("#f-kind", label="Session reminders")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"state=scheduled.*kind=session_reminder"))
    expect(page.locator("#f-state")).to_have_value("scheduled")
    expect(page.locator("#f-kind")).to_have_value(REMINDER)
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    expected = Notification.objects.filter(state="scheduled", kind=REMINDER).count()
    assert expected > 0
    assert caption_count(page) == expected
    assert rows.count() == min(expected, 50)
    for row in rows.all()[:5]:
        expect(row.get_by_role("rowheader")).to_contain_text("Session reminders")
        expect(row).to_contain_text("Scheduled")
    assert_accessible(page, "outbox-staff-filtered")

    # A facilitator sees the messages of the cohorts they facilitate, and no others.
    facilitator = new_page()
    log_in(facilitator, FACILITATOR)
    facilitator.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
    expect(facilitator.get_by_role("main")).to_contain_text(
        "The messages of the cohorts you facilitate."
    )
    theirs = Notification.objects.filter(cohort__facilitators__email=FACILITATOR).count()
    assert 0 < theirs < Notification.objects.count()
    assert caption_count(facilitator) == theirs
    cohorts = facilitator.locator("#f-cohort option").all_inner_texts()
    assert "OE Cohort 1" in cohorts
    assert "OE Cohort 2" not in cohorts  # the co-facilitator's cohort
    assert_accessible(facilitator, "outbox-facilitator")

    other = Cohort.objects.get(name="OE Cohort 2")
    assert Notification.objects.filter(cohort=other).exists()
    facilitator.goto(f"/outbox/?cohort={other.pk}")
    expect(facilitator.get_by_role("main")).to_contain_text("No messages match")
    expect(facilitator.get_by_role("table")).to_have_count(0)


def test_a_person_turns_reminders_off_and_unsubscribes_by_link(page, new_page, demo):
    log_in(page, ARIZONA)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Rebecca Tsosie").click()
    page.get_by_role("link", name="Profile and time zone").click()
    page.get_by_role("main").get_by_role("link", name="Your emails").click()
    expect(page.get_by_role("heading", level=1, name="Your emails")).to_be_visible()
    reminders = page.get_by_label("Session reminders")
    expect(reminders).to_be_checked()
    assert_accessible(page, "your-emails")

    reminders.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status")).to_contain_text("Your email choices are saved.")
    expect(page.get_by_label("Session reminders")).not_to_be_checked()
    expect(page.get_by_label("Session moved")).to_be_checked()
    assert list(MutedKind.objects.filter(email=ARIZONA).values_list("kind", flat=True)) == [
        REMINDER
    ]
    assert_accessible(page, "your-emails-saved")

    # Back on; then the signed link from an email, in a browser that isn't signed in.
    page.get_by_label("Session reminders").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_label("Session reminders")).to_be_checked()
    assert not MutedKind.objects.filter(email=ARIZONA).exists()

    guest = new_page()
    link = reverse("notifications:unsubscribe", args=[unsubscribe_token(ARIZONA, REMINDER)])
    guest.goto(link)
    expect(guest).to_have_url(re.compile(re.escape(link) + "$"))  # no detour to sign in
    expect(guest.get_by_role("heading", level=1)).to_have_text("Stop “Session reminders”?")
    expect(guest.get_by_role("main")).to_contain_text(f"For {ARIZONA}.")
    assert not MutedKind.objects.filter(email=ARIZONA).exists()  # a GET changes nothing
    assert_accessible(guest, "unsubscribe")

    guest.get_by_role("button", name="Stop these emails").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("“Session reminders” is off")
    assert MutedKind.objects.filter(email=ARIZONA, kind=REMINDER).exists()
    assert_accessible(guest, "unsubscribe-done")

    guest.get_by_role("button", name="Undo: keep sending them").click()
    expect(guest.get_by_role("heading", level=1)).to_have_text("“Session reminders” is on again")
    assert not MutedKind.objects.filter(email=ARIZONA).exists()
    assert_accessible(guest, "unsubscribe-undone")

    # A link that was tampered with explains itself.
    guest.goto(link.rstrip("/") + "x/")
    expect(guest.get_by_role("heading", level=1)).to_have_text("This link doesn't work")
    assert_accessible(guest, "unsubscribe-invalid")
