"""The ledger's life: plan → claim → send → prove (see STYLE.md, "Sending exactly once").

Planning functions run inside the caller's transaction. Claiming runs in short
transactions with SKIP LOCKED. Sending happens outside any transaction.

What each step writes. The claim's queue (QueueEntry: the row's id, when it may be taken, a
claim token) is apart from the wide ledger row, so that claiming a row writes one narrow
queue row and its two index entries, and nothing in the ledger:

- plan: the ledger row (five indexes) and its queue entry;
- claim: the queue entry (lease and token);
- start a send (`_prepare`): the ledger row (state sending, the attempt) and the queue
  entry (a fresh lease);
- mark sent, fail for good, cancel: the ledger row, and the queue entry is deleted;
  a retry: the ledger row and the queue entry (its backoff).
"""

import json
import logging
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import connection, models, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.timezones import zone_or_utc
from notifications import kinds
from notifications.emails import render_message
from notifications.models import DigestItem, KindPreference, MutedKind, Notification, QueueEntry

logger = logging.getLogger(__name__)
State = Notification.State
OPEN_STATES = (State.SCHEDULED, State.SENDING, State.FAILED)


# Planning ------------------------------------------------------------------------------------


def rows_about(obj, kind=None):
    rows = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    return rows.filter(kind=kind) if kind else rows


def rows_about_any(objects, kind=None):
    """The rows about any object of a queryset (of one model)."""
    rows = Notification.objects.filter(
        content_type=ContentType.objects.get_for_model(objects.model),
        object_id__in=objects.values("pk"),
    )
    return rows.filter(kind=kind) if kind else rows


@dataclass(frozen=True)
class Message:
    """One message to plan about an object: to whom, which of its messages, when."""

    to_email: str
    slot: str
    due_at: datetime
    recipient: Any = None
    payload: dict = field(default_factory=dict)


def plan(*, kind, about, slot, due_at, to_email, recipient=None, cohort=None, payload=None):
    """Plan one message (see plan_many)."""
    message = Message(to_email, slot, due_at, recipient, payload or {})
    plan_many(kind=kind, about=about, cohort=cohort, messages=[message])


# What re-arming a planned row resets; the rest of the row (its key, its history) stays.
REARMED = [
    "due_at",
    "not_before",
    "state",
    "attempts",
    "last_error",
    "cancelled_reason",
    "recipient",
    "payload",
    "revision",
    "sent_at",
    "updated_at",
]


def plan_many(*, kind, about, messages, cohort=None):
    """Plan messages of one kind about one object, or move the planned ones with the same
    keys. Never a second copy, and the same few statements however many people it concerns.

    A message whose moment has passed is not planned (a late joiner gets only future
    reminders); a planned one whose new moment has passed is cancelled, not sent late.
    A sent one is armed again (new Message-ID) only if its new moment is still ahead.
    A row whose moment did not change is left to delivery (waiting, in flight, retrying or
    sent): re-planning it would cancel a due row that only waits for the broker.
    """
    plan_each(kind=kind, plans=[(about, messages)], cohort=cohort)


