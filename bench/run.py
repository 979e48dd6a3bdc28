"""`make bench`: the delivery path's claim, measured on PostgreSQL.

Makes a fresh database (portal_bench) from the migrations, writes a ledger of 100,000 due
rows and 200,000 sent ones with COPY, then claims every due row in batches with
notifications.services.claim_batch — for several batch sizes, and with two claimers at
once — and prints the time, rows per second, batches and queries. Prints EXPLAIN
(ANALYZE, BUFFERS) of the due-rows query, which must use the partial index
`notification_due`, and of the claim statement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench python bench/run.py
    options: --due 100000 --history 200000 --sizes 200,1000,5000,10000 --repeat 3
"""

import argparse
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

TARGET_SECONDS = 1.0
TABLE = "notifications_notification"
COLUMNS = (
    "kind, to_email, content_type_id, object_id, slot, payload, due_at, not_before, state, "
    "attempts, revision, claim_token, last_error, cancelled_reason, created_at, updated_at, "
    "sent_at"
)


def fresh_database(url):
    """Drop and create the bench database (connecting to `postgres` to do so), so every run
    starts from the migrations."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.endswith("bench"):
        sys.exit(f"Refusing to drop {name!r}: the bench database's name must end in 'bench'.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def sql(statement, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def fill(due, history):
    """`due` rows due within the last hour and `history` sent ones, written with COPY."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from accounts.models import User

    content_type = ContentType.objects.get_for_model(User).pk
    now = datetime.now(UTC)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
        with cursor.cursor.copy(f"COPY {TABLE} ({COLUMNS}) FROM STDIN") as copy:
            for n in range(history):
                at = now - timedelta(days=30, seconds=n)
                copy.write_row(
                    ("session_reminder", f"p{n}@bench.test", content_type, n, "before-1440m",
                     "{}", at, at, "sent", 1, 0, "", "", "", at, at, at)
                )  # fmt: skip
            for n in range(due):
                at = now - timedelta(seconds=3600 * n / due)
                copy.write_row(
                    ("session_reminder", f"p{n}@bench.test", content_type, n, "before-10080m",
                     "{}", at, at, "scheduled", 0, 0, "", "", "", at, at, None)
                )  # fmt: skip
    sql(f"VACUUM ANALYZE {TABLE}")
    return time.perf_counter() - started


def rearm():
    """Every claimed row back to `scheduled`, as before the run; then VACUUM ANALYZE."""
    sql(
        f"UPDATE {TABLE} SET state = 'scheduled', claim_token = '', lease_until = NULL, "
        "attempts = 0 WHERE state = 'sending'"
    )
    sql(f"VACUUM ANALYZE {TABLE}")


class Counter:
    """Counts the statements sent to the database (an execute wrapper: no log to overflow)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def claim_all(size, claim=None):
    """Claim until nothing is due. Returns (seconds, rows, claim calls, statements)."""
    from django.db import connection

    from notifications import services

    claim = claim or services.claim_batch
    rows = calls = 0
    counter = Counter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        while True:
            claimed = claim(limit=size)
            rows, calls = rows + len(claimed), calls + 1
            if len(claimed) < size:
                break
        seconds = time.perf_counter() - started
    return seconds, rows, calls, counter.count


def orm_claim(limit):
    """The portable two-statement path claim_batch takes on SQLite, run on PostgreSQL."""
    from django.conf import settings
    from django.utils import timezone

    from notifications import services

    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    return services._claim_with_orm(limit, now, "orm", lease_until)


def claim_all_in_parallel(size, claimers):
    """`claimers` threads, each on its own connection, claiming until nothing is due."""
    from django.db import connection

    from notifications.services import claim_batch

    counts, barrier = [0] * claimers, threading.Barrier(claimers + 1)

    def claimer(number):
        try:
            barrier.wait()
            while claimed := claim_batch(limit=size):
                counts[number] += len(claimed)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(claimers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(counts)


def best_of(repeat, due, measure):
    runs = []
    for _ in range(repeat):
        rearm()
        seconds, rows, *rest = measure()
        assert rows == due, f"claimed {rows} of {due}"
        runs.append((seconds, *rest))
    return min(runs)


def report_line(label, seconds, due, *extra):
    verdict = "ok" if seconds < TARGET_SECONDS else f"over {TARGET_SECONDS:.0f}s"
    cells = "".join(f"  {value:>7}" for value in extra)
    print(f"  {label:<22}  {seconds:>8.3f}  {due / seconds:>9,.0f}{cells}  {verdict}")


def measure(args, sizes, title):
    print(f"\n{title}")
    print(f"  {'batch size':<22}  {'seconds':>8}  {'rows/s':>9}  {'calls':>7}  {'SQL':>7}")
    results = {}
    for size in sizes:
        seconds, calls, queries = best_of(args.repeat, args.due, lambda s=size: claim_all(s))
        results[size] = seconds
        report_line(f"{size}", seconds, args.due, calls, queries)
    size = max(sizes)
    seconds, *_ = best_of(args.repeat, args.due, lambda: claim_all_in_parallel(size, 2))
    results[f"2 claimers × {size}"] = seconds
    report_line(f"2 claimers × {size}", seconds, args.due)
    return results


def measure_orm(args, size):
    seconds, calls, statements = best_of(
        args.repeat, args.due, lambda: claim_all(size, claim=orm_claim)
    )
    report_line(f"{size}, ORM path", seconds, args.due, calls, statements)
    return seconds


def explain(statement, params):
    """EXPLAIN (ANALYZE, BUFFERS) of a statement, rolled back."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)
        plan = [line for (line,) in cursor.fetchall()]
        transaction.set_rollback(True)
    return plan


