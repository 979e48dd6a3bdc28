"""Playwright on Debian's Chromium against pytest-django's live_server, with axe-core.

One browser for the whole run; each test gets a fresh context (no cookies carried over).
axe-core comes bundled with axe-playwright-python, so nothing is fetched at run time.
"""

import io
import os
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = Path(os.environ.get("BROWSER_SHOTS", Path(tempfile.gettempdir()) / "browser-shots"))

PASSWORD = "demo-pass-123"
STAFF = "staff@demo.test"
ARIZONA = "arizona@demo.test"
FACILITATOR = "facilitator@demo.test"
PARTNER = "partner@demo.test"

# The marks of a test that drives the browser against live_server, whose thread sees the
# test's data only when it is committed (a transactional database, its data put back after).
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

_axe = Axe()
_shot_count = 0


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
    # ORM calls from the test while the browser is open.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser context (its own cookies) at a viewport; closed after the test.

    The Content-Security-Policy is on, as in production: whatever it refuses (an inline
    script or style) fails the test, since Chromium logs each refusal to the console."""
    contexts = []
    refused = []

    def note_refusal(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    def open_page(viewport=DESKTOP, **options):
        """`options` go to the new context (java_script_enabled=False: a browser without it)."""
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", note_refusal)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def demo(transactional_db):
    """The demo data, made by the real seed command (it refuses with DEBUG off unless forced)."""
    call_command("seed_demo", password=PASSWORD, force=True, stdout=io.StringIO())


def screenshot(page, name=None):
    """Save the whole page under /tmp/browser-shots/, numbered in the order visited."""
    global _shot_count
    if not page.url.startswith("http"):
        return
    _shot_count += 1
    if name is None:
        name = re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path.lower()).strip("-") or "home"
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=str(SHOTS / f"{_shot_count:03d}-{name}-{width}px.png"), full_page=True)


STYLED = """() => {
    const link = document.querySelector('link[rel="stylesheet"][href*="portal.css"]');
    return link ? getComputedStyle(document.body).backgroundColor : null;
}"""


def assert_styled(page):
    """axe's colour checks mean nothing without the stylesheet: the portal's sand background
    shows that static files were served and applied."""
    background = page.evaluate(STYLED)
    if background is not None:
        assert background == "rgb(246, 243, 238)", f"portal.css not applied on {page.url}"


def assert_accessible(page, name=None):
    """Fail with a readable list if axe-core finds any WCAG 2.0–2.2 A/AA violation.

    Each node is listed with its CSS target, so the failure says where to look. A screenshot
    of the page is saved first (see `screenshot`).
    """
    page.wait_for_load_state("load")
    assert_styled(page)
    screenshot(page, name)
    results = _axe.run(
        page,
        options={
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "resultTypes": ["violations"],
        },
    )
    violations = results.response["violations"]
    if not violations:
        return
    lines = [f"axe-core: {len(violations)} violation(s) on {page.url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = node.get("failureSummary") or ""
            for detail in summary.splitlines()[1:2]:
                lines.append(f"       {detail.strip()}")
    pytest.fail("\n".join(lines), pytrace=False)


def assert_accessible_on_phone(page, name=None):
    """The same page at a phone's width: axe clean, and nothing wider than the screen."""
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways on a phone by {overflow}px"
        assert_accessible(page, name)
    finally:
        page.set_viewport_size(before)


def sign_in(page, email, password=PASSWORD):
    """Send the sign-in form; where it leads is the caller's to check."""
    page.goto("/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()


def log_in(page, email, password=PASSWORD):
    """Sign in and land on the home page."""
    sign_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/$"))