def plan_each(*, kind, plans, cohort=None):
    """plan_many for several objects of one model at once: `plans` is [(about, messages)].
    The same few statements however many objects and people (a cohort's check-ins)."""
    if not plans:
        return
    now = timezone.now()
    passed = now - timedelta(minutes=1)
    content_type = ContentType.objects.get_for_model(plans[0][0])
    wanted = {
        (about.pk, message.to_email.lower(), message.slot): message
        for about, messages in plans
        for message in messages
    }
    existing = {
        (row.object_id, row.to_email, row.slot): row
        for row in Notification.objects.select_for_update().filter(
            content_type=content_type,
            object_id__in={about.pk for about, _messages in plans},
            kind=kind,
            slot__in={slot for _pk, _email, slot in wanted},
        )
    }
    new, rearmed, new_person, too_late = [], [], [], []
    for (object_id, to_email, slot), message in wanted.items():
        row = existing.get((object_id, to_email, slot))
        if row is None:
            if message.due_at >= passed:
                new.append(
                    Notification(
                        kind=kind,
                        content_type=content_type,
                        object_id=object_id,
                        to_email=to_email,
                        slot=slot,
                        recipient=message.recipient,
                        cohort=cohort,
                        payload=message.payload,
                        due_at=message.due_at,
                        not_before=message.due_at,
                    )
                )
        elif row.due_at == message.due_at and row.state != State.CANCELLED:
            continue
        elif message.due_at < passed:
            if row.state not in (State.SENT, State.CANCELLED):
                too_late.append(row.pk)
        else:
            if row.recipient_id != getattr(message.recipient, "pk", None):
                new_person.append(row)
            rearmed.append(_rearm(row, message, now))
    # A row planned by a concurrent change since the read above takes this plan's moment.
    Notification.objects.bulk_create(
        new,
        update_conflicts=True,
        unique_fields=["content_type", "object_id", "kind", "to_email", "slot"],
        update_fields=["due_at", "not_before", "recipient", "payload", "updated_at"],
    )
    _save_rearmed(rearmed)
    Notification.objects.bulk_update(new_person, ["recipient"])
    _queue([*new, *rearmed])
    _cancel_ids(too_late, MOMENT_PASSED, now)


def _save_rearmed(rows):
    """Write re-armed rows with one UPDATE per new moment and payload (a reminder's slot),
    not bulk_update's CASE per row and field, whose cost grows with the square of the rows.
    A row that had gone, or may be going, gets a new revision (its own Message-ID)."""
    groups = defaultdict(list)
    for row in rows:
        groups[row.due_at, json.dumps(row.payload, sort_keys=True)].append(row)
    went = (State.SENT, State.SENDING)
    for (due_at, _payload), group in groups.items():
        Notification.objects.filter(pk__in=[row.pk for row in group]).update(
            due_at=due_at,
            not_before=due_at,
            state=State.SCHEDULED,
            attempts=0,
            last_error="",
            cancelled_reason="",
            payload=group[0].payload,
            revision=Case(
                When(state__in=went, then=F("revision") + 1),
                default=F("revision"),
                output_field=models.PositiveSmallIntegerField(),
            ),
            sent_at=Case(
                When(state__in=went, then=Value(None)),
                default=F("sent_at"),
                output_field=models.DateTimeField(),
            ),
            updated_at=group[0].updated_at,
        )


def _rearm(row, message, now):
    if row.state in (State.SENT, State.SENDING):
        # The old message went, or may be going: the new one needs its own Message-ID.
        row.revision += 1
        row.sent_at = None
    row.due_at = row.not_before = message.due_at
    row.state = State.SCHEDULED
    row.attempts = 0
    row.last_error = ""
    row.cancelled_reason = ""
    row.recipient = message.recipient
    row.payload = message.payload or row.payload
    row.updated_at = now
    return row


ADDRESS_CHANGED = gettext_noop("The person's email address changed since it was planned.")


@transaction.atomic
def readdress(*, person, old_email):
    """A person's address changed: their messages still to come go to the new one at once.

    A claimed row not yet rendered is re-addressed too (rendering reads the row under lock);
    one already rendered goes to the address that was right when it was rendered. Where the
    new address already has the same message (from an earlier stretch with that address), that
    row carries it: armed again if it had gone or was cancelled; the old address's is cancelled.
    Atomic on its own: allauth saves a changed address outside any transaction.
    """
    new_email = person.email.lower()
    now = timezone.now()
    rows = Notification.objects.select_for_update().filter(
        recipient=person, to_email=old_email.lower(), state__in=OPEN_STATES
    )
    for row in rows:
        twin = (
            Notification.objects.select_for_update()
            .filter(
                kind=row.kind,
                content_type_id=row.content_type_id,
                object_id=row.object_id,
                to_email=new_email,
                slot=row.slot,
            )
            .first()
        )
        if twin is None:
            row.to_email = new_email
            row.updated_at = now
            row.save(update_fields=["to_email", "updated_at"])
            continue
        if twin.state not in OPEN_STATES:
            message = Message(new_email, row.slot, row.due_at, person, row.payload)
            _rearm(twin, message, now).save(update_fields=REARMED)
        _cancel(row, ADDRESS_CHANGED)


