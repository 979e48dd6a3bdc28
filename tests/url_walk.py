"""The machinery of the access walk (tests/test_access_walk.py): every URL pattern of the
project, a URL made from one, a visitor who posts with a CSRF token Django accepts, and a
fingerprint of the database to prove a request changed nothing.

The walk over the URLconf follows cisagov's manage.get.gov (src/registrar/tests/
test_url_auth.py, itself from 18F's tock): recurse through get_resolver().url_patterns and
collect each pattern's named groups.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from portal.forms import SUBMISSION_FIELD, new_submission_token
from tests.conftest import PortalClient

ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_ARGUMENT = re.compile(r"\(\?P<(\w+)>[^()]*\)")


@dataclass(frozen=True)
class Pattern:
    name: str | None  # "sessions_app:session_detail"; some of the admin's have none
    route: str  # the whole route as the URLconfs write it
    kwargs: tuple[str, ...]
    pieces: tuple  # the route's parts, outermost first
    namespace: str

    @property
    def key(self):
        """How the walk's tables name it: its name, or its route when it has none."""
        return self.name or self.route

    @property
    def is_admin(self):
        return self.namespace == "admin"

    @cached_property
    def admin_model(self):
        """The model of an admin page (admin/<app>/<model>/...), or None for the site's own."""
        match = re.match(r"admin/(\w+)/(\w+)/", self.route)
        if not self.is_admin or match is None:
            return None
        try:
            model = apps.get_model(*match.groups())
        except LookupError:
            return None
        return model if admin.site.is_registered(model) else None

    def url(self, **kwargs):
        if self.name:
            return reverse(self.name, kwargs=kwargs)
        # An unnamed pattern can't be reversed: put the values into its route.
        parts = []
        for piece in self.pieces:
            if isinstance(piece, RoutePattern):
                parts.append(ROUTE_ARGUMENT.sub(lambda m: str(kwargs[m[1]]), str(piece)))
            else:
                text = str(piece).removeprefix("^").removesuffix("$")
                parts.append(REGEX_ARGUMENT.sub(lambda m: str(kwargs[m[1]]), text))
        return "/" + "".join(parts)


def all_patterns():
    """Every URL pattern the project answers, the included apps' (allauth, admin) too."""
    return list(_walk(get_resolver().url_patterns, (), ""))


def _walk(entries, prefix, namespace):
    for entry in entries:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _walk(entry.url_patterns, (*prefix, entry.pattern), inner)
            continue
        pieces = (*prefix, entry.pattern)
        name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
        yield Pattern(
            name=name,
            route="".join(str(piece) for piece in pieces),
            kwargs=tuple(group for piece in pieces for group in piece.regex.groupindex),
            pieces=pieces,
            namespace=namespace,
        )


# Requests --------------------------------------------------------------------------------------


class Visitor:
    """One person (or nobody) with a browser that Django checks for CSRF like any other."""

    def __init__(self, role, person=None):
        self.role = role
        # A server error is an answer to report with its URL and person, not an exception.
        self.client = PortalClient(enforce_csrf_checks=True, raise_request_exception=False)
        if person is not None:
            self.client.force_login(person)
        # The token a page's form would carry, and the cookie that goes with it.
        request = HttpRequest()
        self.token = get_token(request)
        self.client.cookies[settings.CSRF_COOKIE_NAME] = request.META["CSRF_COOKIE"]

    def ask(self, method, url, data=None):
        if method == "post":
            # A fresh one-time token, as a create form carries (portal.forms.SubmitOnceMixin):
            # a POST that got past the access check would create, not stop at the token.
            data = {SUBMISSION_FIELD: new_submission_token(), **(data or {})}
            return self.client.post(url, data, headers={"X-CSRFToken": self.token})
        return self.client.get(url)


LOGIN_PAGES = ("account_login", "admin:login")


def is_login_redirect(response):
    return response.status_code == 302 and urlsplit(response["Location"]).path in {
        reverse(name) for name in LOGIN_PAGES
    }


def describe(response):
    if response.status_code in (301, 302, 303, 307, 308):
        return f"{response.status_code} to {response['Location']}"
    return str(response.status_code)


# The database ----------------------------------------------------------------------------------

# Signing in and out writes the visitor's own session row: that is not portal data.
UNWATCHED_TABLES = {"django_session"}


def database_fingerprint():
    """Each table's row count and a hash of all its rows, in one query (PostgreSQL)."""
    tables = sorted(set(connection.introspection.table_names()) - UNWATCHED_TABLES)
    # The table names come from the database itself, quoted.
    select = "SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
    query = " UNION ALL ".join(
        f"{select} FROM {connection.ops.quote_name(table)} AS t"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before, after):
    return sorted(
        table for table in before.keys() | after.keys() if before.get(table) != after.get(table)
    )
