"""RFC 5545 calendars: one session's .ics and the personal subscription feed, read back with
icalendar the way a calendar application would."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from sessions_app import services
from sessions_app.models import CalendarFeed
from tests.conftest import utc
from tests.factories import SeatFactory
from tests.sessions_app.factories import LearningSessionFactory

pytestmark = pytest.mark.usefixtures("september")


@pytest.fixture
def session(world):
    return LearningSessionFactory(
        cohort=world.cohort1,
        title="Kick-off",
        starts_at=utc(2026, 10, 6, 16, 0),
        duration_minutes=90,
        video_url="https://video.example.org/kick-off",
        agenda="Welcome and grounding",
    )


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(response):
    return {str(event["UID"]): event for event in parse(response).walk("VEVENT")}


def ics(client, session):
    return client.get(reverse("sessions_app:session_ics", args=[session.pk]))


def feed_url(person):
    feed = services.regenerate_feed(person)
    return reverse("sessions_app:feed", args=[feed.token])


# One session --------------------------------------------------------------------------------


def test_a_session_downloads_as_an_ics_file_that_parses(client, world, session):
    client.force_login(world.team_a_ed)

    response = ics(client, session)

    assert response["Content-Disposition"] == f'attachment; filename="session-{session.pk}.ics"'
    calendar = parse(response)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{session.pk}@equity-cohort-portal"
    assert event.decoded("DTSTART") == utc(2026, 10, 6, 16, 0)
    assert event.decoded("DTEND") == utc(2026, 10, 6, 17, 30)
    assert event.decoded("SEQUENCE") == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Cohort One: Kick-off"
    assert str(event["LOCATION"]) == "https://video.example.org/kick-off"
    description = str(event["DESCRIPTION"])
    assert "Join: https://video.example.org/kick-off" in description
    assert "Welcome and grounding" in description
    assert session.get_absolute_url() in description


def test_the_ics_start_is_in_utc_so_every_client_places_it_correctly(client, world, session):
    client.force_login(world.team_a_ed)

    assert b"DTSTART:20261006T160000Z" in ics(client, session).content


def test_the_uid_stays_and_the_sequence_rises_when_a_session_is_rescheduled(client, world, session):
    client.force_login(world.team_a_ed)
    before = events(ics(client, session))

    services.reschedule_session(
        session, starts_at=utc(2026, 10, 13, 16, 0), reason="Hearing that day.", by=world.fac1
    )

    after = events(ics(client, session))
    assert list(after) == list(before)
    (uid,) = after
    assert after[uid].decoded("SEQUENCE") > before[uid].decoded("SEQUENCE")
    assert after[uid].decoded("DTSTART") == utc(2026, 10, 13, 16, 0)


def test_a_cancelled_session_has_status_cancelled_and_a_higher_sequence(client, world, session):
    client.force_login(world.team_a_ed)
    services.reschedule_session(
        session, starts_at=utc(2026, 10, 13, 16, 0), reason="Hearing that day.", by=world.fac1
    )

    services.cancel_session(session, reason="We meet at the convening.", by=world.fac1)

    (event,) = events(ics(client, session)).values()
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("SEQUENCE") == 2
    assert "Cancelled: We meet at the convening." in str(event["DESCRIPTION"])


def test_editing_the_agenda_raises_the_sequence(client, world, session):
    client.force_login(world.team_a_ed)

    services.update_session(session, by=world.fac1, agenda="A new agenda")

    (event,) = events(ics(client, session)).values()
    assert event.decoded("SEQUENCE") == 1
    assert "A new agenda" in str(event["DESCRIPTION"])


# The personal feed --------------------------------------------------------------------------


def test_the_feed_needs_no_login_and_parses(world, session):
    url = feed_url(world.team_a_ed)

    response = Client().get(url)

    assert response.status_code == 200
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "My learning sessions"
    assert list(events(response)) == [session.uid]


def test_the_feed_says_how_often_to_refresh_and_a_single_session_does_not(client, world, session):
    feed = Client().get(feed_url(world.team_a_ed))
    client.force_login(world.team_a_ed)
    one = ics(client, session)

    text = feed.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert parse(feed)["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert "REFRESH-INTERVAL" not in one.content.decode()
    assert "X-WR-CALNAME" in one.content.decode()


def test_the_profile_offers_the_feed_as_webcal_and_as_a_link_to_copy(client, world):
    person = world.team_a_ed
    path = feed_url(person)
    client.force_login(person)

    page = client.get(reverse("dashboard:profile")).content.decode()

    assert f'href="webcal://testserver{path}"' in page
    assert f'id="feed-url" class="form-control" readonly value="http://testserver{path}"' in page
    assert 'data-copy="feed-url"' in page
    assert "/static/js/copy.js" in page


def test_the_first_link_does_not_speak_of_an_old_one_a_new_link_does(client, world):
    client.force_login(world.team_a_ed)
    manage = reverse("sessions_app:feed_manage")

    first = client.post(manage, {"action": "regenerate"}, follow=True)
    again = client.post(manage, {"action": "regenerate"}, follow=True)

    first_messages = [str(message) for message in first.context["messages"]]
    assert first_messages == ["Your calendar link is ready."]
    again_messages = [str(message) for message in again.context["messages"]]
    assert again_messages == ["Your new calendar link is ready. Any old link has stopped working."]


def test_the_feed_lists_only_the_persons_own_sessions(world, session):
    own_later = LearningSessionFactory(cohort=world.cohort1, starts_at=utc(2026, 11, 3, 17, 0))
    other_cohort = LearningSessionFactory(cohort=world.cohort2, starts_at=utc(2026, 10, 6, 16, 0))

    team_a = events(Client().get(feed_url(world.team_a_ed)))
    team_c = events(Client().get(feed_url(world.team_c_ed)))

    assert set(team_a) == {session.uid, own_later.uid}
    assert set(team_c) == {other_cohort.uid}


@pytest.mark.parametrize(
    ("role", "cohorts"),
    [
        ("fac1", {"cohort1"}),
        ("fac2", {"cohort2"}),
        ("partner", {"cohort1"}),
        ("stray_partner", set()),
    ],
)
def test_facilitators_and_partners_get_the_sessions_of_their_own_cohorts(world, role, cohorts):
    made = {
        name: LearningSessionFactory(cohort=getattr(world, name)).uid
        for name in ("cohort1", "cohort2")
    }

    listed = events(Client().get(feed_url(world.person(role))))

    assert set(listed) == {made[name] for name in cohorts}


def test_a_person_with_several_roles_in_a_cohort_gets_each_session_once(world, session):
    """The partner is also made a facilitator and given a team seat in cohort one."""
    person = world.partner
    world.cohort1.facilitators.add(person)
    SeatFactory(enrolment=world.team_a, person=person)

    calendar = parse(Client().get(feed_url(person)))

    assert [str(event["UID"]) for event in calendar.walk("VEVENT")] == [session.uid]


def test_a_rescheduled_session_is_in_the_feed_once_at_its_new_time(world, session):
    url = feed_url(world.team_a_ed)
    services.reschedule_session(
        session, starts_at=utc(2026, 10, 13, 16, 0), reason="Hearing that day.", by=world.fac1
    )

    calendar = parse(Client().get(url))

    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == session.uid
    assert event.decoded("DTSTART") == utc(2026, 10, 13, 16, 0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    assert event.decoded("SEQUENCE") == 1


def test_a_cancelled_session_stays_in_the_feed_as_cancelled(world, session):
    url = feed_url(world.team_a_ed)
    services.cancel_session(session, reason="We meet at the convening.", by=world.fac1)

    (event,) = parse(Client().get(url)).walk("VEVENT")

    assert str(event["UID"]) == session.uid
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_regenerated_token_makes_the_old_url_404(client, world, session):
    person = world.team_a_ed
    old_url = feed_url(person)
    client.force_login(person)

    response = client.post(reverse("sessions_app:feed_manage"), {"action": "regenerate"})

    assert response.status_code == 302
    new_url = reverse("sessions_app:feed", args=[CalendarFeed.objects.get(person=person).token])
    assert new_url != old_url
    assert Client().get(old_url).status_code == 404
    assert Client().get(new_url).status_code == 200


def test_a_revoked_token_404s(client, world, session):
    person = world.team_a_ed
    url = feed_url(person)
    client.force_login(person)

    response = client.post(reverse("sessions_app:feed_manage"), {"action": "revoke"})

    assert response.status_code == 302
    assert not CalendarFeed.objects.filter(person=person).exists()
    assert Client().get(url).status_code == 404


def test_an_unknown_token_404s(db):
    url = reverse("sessions_app:feed", args=["not-a-token"])

    assert Client().get(url).status_code == 404


def test_the_feed_of_a_deactivated_person_404s(world, session):
    person = world.team_a_ed
    url = feed_url(person)
    person.is_active = False
    person.save(update_fields=["is_active"])

    assert Client().get(url).status_code == 404


def test_the_feed_is_managed_only_by_a_signed_in_person(db):
    response = Client().post(reverse("sessions_app:feed_manage"), {"action": "regenerate"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not CalendarFeed.objects.exists()