def literal(value):
    if isinstance(value, datetime):
        value = value.isoformat()
    return value if isinstance(value, int) else f"'{value}'"


def print_plans(size):
    from django.db import transaction
    from django.utils import timezone

    from notifications import services
    from notifications.models import Notification

    now = timezone.now()
    with transaction.atomic():  # select_for_update compiles only inside one
        due_query, due_params = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=Notification.State.SCHEDULED, not_before__lte=now)
            .order_by("not_before")
            .values_list("pk", flat=True)[:size]
            .query.sql_with_params()
        )
    rearm()
    plan = explain(due_query, due_params)
    shown = due_query % tuple(map(literal, due_params))
    print(f"\nThe due query (one batch of {size}):\n  {shown}")
    print("\nEXPLAIN (ANALYZE, BUFFERS):")
    print("\n".join("  " + line for line in plan))
    uses_index = any("notification_due" in line for line in plan)

    claim_params = {
        "sending": "sending",
        "scheduled": "scheduled",
        "token": "explain",
        "lease_until": now,
        "now": now,
        "limit": size,
    }
    print(f"\nThe claim statement claim_batch runs on PostgreSQL (batch of {size}):")
    print("\n".join("  " + line for line in services.CLAIM_SQL.strip().splitlines()))
    print("\nEXPLAIN (ANALYZE, BUFFERS):")
    print("\n".join("  " + line for line in explain(services.CLAIM_SQL, claim_params)))
    return uses_index


def index_names():
    rows = sql("SELECT indexname FROM pg_indexes WHERE tablename = %s", [TABLE])
    return [name for (name,) in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument("--sizes", default="200,1000,5000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/run.py measures PostgreSQL: set DATABASE_URL to a postgres:// URL.")
    fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"PostgreSQL {connection.pg_version // 10000}, database "
        f"{connection.settings_dict['NAME']}, {os.cpu_count()} CPUs, load average {load}"
    )
    took = fill(args.due, args.history)
    print(
        f"Ledger: {args.due:,} rows due and {args.history:,} sent ones, written with COPY "
        f"in {took:.1f}s; {len(index_names())} indexes on the table."
    )

    results = measure(
        args, sizes, f"Claiming all {args.due:,} due rows with claim_batch (best of {args.repeat}):"
    )
    orm = measure_orm(args, 1000)
    uses_index = print_plans(1000)
    answer = "yes" if uses_index else "NO"
    print(f"\nThe due query uses the partial index notification_due: {answer}")

    best = min(results, key=results.get)
    print(
        f"\nSummary: {args.due:,} rows claimed in {results[best]:.3f}s ({best}), "
        f"{args.due / results[best]:,.0f} rows/s; "
        f"target under {TARGET_SECONDS:.0f}s "
        f"{'met' if results[best] < TARGET_SECONDS else 'NOT met'}."
    )
    print(f"         the two-statement ORM path (SQLite's) at batch 1000: {orm:.3f}s.")
    if not uses_index:
        sys.exit("The due query does not use the partial index notification_due.")


if __name__ == "__main__":
    main()
