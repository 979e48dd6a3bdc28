"""Claiming: SKIP LOCKED never hands a row to two claimers; a claim writes only the queue;
a lease that runs out makes the row due again."""

import threading
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from notifications import services as ledger
from notifications.models import Notification, QueueEntry
from tests.factories import UserFactory


def due_rows(count, due_at=None):
    """`count` rows due now, about one person (claiming doesn't look at what they're about),
    each with its queue entry, as planning writes them."""
    person = UserFactory()
    due_at = due_at or timezone.now() - timedelta(seconds=1)
    rows = Notification.objects.bulk_create(
        Notification(
            kind="session_reminder",
            content_type=ContentType.objects.get_for_model(person),
            object_id=person.pk,
            to_email=f"person{n}@example.test",
            slot="before-1440m",
            due_at=due_at,
            not_before=due_at,
        )
        for n in range(count)
    )
    QueueEntry.objects.bulk_create(QueueEntry(notification=row, not_before=due_at) for row in rows)
    return rows


def claimed_entries():
    return QueueEntry.objects.exclude(claim_token="")


def test_sequential_claims_never_return_the_same_row(db):
    due_rows(25)

    batches = [ledger.claim_batch(limit=10) for _ in range(4)]

    ids = [pk for batch in batches for pk, _token in batch]
    assert [len(batch) for batch in batches] == [10, 10, 5, 0]
    assert len(set(ids)) == 25
    assert claimed_entries().count() == 25


def test_a_claim_takes_only_due_rows_oldest_first(db):
    now = timezone.now()
    later = due_rows(3, due_at=now + timedelta(minutes=5))
    older = due_rows(2, due_at=now - timedelta(hours=1))
    newer = due_rows(2, due_at=now - timedelta(minutes=1))

    claimed = [pk for pk, _token in ledger.claim_batch(limit=3, now=now)]

    assert claimed[:2] == [row.pk for row in older]
    assert claimed[2] in {row.pk for row in newer}
    assert not claimed_entries().filter(notification__in=later).exists()


def test_a_claim_writes_a_lease_and_a_token_in_the_queue_and_leaves_the_ledger_row(db):
    [row] = due_rows(1)
    before = Notification.objects.values().get(pk=row.pk)
    now = timezone.now()

    [(pk, token)] = ledger.claim_batch(now=now)

    entry = QueueEntry.objects.get(notification=row)
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    assert (pk, entry.claim_token, entry.not_before) == (row.pk, token, now + lease)
    # Scheduled, no attempt yet: the row says `sending` and counts an attempt once its
    # send starts.
    assert Notification.objects.values().get(pk=row.pk) == before
    assert (before["state"], before["attempts"]) == ("scheduled", 0)


def test_two_claimers_at_once_never_take_the_same_row(transactional_db):
    rows = due_rows(400)
    start = threading.Barrier(2)
    taken = {0: [], 1: []}
    errors = []

    def claimer(number):
        try:
            start.wait()
            while batch := ledger.claim_batch(limit=7):
                taken[number].extend(pk for pk, _token in batch)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    counts = Counter(taken[0] + taken[1])
    assert set(counts) == {row.pk for row in rows}
    assert max(counts.values()) == 1
    assert taken[0] and taken[1], "both claimers should have taken a share"


def test_a_row_is_due_again_when_its_lease_runs_out(db):
    [row] = due_rows(1)
    now = timezone.now()
    [(_pk, first)] = ledger.claim_batch(now=now)
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)

    assert ledger.claim_batch(now=now + lease - timedelta(seconds=1)) == []
    [(pk, second)] = ledger.claim_batch(now=now + lease)

    assert pk == row.pk
    assert second != first
    row.refresh_from_db()
    assert row.attempts == 0  # claimed twice, never tried: its lease ran out in the queue


def test_rows_that_are_cancelled_leave_the_queue_and_are_never_claimed(db):
    rows = due_rows(3)

    ledger.cancel_open(Notification.objects.filter(pk__in=[rows[0].pk, rows[1].pk]), "test")

    assert list(QueueEntry.objects.values_list("notification", flat=True)) == [rows[2].pk]
    assert [pk for pk, _token in ledger.claim_batch()] == [rows[2].pk]
