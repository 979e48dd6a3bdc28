"""A 'moved' or 'cancelled' notice waits out a hold before it is due. Within it a correction
replaces the notice (one notice, the latest time) and an undo takes the change back (no
notice); a second move whose notice has not gone yet replaces it too.

Planned on 1 September 2026 at 15:00 UTC; the session is Tuesday 6 October 2026, 10:00 in
Denver. The hold is 10 minutes.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications import services as ledger
from portal.templatetags.portal_time import clock, when
from sessions_app import services as sessions
from sessions_app.models import LearningSession, Reschedule
from tests.conftest import SEPTEMBER_1, make_team
from tests.notifications.conftest import (
    OCTOBER_6,
    cohort1_people,
    deliver_due,
    mail_for,
    reminders,
    schedule,
)
from tests.sessions_app.helpers import page_text

pytestmark = pytest.mark.usefixtures("september")

MOVED, CANCELLED = "session_rescheduled", "session_cancelled"
TAKEN_BACK = "The change was taken back before this notice went."
HOLD = timedelta(minutes=10)
WEDNESDAY, THURSDAY = OCTOBER_6 + timedelta(days=1), OCTOBER_6 + timedelta(days=2)


@pytest.fixture(autouse=True)
def _ten_minute_hold(settings):
    settings.NOTICE_HOLD_MINUTES = 10


def notices(session, kind=MOVED, **filters):
    return ledger.rows_about(session, kind).filter(**filters)


def planned_reminders(session):
    return {(row.to_email, row.slot, row.due_at, row.state) for row in reminders(session)}


def move(world, session, starts_at, reason="The budget hearing is that day."):
    return sessions.reschedule_session(session, starts_at=starts_at, reason=reason, by=world.fac1)


def notice_of(message):
    """ "moved" or "cancelled" from a subject like "Cohort 1 — Learning session 1 (…) moved:
    now …"."""
    found = re.search(r" — Learning session \d+ \(.*\) (moved|cancelled): ", message.subject)
    return found[1] if found else None


def sent_notices():
    return [message for message in mail.outbox if notice_of(message)]


# The hold ------------------------------------------------------------------------------------


def test_a_moved_notice_waits_out_the_hold_before_it_goes(world, september):
    session = schedule(world)

    move(world, session, WEDNESDAY)

    assert {(row.state, row.due_at) for row in notices(session)} == {
        ("scheduled", SEPTEMBER_1 + HOLD)
    }
    september.shift(HOLD - timedelta(seconds=1))
    assert deliver_due() == {}
    september.shift(timedelta(seconds=1))
    assert set(deliver_due().values()) == {"sent"}
    assert len(sent_notices()) == len(cohort1_people(world))


def test_a_cancelled_notice_waits_out_the_hold_too(world, september):
    session = schedule(world)

    sessions.cancel_session(session, reason="The facilitator is ill.", by=world.fac1)

    assert {(row.state, row.due_at) for row in notices(session, CANCELLED)} == {
        ("scheduled", SEPTEMBER_1 + HOLD)
    }


