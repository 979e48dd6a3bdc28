"""Time: whole-day reminders keep the session's wall-clock time across the daylight-saving
changes, and every recipient reads the session in their own zone and language — decided at
send time, so a change of zone or language needs no re-planning.

2026: clocks go forward in the US on Sunday 8 March, back on Sunday 1 November.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from cohorts.choices import TeamRole
from notifications import services as ledger
from sessions_app import services as sessions
from tests.conftest import utc
from tests.factories import CohortFactory, EnrolmentFactory, SeatFactory, StaffFactory, UserFactory
from tests.notifications.conftest import deliver_due, html_part, mail_for

DENVER = "America/Denver"
ZONES = {
    "denver": DENVER,
    "phoenix": "America/Phoenix",
    "honolulu": "Pacific/Honolulu",
    "anchorage": "America/Anchorage",
}


@pytest.fixture
def people(db):
    """A Denver facilitator and a team in Arizona, Hawaii and Alaska."""
    facilitator = UserFactory(time_zone=ZONES["denver"])
    cohort = CohortFactory(facilitators=[facilitator], reminder_offsets=[24 * 60])
    enrolment = EnrolmentFactory(cohort=cohort)
    found = {"denver": facilitator, "cohort": cohort, "staff": StaffFactory()}
    roles = [TeamRole.EXECUTIVE_DIRECTOR, TeamRole.TEAM_LEAD, TeamRole.MEMBER]
    for name, role in zip(["phoenix", "honolulu", "anchorage"], roles, strict=True):
        found[name] = SeatFactory(
            enrolment=enrolment, role=role, person=UserFactory(time_zone=ZONES[name])
        ).person
    return found


def schedule_at(people, starts_at):
    with time_machine.travel(utc(2026, 1, 5, 12, 0), tick=False):
        return sessions.add_session(
            people["cohort"],
            starts_at=starts_at,
            title="Equity in practice",
            by=people["staff"],
            time_zone=DENVER,
            where="video",
            video_url="https://video.example.org/room",
        )


def deliver_at(moment):
    with time_machine.travel(moment, tick=False):
        return deliver_due()


def day_before_row(session):
    return ledger.rows_about(session, "session_reminder").filter(slot="before-1440m").first()


@pytest.mark.parametrize(
    ("starts_at", "due_at", "hours_before"),
    [
        # Monday 2 November 10:00 MST; Sunday 1 November 10:00 MST (after the change).
        (utc(2026, 11, 2, 17, 0), utc(2026, 11, 1, 17, 0), 24),
        # Sunday 1 November 10:00 MST; Saturday 31 October 10:00 MDT: 25 hours before.
        (utc(2026, 11, 1, 17, 0), utc(2026, 10, 31, 16, 0), 25),
        # Monday 9 March 10:00 MDT; Sunday 8 March 10:00 MDT (after the change).
        (utc(2026, 3, 9, 16, 0), utc(2026, 3, 8, 16, 0), 24),
        # Sunday 8 March 10:00 MDT; Saturday 7 March 10:00 MST: 23 hours before.
        (utc(2026, 3, 8, 16, 0), utc(2026, 3, 7, 17, 0), 23),
    ],
)
def test_a_day_before_reminder_goes_at_the_sessions_wall_clock_time_the_day_before(
    people, starts_at, due_at, hours_before
):
    session = schedule_at(people, starts_at)

    row = day_before_row(session)
    assert row.due_at == due_at
    assert starts_at - row.due_at == timedelta(hours=hours_before)
    assert deliver_at(due_at - timedelta(seconds=1)) == {}
    assert mail.outbox == []
    assert len(deliver_at(due_at)) == 4
    assert len(mail.outbox) == 4


def test_the_reminder_for_monday_after_the_november_change_goes_at_ten_on_sunday_denver_time(
    people,
):
    session = schedule_at(people, utc(2026, 11, 2, 17, 0))

    deliver_at(utc(2026, 11, 1, 17, 0))

    message = mail_for(mail.outbox, people["denver"].email)
    assert "When: Mon 2 Nov 2026, 10:00 MST (90 minutes)" in message.body
    assert day_before_row(session).sent_at == utc(2026, 11, 1, 17, 0)


@pytest.mark.parametrize(
    ("starts_at", "expected"),
    [
        (
            utc(2026, 11, 2, 17, 0),
            {
                "denver": "Mon 2 Nov 2026, 10:00 MST",
                "phoenix": "Mon 2 Nov 2026, 10:00 MST",
                "honolulu": "Mon 2 Nov 2026, 07:00 HST",
                "anchorage": "Mon 2 Nov 2026, 08:00 AKST",
            },
        ),
        (
            utc(2026, 10, 26, 16, 0),
            {
                "denver": "Mon 26 Oct 2026, 10:00 MDT",
                "phoenix": "Mon 26 Oct 2026, 09:00 MST",
                "honolulu": "Mon 26 Oct 2026, 06:00 HST",
                "anchorage": "Mon 26 Oct 2026, 08:00 AKDT",
            },
        ),
    ],
)
def test_each_recipient_sees_the_session_in_their_own_zone(people, starts_at, expected):
    session = schedule_at(people, starts_at)

    deliver_at(day_before_row(session).due_at)

    for name, when in expected.items():
        message = mail_for(mail.outbox, people[name].email)
        assert f"When: {when} (90 minutes)" in message.body, name
        assert when in html_part(message), name
        subject = f" — Reminder: Learning session 1 (Equity in practice), {when}"
        assert message.subject.endswith(subject), name


def test_a_change_of_zone_needs_no_replanning_the_email_shows_the_new_zone(people):
    session = schedule_at(people, utc(2026, 11, 2, 17, 0))
    person = people["phoenix"]
    row = ledger.rows_about(session, "session_reminder").get(recipient=person)
    planned = (row.due_at, row.revision, row.updated_at, row.state)

    person.time_zone = "Pacific/Honolulu"
    person.save()

    row.refresh_from_db()
    assert (row.due_at, row.revision, row.updated_at, row.state) == planned
    deliver_at(row.due_at)
    body = mail_for(mail.outbox, person.email).body
    assert "When: Mon 2 Nov 2026, 07:00 HST" in body
    assert "MST" not in body


def test_a_change_of_language_needs_no_replanning_the_email_comes_in_the_new_language(people):
    session = schedule_at(people, utc(2026, 11, 2, 17, 0))
    person = people["anchorage"]
    row = ledger.rows_about(session, "session_reminder").get(recipient=person)
    planned = (row.due_at, row.revision, row.updated_at, row.state)

    person.language = "es"
    person.save()

    row.refresh_from_db()
    assert (row.due_at, row.revision, row.updated_at, row.state) == planned
    deliver_at(row.due_at)
    message = mail_for(mail.outbox, person.email)
    assert '<html lang="es">' in html_part(message)
    # Spanish day and month names, the month in lower case; Alaska time.
    assert "lun 2 nov 2026, 08:00 AKST" in message.body
    assert "When:" not in message.body
