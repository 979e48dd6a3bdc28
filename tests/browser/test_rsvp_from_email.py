"""A team member answers a session reminder from the email's link, signed out, in a real
browser: the page opens without a sign-in (changing nothing), "Can't attend" is saved with
CSRF on, then changed to "Attending". axe runs at desktop and phone widths."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from sessions_app import services as sessions
from sessions_app.models import Attendance
from tests.browser.conftest import (
    BROWSER_TEST,
    PHONE,
    assert_accessible,
    assert_accessible_on_phone,
)
from tests.notifications.conftest import deliver_due, html_part, mail_for, reminders, schedule

pytestmark = BROWSER_TEST


def reminder_link(world, person):
    """Schedule a session two days out, send its day-before reminder, and take the answer
    link from the HTML part of the email `person` gets."""
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    session = schedule(world, starts_at=timezone.now() + timedelta(days=2), title="Data walk")
    due = reminders(session).get(recipient=person).due_at
    deliver_due(now=due)
    html = html_part(mail_for(mail.outbox, person.email))
    url = re.search(r'href="([^"]*/sessions/answer/[^"]+)"', html).group(1)
    return session, urlsplit(url).path


def test_a_member_answers_from_the_emails_link_while_signed_out(world, new_page):
    person = world.team_a_ed
    person.time_zone = "Pacific/Honolulu"
    person.save(update_fields=["time_zone"])
    session, path = reminder_link(world, person)
    page = new_page()

    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_have_text("Data walk")
    expect(page.locator(".session-lead")).to_contain_text("HST")  # the person's zone
    expect(page.get_by_text("You haven't answered yet.")).to_be_visible()
    assert not Attendance.objects.filter(session=session, person=person).exists()
    assert_accessible(page, "rsvp-from-email")
    assert_accessible_on_phone(page, "rsvp-from-email")

    page.get_by_role("button", name="Can't attend").click()

    expect(page.get_by_role("status")).to_have_text(
        re.compile("Thanks — your answer is saved: Can't attend.")
    )
    row = Attendance.objects.get(session=session, person=person)
    assert (row.rsvp, row.enrolment) == ("not_attending", world.team_a)
    assert_accessible(page, "rsvp-from-email-saved")

    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Attending").click()

    expect(page.get_by_role("status")).to_contain_text("your answer is saved: Attending.")
    row.refresh_from_db()
    assert row.rsvp == "attending"
    assert_accessible_on_phone(page, "rsvp-from-email-changed")


def test_a_tampered_link_shows_a_plain_page(world, new_page):
    session, path = reminder_link(world, world.team_a_ed)
    page = new_page()

    page.goto(path[:-6] + "XXXXX/")

    expect(page.get_by_role("heading", level=1)).to_have_text("This link doesn't work")
    assert not Attendance.objects.filter(session=session).exists()
    assert_accessible(page, "rsvp-from-email-broken")
    assert_accessible_on_phone(page, "rsvp-from-email-broken")


def test_a_cancelled_sessions_link_says_so_plainly(world, new_page):
    session, path = reminder_link(world, world.team_a_ed)
    sessions.cancel_session(session, reason="The facilitator is ill", by=world.fac1)
    page = new_page()

    page.goto(path)

    expect(page.get_by_role("heading", level=1)).to_have_text("This session is cancelled")
    expect(page.get_by_text("The facilitator is ill")).to_be_visible()
    assert_accessible(page, "rsvp-from-email-cancelled")
    assert_accessible_on_phone(page, "rsvp-from-email-cancelled")
