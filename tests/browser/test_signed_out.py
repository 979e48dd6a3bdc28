"""The pages a signed-out visitor can reach are axe clean."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    BROWSER_TEST,
    assert_accessible,
    assert_accessible_on_phone,
    sign_in,
)

SOMEONE = "someone@example.org"

pytestmark = BROWSER_TEST


@pytest.mark.parametrize(
    ("path", "heading", "status"),
    [
        ("/accounts/login/", "Sign in", 200),
        ("/accounts/password/reset/", "Password Reset", 200),
        ("/accounts/signup/", "Sign-up is by invitation", 200),
        ("/no-such-page/", "Page not found", 404),
    ],
    ids=["login", "password-reset", "signup", "not-found"],
)
def test_signed_out_page_is_accessible(page, path, heading, status):
    response = page.goto(path)
    assert response.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page, f"signed-out-{path.strip('/').replace('/', '-')}")
    assert_accessible_on_phone(page, f"signed-out-{path.strip('/').replace('/', '-')}")


def test_sign_in_with_a_wrong_password_explains_the_problem(page):
    sign_in(page, SOMEONE, "not-the-password")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#id_login")).to_have_value(SOMEONE)
    assert_accessible(page, "login-error")


def test_password_reset_request_is_accessible(page):
    page.goto("/accounts/password/reset/")
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page, "password-reset-error")
    page.fill("#id_email", SOMEONE)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_role("main")).to_contain_text("We have sent you an email")
    assert_accessible(page, "password-reset-done")
