"""The bench's databases: named from one URL, made from the migrations, remembered by a
fingerprint so that data which took a while to make is reused while nothing changed.

    portal_bench          the national data (bench/national.py), 10×
    portal_bench_tenth    a tenth of it, 1×: each page's queries at both sizes
    portal_bench_claim    the claim benchmark's ledger, made fresh every run

The bench process has one Django connection; `connected_to(name)` points it at another of
these databases for a while.
"""

import hashlib
import json
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

FINGERPRINT_TABLE = "bench_fingerprint"


def url_for(url, name):
    """The same server and user as `url`, another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def name_of(url):
    return urlsplit(url).path.lstrip("/")


def _admin(url):
    import psycopg

    return psycopg.connect(url_for(url, "postgres"), autocommit=True)


def _checked(name):
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: a bench database's name contains 'bench'.")
    return name


def recreate(url, name):
    """Drop and create one database (a bench one: its name must say so)."""
    with _admin(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{_checked(name)}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def stored_fingerprint(url, name):
    """The fingerprint a database was made with, or None (no database, or made halfway)."""
    import psycopg

    with _admin(url) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return None
    with psycopg.connect(url_for(url, name), autocommit=True) as conn:
        try:
            row = conn.execute(f"SELECT value FROM {FINGERPRINT_TABLE}").fetchone()
        except psycopg.errors.UndefinedTable:
            return None
    return row[0] if row else None


def fingerprint(*parts):
    """A short hash of what made a database: parameters, code, the migrations on disk."""
    from django.db.migrations.loader import MigrationLoader

    migrations = sorted(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    text = json.dumps([list(map(str, parts)), migrations], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure(url, name, print_as, build, *fingerprint_parts):
    """Reuse database `name` if it was made with the same fingerprint; else make it again:
    the migrations, then `build()`, then the fingerprint (last, so a half-made one is
    never reused)."""
    import time

    from django.core.management import call_command

    wanted = fingerprint(*fingerprint_parts)
    if stored_fingerprint(url, name) == wanted:
        print(f"{print_as}: {name} is unchanged (fingerprint {wanted}), reused.")
        return
    started = time.perf_counter()
    recreate(url, name)
    with connected_to(name):
        call_command("migrate", verbosity=0)
        build()
        sql("VACUUM ANALYZE")
        sql(f"CREATE TABLE {FINGERPRINT_TABLE} (value text NOT NULL)")
        sql(f"INSERT INTO {FINGERPRINT_TABLE} (value) VALUES (%s)", [wanted])
    took = time.perf_counter() - started
    print(f"{print_as}: {name} made in {took:.1f}s (fingerprint {wanted}).")


@contextmanager
def connected_to(name):
    """Point the process's Django connection at another database of the same server."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    before = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    ContentType.objects.clear_cache()  # ids differ between databases
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = before
        ContentType.objects.clear_cache()


def sql(statement, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def copy_rows(model, fields, rows):
    """Write rows (tuples in the order of `fields`) into a model's table with COPY."""
    from django.db import connection

    columns = ", ".join(model._meta.get_field(name).column for name in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def enqueue_scheduled():
    """Every scheduled ledger row written directly enters the claim's queue, as planning
    would have put it there."""
    sql(
        "INSERT INTO notifications_queueentry (notification_id, not_before, claim_token) "
        "SELECT id, not_before, '' FROM notifications_notification WHERE state = 'scheduled'"
    )


class QueryCounter:
    """Counts the statements sent to the database (an execute wrapper: no log to overflow)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
