"""The progress pages' cache: their numbers are read across every cohort, so each is computed
once and kept until something it reads changes.

What changed is watched where every write passes: the database connection. A wrapper on each
connection (Django's documented `execute_wrapper`, installed as the connection opens) sees
every INSERT, UPDATE and DELETE on a table of the apps the pages read — bulk writes and
queryset updates included, which model signals would miss — and gives the data a new version
right after the write, and again when its transaction commits (so a page computed in between,
from the rows as they were, is not kept past the commit). A page is kept under the version it
was computed at: a new version is a miss, so nothing stale is shown and nothing needs deleting.

Every process must share the cache for that (Redis in production, CACHE_URL): with a cache
in each process's memory, a write in one process would not reach the others' pages.
"""

import hashlib
import secrets
from functools import cache as once
from pathlib import Path

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone, translation

VERSION_KEY = "progress:version"
KEPT_SECONDS = 60 * 60  # a page nobody asks for again within the hour is dropped
WATCHED_APPS = ("accounts", "cohorts", "sessions_app", "workplans")
# Written on every visit to a team's home page, and read by no progress page.
UNWATCHED_TABLES = {"workplans_teamvisit"}
WRITES = ("INSERT", "UPDATE", "DELETE")


@once
def watched_tables():
    """The quoted names of the tables the progress pages read (as they appear in SQL)."""
    return frozenset(
        f'"{model._meta.db_table}"'
        for app in WATCHED_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.db_table not in UNWATCHED_TABLES
    )


@once
def code_version():
    """The dashboard's code, as a short hash: a release that changes how a page's figures
    are computed, or their shape, reads none of the figures kept by the one before."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def new_version():
    cache.set(VERSION_KEY, secrets.token_hex(8), None)


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY)
    return version


class WriteWatcher:
    """The execute wrapper: after a write to a watched table, a new version now and another
    when the transaction commits (one per transaction, however many writes)."""

    def __init__(self, tables):
        self.tables = tables

    def writes_watched(self, sql):
        return sql.lstrip()[:6].upper() in WRITES and any(table in sql for table in self.tables)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if self.writes_watched(sql):
            new_version()
            connection = context["connection"]
            if connection.in_atomic_block and not any(
                entry[1] is new_version for entry in connection.run_on_commit
            ):
                connection.on_commit(new_version)
        return result


def watch(sender, connection, **kwargs):
    """connection_created: install the watcher on each new connection (once)."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(WriteWatcher(watched_tables()))


def key(name, *parts):
    """The cache key of `name` for `parts` (a page's filters) as of the data's version, the
    code's, and the viewer's day, zone and language (the figures' "today" and their words
    depend on them). A page's rendered fragments are kept under it too ({% cache %})."""
    context = (
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        translation.get_language(),
        *map(str, parts),
    )
    digest = hashlib.sha256("\x1f".join(context).encode()).hexdigest()[:32]
    return f"progress:{name}:{code_version()}:{_version()}:{digest}"


def cached(name, compute, *parts):
    """compute(), kept under key(name, *parts)."""
    kept_under = key(name, *parts)
    value = cache.get(kept_under)
    if value is None:
        value = compute()
        cache.set(kept_under, value, KEPT_SECONDS)
    return value
