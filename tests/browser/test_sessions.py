"""Learning sessions in a real browser: a facilitator schedules a series through the preview,
takes attendance with htmx and moves a session; an Arizona team member sees it all in
Arizona time (no daylight saving: always MST) and answers. axe runs on each page."""

import re
from datetime import time, timedelta
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from playwright.sync_api import expect

from accounts.models import User
from portal.templatetags.portal_time import clock, when
from sessions_app.models import Attendance, LearningSession
from sessions_app.timing import to_utc
from tests.browser.conftest import (
    ARIZONA,
    BROWSER_TEST,
    FACILITATOR,
    assert_accessible,
    assert_accessible_on_phone,
    log_in,
)

pytestmark = BROWSER_TEST

DENVER = "America/Denver"
DENVER_SHOWN = "Mountain (Denver)"  # how the time-zone field shows it
PHOENIX = "America/Phoenix"
MOVE_REASON = "Moved a day later: the state budget hearing is on the Tuesday."


def tuesday_weeks_ahead(weeks=3):
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def open_cohort_schedule(page, cohort_name):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^(My cohorts|Cohorts)$")
    ).click()
    page.get_by_role("link", name=cohort_name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=cohort_name)).to_be_visible()
    page.get_by_role("link", name="Learning sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Schedule: {cohort_name}")


def test_facilitator_schedules_a_series_and_takes_attendance(page, demo):
    log_in(page, FACILITATOR)

    # OE Cohort 3 is planned and has no sessions yet.
    open_cohort_schedule(page, "OE Cohort 3")
    expect(page.get_by_role("main")).to_contain_text("No sessions scheduled yet")
    page.get_by_role("link", name="Schedule a series").click()
    expect(page.get_by_role("heading", level=1, name="Schedule a series")).to_be_visible()
    expect(page.locator("#id_time_zone")).to_have_value(DENVER_SHOWN)
    expect(page.locator("#id_count")).to_have_value("6")

    first = tuesday_weeks_ahead()
    page.fill("#id_first_date", first.isoformat())
    page.fill("#id_start_time", "10:00")
    page.fill("#id_end_time", "11:30")
    page.fill("#id_video_url", "https://video.example.org/oe-3")
    page.get_by_role("button", name="Preview the dates").click()

    # Nothing saved yet; every date in the series' zone and each enrolled state's zone.
    preview = page.locator("section", has=page.get_by_role("heading", name="Check 6 sessions"))
    expect(preview).to_be_visible()
    table = preview.get_by_role("table")
    for state in ["Kentucky", "Louisiana", "Nevada", "Ohio", "Utah"]:
        expect(table.get_by_role("columnheader", name=state)).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(6)
    first_utc = to_utc(first, time(10), DENVER)
    first_row = table.locator("tbody tr").first
    expect(first_row).to_contain_text(when(first_utc, DENVER))
    expect(first_row).to_contain_text(clock(first_utc, "America/Los_Angeles"))  # Nevada
    expect(first_row).to_contain_text(clock(first_utc, "America/New_York"))  # Ohio
    assert not LearningSession.objects.filter(cohort__name="OE Cohort 3").exists()
    assert_accessible(page, "series-preview")
    assert_accessible_on_phone(page, "series-preview")

    page.get_by_role("button", name="Create 6 sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule: OE Cohort 3")
    expect(page.get_by_role("status")).to_contain_text("6 sessions are scheduled.")
    items = page.locator(".session-list > li")
    expect(items).to_have_count(6)
    expect(items.first).to_contain_text("Learning session 1")
    expect(items.last).to_contain_text("Learning session 6")
    assert_accessible(page, "series-created")

    # OE Cohort 1 has held sessions: mark a team member absent, with htmx, in place. Every
    # team is marked, so each shows folded: open Arizona's.
    open_cohort_schedule(page, "OE Cohort 1")
    page.locator(".session-list > li", has_text="Held").first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=2, name="Attendance")).to_be_visible()
    page.locator("summary", has_text="Arizona Early Childhood Alliance").click()
    marks = page.get_by_role("group", name="Attendance of Rebecca Tsosie")
    expect(marks.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "true")
    url = page.url
    page.evaluate("window.__notReloaded = true")
    marks.get_by_role("button", name="Absent").click()
    expect(marks.get_by_role("button", name="Absent")).to_have_attribute("aria-pressed", "true")
    expect(marks.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "false")
    assert page.url == url
    assert page.evaluate("window.__notReloaded") is True, "the page was reloaded, not swapped"
    session_pk = int(re.search(r"/sessions/(\d+)/", url).group(1))
    attendance = Attendance.objects.get(session_id=session_pk, person__email=ARIZONA)
    assert attendance.mark == Attendance.Mark.ABSENT
    assert_accessible(page, "attendance-marked")


