"""Check-ins in a browser: a team member opens the check-in from the email's signed link while
signed out, signs in and lands on the form, is told what a submission still needs, then
submits; the facilitator finds it in the review queue and marks it reviewed with a comment;
the team reads the review. The list, the form, its errors, the review and the community page
are axe-core clean at desktop and phone widths (screenshots in /tmp/browser-shots/)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import (
    BROWSER_TEST,
    assert_accessible,
    assert_accessible_on_phone,
    sign_in,
)
from tests.factories import PASSWORD
from tests.workplans.checkin_data import with_snapshot
from tests.workplans.factories import CheckInFactory
from workplans.checkin_links import link_for
from workplans.choices import CheckInStatus
from workplans.models import CheckIn

pytestmark = BROWSER_TEST


@pytest.fixture
def checkin(world):
    """Team A's second check-in, due in three days; its first was submitted and reviewed."""
    with_snapshot(world.team_a, goals=2)
    today = timezone.localdate()
    CheckInFactory(
        enrolment=world.team_a,
        number=1,
        due_on=today - timedelta(days=90),
        status=CheckInStatus.REVIEWED,
        submitted_at=timezone.now() - timedelta(days=91),
        what_changed="Hired a data lead for the enrolment reports.",
        whats_next="Draft the new intake form with the parent council.",
        confidence=3,
    )
    return CheckInFactory(enrolment=world.team_a, number=2, due_on=today + timedelta(days=3))


def test_a_team_submits_its_check_in_from_the_email_link_and_the_facilitator_reviews_it(
    new_page, world, live_server, checkin
):
    person = world.team_a_ed
    team = new_page()
    team.goto(urlsplit(link_for(checkin, person)).path)
    expect(team).to_have_url(re.compile(r"/accounts/login/\?next="))
    team.fill("#id_login", person.email)
    team.fill("#id_password", PASSWORD)
    team.get_by_role("button", name="Sign in").click()
    expect(team).to_have_url(re.compile(rf"/checkins/{checkin.pk}/$"))
    expect(team.get_by_role("heading", name="Check-in 2", exact=True)).to_be_visible()
    expect(team.get_by_text("Hired a data lead for the enrolment reports.")).to_be_visible()
    assert_accessible(team, "checkin-form")
    assert_accessible_on_phone(team, "checkin-form")

    team.get_by_label("Where “Goal 1” stands now").select_option("in_progress")
    team.get_by_label("What changed since the last check-in?").fill(
        "The intake form now asks for <b>home language</b>."
    )
    team.get_by_role("button", name="Submit").click()
    expect(team.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(team.get_by_label("What changed since the last check-in?")).to_have_value(
        "The intake form now asks for <b>home language</b>."
    )
    assert_accessible(team, "checkin-form-errors")
    assert_accessible_on_phone(team, "checkin-form-errors")

    team.get_by_label("Where “Goal 2” stands now").select_option("done")
    team.get_by_label("What's next?").fill("Train the intake staff in March.")
    team.get_by_label("4 Confident", exact=True).check()
    team.get_by_label("Share what changed and what's next").check()
    team.get_by_role("button", name="Submit").click()
    expect(team.get_by_text("Your check-in is submitted.")).to_be_visible()
    expect(team.get_by_text("The intake form now asks for <b>home language</b>.")).to_be_visible()
    assert CheckIn.objects.get(pk=checkin.pk).status == CheckInStatus.SUBMITTED

    facilitator = new_page()
    sign_in(facilitator, world.fac1.email, PASSWORD)
    facilitator.goto("/review/")
    assert_accessible(facilitator, "checkin-review-queue")
    assert_accessible_on_phone(facilitator, "checkin-review-queue")
    link = facilitator.get_by_role("link", name=f"{world.team_a.organisation.name}'s check-in 2")
    link.click()
    assert_accessible(facilitator, "checkin-review")
    assert_accessible_on_phone(facilitator, "checkin-review")
    facilitator.get_by_label("Your comment for the team (optional)").fill(
        "A real step forward: bring the form to the next cohort call."
    )
    facilitator.get_by_role("button", name="Mark reviewed").click()
    expect(facilitator.get_by_text("The check-in is marked reviewed")).to_be_visible()

    team.reload()
    expect(team.get_by_text("bring the form to the next cohort call")).to_be_visible()
    team.get_by_role("link", name="All the team's check-ins").click()
    expect(team.get_by_text("Reviewed").first).to_be_visible()
    assert_accessible(team, "checkin-list")
    assert_accessible_on_phone(team, "checkin-list")
    team.goto(f"/cohorts/{world.cohort1.pk}/community/")
    expect(team.get_by_text("Train the intake staff in March.")).to_be_visible()
    assert_accessible(team, "checkin-community")
    assert_accessible_on_phone(team, "checkin-community")


def test_a_team_that_shares_nothing_is_told_why_on_the_community_page(
    new_page, world, live_server, checkin
):
    page = new_page()
    sign_in(page, world.team_b_ed.email, PASSWORD)
    page.goto(f"/cohorts/{world.cohort1.pk}/community/")
    expect(
        page.get_by_role("heading", name="Why you see no other team's highlights")
    ).to_be_visible()
    assert_accessible(page, "checkin-community-not-shared")
    assert_accessible_on_phone(page, "checkin-community-not-shared")


def test_the_facilitator_gives_an_overdue_check_in_more_time(new_page, world, live_server):
    with_snapshot(world.team_a, goals=1)
    checkin = CheckInFactory(
        enrolment=world.team_a, number=1, due_on=timezone.localdate() - timedelta(days=22)
    )
    page = new_page()
    sign_in(page, world.fac1.email, PASSWORD)
    page.goto(f"/checkins/{checkin.pk}/")
    expect(page.get_by_text(re.compile(r"Overdue by 2[123] days")).first).to_be_visible()
    assert_accessible(page, "checkin-overdue-facilitator")
    assert_accessible_on_phone(page, "checkin-overdue-facilitator")

    yesterday = timezone.localdate() - timedelta(days=1)
    page.get_by_label("New due date").fill(yesterday.isoformat())
    page.get_by_label("Why the team gets more time").fill("The legislative session.")
    page.get_by_role("button", name="Set the new due date").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("Why the team gets more time")).to_have_value(
        "The legislative session."
    )
    assert_accessible(page, "checkin-extend-error")
    assert_accessible_on_phone(page, "checkin-extend-error")

    later = timezone.localdate() + timedelta(days=30)
    page.get_by_label("New due date").fill(later.isoformat())
    page.get_by_role("button", name="Set the new due date").click()
    expect(page.get_by_text("The check-in has its new due date")).to_be_visible()
    expect(page.get_by_text("The legislative session.")).to_be_visible()
    checkin.refresh_from_db()
    assert checkin.due_on == later


def test_a_tampered_check_in_link_says_so_plainly(new_page, world, live_server, checkin):
    page = new_page()
    path = urlsplit(link_for(checkin, world.team_a_ed)).path
    page.goto(path.replace("/link/", "/link/x"))
    expect(page.get_by_role("heading", name="This check-in link doesn't work")).to_be_visible()
    expect(page.get_by_role("link", name="Go to my check-ins")).to_be_visible()
    assert_accessible(page, "checkin-link-refused")
    assert_accessible_on_phone(page, "checkin-link-refused")
