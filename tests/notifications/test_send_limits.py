"""A send that holds: it ends inside its lease, and it marks the row sent only while the row
is still its own. (The same with real workers and a mail server that stops answering:
tests/faults/test_hanging_mail_server.py.)

The session is Tuesday 6 October 2026, 10:00 in Denver; its day-before reminders are due
Monday 5 October at 16:00Z.
"""

import logging
from collections import Counter
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.core.checks import run_checks
from django.core.mail import EmailMultiAlternatives

from notifications import services as ledger
from notifications import tasks
from notifications.checks import send_ends_inside_its_lease
from notifications.models import Notification, QueueEntry
from tests.conftest import utc
from tests.notifications.conftest import deliver_due, reminders, schedule, state_of

pytestmark = pytest.mark.usefixtures("september")
DAY_BEFORE_DUE = utc(2026, 10, 5, 16, 0)
real_send = EmailMultiAlternatives.send


@pytest.fixture
def reminder(world, september):
    """The facilitator's day-before reminder, due now and claimed (the other seven are
    cancelled, so nothing else is in play)."""
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    session = schedule(world)
    row = reminders(session).get(recipient=world.fac1)
    ledger.cancel_open(reminders(session).exclude(pk=row.pk), "Not this test's.")
    september.move_to(DAY_BEFORE_DUE)
    [(pk, token)] = ledger.claim_batch(limit=100)
    row.token = token
    return row


def during_the_send(monkeypatch, happening):
    """The message goes out (to mail.outbox), and then `happening` runs before the send
    returns: what another worker or the beat did while this one waited for the server."""

    def send(message, *args, **kwargs):
        sent = real_send(message, *args, **kwargs)
        happening()
        return sent

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)


def lease_runs_out(september, settings):
    september.shift(timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS + 1))


# The lease is checked before marking sent ------------------------------------------------------


def test_a_row_claimed_again_by_another_worker_during_the_send_is_not_marked_sent(
    reminder, september, settings, monkeypatch, caplog
):
    taken = {}

    def another_worker_takes_it():
        lease_runs_out(september, settings)
        [(_pk, taken["token"])] = ledger.claim_batch(limit=100)

    during_the_send(monkeypatch, another_worker_takes_it)

    assert ledger.deliver(reminder.pk, reminder.token) == "lost"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.sent_at) == ("sending", None)
    assert QueueEntry.objects.get(notification=reminder).claim_token == taken["token"]
    assert f"Notification {reminder.pk} was sent, but it was taken back" in caplog.text
    assert len(mail.outbox) == 1


def test_a_row_cancelled_during_the_send_is_not_marked_sent(reminder, monkeypatch, caplog):
    def the_session_is_cancelled():
        ledger.cancel_open(Notification.objects.filter(pk=reminder.pk), "Cancelled.")

    during_the_send(monkeypatch, the_session_is_cancelled)

    assert ledger.deliver(reminder.pk, reminder.token) == "lost"
    assert state_of(reminder) == "cancelled"
    assert "taken back during the send (now cancelled)" in caplog.text


def test_a_row_moved_during_the_send_is_not_marked_sent_and_its_new_message_waits(
    world, reminder, monkeypatch
):
    def the_session_moves():
        ledger.plan(
            kind=reminder.kind,
            about=reminder.about,
            slot=reminder.slot,
            due_at=DAY_BEFORE_DUE + timedelta(days=1),
            to_email=reminder.to_email,
            recipient=world.fac1,
        )

    during_the_send(monkeypatch, the_session_moves)

    assert ledger.deliver(reminder.pk, reminder.token) == "lost"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.revision) == ("scheduled", 1)


def test_a_send_that_outlived_its_lease_with_nobody_taking_the_row_back_is_marked_sent_once(
    reminder, september, settings, monkeypatch, caplog
):
    """Returning it to the queue now would only send it a second time."""
    during_the_send(monkeypatch, lambda: lease_runs_out(september, settings))

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert ledger.deliver(reminder.pk, reminder.token) == "sent"

    assert state_of(reminder) == "sent"
    assert "after its lease ran out" in caplog.text
    assert not QueueEntry.objects.exists()
    assert deliver_due() == {}
    assert len(mail.outbox) == 1


# The soft time limit is a failed attempt ------------------------------------------------------

TIMED_OUT = (
    "SoftTimeLimitExceeded: the mail server did not finish answering within the send task's "
    "120-second limit"
)


def hang_until_the_soft_limit(message, *args, **kwargs):
    raise SoftTimeLimitExceeded()  # what Celery raises in a send stuck past the soft limit


def test_a_send_stopped_by_the_soft_time_limit_is_a_failed_attempt_retried_later(
    reminder, september, settings, monkeypatch
):
    settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT = 120
    monkeypatch.setattr(EmailMultiAlternatives, "send", hang_until_the_soft_limit)

    assert ledger.deliver(reminder.pk, reminder.token) == "timed out"

    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts) == ("scheduled", 1)
    assert reminder.last_error == TIMED_OUT  # as the outbox shows it
    assert reminder.not_before == DAY_BEFORE_DUE + timedelta(
        seconds=settings.NOTIFICATIONS_RETRY_SECONDS
    )
    entry = QueueEntry.objects.get(notification=reminder)
    assert (entry.not_before, entry.claim_token) == (reminder.not_before, "")  # unclaimed

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)  # the server is back
    september.move_to(reminder.not_before)
    assert deliver_due() == {reminder.pk: "sent"}
    assert state_of(reminder) == "sent"
    assert len(mail.outbox) == 1


