"""Subjects and text bodies are plain text: "R&D" stays "R&D". The HTML body still escapes."""

import pytest
from django.core import mail

from sessions_app import services as sessions
from tests.conftest import utc
from tests.notifications.conftest import deliver_due, html_part, mail_for, schedule

pytestmark = pytest.mark.usefixtures("september")
TITLE = "R&D <b>"


@pytest.fixture
def session(world):
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    return schedule(world, title=TITLE)


def test_a_subject_keeps_ampersands_and_angle_brackets_as_typed(world, session, september):
    september.move_to(utc(2026, 10, 5, 16, 0))
    deliver_due()

    message = mail_for(mail.outbox, world.fac1.email)

    assert message.subject == (
        f"{world.cohort1.name} — Reminder: Learning session 1 (R&D <b>), Tue 6 Oct 2026, 12:00 EDT"
    )
    assert "This is a reminder of “R&D <b>”." in message.body
    assert "&amp;" not in message.body


def test_the_html_body_escapes_the_same_title(world, session, september):
    september.move_to(utc(2026, 10, 5, 16, 0))
    deliver_due()

    html = html_part(mail_for(mail.outbox, world.fac1.email))

    assert "R&amp;D &lt;b&gt;" in html
    assert "<b>" not in html


def test_a_subject_is_one_line_whatever_the_title(world, september):
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    schedule(world, title="Two\nlines")
    september.move_to(utc(2026, 10, 5, 16, 0))
    deliver_due()

    message = mail_for(mail.outbox, world.fac1.email)

    assert message.subject == (
        f"{world.cohort1.name} — Reminder: Learning session 1 (Two lines), "
        "Tue 6 Oct 2026, 12:00 EDT"
    )


def test_a_moved_session_notice_keeps_the_title_as_typed(world, session, september):
    sessions.reschedule_session(
        session, starts_at=utc(2026, 10, 7, 16, 0), reason="Q&A <later>", by=world.staff
    )
    september.move_to(utc(2026, 9, 2, 0, 0))
    deliver_due()

    start = f"{world.cohort1.name} — Learning session 1 (R&D <b>) moved: now "
    moved = [m for m in mail.outbox if " moved: " in m.subject]
    assert moved
    assert all(m.subject.startswith(start) for m in moved)
    assert all("Q&A <later>" in m.body for m in moved)
