"""A slip caught in time, in a real browser: the facilitator types 05:00 for a session of
OE Cohort 1, sees before anything is saved that it falls before 8:00 in Arizona and
Colorado, moves it anyway, and takes it back with "Undo" while its notice is still held.
axe runs on each page, at a desktop's and a phone's width."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from notifications.models import Notification
from portal.templatetags.portal_time import when
from sessions_app.models import LearningSession, Reschedule
from sessions_app.timing import to_utc
from tests.browser.conftest import (
    BROWSER_TEST,
    FACILITATOR,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST

DENVER = "America/Denver"
SLIP_REASON = "The budget hearing moved onto our Tuesday."


def test_a_five_oclock_slip_is_seen_before_saving_and_undone_before_anyone_is_told(
    page, demo, settings
):
    settings.NOTICE_HOLD_MINUTES = 10
    session = LearningSession.objects.get(cohort__name="OE Cohort 1", title="Learning session 6")
    old_utc = session.starts_at
    new_day = old_utc.astimezone(ZoneInfo(DENVER)).date() + timedelta(days=1)
    slip_utc = to_utc(new_day, time(5), DENVER)

    log_in(page, FACILITATOR)
    page.goto(session.get_absolute_url())
    page.get_by_role("link", name="Reschedule").click()
    page.fill("#id_date", new_day.isoformat())
    page.fill("#id_start_time", "05:00")
    page.fill("#id_reason", SLIP_REASON)
    page.get_by_role("button", name="Preview the new time").click()

    # The preview: the new time in Denver and in every enrolled state, with its warning.
    preview = page.locator("section", has=page.get_by_role("heading", name="Check the new time"))
    expect(preview).to_be_visible()
    rows = preview.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(1 + 7)  # Denver, then the seven states
    expect(rows.first).to_contain_text(when(slip_utc, DENVER))
    expect(rows.filter(has_text="Arizona")).to_contain_text(when(slip_utc, "America/Phoenix"))
    expect(preview.locator(".alert-warning")).to_contain_text(
        "It falls outside 8:00–20:00 local time in Arizona, Colorado"
    )
    session.refresh_from_db()
    assert session.starts_at == old_utc
    assert not Reschedule.objects.filter(session=session).exists()
    assert_accessible(page, "reschedule-preview")
    assert_accessible_on_phone(page, "reschedule-preview")

    # Moved anyway: the session page says when people are told, and offers Undo.
    preview.get_by_role("button", name="Move the session").click()
    expect(page.get_by_role("status")).to_contain_text("The session is moved.")
    held = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Nobody is told"))
    )
    expect(held).to_be_visible()
    expect(page.locator(".session-lead strong")).to_have_text(when(slip_utc, DENVER))
    notices = Notification.objects.filter(kind="session_rescheduled", object_id=session.pk)
    assert set(notices.values_list("state", flat=True)) == {"scheduled"}
    assert_accessible(page, "moved-with-undo")
    assert_accessible_on_phone(page, "moved-with-undo")

    held.get_by_role("button", name="Undo the move").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The move is undone: the session is back at its old time."
    )
    expect(page.locator(".session-lead strong")).to_have_text(when(old_utc, DENVER))
    expect(page.get_by_role("heading", name=re.compile("Nobody is told"))).to_have_count(0)
    session.refresh_from_db()
    assert session.starts_at == old_utc
    assert set(notices.values_list("state", flat=True)) == {"cancelled"}
    assert_accessible(page, "move-undone")
