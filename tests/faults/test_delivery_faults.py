"""Delivery with real processes: two workers and two beats on Redis, mail to an SMTP server
in the test. Each test prints a one-line summary (run pytest with -s to see it)."""

import time
from collections import Counter
from datetime import timedelta

from django.utils.html import escape

from tests.faults.conftest import (
    claims_per_row,
    ledger_states,
    plan_reminders,
    start_redis,
    stop_redis,
    wait_until,
)


def test_a_thousand_reminders_due_at_once_arrive_each_exactly_once(cluster, smtp):
    plan_reminders(sessions=50, people=20, due_in=timedelta(seconds=2))
    assert ledger_states() == {"scheduled": 1000}
    started = time.monotonic()

    processes = cluster().start(workers=2, beats=2)
    wait_until(lambda: ledger_states() == {"sent": 1000}, 180, what="every row to be sent")
    took = time.monotonic() - started
    time.sleep(2)  # anything sent twice would arrive now

    ids = smtp.ids()
    print(
        f"\n[fault 1] 1000 due, 2 workers, 2 beats: {len(ids)} distinct Message-IDs, "
        f"{sum(ids.values())} messages, {smtp.duplicates()} duplicates, "
        f"ledger {dict(ledger_states())}, claims per row {claims_per_row()}, {took:.1f}s"
    )
    assert processes.alive() == ["worker0", "worker1", "beat0", "beat1"]
    assert len(ids) == 1000
    assert max(ids.values()) == 1


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_at_most_one_twice(cluster, smtp):
    plan_reminders(sessions=20, people=20, due_in=timedelta(seconds=2))
    smtp.delay = 0.03  # most of a send is now spent waiting for the server's answer
    processes = cluster().start(workers=2, beats=2)
    wait_until(lambda: len(smtp.snapshot()) >= 60, 90, what="the first messages")
    victim = processes.workers[0]
    assert processes.worker_children(victim), "the worker has a pool process at work"

    processes.kill(victim)  # SIGKILL to its whole process group: main process and child
    arrived_at_kill = len(smtp.snapshot())
    killed_at = time.monotonic()
    wait_until(lambda: ledger_states() == {"sent": 400}, 120, what="every row to be sent")
    recovered = time.monotonic() - killed_at
    time.sleep(2)

    ids = smtp.ids()
    duplicates = smtp.duplicates()
    print(
        f"\n[fault 2] 400 due, SIGKILL to 1 of 2 workers after {arrived_at_kill} arrived: "
        f"{len(ids)} distinct Message-IDs, {duplicates} duplicate(s) by Message-ID "
        f"(at most 1 allowed per kill), all sent {recovered:.1f}s after the kill"
    )
    assert arrived_at_kill < 400, "the kill came after everything was sent"
    assert len(ids) == 400
    assert duplicates <= 1


def test_redis_stopped_for_20_seconds_while_messages_fall_due_loses_none_and_sends_none_twice(
    cluster, smtp
):
    processes = cluster().start(workers=2, beats=2)
    plan_reminders(sessions=1, people=10, due_in=timedelta(seconds=0))
    wait_until(lambda: len(smtp.snapshot()) == 10, 60, what="the warm-up messages")

    plan_reminders(sessions=10, people=20, due_in=timedelta(seconds=4))
    try:
        stop_redis()
        stopped_at = time.monotonic()
        time.sleep(20)  # the 200 fall due four seconds in
        arrived_during_outage = len(smtp.snapshot()) - 10
        states_during_outage = dict(ledger_states())
    finally:
        start_redis()
    restarted_at = time.monotonic()
    wait_until(lambda: ledger_states() == {"sent": 210}, 120, what="every row to be sent")
    recovered = time.monotonic() - restarted_at
    time.sleep(2)

    ids = smtp.ids()
    print(
        f"\n[fault 3] Redis down {restarted_at - stopped_at:.0f}s while 200 fell due: "
        f"{arrived_during_outage} arrived during the outage (ledger {states_during_outage}), "
        f"{len(ids)} distinct Message-IDs after, {smtp.duplicates()} duplicates, "
        f"all sent {recovered:.1f}s after Redis returned"
    )
    assert arrived_during_outage == 0
    assert len(ids) == 210
    assert max(ids.values()) == 1
    assert processes.alive() == ["worker0", "worker1", "beat0", "beat1"]


def test_a_refusing_mail_server_means_retries_then_sent_and_past_the_limit_failed_in_the_outbox(
    cluster, smtp, client
):
    from django.urls import reverse

    from notifications.models import Notification
    from tests.faults.conftest import staff_member

    staff = staff_member()
    smtp.refusing = True
    first = plan_reminders(sessions=1, people=10, due_in=timedelta(seconds=0), staff=staff)
    cluster(NOTIFICATIONS_MAX_ATTEMPTS=3).start(workers=2, beats=2)

    rows = Notification.objects.filter(object_id=first[0].pk, kind="session_reminder")
    # Refused at least once each (a row refused once waits 1 s, twice 2 s, thrice: failed).
    wait_until(
        lambda: not rows.filter(last_error="").exists(),
        60,
        interval=0.05,
        what="every row to be refused",
    )
    smtp.refusing = False
    refused = smtp.refusals
    wait_until(lambda: set(rows.values_list("state", flat=True)) == {"sent"}, 60, what="sent")
    retried = list(rows.values_list("attempts", "last_error"))

    smtp.refusing = True  # now for good
    second = plan_reminders(sessions=1, people=10, due_in=timedelta(seconds=0), staff=staff)
    failing = Notification.objects.filter(object_id=second[0].pk, kind="session_reminder")
    wait_until(
        lambda: set(failing.values_list("state", flat=True)) == {"failed"},
        60,
        what="the rows to fail",
    )
    failed = list(failing.values_list("attempts", "last_error"))
    client.force_login(staff)
    page = client.get(reverse("notifications:outbox"), {"state": "failed"}).content.decode()

    print(
        f"\n[fault 4] SMTP 451: {refused} refusals, then 10 rows sent on attempts "
        f"{dict(Counter(a for a, _e in retried))}; 10 rows failed after {failed[0][0]} attempts "
        f"with '{failed[0][1]}'; {len(smtp.ids())} messages arrived"
    )
    refusal = "SMTPDataError: (451, b'4.3.0 Mailbox busy, try again later')"
    assert {attempts for attempts, _error in retried} <= {2, 3}
    assert {error for _attempts, error in retried} == {refusal}  # kept after the success
    assert len(smtp.ids()) == 10
    assert set(failed) == {(3, refusal)}
    assert page.count(escape(refusal)) == 10  # each failed row shows its error
    assert page.count("Send again") == 10
