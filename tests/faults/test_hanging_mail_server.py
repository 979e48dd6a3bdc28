"""A mail server that takes the connection and then stops answering, with two real workers
and two beats: every send ends inside its lease (EMAIL_TIMEOUT, then the send task's soft
time limit), so no second worker sends a row while a first one still hangs on it; the rows
retry, and end sent once the server answers again, or failed with the timeout in the Outbox.

The workers run with a 5-second lease, EMAIL_TIMEOUT 2 s, a soft limit of 3 s and a hard one
of 4 s (conftest.cluster_env). Each test prints a one-line summary (pytest -s shows it).
"""

import itertools
import select
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from notifications.models import Notification
from tests.faults.conftest import (
    ledger_states,
    plan_reminders,
    staff_member,
    wait_until,
)

LEASE = 5  # seconds: NOTIFICATIONS_LEASE_SECONDS in conftest.cluster_env
SILENCE = "SMTPServerDisconnected: Connection unexpectedly closed: timed out"
SOFT_LIMIT = (
    "SoftTimeLimitExceeded: the mail server did not finish answering within the send task's "
    "3-second limit"
)


@dataclass
class Conversation:
    opened: float
    mode: str  # what the server did: mute, stall, drip or answer
    message_id: str = ""  # known once the message itself came (not when mute)
    closed: float | None = None


class HangingServer:
    """SMTP on a plain socket, in one of four moods (`mode`, changed by the test):

    - mute: accepts the connection and never says a word, not even its greeting;
    - stall: takes the whole message, then never answers it;
    - drip: takes the whole message, then answers one space every half second, never a
      whole line, so no socket timeout fires: only the send task's time limit ends it;
    - answer: takes the message and answers 250; only then has it arrived.

    Each connection is a Conversation, closed when the client gives up or says QUIT.
    """

    def __init__(self):
        self.mode = "mute"
        self.conversations = []
        self.arrivals = []  # Message-IDs answered 250
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.listener.close()

    def snapshot(self):
        with self.lock:
            return list(self.conversations), list(self.arrivals)

    def _accept(self):
        while not self.stopping.is_set():
            try:
                client, _address = self.listener.accept()
            except TimeoutError:
                continue
            talk = Conversation(opened=time.time(), mode=self.mode)
            with self.lock:
                self.conversations.append(talk)
            threading.Thread(target=self._talk, args=(client, talk), daemon=True).start()

    def _talk(self, client, talk):
        with client:
            try:
                self._converse(client, talk)
            except OSError:
                pass  # the client went away mid-sentence: it gave up
            talk.closed = time.time()

    def _converse(self, client, talk):
        if talk.mode == "mute":
            self._wait_until_it_gives_up(client)
            return
        lines = client.makefile("rb")
        client.sendall(b"220 hanging.test ESMTP\r\n")
        for line in lines:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                client.sendall(b"250 hanging.test\r\n")
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                client.sendall(b"250 OK\r\n")
            elif verb == b"DATA":
                client.sendall(b"354 Go ahead\r\n")
                talk.message_id = self._read_message(lines)
                talk.mode = "stall" if self.mode == "mute" else self.mode
                if talk.mode == "stall":
                    self._wait_until_it_gives_up(client)
                    return
                if talk.mode == "drip":
                    self._drip(client)
                    return
                with self.lock:
                    self.arrivals.append(talk.message_id)
                client.sendall(b"250 2.0.0 OK\r\n")
            elif verb == b"QUIT":
                client.sendall(b"221 Bye\r\n")
                return
            else:
                client.sendall(b"502 Not here\r\n")

    @staticmethod
    def _read_message(lines):
        message_id = ""
        for line in lines:
            if line == b".\r\n":
                return message_id
            if line.lower().startswith(b"message-id:"):
                message_id = line.split(b":", 1)[1].strip().decode()
        return message_id

    def _wait_until_it_gives_up(self, client):
        client.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                if not client.recv(1024):
                    return  # it closed the connection
            except TimeoutError:
                continue

    def _drip(self, client):
        for byte in itertools.repeat(b" "):
            client.sendall(byte)
            readable, _, _ = select.select([client], [], [], 0.5)
            if readable or self.stopping.is_set():
                return  # it gave up: closed, or said QUIT


@pytest.fixture
def hanging():
    server = HangingServer()
    try:
        yield server
    finally:
        server.stop()


def reminders_of(session):
    return Notification.objects.filter(object_id=session.pk, kind="session_reminder")


