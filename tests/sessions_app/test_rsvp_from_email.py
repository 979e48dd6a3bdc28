"""Answering a session reminder from the email: a signed link to a page with two buttons.

The session is Tuesday 6 October 2026, 16:00 UTC (10:00 in Denver); the tests run the day
before unless they travel. The person answering lives in Honolulu (06:00 HST that morning).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from cohorts import services as cohorts
from cohorts.choices import TeamRole
from notifications.services import unsubscribe_token
from sessions_app import services
from sessions_app.answer_links import answer_token, answer_url
from sessions_app.models import Attendance
from tests.conftest import utc
from tests.notifications.conftest import deliver_due, html_part, mail_for, schedule
from tests.sessions_app.factories import LearningSessionFactory
from tests.sessions_app.helpers import page_text
from tests.url_walk import changed_tables, database_fingerprint

STARTS = utc(2026, 10, 6, 16, 0)
DAY_BEFORE = utc(2026, 10, 5, 12, 0)


@pytest.fixture(autouse=True)
def _the_day_before():
    with time_machine.travel(DAY_BEFORE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def session(world):
    return LearningSessionFactory(
        cohort=world.cohort1, title="Data for equity", starts_at=STARTS, time_zone="America/Denver"
    )


@pytest.fixture
def member(world):
    """A team A member in Honolulu, signed out."""
    person = world.team_a.seats.get(role=TeamRole.MEMBER).person
    person.time_zone = "Pacific/Honolulu"
    person.save(update_fields=["time_zone"])
    return person


def link(session, person):
    return reverse("sessions_app:rsvp_from_email", args=[answer_token(session, person)])


def answer_of(session, person):
    row = Attendance.objects.filter(session=session, person=person).first()
    return row.rsvp if row else None


class Unchanged:
    """The whole database, before and after: nothing may differ."""

    def __enter__(self):
        self.before = database_fingerprint()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            assert changed_tables(self.before, database_fingerprint()) == []


# Opening the link --------------------------------------------------------------------------


def test_opening_the_link_changes_nothing_and_shows_the_session_in_the_persons_zone(
    client, session, member, django_assert_max_num_queries
):
    # The session and the person; the rule "may answer" (is a facilitator? staff? takes
    # part?), the person's answer, the session's cohort name: a handful, none per row.
    with Unchanged(), django_assert_max_num_queries(8):
        response = client.get(link(session, member))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # a person's page, without a sign-in
    text = page_text(response)
    assert "Data for equity" in text
    assert "Tue 6 Oct 2026, 06:00 HST" in text  # Honolulu, not the visitor's zone or Denver's
    assert "You haven't answered yet." in text
    assert f"Answering for {member}." in text
    assert re.findall(r'<button type="submit" name="rsvp" value="(\w+)"', text) == [
        "attending",
        "not_attending",
    ]


def test_a_mail_scanner_following_the_link_twice_changes_nothing(client, session, member):
    with Unchanged():
        client.get(link(session, member))
        client.head(link(session, member))


# Answering ---------------------------------------------------------------------------------


def test_a_button_records_the_answer_for_the_person_named_by_the_link(
    client, world, session, member
):
    response = client.post(link(session, member), {"rsvp": "attending"})

    assert response.status_code == 200
    assert "Thanks — your answer is saved: Attending." in page_text(response)
    row = Attendance.objects.get(session=session, person=member)
    assert (row.rsvp, row.enrolment) == ("attending", world.team_a)  # as the signed-in RSVP


def test_an_existing_answer_is_changed_and_its_note_kept(client, session, member):
    services.set_rsvp(session, person=member, rsvp="attending", note="Ten minutes late")

    opened = page_text(client.get(link(session, member)))
    response = client.post(link(session, member), {"rsvp": "not_attending"})

    assert "Your answer so far: <strong>Attending</strong>." in opened
    assert "Your note stays: “Ten minutes late”." in opened
    row = Attendance.objects.get(session=session, person=member)
    assert (row.rsvp, row.rsvp_note) == ("not_attending", "Ten minutes late")
    assert "your answer is saved: Can't attend." in page_text(response)


def test_it_works_signed_out_with_csrf_checks_on(session, member):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link(session, member)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    refused = browser.post(link(session, member), {"rsvp": "attending"})
    response = browser.post(
        link(session, member), {"rsvp": "attending", "csrfmiddlewaretoken": token}
    )

    assert refused.status_code == 403  # no token: Django's CSRF refusal, nothing saved then
    assert response.status_code == 200
    assert answer_of(session, member) == "attending"


def test_an_answer_that_is_not_one_of_the_two_is_refused_and_changes_nothing(
    client, session, member
):
    with Unchanged():
        response = client.post(link(session, member), {"rsvp": "maybe"})

    assert response.status_code == 400
    assert "Choose attending or can't attend." in page_text(response)


# Whose answer ------------------------------------------------------------------------------


def test_a_link_answers_only_for_its_person_whoever_is_signed_in(client, world, session, member):
    """Posting another person or session changes nothing of theirs: only the token names."""
    other = world.team_b_ed
    services.set_rsvp(session, person=other, rsvp="attending")
    client.force_login(other)
    elsewhere = LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS + timedelta(days=7))

    response = client.post(
        link(session, member),
        {"rsvp": "not_attending", "person": other.pk, "session": elsewhere.pk},
    )

    assert f"You are signed in as {other}" in page_text(response)
    assert answer_of(session, member) == "not_attending"
    assert answer_of(session, other) == "attending"
    assert answer_of(elsewhere, member) is None


def test_another_sessions_link_answers_for_that_session_only(client, world, session, member):
    elsewhere = LearningSessionFactory(cohort=world.cohort1, starts_at=STARTS + timedelta(days=7))

    client.post(link(elsewhere, member), {"rsvp": "attending"})

    assert (answer_of(elsewhere, member), answer_of(session, member)) == ("attending", None)


def test_a_link_to_a_session_of_a_cohort_the_person_is_not_in_is_refused(client, world, member):
    other_cohorts = LearningSessionFactory(cohort=world.cohort2, starts_at=STARTS)

    with Unchanged():
        response = client.post(link(other_cohorts, member), {"rsvp": "attending"})

    assert response.status_code == 403
    assert "You are no longer invited to this session" in page_text(response)


# Links that don't (or no longer) work ------------------------------------------------------


def tampered(token):
    """The same token with one character of its payload changed."""
    return ("A" if token[0] != "A" else "B") + token[1:]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_says_so_and_changes_nothing(client, session, member, method):
    url = reverse("sessions_app:rsvp_from_email", args=[tampered(answer_token(session, member))])

    with Unchanged():
        response = getattr(client, method)(url, {"rsvp": "attending"})

    assert response.status_code == 400
    assert "This link doesn't work" in page_text(response)


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"s": 1, "p": 1}, salt="another.salt"),
        "unsubscribe",  # another signed link of the portal's, for the same person
    ],
)
def test_a_link_signed_for_something_else_does_not_open(client, session, member, token):
    if token == "unsubscribe":
        token = unsubscribe_token(member.email, "session_reminder")

    with Unchanged():
        response = client.post(
            reverse("sessions_app:rsvp_from_email", args=[token]), {"rsvp": "attending"}
        )

    assert response.status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_link_stops_working_when_the_session_starts(
    client, session, member, method, _the_day_before
):
    services.set_rsvp(session, person=member, rsvp="attending")
    url = link(session, member)
    _the_day_before.move_to(STARTS - timedelta(seconds=1))
    assert client.get(url).status_code == 200
    _the_day_before.move_to(STARTS)

    with Unchanged():
        response = getattr(client, method)(url, {"rsvp": "not_attending"})

    assert response.status_code == 410
    text = page_text(response)
    assert "This session has started" in text
    assert "Your answer stays as it was: Attending." in text


def test_a_cancelled_sessions_link_says_it_is_cancelled(client, world, session, member):
    url = link(session, member)
    services.cancel_session(session, reason="The venue flooded", by=world.fac1)

    with Unchanged():
        response = client.post(url, {"rsvp": "attending"})

    assert response.status_code == 410
    text = page_text(response)
    assert "This session is cancelled" in text
    assert "The venue flooded" in text


def test_a_person_who_left_the_cohort_is_told_plainly(client, world, session, member):
    url = link(session, member)
    cohorts.end_seat(world.team_a.seats.get(person=member), by=world.staff)

    with Unchanged():
        response = client.post(url, {"rsvp": "attending"})

    assert response.status_code == 403
    assert "You are no longer invited to this session" in page_text(response)


def test_a_closed_account_is_told_plainly(client, session, member):
    url = link(session, member)
    member.is_active = False
    member.save(update_fields=["is_active"])

    with Unchanged():
        response = client.post(url, {"rsvp": "attending"})

    assert response.status_code == 403
    assert "This account is closed" in page_text(response)


def test_a_deleted_sessions_link_says_it_is_gone(client, session, member):
    url = link(session, member)
    session.delete()

    response = client.get(url)

    assert response.status_code == 404
    assert "This session is no longer in the portal" in page_text(response)


# A rescheduled session ---------------------------------------------------------------------


def test_a_rescheduled_sessions_link_follows_the_session_to_its_new_time(
    client, world, session, member, _the_day_before
):
    """The link names the session, not a time: it keeps working until the NEW start."""
    url = link(session, member)
    later = STARTS + timedelta(days=2)
    services.reschedule_session(session, starts_at=later, reason="Snow", by=world.fac1)
    _the_day_before.move_to(STARTS + timedelta(hours=1))  # after the old time

    response = client.post(url, {"rsvp": "attending"})

    assert response.status_code == 200
    assert "Thu 8 Oct 2026, 06:00 HST" in page_text(response)
    assert answer_of(session, member) == "attending"
    _the_day_before.move_to(later)
    assert client.get(url).status_code == 410


def test_a_session_moved_earlier_closes_its_link_at_the_new_start(
    client, world, session, member, _the_day_before
):
    url = link(session, member)
    earlier = STARTS - timedelta(hours=20)
    services.reschedule_session(session, starts_at=earlier, reason="Clash", by=world.fac1)
    _the_day_before.move_to(earlier)

    with Unchanged():
        assert client.post(url, {"rsvp": "attending"}).status_code == 410


# The reminder email ------------------------------------------------------------------------


def test_the_reminder_carries_each_persons_own_link_in_both_parts(world, _the_day_before):
    _the_day_before.move_to(utc(2026, 9, 1, 12, 0))
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    session = schedule(world, starts_at=STARTS)
    _the_day_before.move_to(utc(2026, 10, 5, 16, 0))

    deliver_due()

    member_a, member_b = world.team_a_ed, world.team_b_ed
    message = mail_for(mail.outbox, member_a.email)
    own = answer_url(session, member_a)
    assert own in message.body
    assert f'href="{own}"' in html_part(message)
    assert answer_url(session, member_b) not in message.body + html_part(message)
    assert message.body.count("/sessions/answer/") == 1
    assert html_part(message).count("/sessions/answer/") == 1
    partner_mail = mail_for(mail.outbox, world.partner.email)
    assert answer_url(session, world.partner) in partner_mail.body


def test_the_facilitator_is_not_asked_to_answer(world, _the_day_before):
    _the_day_before.move_to(utc(2026, 9, 1, 12, 0))
    world.cohort1.reminder_offsets = [24 * 60]
    world.cohort1.save()
    session = schedule(world, starts_at=STARTS)
    _the_day_before.move_to(utc(2026, 10, 5, 16, 0))

    deliver_due()

    message = mail_for(mail.outbox, world.fac1.email)
    assert answer_url(session, world.fac1) is None
    assert "/sessions/answer/" not in message.body + html_part(message)
    assert session.get_absolute_url() in html_part(message)
