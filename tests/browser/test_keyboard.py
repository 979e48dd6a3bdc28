"""Signing in with the keyboard alone: skip link first, focus always visible."""

from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_TEST, PASSWORD, STAFF, assert_accessible

pytestmark = BROWSER_TEST

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.value || "").trim(),
        outline: style.outlineStyle,
        outlineWidth: style.outlineWidth,
    };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def assert_focus_visible(page):
    element = focused(page)
    assert element["outline"] != "none", f"no visible focus on {element}"
    assert element["outlineWidth"] != "0px", f"no visible focus on {element}"
    return element


def test_keyboard_only_sign_in(page, demo):
    page.goto("/accounts/login/")

    page.keyboard.press("Tab")
    skip = assert_focus_visible(page)
    assert skip["text"] == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    assert_accessible(page, "login-skip-link-focused")

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["id"] == "id_login"
    page.keyboard.type(STAFF)
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dana")
    # The first Tab on the new page again lands on the skip link, then the menu.
    page.keyboard.press("Tab")
    assert assert_focus_visible(page)["text"] == "Skip to main content"
    page.keyboard.press("Tab")
    assert_focus_visible(page)
    assert_accessible(page, "home-keyboard")
