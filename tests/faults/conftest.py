"""Real processes for the fault tests: Celery workers and beats on Redis, PostgreSQL (the
pytest test database, committed data), and an SMTP server (aiosmtpd) in the test.

Every process gets its own process group and is killed in teardown, whatever happened.
"""

import asyncio
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A spare Redis database: nothing else reads or writes it (FAULTS_BROKER_DB picks another, so
# two people can run the fault tests at once).
BROKER_DB = int(os.environ.get("FAULTS_BROKER_DB", "5"))
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}"
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    str(REDIS_PORT),
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def wait_until(predicate, timeout, interval=0.2, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {what}")


# SMTP ----------------------------------------------------------------------------------------


@dataclass
class Arrival:
    at: float  # time.time() when the server accepted it
    message_id: str
    subject: str
    text: str  # the text/plain part

    @property
    def row_id(self):
        """<notification-{pk}.{revision}@domain> → pk."""
        return int(self.message_id.split("-", 1)[1].split(".", 1)[0])


@dataclass
class Mailbox:
    """The aiosmtpd handler: records each message, or refuses with a 451 while told to."""

    arrivals: list = field(default_factory=list)
    refusals: int = 0
    refusing: bool = False
    delay: float = 0.0  # seconds between taking a message and answering 250
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            with self.lock:
                self.refusals += 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        arrival = Arrival(time.time(), message["Message-ID"], str(message["Subject"]), text)
        with self.lock:
            self.arrivals.append(arrival)
        if self.delay:
            await asyncio.sleep(self.delay)  # a sender killed now has sent, but doesn't know
        return "250 2.0.0 OK"

    def snapshot(self):
        with self.lock:
            return list(self.arrivals)

    def ids(self):
        return Counter(arrival.message_id for arrival in self.snapshot())

    def duplicates(self):
        return sum(count - 1 for count in self.ids().values())


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()


# Redis ---------------------------------------------------------------------------------------


def redis_up():
    try:
        return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def stop_redis():
    subprocess.run(
        ["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "shutdown", "nosave"],
        check=False,
        capture_output=True,
    )
    wait_until(lambda: not redis_up(), 10, what="Redis to stop")


def start_redis():
    if not redis_up():
        subprocess.run(REDIS_START, check=True, capture_output=True)
    wait_until(redis_up, 30, what="Redis to start")


@pytest.fixture
def broker():
    """Redis up, with an empty broker database (a killed worker leaves messages behind)."""
    start_redis()
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=BROKER_DB).flushdb()
    yield BROKER_URL
    start_redis()  # whatever a test did to it
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=BROKER_DB).flushdb()


# Celery processes ----------------------------------------------------------------------------


