"""Delivery by hand: claim what is due, deliver it (locmem mail), and look at the email.

The session is Tuesday 6 October 2026, 10:00 in Denver; its day-before reminders are due
Monday 5 October at 16:00Z.
"""

import dataclasses
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from accounts import services as accounts
from accounts.models import Invitation
from cohorts.models import Seat
from notifications import kinds
from notifications import services as ledger
from notifications.models import Notification, QueueEntry
from sessions_app import services as sessions
from sessions_app.models import LearningSession
from tests.conftest import utc
from tests.notifications.conftest import (
    OCTOBER_6,
    deliver_due,
    html_part,
    mail_for,
    reminders,
    schedule,
    state_of,
)

pytestmark = pytest.mark.usefixtures("september")
DAY_BEFORE_DUE = utc(2026, 10, 5, 16, 0)


@pytest.fixture
def session(world):
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    return schedule(world)


@pytest.fixture
def fac1_reminder(world, session):
    return reminders(session).get(recipient=world.fac1)


def test_nothing_goes_before_its_moment(world, session, september):
    september.move_to(DAY_BEFORE_DUE - timedelta(seconds=1))

    assert deliver_due() == {}
    assert mail.outbox == []


def test_due_reminders_go_to_everyone_once_and_are_marked_sent(world, session, september):
    september.move_to(DAY_BEFORE_DUE)

    outcomes = deliver_due()

    assert sorted(outcomes.values()) == ["sent"] * 8
    assert len(mail.outbox) == 8
    assert {row.state for row in reminders(session)} == {"sent"}
    assert {row.sent_at for row in reminders(session)} == {DAY_BEFORE_DUE}
    assert not QueueEntry.objects.exists()  # sent rows leave the queue
    assert deliver_due() == {}  # a second pass sends nothing
    assert len(mail.outbox) == 8


def test_the_email_has_text_and_html_parts_unsubscribe_headers_and_a_stable_message_id(
    world, session, fac1_reminder, september
):
    september.move_to(DAY_BEFORE_DUE)
    deliver_due()

    message = mail_for(mail.outbox, world.fac1.email)
    assert message.subject == (
        f"{session.cohort.name} — Reminder: Learning session {session.number} "
        "(Equity in practice), Tue 6 Oct 2026, 12:00 EDT"
    )
    assert "This is a reminder of “Equity in practice”." in message.body
    assert "<html" in html_part(message)
    assert message.extra_headers["Message-ID"] == (
        f"<notification-{fac1_reminder.pk}.0@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"
    )
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{settings.SITE_URL}/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body
    assert f"{settings.SITE_URL}/profile/emails/" in message.body
    # The wire form carries the parts and the headers as a mail client sees them.
    wire = message_from_bytes(message.message().as_bytes())
    assert wire["Message-ID"] == fac1_reminder.message_id
    types = [part.get_content_type() for part in wire.walk()]
    assert {"text/plain", "text/html", "text/calendar"} <= set(types)


def test_a_reminder_carries_the_sessions_ics(world, session, september):
    september.move_to(DAY_BEFORE_DUE)
    deliver_due()

    message = mail_for(mail.outbox, world.fac1.email)
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("session.ics", "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["UID"]) == session.uid
    assert event.decoded("DTSTART") == OCTOBER_6


def test_a_resent_row_keeps_its_message_id_after_its_lease_ran_out(
    world, session, fac1_reminder, september
):
    """A worker died after sending: the retry must look like the same message."""
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))
    first = ledger._prepare(fac1_reminder.pk, claimed[fac1_reminder.pk])
    september.shift(timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1))

    assert sorted(deliver_due().values()) == ["sent"] * 8  # every lease ran out: due again

    again = mail_for(mail.outbox, world.fac1.email)
    assert again.extra_headers["Message-ID"] == first.extra_headers["Message-ID"]


def test_a_reminder_rescheduled_while_in_flight_gets_a_new_message_id(
    world, session, fac1_reminder, september
):
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))
    old = ledger._prepare(fac1_reminder.pk, claimed[fac1_reminder.pk])

    sessions.reschedule_session(
        session, starts_at=OCTOBER_6 + timedelta(days=1), reason="Clash", by=world.staff
    )

    assert ledger.deliver(fac1_reminder.pk, claimed[fac1_reminder.pk]) == "skipped"
    fac1_reminder.refresh_from_db()
    assert (fac1_reminder.state, fac1_reminder.revision) == ("scheduled", 1)
    assert fac1_reminder.message_id != old.extra_headers["Message-ID"]


