"""The page harness: every page the portal's people use most, loaded side by side with the
baselines — the Django admin's changelists of Notification and of ActionItem (100 rows a
page: the screens staff would otherwise use; a team's working space is judged against the
second) and /healthz (the ceiling: one query, no template).

gunicorn serves the national data on 127.0.0.1 with production settings; the bench logs
people in by writing their sessions directly (no login form); a load generator (Debian's
wrk, or a Python one) loads each page for a bounded time, round after round. The query
count of each page comes from Django's test Client in this process, against the national
data and against the demo seed.
"""

import http.client
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.report import Target, ratio, table, verdict

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
SESSION_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
ADMIN_TIMES = 10  # every page at least 10× the admin changelist…
HEALTH_SHARE = 0.2  # …and at least a fifth of /healthz
# How long gunicorn's workers may take to start: a machine shared with test suites can take
# over 30 s to import Django in four workers at once.
BOOT_SECONDS = 120


@dataclass(frozen=True)
class Page:
    label: str
    role: str | None  # who loads it: "staff", "facilitator", "member"; None: no login
    url_name: str
    args: tuple = ()  # names of Subjects attributes, in the URL's order
    admin: str = "notification"  # the admin changelist it is judged against (ADMINS)


WORK = "actionitem"  # a team's working space: judged against the admin's action items
PAGES = [
    Page("home", "staff", "home"),
    Page("home", "facilitator", "home"),
    Page("home", "member", "home"),
    Page("cohort list", "staff", "cohorts:cohort_list"),
    Page("cohort page", "staff", "dashboard:cohort_detail", ("cohort",)),
    Page("session page", "member", "sessions_app:session_detail", ("upcoming",)),
    Page("attendance page", "facilitator", "sessions_app:session_detail", ("held",)),
    Page("outbox", "staff", "notifications:outbox"),
    Page("organisations", "staff", "cohorts:organisation_list"),
    Page("programs", "staff", "cohorts:program_list"),
    Page("profile", "member", "dashboard:profile"),
    Page("calendar feed", None, "sessions_app:feed", ("feed",)),
    Page("workplan page", "member", "workplans:workplan", ("team",), admin=WORK),
    Page("team home", "member", "dashboard:team_home", ("team",), admin=WORK),
    Page("review queue", "facilitator", "dashboard:review_queue", admin=WORK),
]
# The screens staff would otherwise use: the ledger's rows, and a team's action items (100 a
# page each).
ADMINS = {
    "notification": Page(
        "admin changelist", "staff", "admin:notifications_notification_changelist"
    ),
    WORK: Page("admin action items", "staff", "admin:workplans_actionitem_changelist"),
}
ADMIN = ADMINS["notification"]
HEALTH = Page("/healthz", None, "health")
BASELINES = [*ADMINS.values(), HEALTH]


@dataclass(frozen=True)
class Subjects:
    """Who loads the pages and what they look at, read from the data: the cohort with the
    most teams that has held sessions (with attendance) and sessions still to come, and the
    team of its first executive director (the member)."""

    staff: object
    facilitator: object
    member: object
    cohort: int
    team: int
    held: int
    upcoming: int
    feed: str


def find_subjects():
    from django.db.models import Count, Exists, OuterRef
    from django.utils import timezone

    from accounts.models import STAFF_GROUP, User
    from cohorts.choices import TeamRole
    from cohorts.models import Cohort, Seat
    from sessions_app.models import CalendarFeed, LearningSession

    now = timezone.now()
    held = LearningSession.objects.filter(starts_at__lt=now, attendances__isnull=False)
    upcoming = LearningSession.objects.filter(
        starts_at__gt=now, status=LearningSession.Status.SCHEDULED
    )
    cohort = (
        Cohort.objects.filter(
            Exists(held.filter(cohort=OuterRef("pk"))),
            Exists(upcoming.filter(cohort=OuterRef("pk"))),
        )
        .annotate(teams=Count("enrolments"))
        .order_by("-teams", "pk")
        .first()
    )
    if cohort is None:
        raise SystemExit("No cohort has both held sessions with attendance and sessions to come.")
    seat = (
        Seat.objects.filter(
            enrolment__cohort=cohort, ended_at__isnull=True, role=TeamRole.EXECUTIVE_DIRECTOR
        )
        .select_related("person")
        .order_by("enrolment__organisation__name")
        .first()
    )
    member = seat.person
    feed, _created = CalendarFeed.objects.get_or_create(
        person=member, defaults={"token": secrets.token_urlsafe(32)}
    )
    return Subjects(
        staff=User.objects.filter(groups__name=STAFF_GROUP, is_active=True).order_by("pk")[0],
        facilitator=cohort.facilitators.order_by("pk")[0],
        member=member,
        cohort=cohort.pk,
        team=seat.enrolment_id,
        held=held.filter(cohort=cohort).order_by("-starts_at")[0].pk,
        upcoming=upcoming.filter(cohort=cohort).order_by("starts_at")[0].pk,
        feed=feed.token,
    )


