"""Time zones come from a fixed list of IANA place names. A stored zone that is no longer one of
them (set straight in the database) shows times in UTC and asks the person to choose: never a
500."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import User
from accounts.timezones import US_ZONES, available_time_zones, validate_time_zone
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
    us_choices = {name for name, _label in US_ZONES}
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


# Choosing a zone ------------------------------------------------------------------------------


def profile_with(client, person, zone):
    return client.post(
        reverse("dashboard:profile"),
        {"full_name": person.full_name, "time_zone": zone, "language": person.language},
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Mountain (Denver)", "America/Denver"),
        ("mountain (denver)", "America/Denver"),
        ("Hawaii (Honolulu)", "Pacific/Honolulu"),
        ("America/Denver", "America/Denver"),
        ("Europe/Madrid", "Europe/Madrid"),
        ("europe/madrid", "Europe/Madrid"),
        ("America/Argentina/Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Madrid", "Europe/Madrid"),
        ("  phoenix ", "America/Phoenix"),
    ],
)
def test_a_zone_is_found_by_its_plain_name_its_iana_name_or_its_city(client, typed, stored):
    person = User.objects.create_user("rosa@example.test", full_name="Rosa Díaz")
    client.force_login(person)

    response = profile_with(client, person, typed)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.time_zone == stored


def test_a_us_zone_is_found_by_its_english_name_on_a_spanish_page_too(client):
    person = User.objects.create_user("rosa@example.test", full_name="Rosa Díaz", language="es")
    client.force_login(person)

    assert profile_with(client, person, "Alaska (Anchorage)").status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "America/Anchorage"


def test_a_name_that_is_no_zone_is_refused_and_kept_as_typed(client):
    person = User.objects.create_user("rosa@example.test", full_name="Rosa Díaz")
    client.force_login(person)

    response = profile_with(client, person, "Springfield")

    assert response.context["form"].errors["time_zone"] == [
        "“Springfield” is not a time zone we know. Choose one from the list, for example "
        "America/Denver."
    ]
    assert 'value="Springfield"' in response.content.decode()


def test_the_field_suggests_us_zones_first_by_plain_names_then_every_other(client):
    person = User.objects.create_user(
        "rosa@example.test", full_name="Rosa Díaz", time_zone="America/Phoenix"
    )
    client.force_login(person)

    page = text(client.get(reverse("dashboard:profile")))

    field = re.search(r'<input type="text" name="time_zone"[^>]*>', page)[0]
    assert 'value="Arizona (Phoenix, no daylight saving)"' in field
    assert 'list="id_time_zone-suggestions"' in field
    suggested = re.findall(
        r'<option value="([^"]*)">',
        re.search(r'<datalist id="id_time_zone-suggestions">(.*?)</datalist>', page)[1],
    )
    assert suggested[: len(US_ZONES)] == [str(label) for _name, label in US_ZONES]
    rest = suggested[len(US_ZONES) :]
    names = [label.replace(" ", "_") for label in rest]  # shown with spaces, sorted by name
    assert names == sorted(names)
    assert "Europe/Madrid" in rest
    assert "America/Argentina/Buenos Aires" in rest
    assert len(suggested) == len(available_time_zones())
    assert "Type a city or a region, for example Denver or Madrid" in page