def replace(rows, *, due_at):
    """Planned rows that have not gone yet take a new moment, and the payload their caller
    gave them: notices a later change supersedes before they went. One statement however
    many rows; the caller holds their locks."""
    now = timezone.now()
    for row in rows:
        row.due_at = row.not_before = due_at
        row.updated_at = now
    Notification.objects.bulk_update(rows, ["due_at", "not_before", "payload", "updated_at"])
    _queue(rows)


DAILY_DIGEST = "daily_digest"
DIGEST_HOUR = 8
Delivery = KindPreference.Delivery


def notify(*, kind, about, people, slot, payload=None, cohort=None):
    """Tell people about something that happened (a comment, a status change, a support
    step): each gets it as it happens, or in their daily digest, as they chose on
    "Your emails". Runs inside the caller's transaction.

    `kind` is a registered kind's code; `about` the object it happened to (its kind's
    templates, re-check and link read it); `slot` names this event among the object's events
    (e.g. "comment-42", "status-7"; at most 40 characters): a person already told of that
    event, either way, is not told again, so a new event needs a new slot. A person without
    an address is skipped; muting and closed accounts are settled at send time. `payload`
    (JSON) reaches the kind's templates and re-check as `row.payload`; `cohort` files the
    message under a cohort in the Outbox (a facilitator's view).

    As it happens: one ledger row per person, due now, dispatched once the change commits.
    Daily digest: the event is recorded (DigestItem) and the person's digest for the next
    8:00 in their own zone is planned: one ledger row per person per day (about the person,
    slot = that local date), so it can't be planned or sent twice.
    """
    code = kinds.get(kind).code  # an unknown kind fails here, inside the caller's change
    content_type = ContentType.objects.get_for_model(about)
    people = {person.pk: person for person in people if person.email}
    for pk in _told(code, content_type, about, slot, people.values()):
        del people[pk]
    people = sorted(people.values(), key=lambda person: person.pk)  # one lock order
    if not people:
        return
    digested = digest_takers(code, people)
    now = timezone.now()
    at_once = [person for person in people if person.pk not in digested]
    if at_once:
        plan_many(
            kind=code,
            about=about,
            cohort=cohort,
            messages=[
                Message(person.email, slot, now, person, payload or {}) for person in at_once
            ],
        )
        dispatch_soon()
    in_digest = [person for person in people if person.pk in digested]
    if in_digest:
        DigestItem.objects.bulk_create(
            [
                DigestItem(
                    recipient=person,
                    kind=code,
                    content_type=content_type,
                    object_id=about.pk,
                    slot=slot,
                    cohort=cohort,
                    payload=payload or {},
                    created_at=now,
                )
                for person in in_digest
            ],
            ignore_conflicts=True,  # a concurrent telling of the same event
        )
        plan_digests(in_digest, now)


def _told(kind, content_type, about, slot, people):
    """The ids of those of `people` already told of this event, either way: a ledger row
    (planned, sent or cancelled) or a digest item for it. Two reads on unique indexes."""
    by_email = {person.email.lower(): person.pk for person in people}
    rows = Notification.objects.filter(
        content_type=content_type,
        object_id=about.pk,
        kind=kind,
        to_email__in=by_email,
        slot=slot,
    ).values_list("to_email", flat=True)
    items = DigestItem.objects.filter(
        recipient__in=by_email.values(),
        kind=kind,
        content_type=content_type,
        object_id=about.pk,
        slot=slot,
    ).values_list("recipient_id", flat=True)
    return {by_email[email] for email in rows} | set(items)