@dataclass
class Visit:
    """A page resolved against one database: its path and the session to load it with."""

    page: Page
    path: str = ""
    cookie: str = ""  # the Cookie header: "sessionid=…", or nothing
    error: str = ""

    @property
    def name(self):
        page = self.page
        return f"{page.label}, {page.role}" if page.label == "home" else page.label


def _session(user):
    """A logged-in session, written as django.contrib.auth.login would write it; its key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = SESSION_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


@contextmanager
def logged_in():
    """Every page and baseline resolved against the connected database, with a session
    for each person; the sessions are deleted afterwards."""
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.urls import NoReverseMatch, reverse

    subjects = find_subjects()
    roles = {page.role for page in [*PAGES, *BASELINES] if page.role}
    sessions = {role: _session(getattr(subjects, role)) for role in roles}
    visits = []
    for page in [*PAGES, *BASELINES]:
        visit = Visit(page)
        if page.role:
            visit.cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[page.role]}"
        try:
            visit.path = reverse(page.url_name, args=[getattr(subjects, a) for a in page.args])
        except NoReverseMatch:
            visit.error = f"no URL named {page.url_name!r}"
        visits.append(visit)
    try:
        yield visits
    finally:
        Session.objects.filter(session_key__in=sessions.values()).delete()


def count_queries(visits):
    """{name: queries} for one GET of each page, in this process (Django's test Client
    against the connected database). A page that does not answer 200 gets its error."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for visit in visits:
        if visit.error:
            counts[visit.name] = visit.error
            continue
        client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=visit.cookie)
        try:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(visit.path)
        except Exception as error:  # reported with the page, and the bench goes on
            counts[visit.name] = f"{type(error).__name__}: {error}"
            continue
        if response.status_code != 200:
            counts[visit.name] = f"status {response.status_code} {response.get('Location', '')}"
        else:
            counts[visit.name] = len(queries)
    return counts