class Cluster:
    """Workers and beats as separate process groups, logging to files under tmp_path."""

    def __init__(self, env, logs):
        self.env, self.logs = env, logs
        self.workers, self.beats = [], []

    def _spawn(self, name, args):
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115 — closed with the process
        process = subprocess.Popen(
            [CELERY, "-A", "portal", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches its children
        )
        process.log, process.name = log, name
        return process

    def start(self, workers=2, beats=2):
        for n in range(workers):
            self.workers.append(
                self._spawn(
                    f"worker{n}",
                    [
                        "worker",
                        "--concurrency=1",
                        "--pool=prefork",
                        "-Q",
                        "celery",
                        "--loglevel=warning",
                        "--without-gossip",
                        "--without-mingle",
                        "-n",
                        f"fault{n}@%h",
                    ],
                )
            )
        for n in range(beats):
            self.beats.append(
                self._spawn(
                    f"beat{n}",
                    [
                        "beat",
                        "--loglevel=warning",
                        f"--schedule={self.logs / f'beat{n}-schedule'}",
                        f"--pidfile={self.logs / f'beat{n}.pid'}",
                    ],
                )
            )
        return self

    @staticmethod
    def kill(process, sig=signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.log.close()

    def worker_children(self, worker):
        """The pool processes of a worker (the ones that run tasks)."""
        found = subprocess.run(
            ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in found.stdout.split()]

    def stop(self):
        for process in [*self.workers, *self.beats]:
            if process.poll() is None:
                self.kill(process)
            elif not process.log.closed:
                process.log.close()

    def alive(self):
        return [p.name for p in [*self.workers, *self.beats] if p.poll() is None]

    def tail(self, lines=15):
        parts = []
        for process in [*self.workers, *self.beats]:
            text = (self.logs / f"{process.name}.log").read_text(errors="replace")
            parts.append(f"--- {process.name} ---\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(parts)


def database_url():
    """The pytest test database, as the worker processes must see it."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def publish_to_broker(broker):
    """This process's own tasks (the services' dispatch_soon on commit) go to the real
    broker, not run eagerly here: the workers send, never the test."""
    before = {
        key: celery_app.conf[key] for key in ("task_always_eager", "broker_url", "broker_write_url")
    }
    celery_app.close()  # drop the pools made for the old broker URL
    celery_app.conf.update(task_always_eager=False, broker_url=broker, broker_write_url=None)
    yield
    celery_app.close()
    celery_app.conf.update(before)


@pytest.fixture
def cluster_env(transactional_db, smtp, broker, tmp_path):
    assert connection.vendor == "postgresql", "the fault tests need PostgreSQL"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "EMAIL_MESSAGE_ID_DOMAIN": settings.EMAIL_MESSAGE_ID_DOMAIN,
        "NOTIFICATIONS_DISPATCH_SECONDS": "1",
        "NOTIFICATIONS_LEASE_SECONDS": "5",
        # Each send ends inside its lease: EMAIL_TIMEOUT < soft < hard time limit < lease.
        "EMAIL_TIMEOUT": "2",
        "NOTIFICATIONS_SEND_SOFT_TIME_LIMIT": "3",
        "NOTIFICATIONS_SEND_TIME_LIMIT": "4",
        "NOTIFICATIONS_RETRY_SECONDS": "1",
        "NOTIFICATIONS_BATCH_SIZE": "50",
        "DEBUG": "1",
        "SECRET_KEY": "fault-tests-only",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    return env


@pytest.fixture
def cluster(cluster_env, tmp_path, request):
    """Start with cluster.start(...); everything is killed at the end of the test."""
    made = []

    def make(**overrides):
        env = {**cluster_env, **{key: str(value) for key, value in overrides.items()}}
        logs = tmp_path / f"cluster{len(made)}"
        logs.mkdir()
        made.append(Cluster(env, logs))
        return made[-1]

    try:
        yield make
    finally:
        for each in made:
            each.stop()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            for each in made:
                print(each.tail())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


# Data ----------------------------------------------------------------------------------------


def staff_member():
    from tests.factories import StaffFactory

    return StaffFactory()


def plan_reminders(*, sessions, people, due_in, staff=None):
    """A cohort of `people` with `sessions` sessions whose day-before reminders fall due in
    `due_in`, planned by the real service (committed: the workers must see them).

    Sessions keep UTC wall-clock time, so "a day before" is exactly 24 hours here.
    """
    from datetime import timedelta

    from django.utils import timezone

    from sessions_app import services as session_services
    from sessions_app.timing import PlannedTime
    from tests.factories import CohortFactory, EnrolmentFactory, SeatFactory

    staff = staff or staff_member()
    cohort = CohortFactory(reminder_offsets=[24 * 60])
    enrolment = EnrolmentFactory(cohort=cohort)
    for _ in range(people):
        SeatFactory(enrolment=enrolment)
    starts_at = (timezone.now() + timedelta(days=1) + due_in).replace(microsecond=0)
    return session_services.create_series(
        cohort,
        planned=[PlannedTime(starts_at.date(), starts_at)] * sessions,
        title="Fault test",
        by=staff,
        time_zone="UTC",
        where="video",
        video_url="https://video.example.org/room",
    )


def ledger_states():
    from notifications.models import Notification

    return Counter(Notification.objects.values_list("state", flat=True))


def claims_per_row():
    """{attempts: rows}: a row claimed again after its lease ran out counts twice."""
    from notifications.models import Notification

    return dict(sorted(Counter(Notification.objects.values_list("attempts", flat=True)).items()))


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Everything here is marked `faults`: `-m "not faults"` leaves the slow suite out."""
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.faults)
