"""A staff member without an authenticator app signs in, is sent to set one up, keeps the
recovery codes, and later signs in with one of them. axe runs on each page."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from tests.browser.conftest import (
    BROWSER_TEST,
    PASSWORD,
    STAFF,
    assert_accessible,
    assert_accessible_on_phone,
    sign_in,
)

pytestmark = BROWSER_TEST


def current_code(secret):
    """The authenticator app's code now, away from the edge of its 30-second window."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_staff_set_up_an_authenticator_app_before_any_page(page, demo, staff_mfa_required):
    sign_in(page, STAFF)
    # Changing how one signs in takes the password once more.
    expect(page.get_by_role("heading", level=1, name="Confirm it's you")).to_be_visible()
    assert_accessible(page, "mfa-confirm")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    setup = page.get_by_role("heading", level=1, name="Set up your authenticator app")
    expect(setup).to_be_visible()
    assert_accessible(page, "mfa-setup")
    assert_accessible_on_phone(page, "mfa-setup")

    # Neither the home page nor the admin opens before it is done.
    for address in ("/", "/admin/"):
        page.goto(address)
        expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))

    # A wrong code: the error summary, tied to the field.
    page.get_by_label("Authenticator code").fill("12345")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page, "mfa-setup-error")

    secret = page.locator(".totp-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    codes_page = page.get_by_role("heading", level=1, name="Keep your recovery codes safe")
    expect(codes_page).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "mfa-recovery-codes")
    assert_accessible_on_phone(page, "mfa-recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", name="Planned and active cohorts")).to_be_visible()

    # Signing in again takes a code; a recovery code does instead of the app's.
    page.context.clear_cookies()
    sign_in(page, STAFF)
    expect(page.get_by_role("heading", level=1, name="Enter your code")).to_be_visible()
    assert_accessible(page, "mfa-sign-in")
    assert_accessible_on_phone(page, "mfa-sign-in")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Planned and active cohorts")).to_be_visible()

    page.goto("/accounts/2fa/")
    expect(page.get_by_role("heading", level=1, name="Two-step sign-in")).to_be_visible()
    expect(page.get_by_text("9 codes are still unused.", exact=False)).to_be_visible()
    assert_accessible(page, "mfa-overview")
