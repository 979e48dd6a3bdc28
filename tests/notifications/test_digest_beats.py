"""The daily digest with real processes: two workers and two beats on Redis, mail to an SMTP
server in the test (tests/faults' fixtures). Each person's digest arrives exactly once.

The workers don't know the digest tests' own kind, so the events here are of a kind every
process registers ("role_added", notifications' own), made digestible in this process only:
notify() reads that flag; the digest lists an item whatever its kind's flag says since."""

import time
from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from notifications import kinds
from notifications import services as ledger
from notifications.invitations import ROLE_ADDED
from notifications.models import KindPreference, Notification
from tests.factories import InvitationFactory, UserFactory
from tests.faults.conftest import (  # noqa: F401 — fixtures
    broker,
    cluster,
    cluster_env,
    ledger_states,
    publish_to_broker,
    smtp,
    staff_member,
    wait_until,
)

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("publish_to_broker")]


@pytest.fixture
def role_added_digestible():
    kind = kinds.get(ROLE_ADDED)
    kinds.register(replace(kind, digestible=True))
    yield
    kinds.register(kind)


def test_two_beats_send_each_persons_digest_once(
    cluster,  # noqa: F811 — tests/faults' fixture, imported above
    smtp,  # noqa: F811
    role_added_digestible,
):
    staff = staff_member()
    people = [UserFactory(time_zone="UTC") for _ in range(5)]
    for person in people:
        KindPreference.objects.create(
            person=person, kind=ROLE_ADDED, delivery=KindPreference.Delivery.DIGEST
        )
    invitations = [InvitationFactory(invited_by=staff) for _ in range(3)]
    # Three events two days ago; their digest (8:00 UTC after them) is overdue now, so the
    # beats find it at once.
    with (
        time_machine.travel(timezone.now() - timedelta(days=2), tick=False),
        transaction.atomic(),
    ):
        for number, invitation in enumerate(invitations):
            ledger.notify(kind=ROLE_ADDED, about=invitation, people=people, slot=f"e{number}")
    digests = Notification.objects.filter(kind=ledger.DAILY_DIGEST)
    assert digests.count() == 5

    processes = cluster().start(workers=2, beats=2)
    wait_until(lambda: ledger_states() == {"sent": 5}, 90, what="every digest to be sent")
    time.sleep(3)  # three more beats each: a digest sent twice would arrive now

    arrivals = smtp.snapshot()
    print(
        f"\n[digest] 5 people × 3 events, 2 workers, 2 beats: {len(arrivals)} messages, "
        f"{smtp.duplicates()} duplicates, ledger {dict(ledger_states())}"
    )
    assert processes.alive() == ["worker0", "worker1", "beat0", "beat1"]
    assert sorted(arrival.row_id for arrival in arrivals) == sorted(
        digests.values_list("pk", flat=True)
    )
    assert smtp.duplicates() == 0
    assert all(arrival.text.count("You now have a new role") == 3 for arrival in arrivals)