def digest_takers(kind, people):
    """The ids of those of `people` who get `kind` in their daily digest (none unless the
    kind is digestible)."""
    if not kinds.get(kind).digestible:
        return set()
    return set(
        KindPreference.objects.filter(
            person__in=[person.pk for person in people], kind=kind, delivery=Delivery.DIGEST
        ).values_list("person_id", flat=True)
    )


def next_digest_at(person, after):
    """The first 8:00 in the person's own zone strictly after `after` (wall-clock time, so
    daylight-saving changes move it in UTC and zones without them don't)."""
    zone = zone_or_utc(person.time_zone)
    local = after.astimezone(zone)
    day = local.date() if local.hour < DIGEST_HOUR else local.date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, DIGEST_HOUR, tzinfo=zone)


def plan_digests(people, now):
    """Plan each person's digest for the next 8:00 after `now` in their zone: one row per
    person per day (about the person, slot = that local date).

    Their digest rows from that day on are read under lock, in one query. A day's row that
    is going, gone or failed (it listed what had happened when it was prepared) can't take
    a new item: the next day's digest does. A waiting one due at the right moment is left
    alone, so every event after a person's first of the day costs only that read; one due
    at another moment (the person's zone changed) moves to 8:00 in their zone now.
    """
    due = {person.pk: next_digest_at(person, now) for person in people}
    rows = {
        (row.object_id, row.to_email, row.slot): row
        for row in Notification.objects.select_for_update()
        .filter(
            content_type=ContentType.objects.get_for_model(people[0]),
            object_id__in=due,
            kind=DAILY_DIGEST,
            to_email__in={person.email.lower() for person in people},
            slot__gte=min(moment.date() for moment in due.values()).isoformat(),
        )
        .order_by("pk")
    }
    for person in people:
        moment = due[person.pk]
        while True:
            row = rows.get((person.pk, person.email.lower(), moment.date().isoformat()))
            if row is None or row.state in (State.SCHEDULED, State.CANCELLED):
                break
            moment = next_digest_at(person, moment)
        if row is not None and row.state == State.SCHEDULED and row.due_at == moment:
            continue
        plan_many(
            kind=DAILY_DIGEST,
            about=person,
            messages=[
                Message(person.email, moment.date().isoformat(), moment.astimezone(UTC), person)
            ],
        )


def dispatch_soon():
    """Messages due now needn't wait for the minute beat: dispatch once the change commits.

    (Imported here: the tasks module imports this one.)
    """
    from notifications.tasks import dispatch_due

    dispatch_due.delay_on_commit()


MOMENT_PASSED = gettext_noop("Its moment passed before it could go (the time changed).")


def _cancel(row, reason):
    _cancel_ids([row.pk], reason)


def _cancel_ids(ids, reason, now=None):
    if ids:
        Notification.objects.filter(pk__in=ids).update(
            state=State.CANCELLED,
            cancelled_reason=reason[:200],
            updated_at=now or timezone.now(),
        )
        QueueEntry.objects.filter(notification__in=ids).delete()


def cancel_open(rows, reason):
    """Cancel every planned, in-flight or failed row of a queryset (locking them first)."""
    ids = list(rows.select_for_update().filter(state__in=OPEN_STATES).values_list("pk", flat=True))
    _cancel_ids(ids, reason)
    return len(ids)


def _queue(rows):
    """Rows planned (or planned again) wait in the queue for their next attempt, unclaimed:
    a claim whose send has not started is taken back (its worker skips the row)."""
    QueueEntry.objects.bulk_create(
        [QueueEntry(notification_id=row.pk, not_before=row.not_before) for row in rows],
        update_conflicts=True,
        unique_fields=["notification"],
        update_fields=["not_before", "claim_token"],
    )