# The server ----------------------------------------------------------------------------------


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(base, visit, timeout=10):
    """One GET of a page: (status, Location)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", visit.path, headers={"Cookie": visit.cookie} if visit.cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


@contextmanager
def gunicorn(env, workers, log):
    """gunicorn (sync workers) on a free port of 127.0.0.1, until the block ends."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--no-control-socket"]  # fmt: skip
    health = Visit(HEALTH, path="/healthz")
    with open(log, "w") as output:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command, cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            deadline = time.monotonic() + BOOT_SECONDS
            while True:
                try:
                    if _get(base, health, timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not come up; see {log}")
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# Load ----------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One page loaded for one window: how many answers, how fast, how many were not 200."""

    requests: int
    seconds: float
    p95_ms: float
    errors: int

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def _percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def load_with_wrk(base, visit, seconds, connections):
    """wrk for whole seconds; bench/wrk_report.lua prints its figures on one line."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{round(seconds)}s",
               "--timeout", "10s", "-s", str(WRK_SCRIPT)]  # fmt: skip
    if visit.cookie:
        command += ["-H", f"Cookie: {visit.cookie}"]
    output = subprocess.run(  # noqa: S603 (wrk, with the bench's own arguments)
        [*command, base + visit.path], capture_output=True, text=True, check=True
    ).stdout
    requests, micros, p95, status, socket_errors = map(
        int, re.search(r"^WRK (.*)$", output, re.M).group(1).split()
    )
    return Sample(requests, micros / 1e6, p95 / 1000, status + socket_errors)


def load_with_python(base, visit, seconds, connections):
    """`connections` threads, each sending one request after another for `seconds`."""
    latencies, errors = [], []
    deadline = time.perf_counter() + seconds

    def client():
        mine, failed = [], 0
        while (started := time.perf_counter()) < deadline:
            try:
                failed += _get(base, visit)[0] != 200
            except OSError:
                failed += 1
            mine.append(time.perf_counter() - started)
        latencies.extend(mine)
        errors.append(failed)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    return Sample(len(latencies), took, _percentile(latencies, 0.95) * 1000, sum(errors))


def settle(base, connections):
    """Wait until the server has answered what the last load left in its queue: when a
    window ends, up to `connections` requests are still waiting for a worker, and a slow
    page's would otherwise be served in the next page's window. As many /healthz requests
    queue behind them; once all have answered, the queue is empty."""
    health = Visit(HEALTH, path="/healthz")

    def ask():
        try:
            _get(base, health, timeout=60)
        except OSError:
            pass

    threads = [threading.Thread(target=ask) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def choose_loader(name, seconds):
    """wrk when installed and the windows are whole seconds (wrk counts in seconds)."""
    whole = float(seconds).is_integer()
    if name == "wrk" or (name == "auto" and shutil.which("wrk") and whole):
        if not whole:
            raise SystemExit("wrk runs for whole seconds: give --seconds a whole number.")
        return "wrk", load_with_wrk
    return "python", load_with_python


@dataclass
class Result:
    visit: Visit
    samples: list = field(default_factory=list)

    def median(self, attribute):
        return statistics.median(getattr(s, attribute) for s in self.samples)

    def times(self, baseline):
        """The page's rate over the baseline's, round by round; their median."""
        if not self.samples or not baseline.samples:
            return None
        pairs = zip(self.samples, baseline.samples, strict=True)
        return statistics.median(page.rps / base.rps for page, base in pairs if base.rps)


def measure(base, visits, *, rounds, seconds, warmup, connections, loader):
    """A warm-up of each page, then `rounds` rounds loading every page and the baselines
    back to back, each window starting on an idle server. A page that does not answer 200
    first is not loaded."""
    results = []
    for visit in visits:
        if not visit.error:
            status, location = _get(base, visit)
            if status != 200:
                visit.error = f"status {status} {location}".strip()
        results.append(Result(visit))
    live = [r for r in results if not r.visit.error]
    for result in live if warmup else []:
        loader(base, result.visit, warmup, connections)
        settle(base, connections)
    for _round in range(rounds):
        for result in live:
            result.samples.append(loader(base, result.visit, seconds, connections))
            settle(base, connections)
    return results


# Report --------------------------------------------------------------------------------------


def report(results, demo_counts, national_counts, *, title):
    """Print the page table; return the targets and the pages that could not be loaded."""
    by_page = {r.visit.page: r for r in results}
    health = by_page[HEALTH]
    rows, below_admin, below_health, differ, failed = [], [], [], [], []
    for result in results:
        visit, name = result.visit, result.visit.name
        demo, national = demo_counts.get(name), national_counts.get(name)
        baseline = visit.page in BASELINES
        if visit.error or any(s.errors for s in result.samples):
            failed.append(f"{name}: {visit.error or 'answers that were not 200'}")
        if demo != national or not isinstance(national, int):
            differ.append(f"{name} ({demo} → {national})")
        if not result.samples:
            rows.append([name, visit.page.role or "–", *["–"] * 4, demo, national, "failed"])
            continue
        to_admin = result.times(by_page[ADMINS[visit.page.admin]])
        to_health = result.times(health)
        ok_admin = to_admin is not None and to_admin >= ADMIN_TIMES
        ok_health = to_health is not None and to_health >= HEALTH_SHARE
        if not baseline:
            below_admin += [] if ok_admin else [name]
            below_health += [] if ok_health else [name]
        rows.append(
            [name, visit.page.role or "–", f"{result.median('rps'):,.1f}",
             f"{result.median('p95_ms'):,.0f}",
             "–" if baseline else ratio(to_admin), "–" if baseline else ratio(to_health),
             demo, national, "baseline" if baseline else verdict(ok_admin and ok_health)]
        )  # fmt: skip
    table(
        title,
        ["page", "as", "req/s", "p95 ms", "× admin", "× healthz", "SQL demo", "SQL national",
         "target"],
        rows,
    )  # fmt: skip
    print(
        f"  × admin: against the {ADMIN.label} of Notification; the working space's pages "
        f"(workplan, team home, review queue) against the {ADMINS[WORK].label}"
    )
    for line in failed:
        print(f"  FAILED  {line}")
    pages = len(PAGES)
    targets = [
        Target(
            f"every page ≥{ADMIN_TIMES}× its admin changelist at national size "
            f"({pages - len(below_admin)} of {pages})"
            + (f"; below: {'; '.join(below_admin)}" if below_admin else ""),
            not below_admin and not failed,
        ),
        Target(
            f"every page ≥ 1/{round(1 / HEALTH_SHARE)} of /healthz at national size "
            f"({pages - len(below_health)} of {pages})"
            + (f"; below: {'; '.join(below_health)}" if below_health else ""),
            not below_health and not failed,
        ),
        Target(
            "the same query count at demo and national size"
            + (f"; differs: {'; '.join(differ)}" if differ else ""),
            not differ,
        ),
    ]
    return targets, failed
