"""Chromium enforces the portal's Content-Security-Policy: a script or style that got into a
page inline does not run. axe-core still runs, since Playwright's evaluate is not subject to
the page's policy."""

from tests.browser.conftest import BROWSER_TEST, DESKTOP, assert_accessible

pytestmark = BROWSER_TEST

INJECT = """() => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
    const style = document.createElement('style');
    style.textContent = 'body { background: rgb(255, 0, 0) !important }';
    document.head.append(style);
    const div = document.createElement('div');
    div.setAttribute('style', 'display: none');
    div.id = 'styled-inline';
    div.textContent = 'inline style';
    document.body.append(div);
}"""


def test_the_browser_refuses_inline_script_and_style_and_axe_still_runs(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    try:
        page = context.new_page()
        refused = []
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto("/accounts/login/")
        page.evaluate(INJECT)
        assert page.evaluate("window.injected === undefined")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background != "rgb(255, 0, 0)"
        assert page.locator("#styled-inline").is_visible()
        assert len(refused) == 3, refused
        page.locator("#styled-inline").evaluate("node => node.remove()")
        assert_accessible(page, "csp-login")
    finally:
        context.close()
