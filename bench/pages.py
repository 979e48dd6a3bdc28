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

from bench import db
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
    stream: bool = False  # one long response (an export): measured apart, never loaded


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
    # Progress across cohorts (issue 12): judged against the admin's action items too.
    Page("national view", "staff", "dashboard:national", admin=WORK),
    Page("cohort progress", "staff", "dashboard:cohort_progress", ("cohort",), admin=WORK),
    Page("state dossier", "staff", "dashboard:state_dossier", ("state",), admin=WORK),
]
# Every action item the staff may read, as CSV: its time to first byte and its memory.
EXPORT = Page("action items export", "staff", "dashboard:export_actions", stream=True)
PROGRESS = {"national view", "cohort progress", "state dossier", EXPORT.label}
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
    team of its first executive director (the member); the state with the most enrolments."""

    staff: object
    facilitator: object
    member: object
    cohort: int
    team: int
    held: int
    upcoming: int
    feed: str
    state: str


def find_subjects():
    from django.db.models import Count, Exists, OuterRef
    from django.utils import timezone

    from accounts.models import STAFF_GROUP, User
    from cohorts.choices import TeamRole
    from cohorts.models import Cohort, Enrolment, Seat
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
        state=Enrolment.objects.exclude(organisation__state="")
        .values("organisation__state")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__state")[0]["organisation__state"],
    )


@dataclass
class Visit:
    """A page resolved against one database: its path and the session to load it with."""

    page: Page
    path: str = ""
    cookie: str = ""  # the Cookie header: "sessionid=…", or nothing
    error: str = ""  # why the page could not be loaded (set while measuring)

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
    from django.urls import reverse

    subjects = find_subjects()
    roles = {page.role for page in [*PAGES, *BASELINES, EXPORT] if page.role}
    sessions = {role: _session(getattr(subjects, role)) for role in roles}
    visits = []
    for page in [*PAGES, *BASELINES, EXPORT]:
        visit = Visit(page)
        if page.role:
            visit.cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[page.role]}"
        visit.path = reverse(page.url_name, args=[getattr(subjects, a) for a in page.args])
        visits.append(visit)
    try:
        yield visits
    finally:
        Session.objects.filter(session_key__in=sessions.values()).delete()


def count_queries(visits):
    """{name: queries} for one GET of each page, in this process (Django's test Client
    against the connected database), the cache emptied first: the count of the first visit
    after a change, not of a page kept by the cache (dashboard/freshness.py). A page that
    does not answer 200 gets its error."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for visit in visits:
        if visit.page.stream:
            continue  # counted as it streams in stream_in_process
        client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=visit.cookie)
        cache.clear()
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


@dataclass
class InProcess:
    """A streamed page read to its end in this process: its rows, its queries, and the most
    memory Python held while it streamed (tracemalloc's peak)."""

    rows: int = 0
    queries: object = None  # a count, or why there is none
    peak: int = 0  # bytes
    seconds: float = 0.0
    error: str = ""


def stream_in_process(visit):
    """Read the streamed page once with tracemalloc on: a page that streams holds about one
    chunk of rows at a time, however many rows there are."""
    import tracemalloc

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_COOKIE=visit.cookie)
    cache.clear()
    result = InProcess()
    counter = db.QueryCounter()
    tracemalloc.start()
    try:
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            tracemalloc.reset_peak()
            response = client.get(visit.path)
            if response.status_code != 200:
                result.error = f"status {response.status_code} {response.get('Location', '')}"
                result.queries = result.error
                return result
            chunks = response.streaming_content if response.streaming else [response.content]
            for chunk in chunks:
                result.rows += chunk.count(b"\r\n")  # csv's line ends (a cell's own are \n)
            result.peak = tracemalloc.get_traced_memory()[1]
            result.seconds = time.perf_counter() - started
        result.rows -= 1  # the header
        result.queries = counter.count
    except Exception as error:  # reported with the page, and the bench goes on
        result.error = f"{type(error).__name__}: {error}"
        result.queries = result.error
    finally:
        tracemalloc.stop()
    return result


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


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:port
    pid: int  # gunicorn's master; its children are the workers


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
            yield Server(base, server.pid)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# The export over HTTP -------------------------------------------------------------------------


def _workers(master):
    """The pids of gunicorn's workers (the master's children)."""
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines())
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == str(master):
            pids.append(int(status.parent.name))
    return pids