def test_a_soft_limit_landing_after_the_message_went_still_marks_it_sent_once(
    reminder, september, settings, monkeypatch
):
    """The limit falls while the row is being marked sent: the message went, so the row is
    sent, not left to go again when its lease runs out; the batch ends there."""
    real_delete = QueueEntry.delete
    calls = []

    def cut_short_once(entry, *args, **kwargs):
        calls.append(entry.pk)
        if len(calls) == 1:
            raise SoftTimeLimitExceeded()
        return real_delete(entry, *args, **kwargs)

    monkeypatch.setattr(QueueEntry, "delete", cut_short_once)

    assert ledger.deliver(reminder.pk, reminder.token) == "timed out"

    assert state_of(reminder) == "sent"
    assert not QueueEntry.objects.filter(notification=reminder).exists()
    lease_runs_out(september, settings)
    assert deliver_due() == {}
    assert len(mail.outbox) == 1


def test_a_send_stopped_by_the_soft_time_limit_every_time_ends_failed_with_the_reason(
    reminder, september, settings, monkeypatch
):
    settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT = 120
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    monkeypatch.setattr(EmailMultiAlternatives, "send", hang_until_the_soft_limit)
    ledger.deliver(reminder.pk, reminder.token)
    reminder.refresh_from_db()
    september.move_to(reminder.not_before)

    assert deliver_due() == {reminder.pk: "timed out"}

    reminder.refresh_from_db()
    assert (reminder.state, reminder.attempts, reminder.last_error) == ("failed", 2, TIMED_OUT)


# A batch takes only what fits in its task's time ----------------------------------------------


@pytest.fixture
def batch(world, september):
    """The eight day-before reminders of a session, due now and claimed as one batch."""
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    schedule(world)
    september.move_to(DAY_BEFORE_DUE)
    return [list(pair) for pair in ledger.claim_batch(limit=100)]  # as the broker hands it


def states(batch):
    return Counter(
        Notification.objects.filter(pk__in=[pk for pk, _ in batch]).values_list("state", flat=True)
    )


def test_a_batch_starts_no_send_once_less_than_email_timeout_is_left_and_hands_on_the_rest(
    batch, settings
):
    settings.EMAIL_TIMEOUT = settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT  # no time for more

    rest = ledger.deliver_batch(batch)

    assert rest == batch[1:]  # the first send always starts, so the batch moves on
    assert states(batch) == {"sent": 1, "scheduled": 7}  # claimed, not started
    assert len(mail.outbox) == 1


def test_a_send_cut_short_by_the_soft_limit_ends_the_batch_and_a_new_task_sends_the_rest(
    batch, monkeypatch
):
    first = batch[0][0]

    def first_one_hangs(message, *args, **kwargs):
        if message.extra_headers["Message-ID"].startswith(f"<notification-{first}."):
            raise SoftTimeLimitExceeded()
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", first_one_hangs)

    assert ledger.deliver_batch(batch) == batch[1:]
    assert states(batch) == {"scheduled": 8}  # one to retry, seven claimed and not started

    tasks.send_batch.delay(batch[1:])  # what the task does with the rest (run here, eagerly)

    assert states(batch) == {"scheduled": 1, "sent": 7}
    assert Notification.objects.get(pk=first).last_error == TIMED_OUT


def test_the_send_task_has_time_limits_under_the_lease(settings):
    assert tasks.send_batch.soft_time_limit == settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT
    assert tasks.send_batch.time_limit == settings.NOTIFICATIONS_SEND_TIME_LIMIT
    assert tasks.send_batch.time_limit < settings.NOTIFICATIONS_LEASE_SECONDS


# The settings check ---------------------------------------------------------------------------


def test_the_default_settings_end_every_send_inside_its_lease():
    assert send_ends_inside_its_lease(None) == []


def test_an_email_timeout_as_long_as_the_lease_fails_the_system_check(settings):
    settings.EMAIL_TIMEOUT = settings.NOTIFICATIONS_LEASE_SECONDS

    errors = [error for error in run_checks() if error.id.startswith("notifications.")]

    assert [error.id for error in errors] == ["notifications.E002"]
    assert errors[0].msg.startswith("EMAIL_TIMEOUT (300 s) must be shorter than")


def test_a_hard_time_limit_past_the_lease_fails_the_system_check(settings):
    settings.NOTIFICATIONS_SEND_TIME_LIMIT = settings.NOTIFICATIONS_LEASE_SECONDS + 10

    [error] = send_ends_inside_its_lease(None)

    assert error.msg == (
        "NOTIFICATIONS_SEND_TIME_LIMIT (310 s) must be shorter than "
        "NOTIFICATIONS_LEASE_SECONDS (300 s)."
    )


def test_a_soft_limit_at_or_past_the_hard_one_fails_the_system_check(settings):
    settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT = settings.NOTIFICATIONS_SEND_TIME_LIMIT

    [error] = send_ends_inside_its_lease(None)

    assert error.msg.startswith("NOTIFICATIONS_SEND_SOFT_TIME_LIMIT (150 s) must be shorter")


def test_no_email_timeout_at_all_fails_the_system_check(settings):
    settings.EMAIL_TIMEOUT = None

    [error] = send_ends_inside_its_lease(None)

    assert error.id == "notifications.E001"