def test_a_reminder_moved_after_its_claim_before_its_send_waits_for_its_new_moment(
    world, session, fac1_reminder, september
):
    """Claimed, still waiting for a worker, when the session moves: the move takes the
    claim back, so the worker skips it and it goes once, at its new moment."""
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))

    sessions.reschedule_session(
        session, starts_at=OCTOBER_6 + timedelta(days=1), reason="Clash", by=world.staff
    )

    assert ledger.deliver(fac1_reminder.pk, claimed[fac1_reminder.pk]) == "skipped"
    fac1_reminder.refresh_from_db()
    entry = QueueEntry.objects.get(notification=fac1_reminder)
    assert (fac1_reminder.state, fac1_reminder.revision) == ("scheduled", 0)  # never started
    assert (entry.not_before, entry.claim_token) == (DAY_BEFORE_DUE + timedelta(days=1), "")
    assert not [m for m in mail.outbox if "Reminder" in m.subject]
    september.move_to(entry.not_before)
    assert deliver_due()[fac1_reminder.pk] == "sent"


@pytest.mark.parametrize("state", ["sent", "cancelled", "failed"])
def test_a_row_that_is_done_is_never_sent_and_leaves_the_queue(
    world, session, fac1_reminder, september, state
):
    """The services take a row that is done out of the queue; should an entry be left
    behind (a change made around them), the ledger has the last word."""
    Notification.objects.filter(pk=fac1_reminder.pk).update(state=state)
    september.move_to(DAY_BEFORE_DUE)

    assert deliver_due()[fac1_reminder.pk] == "skipped"

    assert state_of(fac1_reminder) == state
    assert not QueueEntry.objects.filter(notification=fac1_reminder).exists()
    assert world.fac1.email not in {m.to[0] for m in mail.outbox}


def test_a_claimed_row_whose_session_was_cancelled_meanwhile_is_cancelled_not_sent(
    world, session, fac1_reminder, september
):
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))
    # Cancelled by a path that did not re-plan (the send-time re-check is the last guard).
    LearningSession.objects.filter(pk=session.pk).update(status=LearningSession.Status.CANCELLED)

    assert ledger.deliver(fac1_reminder.pk, claimed[fac1_reminder.pk]) == "skipped"

    fac1_reminder.refresh_from_db()
    assert (fac1_reminder.state, fac1_reminder.cancelled_reason) == (
        "cancelled",
        "The session was cancelled.",
    )
    assert mail.outbox == []


def test_a_claimed_row_cancelled_through_the_service_is_not_sent(
    world, session, fac1_reminder, september
):
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))

    sessions.cancel_session(session, reason="Ill", by=world.staff)

    assert ledger.deliver(fac1_reminder.pk, claimed[fac1_reminder.pk]) == "skipped"
    assert state_of(fac1_reminder) == "cancelled"
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]


def test_a_claimed_row_whose_session_moved_without_replanning_is_cancelled(
    world, session, fac1_reminder, september
):
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))
    LearningSession.objects.filter(pk=session.pk).update(starts_at=OCTOBER_6 + timedelta(days=1))

    assert ledger.deliver(fac1_reminder.pk, claimed[fac1_reminder.pk]) == "skipped"
    fac1_reminder.refresh_from_db()
    assert fac1_reminder.cancelled_reason == "The session moved; this reminder was not re-planned."


def test_a_claimed_row_of_a_person_who_left_meanwhile_is_cancelled(world, session, september):
    seat = world.team_a.seats.get(role="member")
    row = reminders(session).get(recipient=seat.person)
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))
    Seat.objects.filter(pk=seat.pk).update(ended_at=DAY_BEFORE_DUE)

    assert ledger.deliver(row.pk, claimed[row.pk]) == "skipped"
    row.refresh_from_db()
    assert (row.state, row.cancelled_reason) == (
        "cancelled",
        "The person is no longer part of this cohort.",
    )


def test_a_muted_kind_is_cancelled_with_the_reason(world, session, fac1_reminder, september):
    ledger.set_muted(world.fac1.email, "session_reminder", True)
    september.move_to(DAY_BEFORE_DUE)

    deliver_due()

    fac1_reminder.refresh_from_db()
    assert (fac1_reminder.state, fac1_reminder.cancelled_reason) == (
        "cancelled",
        "The person turned this kind of message off.",
    )
    assert len(mail.outbox) == 7
    assert world.fac1.email not in {m.to[0] for m in mail.outbox}


def test_a_row_claimed_by_someone_else_is_not_sent_with_a_stale_token(
    world, session, fac1_reminder, september
):
    september.move_to(DAY_BEFORE_DUE)
    stale = dict(ledger.claim_batch(limit=100))[fac1_reminder.pk]
    september.shift(timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1))
    fresh = dict(ledger.claim_batch(limit=100))[fac1_reminder.pk]

    assert ledger.deliver(fac1_reminder.pk, stale) == "skipped"
    assert ledger.deliver(fac1_reminder.pk, fresh) == "sent"
    assert len(mail.outbox) == 1


