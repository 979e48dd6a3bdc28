"""The signed link in a check-in's emails: it opens the form for the person it was sent to,
through the login page when they are signed out; a link tampered with, expired or another
person's gets a page that says so, and nothing changes."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.urls import reverse

from tests.conftest import SEPTEMBER_1
from tests.factories import PASSWORD
from tests.workplans.factories import CheckInFactory
from workplans import checkin_links
from workplans.checkin_links import LINK_MAX_AGE, link_for

pytestmark = pytest.mark.usefixtures("september")


@pytest.fixture
def checkin(world):
    return CheckInFactory(enrolment=world.team_a)


def path_of(url):
    return urlsplit(url).path


def test_a_link_is_an_absolute_url_of_the_site(world, checkin):
    url = link_for(checkin, world.team_a_ed)

    assert url.startswith(settings.SITE_URL + "/")
    assert path_of(url).startswith("/") and "/checkins/link/" in url


def test_the_person_it_was_sent_to_goes_straight_to_the_form(client, world, checkin):
    client.force_login(world.team_a_ed)

    response = client.get(path_of(link_for(checkin, world.team_a_ed)))

    assert response.status_code == 302
    assert response.url == reverse("workplans:checkin", args=[checkin.pk])


def test_signed_out_the_link_asks_to_sign_in_and_then_returns_to_the_form(client, world, checkin):
    person = world.team_a_ed
    link = path_of(link_for(checkin, person))

    response = client.get(link)
    assert response.status_code == 302
    assert path_of(response.url) == reverse("account_login")

    login_page = client.get(response.url)
    assert login_page.status_code == 200
    signed_in = client.post(
        response.url, {"login": person.email, "password": PASSWORD}, follow=True
    )

    assert [url for url, _ in signed_in.redirect_chain] == [
        link,
        reverse("workplans:checkin", args=[checkin.pk]),
    ]
    assert signed_in.status_code == 200
    assert signed_in.context["checkin"] == checkin


def refused(response, reason, status):
    assert response.status_code == status
    assert "workplans/checkin_link.html" in [t.name for t in response.templates]
    assert response.context["reason"] == reason
    return response.content.decode()


@pytest.mark.parametrize("signed_in", [True, False])
def test_a_tampered_link_says_it_does_not_work(client, world, checkin, signed_in):
    if signed_in:
        client.force_login(world.team_a_ed)
    token = checkin_links.token_for(checkin, world.team_a_ed)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")

    page = refused(client.get(reverse("workplans:checkin_link", args=[tampered])), "tampered", 400)

    assert "This check-in link doesn't work" in page
    assert reverse("home") in page


def test_a_link_made_with_another_salt_says_it_does_not_work(client, world, checkin):
    forged = signing.dumps({"c": checkin.pk, "p": world.team_a_ed.pk}, salt="other")

    refused(client.get(reverse("workplans:checkin_link", args=[forged])), "tampered", 400)


def test_an_expired_link_says_so_and_offers_the_check_in(client, world, checkin):
    link = path_of(link_for(checkin, world.team_a_ed))
    client.force_login(world.team_a_ed)

    with time_machine.travel(SEPTEMBER_1 + LINK_MAX_AGE + timedelta(minutes=1), tick=False):
        page = refused(client.get(link), "expired", 400)

    assert f"work for {LINK_MAX_AGE.days} days" in page
    assert reverse("workplans:checkin", args=[checkin.pk]) in page


def test_a_link_still_works_on_its_last_day(client, world, checkin):
    link = path_of(link_for(checkin, world.team_a_ed))
    client.force_login(world.team_a_ed)

    with time_machine.travel(SEPTEMBER_1 + LINK_MAX_AGE - timedelta(minutes=1), tick=False):
        assert client.get(link).status_code == 302


@pytest.mark.parametrize("role", ["team_b", "fac1", "staff"])
def test_another_persons_link_says_it_was_sent_to_someone_else(client, world, checkin, role):
    """Even for someone who may open the check-in (its facilitator, staff): the link is the
    team member's, and the page sends them on to their own."""
    client.force_login(world.person(role))

    page = refused(client.get(path_of(link_for(checkin, world.team_a_ed))), "another_person", 403)

    assert "sent to someone else" in page
    assert reverse("workplans:checkin", args=[checkin.pk]) not in page


def test_a_link_to_a_check_in_the_team_can_no_longer_open_says_so(client, world, checkin):
    person = world.team_a_ed
    link = path_of(link_for(checkin, person))
    world.team_a.seats.filter(person=person).update(ended_at=SEPTEMBER_1)
    client.force_login(person)

    page = refused(client.get(link), "gone", 404)

    assert "no longer open to you" in page


def test_a_link_to_a_removed_check_in_says_so(client, world, checkin):
    person = world.team_a_ed
    link = path_of(link_for(checkin, person))
    checkin.delete()
    client.force_login(person)

    refused(client.get(link), "gone", 404)


def test_following_a_link_changes_nothing(client, world, checkin):
    client.force_login(world.team_a_ed)
    before = checkin.version, checkin.status, checkin.updated_at

    client.get(path_of(link_for(checkin, world.team_a_ed)))
    client.post(path_of(link_for(checkin, world.team_a_ed)))

    checkin.refresh_from_db()
    assert (checkin.version, checkin.status, checkin.updated_at) == before
