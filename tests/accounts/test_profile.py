import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    person = UserFactory(full_name="Rosa Díaz", time_zone="America/New_York", language="en")
    client.force_login(person)
    return person


def profile_url():
    return reverse("dashboard:profile")


def test_the_profile_saves_name_time_zone_and_language(client, person):
    response = client.post(
        profile_url(),
        {"full_name": "Rosa M. Díaz", "time_zone": "Pacific/Honolulu", "language": "es"},
    )
    assert response.status_code == 302
    assert response.url == profile_url()
    person.refresh_from_db()
    assert (person.full_name, person.time_zone, person.language) == (
        "Rosa M. Díaz",
        "Pacific/Honolulu",
        "es",
    )


def test_saving_a_new_language_says_so_in_that_language(client, person):
    response = client.post(
        profile_url(),
        {"full_name": "Rosa Díaz", "time_zone": "America/New_York", "language": "es"},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["Se guardó su perfil."]


def test_a_time_zone_that_does_not_exist_is_a_field_error_and_keeps_what_was_typed(client, person):
    response = client.post(
        profile_url(),
        {"full_name": "Rosa M. Díaz", "time_zone": "Mars/Olympus", "language": "es"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["time_zone"]
    assert "Mars/Olympus" in form.errors["time_zone"][0]
    assert "is not a time zone we know" in form.errors["time_zone"][0]
    assert form["full_name"].value() == "Rosa M. Díaz"
    assert form["language"].value() == "es"
    content = response.content.decode()
    assert "<title>Error:" in content
    assert 'aria-invalid="true"' in content
    person.refresh_from_db()
    assert (person.full_name, person.time_zone) == ("Rosa Díaz", "America/New_York")


def test_an_empty_name_is_a_field_error(client, person):
    response = client.post(
        profile_url(), {"full_name": "", "time_zone": "America/Phoenix", "language": "en"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["full_name"]
    assert response.context["form"]["time_zone"].value() == "America/Phoenix"


@pytest.mark.parametrize(
    "zone", ["America/Phoenix", "Pacific/Honolulu", "America/Anchorage", "America/New_York"]
)
def test_pages_are_rendered_in_the_persons_own_time_zone(client, zone):
    client.force_login(UserFactory(time_zone=zone))
    response = client.get(reverse("home"))
    # The tz context processor reports the zone active while the template rendered:
    # the one the middleware switched on for this person.
    assert response.context["TIME_ZONE"] == zone
    assert f"Times are shown in your time zone, {zone}" in response.content.decode()


def test_a_change_of_time_zone_applies_from_the_next_page(client, person):
    assert client.get(profile_url()).context["TIME_ZONE"] == "America/New_York"
    client.post(
        profile_url(),
        {"full_name": person.full_name, "time_zone": "America/Anchorage", "language": "en"},
    )
    assert client.get(profile_url()).context["TIME_ZONE"] == "America/Anchorage"


def test_pages_are_rendered_in_the_persons_language(client):
    client.force_login(UserFactory(language="es"))
    response = client.get(profile_url())
    assert response.context["LANGUAGE_CODE"] == "es"
    assert response.headers["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in_from_the_profile(client, db):
    response = client.get(profile_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_language_menu_remembers_the_choice_on_the_profile(client, person):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "es"
    assert client.get(reverse("home")).headers["Content-Language"] == "es"


def test_the_language_menu_ignores_a_language_the_portal_does_not_offer(client, person):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    person.refresh_from_db()
    assert person.language == "en"
