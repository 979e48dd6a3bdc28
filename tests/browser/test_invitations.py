"""An invitation sent from the staff pages is accepted in a second, signed-out browser."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.celery import app as celery_app
from tests.browser.conftest import BROWSER_TEST, STAFF, assert_accessible, log_in

pytestmark = BROWSER_TEST


@pytest.fixture
def mail_sent_in_process(settings, live_server):
    """Mail to the locmem outbox; the Celery task runs at commit in the live server's thread."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.SITE_URL = live_server.url
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    mail.outbox = []
    yield mail
    celery_app.conf.task_always_eager = before


def test_invitation_accepted_in_the_browser(page, new_page, demo, mail_sent_in_process):
    log_in(page, STAFF)
    page.goto("/invitations/new/")
    page.fill("#id_email", "kai.director@utah.example")
    page.fill("#id_full_name", "Kai Kealoha")
    page.select_option("#id_kind", label="State team member")
    expect(page.locator("#invitation-fields-status")).to_contain_text("State team member")
    # The new fields are htmx's once it has taken away their plain-form button.
    expect(page.get_by_role("button", name="Show this organisation's teams")).to_have_count(0)
    page.select_option("#id_organisation", label="Utah Early Childhood Alliance")
    page.select_option("#id_team_role", label="Executive director")
    # The team list follows the organisation: its teams, named by their cohort.
    page.select_option("#id_enrolment", label="OE Cohort 3 (planned)")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Invitation sent to kai.director@utah.example"
    )

    [email] = [m for m in mail.outbox if m.to == ["kai.director@utah.example"]]
    link = re.search(r"http://\S+/invitations/accept/[\w-]+/", email.body).group(0)

    guest = new_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text(
        "Welcome to the Equity Cohort Portal"
    )
    expect(guest.locator("#id_full_name")).to_have_value("Kai Kealoha")
    expect(guest.locator("#id_time_zone")).to_have_value("Mountain (Denver)")
    assert_accessible(guest, "invitation-accept")

    # Passwords that don't match: the error pattern, and nothing typed is lost.
    guest.fill("#id_password1", "a-long-new-secret-42")
    guest.fill("#id_password2", "a-different-secret-42")
    guest.get_by_role("button", name="Create my account").click()
    expect(guest.get_by_role("alert")).to_be_focused()
    expect(guest.get_by_role("alert")).to_contain_text("The two passwords don't match.")
    expect(guest).to_have_title(re.compile(r"^Error: "))
    expect(guest.locator("#id_full_name")).to_have_value("Kai Kealoha")
    assert_accessible(guest, "invitation-accept-error")

    guest.fill("#id_password1", "a-long-new-secret-42")
    guest.fill("#id_password2", "a-long-new-secret-42")
    guest.get_by_role("button", name="Create my account").click()
    expect(guest).to_have_url(re.compile(r"/$"))
    expect(guest.get_by_role("status")).to_contain_text(
        "Welcome, Kai Kealoha. Your account is ready."
    )
    team = guest.locator("section", has=guest.get_by_role("heading", name="My team"))
    expect(team).to_contain_text("Utah Early Childhood Alliance")
    assert_accessible(guest, "invitation-accepted-home")

    # The same link a second time explains itself instead of failing.
    guest.context.clear_cookies()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text("This invitation link can't be used")
    expect(guest.get_by_role("main")).to_contain_text("already been used")
    assert_accessible(guest, "invitation-used")
