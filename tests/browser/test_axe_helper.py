"""assert_accessible really fails, and says where: a page with known faults, no server needed."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser]

FAULTY = """<!doctype html><html lang="en"><head><title>Faulty</title></head><body><main>
<h1>Faulty</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">
<input type="text" id="no-label">
<p style="color:#aaa;background:#fff">Pale text</p>
</main></body></html>"""


def test_assert_accessible_lists_each_violation_with_its_target(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(FAULTY)
        with pytest.raises(pytest.fail.Exception) as failure:
            assert_accessible(page, "axe-helper-faulty")
    finally:
        context.close()
    message = str(failure.value)
    assert "image-alt (critical)" in message
    assert "#no-alt" in message
    assert "label (critical)" in message
    assert "#no-label" in message
    assert "color-contrast (serious)" in message