def test_without_a_hold_the_notice_is_due_at_once(
    world, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_HOLD_MINUTES = 0
    session = schedule(world)

    with django_capture_on_commit_callbacks(execute=True):
        move(world, session, WEDNESDAY)

    # Due now, and dispatched as soon as the change committed (tasks run eagerly here).
    assert {row.due_at for row in notices(session)} == {SEPTEMBER_1}
    assert len(sent_notices()) == len(cohort1_people(world))


# A correction replaces the notice ------------------------------------------------------------


def test_a_correction_within_the_hold_sends_one_notice_with_the_latest_time(world, september):
    session = schedule(world)
    slip = OCTOBER_6 - timedelta(hours=11)  # 05:00 in Denver: a typing slip
    move(world, session, slip, reason="The budget hearing is that day.")
    september.shift(timedelta(minutes=3))

    move(world, session, WEDNESDAY, reason="The budget hearing is on Tuesday: Wednesday instead.")

    people = cohort1_people(world)
    rows = notices(session)
    assert rows.count() == len(people)
    assert {(row.state, row.slot, row.due_at) for row in rows} == {
        ("scheduled", "change-1", SEPTEMBER_1 + timedelta(minutes=3) + HOLD)
    }
    assert {row.payload["old_starts_at"] for row in rows} == {OCTOBER_6.isoformat()}
    assert {row.payload["reason"] for row in rows} == {
        "The budget hearing is on Tuesday: Wednesday instead."
    }

    september.shift(HOLD)
    deliver_due()

    assert len(sent_notices()) == len(people)
    for person in people:
        body = mail_for(sent_notices(), person.email).body
        assert f"Now: {when(WEDNESDAY, person.time_zone)}" in body
        assert f"Was: {when(OCTOBER_6, person.time_zone)}" in body
        assert when(slip, person.time_zone) not in body
        assert "Wednesday instead." in body


def test_moving_back_to_the_time_people_know_within_the_hold_sends_nothing(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    september.shift(timedelta(minutes=2))

    move(world, session, OCTOBER_6, reason="Wrong session: this one stays.")

    assert {(row.state, row.cancelled_reason) for row in notices(session)} == {
        ("cancelled", TAKEN_BACK)
    }
    september.shift(timedelta(hours=1))
    deliver_due()
    assert sent_notices() == []


def test_a_second_move_after_the_hold_replaces_a_notice_that_has_not_gone_yet(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY, reason="The budget hearing is that day.")
    # Past the hold, but nothing was dispatched (the broker was down, say).
    september.shift(timedelta(minutes=30))

    move(world, session, THURSDAY, reason="The hearing moved to Wednesday as well.")

    people = cohort1_people(world)
    rows = notices(session)
    assert rows.count() == len(people)
    assert {(row.slot, row.state, row.due_at) for row in rows} == {
        ("change-1", "scheduled", SEPTEMBER_1 + timedelta(minutes=30) + HOLD)
    }
    assert {row.payload["old_starts_at"] for row in rows} == {OCTOBER_6.isoformat()}
    assert {row.payload["reason"] for row in rows} == {"The hearing moved to Wednesday as well."}
    september.shift(HOLD)
    deliver_due()
    for person in people:
        body = mail_for(sent_notices(), person.email).body
        assert f"Now: {when(THURSDAY, person.time_zone)}" in body
        assert f"Was: {when(OCTOBER_6, person.time_zone)}" in body


def test_a_move_after_the_first_notice_went_is_a_second_notice_from_the_told_time(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    september.shift(HOLD)
    deliver_due()
    september.shift(timedelta(hours=1))

    move(world, session, THURSDAY, reason="The room is taken on Wednesday.")

    second = notices(session, state="scheduled")
    assert {(row.slot, row.payload["old_starts_at"]) for row in second} == {
        ("change-2", WEDNESDAY.isoformat())
    }
    assert notices(session, state="sent").count() == len(cohort1_people(world))
    september.shift(HOLD)
    deliver_due()
    assert len(sent_notices()) == 2 * len(cohort1_people(world))


# Undo ----------------------------------------------------------------------------------------


def test_undoing_a_move_within_the_hold_cancels_its_notice_and_puts_the_reminders_back(
    world, september
):
    session = schedule(world)
    before = planned_reminders(session)
    moved = move(world, session, WEDNESDAY)
    assert planned_reminders(session) != before
    september.shift(timedelta(minutes=4))

    back = sessions.undo_change(moved, by=world.fac1)

    assert (back.starts_at, back.time_zone) == (OCTOBER_6, "America/Denver")
    assert back.sequence == 2  # calendars that saw the move see it go back
    assert {(row.state, row.cancelled_reason) for row in notices(session)} == {
        ("cancelled", TAKEN_BACK)
    }
    assert planned_reminders(session) == before
    assert Reschedule.objects.get().undone_at == SEPTEMBER_1 + timedelta(minutes=4)
    september.shift(timedelta(hours=1))
    deliver_due()
    assert sent_notices() == []


def test_undo_puts_back_the_time_zone_the_session_kept(world):
    session = schedule(world)
    moved = sessions.reschedule_session(
        session,
        starts_at=WEDNESDAY,
        reason="Planned from Phoenix now.",
        time_zone="America/Phoenix",
        by=world.fac1,
    )

    back = sessions.undo_change(moved, by=world.fac1)

    assert back.time_zone == "America/Denver"


def test_undoing_a_correction_leaves_the_first_moves_notice_with_its_reason(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY, reason="The budget hearing is that day.")
    september.shift(timedelta(minutes=2))
    corrected = move(world, session, THURSDAY, reason="Thursday suits the partners better.")

    back = sessions.undo_change(corrected, by=world.fac1)

    assert back.starts_at == WEDNESDAY
    assert {(row.state, row.payload["reason"]) for row in notices(session)} == {
        ("scheduled", "The budget hearing is that day.")
    }
    september.shift(HOLD)
    deliver_due()
    body = mail_for(sent_notices(), world.fac1.email).body
    assert f"Now: {when(WEDNESDAY, world.fac1.time_zone)}" in body
    assert f"Was: {when(OCTOBER_6, world.fac1.time_zone)}" in body


def test_undoing_a_cancellation_within_the_hold_cancels_its_notice_and_replans_the_reminders(
    world, september
):
    session = schedule(world)
    before = planned_reminders(session)
    sessions.cancel_session(session, reason="The facilitator is ill.", by=world.fac1)
    assert {row.state for row in reminders(session)} == {"cancelled"}
    september.shift(timedelta(minutes=2))

    back = sessions.undo_change(session, by=world.fac1)

    assert (back.status, back.cancel_reason) == (LearningSession.Status.SCHEDULED, "")
    assert {(row.state, row.cancelled_reason) for row in notices(session, CANCELLED)} == {
        ("cancelled", TAKEN_BACK)
    }
    assert planned_reminders(session) == before
    september.shift(timedelta(hours=1))
    deliver_due()
    assert sent_notices() == []


def test_a_cancellation_while_a_moves_notice_waits_sends_only_the_cancellation(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    september.shift(timedelta(minutes=5))

    sessions.cancel_session(session, reason="The facilitator is ill.", by=world.fac1)
    september.shift(timedelta(hours=1))
    deliver_due()

    assert {notice_of(message) for message in sent_notices()} == {"cancelled"}
    assert {row.cancelled_reason for row in notices(session)} == {
        "The session was cancelled since."
    }


def test_undoing_that_cancellation_lets_the_waiting_moves_notice_go(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    september.shift(timedelta(minutes=5))
    sessions.cancel_session(session, reason="The facilitator is ill.", by=world.fac1)
    september.shift(timedelta(minutes=1))

    sessions.undo_change(session, by=world.fac1)
    september.shift(timedelta(hours=1))
    deliver_due()

    people = cohort1_people(world)
    assert len(sent_notices()) == len(people)
    assert {notice_of(message) for message in sent_notices()} == {"moved"}


def test_after_the_hold_a_change_can_no_longer_be_undone(world, september):
    session = schedule(world)
    moved = move(world, session, WEDNESDAY)
    september.shift(HOLD)

    with pytest.raises(ValidationError, match="Everyone has been told of this change already"):
        sessions.undo_change(moved, by=world.fac1)

    moved.refresh_from_db()
    assert moved.starts_at == WEDNESDAY
    assert Reschedule.objects.get().undone_at is None


def test_a_session_that_was_never_changed_has_nothing_to_undo(world):
    session = schedule(world)

    with pytest.raises(ValidationError):
        sessions.undo_change(session, by=world.fac1)


# The page after the change -------------------------------------------------------------------


def detail(client, session):
    return client.get(reverse("sessions_app:session_detail", args=[session.pk]))


def test_the_session_page_offers_undo_during_the_hold_only(client, world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    client.force_login(world.fac1)

    during = page_text(detail(client, session))
    september.shift(HOLD)
    after = page_text(detail(client, session))

    assert "Undo the move" in during
    assert f"Nobody is told until {clock(SEPTEMBER_1 + HOLD, world.fac1.time_zone)}" in during
    assert "Undo the move" not in after


def test_team_members_never_see_the_undo(client, world):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    client.force_login(world.team_a_ed)

    text = page_text(detail(client, session))

    assert "Undo" not in text
    assert "Nobody is told" not in text


def test_undo_is_a_post_that_moves_the_session_back_and_says_so(client, world):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    client.force_login(world.fac1)

    response = client.post(reverse("sessions_app:session_undo", args=[session.pk]), follow=True)

    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert "The move is undone: the session is back at its old time." in page_text(response)
    session.refresh_from_db()
    assert session.starts_at == OCTOBER_6
    # The undone move is no part of the history people see.
    assert list(response.context["reschedules"]) == []


def test_a_cancellation_is_undone_from_its_page(client, world):
    session = schedule(world)
    sessions.cancel_session(session, reason="The facilitator is ill.", by=world.fac1)
    client.force_login(world.fac1)
    assert "Undo the cancellation" in page_text(detail(client, session))

    response = client.post(reverse("sessions_app:session_undo", args=[session.pk]), follow=True)

    assert "The cancellation is undone. Nobody was told of it." in page_text(response)
    session.refresh_from_db()
    assert session.status == LearningSession.Status.SCHEDULED


def test_an_undo_after_the_hold_is_a_message_not_an_error(client, world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    september.shift(HOLD)
    client.force_login(world.fac1)

    response = client.post(reverse("sessions_app:session_undo", args=[session.pk]), follow=True)

    assert response.status_code == 200
    assert "Everyone has been told of this change already" in page_text(response)


def test_undo_is_only_for_those_who_schedule(client, world):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    client.force_login(world.team_a_ed)

    response = client.post(reverse("sessions_app:session_undo", args=[session.pk]))

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.starts_at == WEDNESDAY


def test_a_correction_starts_from_the_waiting_notices_reason(client, world):
    session = schedule(world)
    move(world, session, WEDNESDAY, reason="The budget hearing is that day.")
    client.force_login(world.fac1)

    response = client.get(reverse("sessions_app:session_reschedule", args=[session.pk]))

    assert response.context["form"]["reason"].value() == "The budget hearing is that day."
    assert "Moving the session again replaces it" in page_text(response)


def test_undoing_a_move_tells_nobody_who_joined_during_the_hold(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    newcomer = make_team(world.cohort1).seats.first().person

    sessions.undo_change(session, by=world.fac1)

    assert not notices(session, to_email=newcomer.email).exists()
    assert not notices(session, state="scheduled").exists()


def test_undo_with_no_move_left_to_take_back_says_so(world, september):
    session = schedule(world)
    move(world, session, WEDNESDAY)
    sessions.undo_change(session, by=world.fac1)
    make_team(world.cohort1)

    with pytest.raises(ValidationError):
        sessions.undo_change(session, by=world.fac1)