# Claiming ------------------------------------------------------------------------------------


def claim_batch(limit=None, now=None):
    """Claim up to `limit` due rows of the queue: each takes a lease and a claim token.

    SELECT … FOR UPDATE SKIP LOCKED: two claimers never take the same row. The claim's
    lease is the entry's `not_before`: a row whose worker died is due again once it runs
    out. Only the queue is written; the ledger row says `sending` once its send starts.
    Returns [(id, token)], oldest due first.
    """
    now = now or timezone.now()
    limit = limit or settings.NOTIFICATIONS_BATCH_SIZE
    token = secrets.token_hex(8)
    lease_until = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        ids = _claim_in_one_statement(limit, now, token, lease_until)
    else:
        ids = _claim_with_orm(limit, now, token, lease_until)
    return [(pk, token) for pk in ids]


def _claim_with_orm(limit, now, token, lease_until):
    """Two statements: the due ids (locked, skipping locked ones), then their update."""
    with transaction.atomic():
        ids = list(
            QueueEntry.objects.select_for_update(skip_locked=True)
            .filter(not_before__lte=now)
            .order_by("not_before")
            .values_list("notification_id", flat=True)[:limit]
        )
        if ids:
            QueueEntry.objects.filter(notification__in=ids).update(
                not_before=lease_until, claim_token=token
            )
    return ids


# One statement where the ORM needs two: Django's update() can't say RETURNING. The due ids
# in an array keep the claim on the index `notification_due` and the primary key (an
# IN (subquery) or a join lets the planner scan the whole queue), and keep their order: the
# rows this statement locked are the rows it updates (bench/claim.py).
CLAIM_SQL = """
    WITH due AS (
        SELECT ARRAY(
            SELECT notification_id FROM notifications_queueentry
             WHERE not_before <= %(now)s
             ORDER BY not_before
             LIMIT %(limit)s
               FOR UPDATE SKIP LOCKED) AS ids
    ), claimed AS (
        UPDATE notifications_queueentry
           SET not_before = %(lease_until)s, claim_token = %(token)s
          FROM due
         WHERE notification_id = ANY(due.ids)
    )
    SELECT unnest(ids) FROM due
"""


def _claim_in_one_statement(limit, now, token, lease_until):
    params = {"token": token, "lease_until": lease_until, "now": now, "limit": limit}
    with connection.cursor() as cursor:  # one statement: its own transaction
        cursor.execute(CLAIM_SQL, params)
        return [pk for (pk,) in cursor.fetchall()]


# Sending -------------------------------------------------------------------------------------


def is_muted(email, kind):
    return MutedKind.objects.filter(email=email.lower(), kind=kind).exists()


def _claimed(pk, token):
    """The row and its queue entry, locked, if the row is open and still claimed with
    `token` (None once another claimer took it, or it was moved, cancelled or sent)."""
    return (
        # of: the recipient is a nullable (outer) join, which PostgreSQL won't lock; the
        # filter on the entry's token makes its join an inner one.
        Notification.objects.select_for_update(of=("self", "queue_entry"))
        .select_related("recipient", "content_type", "queue_entry")
        .filter(pk=pk, queue_entry__claim_token=token)
        .first()
    )


