"""Claiming: SKIP LOCKED never hands a row to two claimers; a lease that runs out returns
the row to the queue."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from notifications import services as ledger
from notifications.models import Notification
from tests.factories import UserFactory


def due_rows(count, due_at=None):
    """`count` rows due now, about one person (claiming doesn't look at what they're about)."""
    person = UserFactory()
    due_at = due_at or timezone.now() - timedelta(seconds=1)
    return Notification.objects.bulk_create(
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


def test_sequential_claims_never_return_the_same_row(db):
    due_rows(25)

    batches = [ledger.claim_batch(limit=10) for _ in range(4)]

    ids = [pk for batch in batches for pk, _token in batch]
    assert [len(batch) for batch in batches] == [10, 10, 5, 0]
    assert len(set(ids)) == 25
    assert Notification.objects.filter(state="sending").count() == 25


def test_a_claim_takes_only_due_rows_oldest_first(db):
    now = timezone.now()
    later = due_rows(3, due_at=now + timedelta(minutes=5))
    older = due_rows(2, due_at=now - timedelta(hours=1))
    newer = due_rows(2, due_at=now - timedelta(minutes=1))

    claimed = [pk for pk, _token in ledger.claim_batch(limit=3, now=now)]

    assert claimed[:2] == [row.pk for row in older]
    assert claimed[2] in {row.pk for row in newer}
    assert not Notification.objects.filter(pk__in=[r.pk for r in later], state="sending").exists()


def test_a_claim_sets_a_lease_and_a_token_and_the_attempt_counts_only_when_sending(db):
    [row] = due_rows(1)
    now = timezone.now()

    [(pk, token)] = ledger.claim_batch(now=now)

    row.refresh_from_db()
    assert (pk, row.state, row.claim_token, row.attempts) == (row.pk, "sending", token, 0)
    assert row.lease_until == now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


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


def test_an_expired_lease_returns_the_row_to_the_queue(db):
    [row] = due_rows(1)
    now = timezone.now()
    [(_pk, first)] = ledger.claim_batch(now=now)
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)

    assert ledger.release_expired_leases(now=now + lease - timedelta(seconds=1)) == 0
    assert ledger.claim_batch(now=now + lease) == []
    assert ledger.release_expired_leases(now=now + lease + timedelta(seconds=1)) == 1

    row.refresh_from_db()
    assert (row.state, row.claim_token, row.lease_until) == ("scheduled", "", None)
    [(_pk, second)] = ledger.claim_batch(now=now + lease + timedelta(seconds=1))
    assert second != first
    row.refresh_from_db()
    assert row.attempts == 0  # claimed twice, never tried: its lease ran out in the queue


@pytest.mark.parametrize("state", ["sent", "cancelled", "failed"])
def test_rows_that_are_done_are_never_claimed(db, state):
    [row] = due_rows(1)
    Notification.objects.filter(pk=row.pk).update(state=state)

    assert ledger.claim_batch() == []