def assert_each_send_ended_inside_its_lease(conversations):
    """The server's view: no conversation outlived a lease, and no second conversation about
    a message began while an earlier one about it was still open."""
    assert all(talk.closed is not None for talk in conversations), "a send still hangs"
    assert max(talk.closed - talk.opened for talk in conversations) < LEASE
    by_message = {}
    for talk in sorted(conversations, key=lambda talk: talk.opened):
        if talk.message_id:
            by_message.setdefault(talk.message_id, []).append(talk)
    for talks in by_message.values():
        for earlier, later in itertools.pairwise(talks):
            assert later.opened >= earlier.closed, f"{later.message_id} sent while still hanging"


def test_a_mail_server_that_stops_answering_delays_each_row_then_sends_it_once(cluster, hanging):
    hanging.mode = "mute"
    [session] = plan_reminders(sessions=1, people=4, due_in=timedelta(seconds=0))
    rows = reminders_of(session)
    processes = cluster(
        EMAIL_URL=f"smtp://127.0.0.1:{hanging.port}", NOTIFICATIONS_MAX_ATTEMPTS=8
    ).start(workers=2, beats=2)
    started = time.monotonic()

    wait_until(lambda: not rows.filter(last_error="").exists(), 40, what="a timeout for each row")
    silent = set(rows.values_list("last_error", flat=True))
    hanging.mode = "stall"  # now it takes each message, and never answers it
    wait_until(
        lambda: (
            {t.message_id for t in hanging.snapshot()[0] if t.mode == "stall"}
            == {row.message_id for row in rows}
        ),
        40,
        what="each row's message to be left hanging",
    )
    hanging.mode = "answer"
    wait_until(lambda: set(rows.values_list("state", flat=True)) == {"sent"}, 40, what="sent")
    took = time.monotonic() - started
    time.sleep(2)  # anything sent twice would arrive now

    conversations, arrivals = hanging.snapshot()
    attempts = sorted(rows.values_list("attempts", flat=True))
    print(
        f"\n[fault 6] SMTP silent, then stalled after DATA, then answering: "
        f"{len(conversations)} connections ({dict(Counter(t.mode for t in conversations))}), "
        f"{len(arrivals)} messages for {len(rows)} rows, attempts {attempts}, "
        f"longest connection {max(t.closed - t.opened for t in conversations):.1f}s, "
        f"all sent in {took:.1f}s"
    )
    assert silent == {SILENCE}
    assert sorted(arrivals) == sorted(row.message_id for row in rows)  # each once
    assert len(arrivals) == 4
    assert ledger_states() == {"sent": 4}
    assert_each_send_ended_inside_its_lease(conversations)
    assert len(conversations) == sum(attempts)  # each attempt one connection, none unseen
    assert all(attempts_for >= 3 for attempts_for in attempts)  # mute, stall, then sent
    assert set(rows.values_list("last_error", flat=True)) == {SILENCE}  # the stall's
    assert processes.alive() == ["worker0", "worker1", "beat0", "beat1"]


def test_a_mail_server_that_never_finishes_its_answer_fails_each_row_with_the_time_limit(
    cluster, hanging, client
):
    staff = staff_member()
    hanging.mode = "drip"
    [session] = plan_reminders(sessions=1, people=4, due_in=timedelta(seconds=0), staff=staff)
    rows = reminders_of(session)
    processes = cluster(
        EMAIL_URL=f"smtp://127.0.0.1:{hanging.port}", NOTIFICATIONS_MAX_ATTEMPTS=2
    ).start(workers=2, beats=2)
    wait_until(lambda: all(processes.worker_children(w) for w in processes.workers), 20)
    pool = {w.name: processes.worker_children(w) for w in processes.workers}
    started = time.monotonic()

    wait_until(lambda: set(rows.values_list("state", flat=True)) == {"failed"}, 50, what="failed")
    took = time.monotonic() - started
    time.sleep(1)
    client.force_login(staff)
    page = client.get(reverse("notifications:outbox"), {"state": "failed"}).content.decode()

    conversations, arrivals = hanging.snapshot()
    failed = set(rows.values_list("attempts", "last_error"))
    print(
        f"\n[fault 6] SMTP dripping its answer: {len(conversations)} connections, each cut "
        f"after {min(t.closed - t.opened for t in conversations):.1f}–"
        f"{max(t.closed - t.opened for t in conversations):.1f}s, {len(arrivals)} arrived; "
        f"{len(rows)} rows failed in {took:.1f}s with {failed}"
    )
    assert failed == {(2, SOFT_LIMIT)}
    assert arrivals == []
    assert_each_send_ended_inside_its_lease(conversations)
    assert Counter(t.message_id for t in conversations) == Counter(
        {row.message_id: 2 for row in rows}
    )  # two attempts each, each one connection that reached the end of the message
    # The soft limit ended each send: the hard one never had to stop a pool process.
    assert {w.name: processes.worker_children(w) for w in processes.workers} == pool
    assert page.count(escape(SOFT_LIMIT)) == 4  # each failed row shows why
    assert page.count("Send again") == 4