def _prepare(pk, token):
    """Under lock: is the row still ours, does it still apply? Render it if so.

    Locks the object the row is about first, then the row and its queue entry: the order
    the services take them in (a reschedule locks the session, then moves its rows and
    their entries), so the two never deadlock.
    """
    with transaction.atomic():
        row = Notification.objects.filter(pk=pk, queue_entry__claim_token=token).first()
        if row is None:
            return None
        kind = kinds.get(row.kind)
        obj = row.about
        if obj is not None and kind.lock is not None:
            obj = kind.lock(obj)
        row = _claimed(pk, token)
        if row is None:
            return None
        if row.state not in (State.SCHEDULED, State.SENDING):
            # The ledger has the last word: a row that is done leaves the queue unsent.
            row.queue_entry.delete()
            return None
        # The lease now covers this send, not the time the row waited in the queue: a row
        # whose lease ran out while queued must not be re-claimed while it is being sent.
        # An attempt counts when a send starts, not when a row is claimed: a row re-claimed
        # after waiting out its lease in a long queue has not been tried yet.
        now = timezone.now()
        row.queue_entry.not_before = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
        row.queue_entry.save(update_fields=["not_before"])
        row.state = State.SENDING
        row.attempts += 1
        row.updated_at = now
        row.save(update_fields=["state", "attempts", "updated_at"])
        reason = gettext_noop("The object it was about no longer exists.") if obj is None else None
        if reason is None and row.recipient is not None and not row.recipient.is_active:
            reason = gettext_noop("The person's account is closed.")
        if reason is None and row.recipient and row.to_email != row.recipient.email.lower():
            reason = ADDRESS_CHANGED
        if reason is None and is_muted(row.to_email, row.kind):
            reason = gettext_noop("The person turned this kind of message off.")
        if reason is None:
            reason = kind.still_applies(row, obj)
        if reason:
            _cancel(row, reason)
            return None
        return render_message(row, kind, obj, unsubscribe_url(row.to_email, row.kind))


def deliver_batch(claimed):
    """Deliver claimed rows in turn while the send task has time for another send.

    Every send must end inside its lease, so the task that sends a batch has time limits
    under the lease (notifications/checks.py). A send starts only while EMAIL_TIMEOUT is
    left before the soft limit (the first one always starts, so a batch always moves on);
    a send the soft limit cuts short is a failed attempt. Returns the rows not tried, for
    another task to go on with.
    """
    budget = settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT - settings.EMAIL_TIMEOUT
    deadline = time.monotonic() + budget
    for index, (pk, token) in enumerate(claimed):
        if index and time.monotonic() > deadline:
            return claimed[index:]
        if deliver(pk, token) == "timed out":
            return claimed[index + 1 :]
    return []


def deliver(pk, token):
    """Send one claimed row: re-check and render under lock, send outside, mark sent.

    A mail server that stops answering is cut off by EMAIL_TIMEOUT, or by the send task's
    soft time limit (SoftTimeLimitExceeded, raised mid-send): a failed attempt, retried.
    """
    try:
        message = _prepare(pk, token)
    except Exception as error:  # noqa: BLE001 — a row that can't be rendered fails visibly
        logger.exception("Notification %s could not be prepared", pk)
        # Its transaction rolled back, attempt count included: count this attempt here.
        return _record_failure(pk, token, error, count_attempt=True)
    if message is None:
        return "skipped"
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 — any failure of the mail server is retried
        return _record_failure(pk, token, error)
    try:
        return _mark_sent(pk, token)
    except SoftTimeLimitExceeded:
        # The message went: a soft limit that lands in the bookkeeping must not leave the row
        # to be sent again when its lease runs out. Finish the mark (the hard limit comes
        # later) and end the batch.
        _mark_sent(pk, token)
        return "timed out"


def _mark_sent(pk, token):
    """Mark the row sent if it is still ours: sending, under our claim token.

    A row taken back meanwhile (its lease ran out and it returned to the queue, maybe to
    another worker; or it was moved or cancelled) is not marked: its new owner decides what
    happens to it. A lease that ran out while nobody took the row back leaves it ours: the
    message went, and returning the row to the queue would only send it a second time.
    """
    now = timezone.now()
    with transaction.atomic():
        row = _claimed(pk, token)
        if row is None or row.state != State.SENDING:
            state = Notification.objects.filter(pk=pk).values_list("state", flat=True).first()
            logger.error(
                "Notification %s was sent, but it was taken back during the send (now %s): "
                "not marked sent",
                pk,
                state or "deleted",
            )
            return "lost"
        lease_until = row.queue_entry.not_before
        if lease_until < now:
            logger.warning(
                "Notification %s was sent %s after its lease ran out (nobody had taken it back)",
                pk,
                now - lease_until,
            )
        row.state = State.SENT
        row.sent_at = now
        row.updated_at = now
        row.save(update_fields=["state", "sent_at", "updated_at"])
        row.queue_entry.delete()
    return "sent"


