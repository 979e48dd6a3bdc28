"""Reschedules and cancellations committed while workers are claiming and sending the same
sessions' reminders: nothing for a cancelled session and nothing for an old time may
arrive after the change committed (one already in flight may finish: a second's grace)."""

import time
from collections import Counter
from datetime import timedelta

from notifications.models import Notification
from portal.templatetags.portal_time import when
from sessions_app import services as sessions
from tests.faults.conftest import plan_reminders, staff_member, wait_until

IN_FLIGHT_GRACE = 1.0  # seconds: a message rendered just before the commit may still land


def test_reschedule_and_cancel_while_reminders_are_claimed_send_nothing_stale(
    cluster, smtp, publish_to_broker, settings
):
    # The moved and cancelled notices go at once here, without the hold for undo.
    settings.NOTICE_HOLD_MINUTES = 0
    staff = staff_member()
    planned = plan_reminders(sessions=36, people=10, due_in=timedelta(seconds=3), staff=staff)
    by_id = {session.pk: session for session in planned}
    # Spread over the claim order (rows are claimed oldest first, then by id).
    cancel, soon, far = planned[0::3], planned[1::3][::2], planned[1::3][1::2]
    processes = cluster().start(workers=2, beats=2)
    wait_until(lambda: len(smtp.snapshot()) >= 40, 60, what="the workers to be draining")

    changes = {}  # session id → (kind of change, time.time() just after it committed)
    old_start = {}
    for session in [s for group in zip(cancel, soon + far, strict=False) for s in group]:
        old_start[session.pk] = session.starts_at
        if session in cancel:
            sessions.cancel_session(session, reason="Facilitator ill", by=staff)
            changes[session.pk] = ("cancelled", time.time())
        else:
            shift = timedelta(seconds=61) if session in soon else timedelta(days=1)
            sessions.reschedule_session(
                session, starts_at=session.starts_at + shift, reason="Clash", by=staff
            )
            changes[session.pk] = ("moved", time.time())
    arrived_by_end_of_changes = len(smtp.snapshot())

    reminders = Notification.objects.filter(kind="session_reminder")
    soon_ids = [s.pk for s in soon]
    untouched_ids = [s.pk for s in planned if s.pk not in changes]
    wait_until(
        lambda: (
            set(
                reminders.filter(object_id__in=soon_ids + untouched_ids).values_list(
                    "state", flat=True
                )
            )
            == {"sent"}
        ),
        120,
        what="the untouched and the moved-by-a-minute reminders",
    )
    time.sleep(2)

    rows = {row.pk: row for row in Notification.objects.select_related("recipient")}
    late, stale, fresh, kinds = [], [], 0, Counter()
    for arrival in smtp.snapshot():
        row = rows[arrival.row_id]
        kinds[row.kind] += 1
        if row.kind != "session_reminder" or row.object_id not in changes:
            continue
        change, committed = changes[row.object_id]
        if arrival.at <= committed + IN_FLIGHT_GRACE:
            continue
        if change == "cancelled":
            late.append((row.pk, round(arrival.at - committed, 2)))
            continue
        session = by_id[row.object_id]
        zone = row.recipient.time_zone
        new = when(old_start[session.pk] + timedelta(seconds=61), zone)
        if f"When: {new}" in arrival.text and when(old_start[session.pk], zone) not in arrival.text:
            fresh += 1
        else:
            stale.append((row.pk, round(arrival.at - committed, 2)))

    print(
        f"\n[fault 5] 360 reminders due; {len(cancel)} sessions cancelled and {len(soon + far)} "
        f"moved while {arrived_by_end_of_changes} had arrived; arrivals by kind {dict(kinds)}; "
        f"{fresh} reminders with the new time after a move; "
        f"{len(late)} for a cancelled session and {len(stale)} with an old time later than "
        f"{IN_FLIGHT_GRACE}s after the commit; {smtp.duplicates()} duplicates"
    )
    assert arrived_by_end_of_changes < 360, "the changes came after everything was sent"
    assert late == []
    assert stale == []
    assert fresh == len(soon) * 10  # every moved-by-a-minute reminder went, at its new time
    assert smtp.duplicates() == 0
    far_rows = reminders.filter(object_id__in=[s.pk for s in far])
    assert set(far_rows.values_list("state", flat=True)) == {"scheduled"}  # tomorrow now
    cancelled_rows = reminders.filter(object_id__in=[s.pk for s in cancel])
    assert set(cancelled_rows.values_list("state", flat=True)) <= {"sent", "cancelled"}
    assert kinds["session_cancelled"] == len(cancel) * 10
    assert kinds["session_rescheduled"] == len(soon + far) * 10
    assert processes.alive() == ["worker0", "worker1", "beat0", "beat1"]