def _memory(pid, field):
    """VmRSS or VmHWM (the resident peak) of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak(pid):
    """Start the process's resident peak (VmHWM) again from its current size (Linux:
    clear_refs 5). False where the kernel does not allow it."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Streamed:
    """One download of a streamed page through gunicorn."""

    first_byte: float = 0.0  # seconds from sending the request to the body's first byte…
    first_row: float = 0.0  # …to the end of the first row under the header (its query ran)
    seconds: float = 0.0  # to the last byte
    size: int = 0  # bytes
    rows: int = 0
    rss_before: int = 0  # the worker that served it: resident memory before…
    rss_peak: int = 0  # …its peak while streaming (None: the peak could not be reset)…
    rss_after: int = 0  # …and after
    error: str = ""

    @property
    def growth(self):
        return self.rss_peak - self.rss_before if self.rss_peak else None


def download(server, visit):
    """GET the page through gunicorn and read it to the end: the time to its first byte and
    to its last, and the memory of the worker that served it (its resident peak reset just
    before, on every worker, since any of them may take the request)."""
    workers = _workers(server.pid)
    reset = all([_reset_peak(pid) for pid in workers])
    before = {pid: _memory(pid, "VmRSS") for pid in workers}
    parts = urlsplit(server.base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    result = Streamed()
    try:
        started = time.perf_counter()
        conn.request("GET", visit.path, headers={"Cookie": visit.cookie})
        response = conn.getresponse()
        first = response.read(1)
        result.first_byte = time.perf_counter() - started
        if response.status != 200:
            result.error = f"status {response.status} {response.getheader('Location', '')}"
            return result
        result.size, result.rows, last = len(first), 0, first
        while chunk := response.read1(65536):  # what has come, without waiting for more
            result.size += len(chunk)
            result.rows += chunk.count(b"\r\n") + (last[-1:] == b"\r" and chunk[:1] == b"\n")
            last = chunk
            if result.rows >= 2 and not result.first_row:
                result.first_row = time.perf_counter() - started
        result.seconds = time.perf_counter() - started
        result.rows -= 1  # the header
    except OSError as error:
        result.error = f"{type(error).__name__}: {error}"
        return result
    finally:
        conn.close()
    # The worker that served it: the one whose peak rose most above where it stood.
    peaks = {pid: _memory(pid, "VmHWM") for pid in workers if Path(f"/proc/{pid}").exists()}
    if peaks:
        pid = max(peaks, key=lambda p: peaks[p] - before[p])
        result.rss_before, result.rss_after = before[pid], _memory(pid, "VmRSS")
        result.rss_peak = peaks[pid] if reset else None
    return result


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
    for visit in [v for v in visits if not v.page.stream]:
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

MAX_QUERIES = 12  # a page's queries: at most 12, the same at 1× and 10× the data
FIRST_BYTE_SECONDS = 1.0  # the export's first byte within a second…
FLAT = 3  # …and its memory flat: 10× the rows, less than 3× the peak


def queries_ok(small, large):
    return isinstance(small, int) and small == large and large <= MAX_QUERIES


def report(results, small_counts, large_counts, *, title):
    """Print the page table; return the targets and the pages that could not be loaded."""
    by_page = {r.visit.page: r for r in results}
    health = by_page[HEALTH]
    rows, below_admin, below_health, too_many, failed = [], [], [], [], []
    progress_slow = []

    def cell(count):  # a count, or a short word for what went wrong (FAILED says more)
        return count if isinstance(count, int) else str(count).split(":")[0][:20]

    for result in results:
        visit, name = result.visit, result.visit.name
        small, large = cell(small_counts.get(name)), cell(large_counts.get(name))
        baseline = visit.page in BASELINES
        sql = "–" if baseline else verdict(queries_ok(small, large))
        if visit.error or any(s.errors for s in result.samples):
            failed.append(f"{name}: {visit.error or 'answers that were not 200'}")
        if not baseline and not queries_ok(small, large):
            too_many.append(f"{name} ({small} → {large})")
        if not result.samples:
            rows.append([name, visit.page.role or "–", *["–"] * 4, small, large, "failed", sql])
            continue
        to_admin = result.times(by_page[ADMINS[visit.page.admin]])
        to_health = result.times(health)
        ok_admin = to_admin is not None and to_admin >= ADMIN_TIMES
        ok_health = to_health is not None and to_health >= HEALTH_SHARE
        if not baseline:
            below_admin += [] if ok_admin else [name]
            below_health += [] if ok_health else [name]
            if name in PROGRESS and not (ok_admin and ok_health):
                progress_slow.append(name)
        rows.append(
            [name, visit.page.role or "–", f"{result.median('rps'):,.1f}",
             f"{result.median('p95_ms'):,.0f}",
             "–" if baseline else ratio(to_admin), "–" if baseline else ratio(to_health),
             small, large, "baseline" if baseline else verdict(ok_admin and ok_health), sql]
        )  # fmt: skip
    table(
        title,
        ["page", "as", "req/s", "p95 ms", "× admin", "× healthz", "SQL 1×", "SQL 10×",
         "speed", f"SQL ≤{MAX_QUERIES}, same"],
        rows,
    )  # fmt: skip
    print(
        f"  × admin: against the {ADMIN.label} of Notification; the working space's and the "
        f"progress pages (workplan, team home, review queue, national view, cohort progress, "
        f"state dossier) against the {ADMINS[WORK].label}. SQL: one GET in-process with the "
        "cache emptied, at 1× (a tenth of the nation) and 10× (the nation)"
    )
    for line in failed:
        print(f"  FAILED  {line}")
    pages = len(PAGES)
    progress = [page.label for page in PAGES if page.label in PROGRESS]

    def listed(prefix, names):
        return f"; {prefix}: {'; '.join(names)}" if names else ""

    targets = [
        Target(
            f"every page ≥{ADMIN_TIMES}× its admin changelist at national size "
            f"({pages - len(below_admin)} of {pages})"
            + listed("below", below_admin),
            not below_admin and not failed,
        ),
        Target(
            f"every page ≥ 1/{round(1 / HEALTH_SHARE)} of /healthz at national size "
            f"({pages - len(below_health)} of {pages})"
            + listed("below", below_health),
            not below_health and not failed,
        ),
        Target(
            f"every page ≤{MAX_QUERIES} queries, the same count at 1× and 10× "
            f"({pages - len(too_many)} of {pages})"
            + listed("not", too_many),
            not too_many,
        ),
        Target(
            f"progress pages ({', '.join(progress)}) ≥{ADMIN_TIMES}× the admin action items "
            f"and ≥ 1/{round(1 / HEALTH_SHARE)} of /healthz"
            + listed("not", progress_slow),
            not progress_slow,
        ),
    ]  # fmt: skip
    return targets, failed


def _mb(value):
    return f"{value / 2**20:,.1f} MB" if value is not None else "–"


def report_export(small, large, downloads):
    """Print the export's table (in-process at 1× and 10×, and through gunicorn at 10×);
    return its targets."""
    rows = []
    for where, one in (("1×, in process", small), ("10×, in process", large)):
        if one.error:
            rows.append([where, one.error, "–", "–", "–", "–"])
        else:
            rows.append(
                [where, f"{one.rows:,}", one.queries, f"{one.seconds:.1f}", "–", _mb(one.peak)]
            )
    for n, one in enumerate(downloads, 1):
        where = f"10×, gunicorn, run {n}"
        if one.error:
            rows.append([where, one.error, "–", "–", "–", "–"])
            continue
        memory = (
            f"worker {_mb(one.rss_before)} → peak {_mb(one.rss_peak)} (+{_mb(one.growth)}) "
            f"→ {_mb(one.rss_after)}"
        )
        rows.append([where, f"{one.rows:,}", "–", f"{one.seconds:.1f}",
                     f"{one.first_byte:.3f} / {one.first_row:.3f}", memory])  # fmt: skip
    table(
        f"Export: {EXPORT.label} as staff (CSV, streamed; measured alone, not loaded)",
        ["where", "rows", "SQL", "total s", "first byte / row s", "memory (in process: "
         "tracemalloc peak; gunicorn: the worker's resident size)"],
        rows,
    )  # fmt: skip
    loaded = not small.error and not large.error and downloads and not downloads[0].error
    if not loaded:
        reason = small.error or large.error or (downloads[0].error if downloads else "not run")
        return [
            Target(f"export: first byte < {FIRST_BYTE_SECONDS:g} s ({reason})", False),
            Target(f"export: memory flat ({reason})", False),
            Target(f"export: ≤{MAX_QUERIES} queries, the same at 1× and 10× ({reason})", False),
        ]
    first_byte = max(one.first_byte for one in downloads if not one.error)
    first_row = max(one.first_row for one in downloads if not one.error)
    grown = large.peak / small.peak if small.peak else None
    rows_grown = large.rows / small.rows if small.rows else None
    growth = [one.growth for one in downloads if one.growth is not None]
    worker = f"; the gunicorn worker grew {_mb(max(growth))} at most" if growth else ""
    return [
        Target(
            f"export: first byte of {large.rows:,} rows < {FIRST_BYTE_SECONDS:g} s through "
            f"gunicorn ({first_byte:.3f} s, the slower of {len(downloads)}; the first row "
            f"{first_row:.3f} s)",
            first_byte < FIRST_BYTE_SECONDS and first_row < FIRST_BYTE_SECONDS,
        ),
        Target(
            f"export: memory flat: {rows_grown or 0:.1f}× the rows, {ratio(grown)} the peak "
            f"({_mb(small.peak)} → {_mb(large.peak)}; at most {FLAT}×){worker}",
            grown is not None and grown < FLAT,
        ),
        Target(
            f"export: ≤{MAX_QUERIES} queries, the same at 1× and 10× "
            f"({small.queries} → {large.queries})",
            queries_ok(small.queries, large.queries),
        ),
    ]