def _record_failure(pk, token, error, *, count_attempt=False):
    """Back to the queue after a backoff, or failed for good. Returns the outcome: "timed
    out" when the send task's soft time limit cut it short, else "failed"."""
    outcome = "timed out" if isinstance(error, SoftTimeLimitExceeded) else "failed"
    now = timezone.now()
    with transaction.atomic():
        # Scheduled too: a send that could not be prepared rolled its start back.
        row = _claimed(pk, token)
        if row is None or row.state not in (State.SCHEDULED, State.SENDING):
            return outcome
        row.attempts += count_attempt
        row.last_error = _describe(error)[:2000]
        row.updated_at = now
        if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            row.state = State.FAILED
            row.queue_entry.delete()
        else:
            row.state = State.SCHEDULED
            backoff = settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** (row.attempts - 1)
            row.not_before = now + timedelta(seconds=backoff)
            _queue([row])
        row.save()
    logger.warning("Notification %s failed (attempt %s): %s", pk, row.attempts, row.last_error)
    return outcome


def _describe(error):
    if isinstance(error, SoftTimeLimitExceeded):
        limit = settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT
        return (
            "SoftTimeLimitExceeded: the mail server did not finish answering within the send "
            f"task's {limit}-second limit"
        )
    return f"{type(error).__name__}: {error}"


@transaction.atomic
def send_again(row):
    """Staff put a failed row back in the queue, now."""
    row = Notification.objects.select_for_update().get(pk=row.pk)
    if row.state != State.FAILED:
        return row
    now = timezone.now()
    row.state = State.SCHEDULED
    row.attempts = 0
    row.not_before = now
    row.updated_at = now
    row.save(update_fields=["state", "attempts", "not_before", "updated_at"])
    _queue([row])
    return row


# Preferences and unsubscribe -----------------------------------------------------------------

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(email, kind):
    return signing.dumps({"e": email.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """(email, kind) from a signed token, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if data.get("k") not in kinds.REGISTRY:
        return None
    return data["e"], data["k"]


def unsubscribe_url(email, kind):
    return settings.SITE_URL + reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(email, kind)]
    )


def set_muted(email, kind, muted):
    email = email.lower()
    if muted:
        MutedKind.objects.get_or_create(email=email, kind=kind)
    else:
        MutedKind.objects.filter(email=email, kind=kind).delete()


def muted_kinds(email):
    return set(MutedKind.objects.filter(email=email.lower()).values_list("kind", flat=True))


def deliveries(person):
    """{kind code: delivery} of the person's choices (a kind without one: as it happens)."""
    return dict(KindPreference.objects.filter(person=person).values_list("kind", "delivery"))


@transaction.atomic
def save_email_choices(person, *, on, deliveries):
    """A person's choices on "Your emails": the kinds they get (the rest are turned off for
    their address) and, for digestible kinds, {kind: delivery}. Events already recorded for
    a digest stay in it; a new delivery counts from the next event on."""
    for code in kinds.REGISTRY:
        set_muted(person.email, code, code not in on)
    now = timezone.now()
    KindPreference.objects.bulk_create(
        [
            KindPreference(person=person, kind=code, delivery=delivery, updated_at=now)
            for code, delivery in deliveries.items()
        ],
        update_conflicts=True,
        unique_fields=["person", "kind"],
        update_fields=["delivery", "updated_at"],
    )
