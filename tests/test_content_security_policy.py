"""Every response carries a Content-Security-Policy (django-csp) that allows scripts and
styles only from the portal's own static files; no template has an inline script, style or
event handler for it to refuse."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import CohortFactory, StaffFactory, add_authenticator_app

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def policy(response):
    """The header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


@pytest.mark.django_db
def test_the_login_page_signed_out_carries_the_policy(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_staff_pages_and_the_admin_carry_the_policy(client):
    staff = StaffFactory()
    cohort = CohortFactory()
    client.force_login(staff)
    for url in (
        reverse("home"),
        cohort.get_absolute_url(),
        reverse("cohorts:program_list"),
        reverse("admin:index"),
        reverse("admin:cohorts_cohort_change", args=[cohort.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


@pytest.mark.django_db
def test_the_authenticator_setup_page_carries_the_policy(client, staff_mfa_required):
    staff = StaffFactory()
    add_authenticator_app(staff)
    client.force_login(staff)
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_error_pages_and_redirects_carry_the_policy(client):
    assert_strict(client.get("/no-such-page/"))
    assert_strict(client.get(reverse("home")))  # the redirect to the login page
    assert_strict(client.get(reverse("health")))


# Emails are not web pages: mail clients need inline styles, and no CSP applies to them.
EMAIL_TEMPLATES = {"notifications/_*.html", "notifications/*/body.html"}

INLINE = [
    ("an inline <script>", re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)),
    ("a <style> block", re.compile(r"<style\b", re.IGNORECASE)),
    ("a style attribute", re.compile(r"\sstyle\s*=", re.IGNORECASE)),
    ("an on* event handler", re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)),
    ("an htmx hx-on handler", re.compile(r"\shx-on", re.IGNORECASE)),
    ("a javascript: link", re.compile(r"javascript:", re.IGNORECASE)),
]


def web_templates():
    emails = {path for pattern in EMAIL_TEMPLATES for path in TEMPLATES.glob(pattern)}
    return sorted(set(TEMPLATES.rglob("*.html")) - emails)


def test_no_template_has_inline_script_or_style():
    found = []
    templates = web_templates()
    assert len(templates) > 40
    for path in templates:
        text = path.read_text()
        for what, pattern in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "the CSP would refuse these:\n" + "\n".join(found)


def test_the_scan_would_see_an_inline_script_style_or_handler():
    samples = [
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        "<style>p{}</style>",
        '<p style="color:red">',
        '<a onclick="x()">',
        '<div hx-on:click="x()">',
        '<a href="javascript:x()">',
    ]
    for sample in samples:
        assert any(pattern.search(sample) for _, pattern in INLINE), sample
    allowed = '<script src="/static/js/portal.js" defer></script>'
    assert not any(pattern.search(allowed) for _, pattern in INLINE)
