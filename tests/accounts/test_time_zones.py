"""Time zones come from a fixed list of IANA place names. A stored zone that is no longer one of
them (set straight in the database) shows times in UTC and asks the person to choose: never a
500."""

from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.timezones import available_time_zones, time_zone_choices, validate_time_zone
from cohorts.choices import STATE_TIME_ZONES
from tests.conftest import executive_director
from tests.sessions_app.factories import LearningSessionFactory

pytestmark = pytest.mark.django_db

ODDITIES = [
    "localtime",
    "Factory",
    "posixrules",
    "Etc/GMT+5",
    "Etc/UTC",
    "US/Eastern",
    "EST5EDT",
    "GMT",
    "Mars/Olympus",
]
NOTICE = "is not one we know any more, so times are shown in UTC."


@pytest.mark.parametrize("name", ODDITIES)
def test_an_odd_or_unknown_name_is_not_on_the_list(name):
    assert name not in available_time_zones()
    with pytest.raises(ValidationError):
        validate_time_zone(name)


def test_the_list_has_every_zone_the_programs_people_live_in():
    us_choices = {name for name, _label in time_zone_choices()[0][1]}
    needed = {"America/Phoenix", "Pacific/Honolulu", "America/Anchorage", "UTC"}
    needed |= set(STATE_TIME_ZONES.values()) | us_choices
    assert needed <= available_time_zones()


def test_every_name_on_the_list_is_an_area_and_a_place_or_utc():
    for name in available_time_zones() - {"UTC"}:
        area, _place = name.split("/", 1)
        assert area in {
            "Africa",
            "America",
            "Antarctica",
            "Arctic",
            "Asia",
            "Atlantic",
            "Australia",
            "Europe",
            "Indian",
            "Pacific",
        }


@pytest.mark.parametrize("name", ["localtime", "Factory"])
def test_the_profile_refuses_an_odd_name(client, name):
    person = User.objects.create_user("rosa@example.test", full_name="Rosa Díaz")
    client.force_login(person)

    response = client.post(
        reverse("dashboard:profile"),
        {"full_name": "Rosa Díaz", "time_zone": name, "language": "en"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["time_zone"]
    person.refresh_from_db()
    assert person.time_zone == "America/New_York"


@pytest.fixture
def lost_person(client, world):
    """A team member whose stored zone no longer exists."""
    person = executive_director(world.team_a)
    User.objects.filter(pk=person.pk).update(time_zone="Mars/Olympus")
    client.force_login(person)
    return person


def text(response):
    return unescape(response.content.decode())


def test_the_home_page_shows_utc_and_asks_to_choose_a_zone(client, lost_person):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    page = text(response)
    assert f"Your time zone “Mars/Olympus” {NOTICE}" in page
    assert "Times are shown in your time zone, UTC." in page
    assert reverse("dashboard:profile") in page


def test_the_schedule_shows_times_in_utc(client, world, lost_person):
    LearningSessionFactory(cohort=world.cohort1, starts_at=datetime(2026, 10, 6, 16, 0, tzinfo=UTC))

    response = client.get(reverse("sessions_app:schedule", args=[world.cohort1.pk]))

    assert response.status_code == 200
    page = text(response)
    assert "Times in your time zone (UTC)." in page
    assert "16:00 UTC" in page
    assert NOTICE in page


def test_the_profile_page_opens_and_choosing_a_zone_ends_the_notice(client, lost_person):
    profile = client.get(reverse("dashboard:profile"))
    saved = client.post(
        reverse("dashboard:profile"),
        {"full_name": lost_person.full_name, "time_zone": "America/Denver", "language": "en"},
        follow=True,
    )

    assert profile.status_code == 200
    assert NOTICE in text(profile)
    assert saved.status_code == 200
    assert NOTICE not in text(saved)
    lost_person.refresh_from_db()
    assert lost_person.time_zone == "America/Denver"


def test_a_known_zone_shows_no_notice(client, world):
    client.force_login(executive_director(world.team_a))

    response = client.get(reverse("home"))

    assert NOTICE not in text(response)
    assert "Times are shown in your time zone, America/New_York." in text(response)