def test_a_moved_session_reaches_arizona_in_arizona_time(page, new_page, demo):
    session = LearningSession.objects.get(cohort__name="OE Cohort 1", title="Learning session 6")
    old_utc = session.starts_at
    new_day = old_utc.astimezone(ZoneInfo(DENVER)).date() + timedelta(days=1)
    new_utc = to_utc(new_day, time(11), DENVER)

    # The facilitator moves the last session of OE Cohort 1 by a day, with a reason.
    log_in(page, FACILITATOR)
    open_cohort_schedule(page, "OE Cohort 1")
    page.get_by_role("link", name="Learning session 6").click()
    page.get_by_role("link", name="Reschedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reschedule Learning session 6")
    expect(page.locator("#id_time_zone")).to_have_value(DENVER_SHOWN)
    assert_accessible(page, "reschedule")
    page.fill("#id_date", new_day.isoformat())
    page.fill("#id_start_time", "11:00")
    page.fill("#id_reason", MOVE_REASON)
    page.get_by_role("button", name="Preview the new time").click()
    page.get_by_role("button", name="Move the session").click()
    expect(page.get_by_role("status")).to_contain_text("The session is moved.")
    moved = page.locator("section", has=page.get_by_role("heading", name="Moved"))
    expect(moved).to_contain_text(f"From {when(old_utc, DENVER)} to {when(new_utc, DENVER)}")
    expect(moved).to_contain_text(MOVE_REASON)
    session.refresh_from_db()
    assert session.starts_at == new_utc

    # Arizona, in a browser of their own: every time in MST, the move and its reason.
    assert User.objects.get(email=ARIZONA).time_zone == PHOENIX
    guest = new_page()
    log_in(guest, ARIZONA)
    open_cohort_schedule(guest, "OE Cohort 1")
    expect(guest.locator(".lead").first).to_contain_text(PHOENIX)
    times = guest.locator(".session-time").all_inner_texts()
    assert times and all(t.endswith(" MST") for t in times), times
    item = guest.locator(
        ".session-list > li", has=guest.get_by_role("link", name="Learning session 6")
    )
    local = timezone.localtime(new_utc, ZoneInfo(PHOENIX))
    expect(item).to_contain_text(formats.date_format(local, "D j M"))
    expect(item).to_contain_text(clock(new_utc, PHOENIX))
    assert_accessible(guest, "team-schedule")

    item.get_by_role("link", name="Learning session 6").click()
    expect(guest.locator(".session-lead strong")).to_have_text(when(new_utc, PHOENIX))
    assert when(new_utc, PHOENIX).endswith("MST")
    history = guest.locator("section", has=guest.get_by_role("heading", name="Moved"))
    expect(history).to_contain_text(f"From {when(old_utc, PHOENIX)} to {when(new_utc, PHOENIX)}")
    expect(history).to_contain_text(MOVE_REASON)
    assert_accessible(guest, "team-session-moved")

    # Their answer, with a note for the facilitators.
    answer = guest.locator("section", has=guest.get_by_role("heading", name="Your answer"))
    answer.get_by_label("Attending", exact=True).check()
    answer.get_by_label("Note for the facilitators").fill("Joining from the Tucson office.")
    answer.get_by_role("button", name="Save my answer").click()
    expect(answer).to_contain_text("Thanks — your answer is saved: Attending.")
    expect(answer.get_by_label("Attending", exact=True)).to_be_checked()
    expect(answer.get_by_label("Note for the facilitators")).to_have_value(
        "Joining from the Tucson office."
    )
    mine = Attendance.objects.get(session=session, person__email=ARIZONA)
    assert (mine.rsvp, mine.rsvp_note) == (
        Attendance.Rsvp.ATTENDING,
        "Joining from the Tucson office.",
    )
    assert_accessible(guest, "team-session-answered")
    assert_accessible_on_phone(guest, "team-session-answered")
