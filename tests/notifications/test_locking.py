"""A send re-checks its row under the lock of the object it is about, while a reschedule
locks the session and then moves its rows. Both must finish, in either order: the send
takes its locks in the same order as the services (object first, then the row)."""

import dataclasses
import threading
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from notifications import kinds
from notifications import services as ledger
from sessions_app import services as sessions
from tests.conftest import make_team
from tests.factories import CohortFactory, StaffFactory


def test_a_reschedule_during_a_sends_recheck_neither_deadlocks_nor_sends_the_old_time(
    transactional_db, monkeypatch
):
    staff = StaffFactory()
    cohort = CohortFactory(reminder_offsets=[24 * 60])
    make_team(cohort)
    starts_at = timezone.now() + timedelta(days=1, seconds=10)
    session = sessions.add_session(
        cohort, starts_at=starts_at, title="Locks", by=staff, time_zone="UTC", where="video"
    )
    claimed = ledger.claim_batch(limit=1, now=starts_at - timedelta(days=1))
    [(pk, token)] = claimed

    reminder = kinds.get("session_reminder")
    checking = threading.Event()

    def slow_lock(obj):
        checking.set()
        time.sleep(0.5)  # the reschedule gets going meanwhile
        return reminder.lock(obj)

    monkeypatch.setitem(
        kinds.REGISTRY, reminder.code, dataclasses.replace(reminder, lock=slow_lock)
    )
    outcome = {}

    def send():
        try:
            outcome["send"] = ledger.deliver(pk, token)
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            outcome["send"] = repr(error)
        finally:
            connection.close()

    sender = threading.Thread(target=send)
    sender.start()
    assert checking.wait(10)
    try:
        sessions.reschedule_session(
            session, starts_at=starts_at + timedelta(hours=1), reason="Clash", by=staff
        )
        outcome["reschedule"] = "done"
    except Exception as error:  # noqa: BLE001 — reported by the assertion below
        outcome["reschedule"] = repr(error)
    sender.join(30)

    assert outcome == {"send": "skipped", "reschedule": "done"}
    row = ledger.rows_about(session, "session_reminder").get(pk=pk)
    assert (row.state, row.due_at) == ("scheduled", starts_at + timedelta(hours=1, days=-1))