def test_a_refused_send_is_retried_with_backoff_then_fails_with_the_error(
    world, session, fac1_reminder, september, settings, monkeypatch
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("451 try again later")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    september.move_to(DAY_BEFORE_DUE)
    ledger.cancel_open(reminders(session).exclude(pk=fac1_reminder.pk), "Not this test's.")

    assert deliver_due() == {fac1_reminder.pk: "failed"}
    fac1_reminder.refresh_from_db()
    assert (fac1_reminder.state, fac1_reminder.attempts) == ("scheduled", 1)
    assert fac1_reminder.last_error == "ConnectionRefusedError: 451 try again later"
    assert fac1_reminder.not_before == DAY_BEFORE_DUE + timedelta(
        seconds=settings.NOTIFICATIONS_RETRY_SECONDS
    )
    entry = QueueEntry.objects.get(notification=fac1_reminder)
    assert (entry.not_before, entry.claim_token) == (fac1_reminder.not_before, "")
    assert deliver_due() == {}  # not before its backoff

    september.move_to(fac1_reminder.not_before)
    assert deliver_due() == {fac1_reminder.pk: "failed"}
    fac1_reminder.refresh_from_db()
    assert (fac1_reminder.state, fac1_reminder.attempts) == ("failed", 2)
    assert not QueueEntry.objects.filter(notification=fac1_reminder).exists()


def test_invitations_go_through_the_ledger_and_the_email_holds_the_accept_link(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = accounts.invite(
            by=world.staff,
            email="New.Person@Example.test",
            kind=Invitation.Kind.FACILITATOR,
            full_name="New Person",
            cohort=world.cohort1,
        )

    [row] = ledger.rows_about(invitation)
    assert (row.kind, row.to_email, row.slot, row.state) == (
        "invitation",
        "new.person@example.test",
        "send-1",
        "sent",
    )
    [message] = mail.outbox
    assert message.to == ["new.person@example.test"]
    assert message.extra_headers["Message-ID"] == row.message_id
    accept = settings.SITE_URL + reverse("accounts:invitation_accept", args=[invitation.key])
    assert accept in message.body or accept in html_part(message)


def test_a_revoked_invitation_is_not_sent(world):
    invitation = accounts.invite(
        by=world.staff,
        email="late@example.test",
        kind=Invitation.Kind.FACILITATOR,
        cohort=world.cohort1,
    )
    accounts.revoke_invitation(invitation, by=world.staff)

    assert deliver_due() == {}
    [row] = ledger.rows_about(invitation)
    assert (row.state, row.cancelled_reason) == ("cancelled", "The invitation was revoked.")
    assert mail.outbox == []


def test_starting_a_send_renews_the_lease_so_a_slow_queue_cannot_cause_a_second_send(
    world, session, fac1_reminder, september
):
    """The batch waited in the queue for most of its lease; the send itself gets a whole
    lease, so the row is not handed to another worker while it is going out."""
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    september.move_to(DAY_BEFORE_DUE)
    claimed = dict(ledger.claim_batch(limit=100))
    september.shift(lease - timedelta(seconds=1))

    assert ledger._prepare(fac1_reminder.pk, claimed[fac1_reminder.pk]) is not None
    september.shift(timedelta(seconds=2))  # the claim's lease has run out, the send's has not

    again = dict(ledger.claim_batch(limit=100))  # the others, still waiting in the queue
    assert len(again) == 7
    assert fac1_reminder.pk not in again
    assert state_of(fac1_reminder) == "sending"


def test_a_row_that_cannot_be_rendered_fails_visibly_and_the_rest_of_the_batch_still_goes(
    world, session, fac1_reminder, september, settings, monkeypatch
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 1
    reminder = kinds.get("session_reminder")

    def broken_context(row, obj):
        if row.pk == fac1_reminder.pk:
            raise KeyError("old_starts_at")
        return reminder.context(row, obj)

    monkeypatch.setitem(
        kinds.REGISTRY, reminder.code, dataclasses.replace(reminder, context=broken_context)
    )
    september.move_to(DAY_BEFORE_DUE)

    outcomes = send_batch_of_everything_due()

    assert outcomes.count("sent") == 7
    fac1_reminder.refresh_from_db()
    assert fac1_reminder.state == "failed"
    assert fac1_reminder.last_error == "KeyError: 'old_starts_at'"  # shown in the outbox
    assert len(mail.outbox) == 7


def send_batch_of_everything_due():
    """What the worker's send_batch task does with one claimed batch it has time for."""
    return [ledger.deliver(pk, token) for pk, token in ledger.claim_batch(limit=100)]
