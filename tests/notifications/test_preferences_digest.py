""" "Your emails": per kind, as it happens or in one daily digest; bad input answered."""

import pytest
from django.urls import reverse

from notifications.models import KindPreference, MutedKind
from tests.conftest import PortalClient
from tests.factories import UserFactory
from tests.notifications.digest_support import NOTED, noted_kind  # noqa: F401 — a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("noted_kind")]
URL = reverse("notifications:preferences")
FIELD = f"delivery-{NOTED}"


@pytest.fixture
def person():
    return UserFactory()


@pytest.fixture
def client(person):
    client = PortalClient()
    client.force_login(person)
    return client


def choice(person):
    return dict(KindPreference.objects.filter(person=person).values_list("kind", "delivery"))


def everything_on(**extra):
    return {"kinds": [NOTED, "session_reminder", "daily_digest"], **extra}


def test_a_digestible_kind_offers_the_choice_as_it_happens_by_default(client):
    page = client.get(URL).content.decode()

    assert f'name="{FIELD}" value="at_once" class="form-check-input" id="id_{FIELD}_0" checked' in (
        page
    )
    assert "How to get “Cohort notes”" in page
    assert 'name="delivery-session_reminder"' not in page  # not digestible: no choice


def test_a_person_chooses_the_daily_digest_for_one_kind(client, person):
    response = client.post(URL, everything_on(**{FIELD: "digest"}))

    assert response.status_code == 302
    assert choice(person) == {NOTED: "digest"}
    page = client.get(URL).content.decode()
    assert f'value="digest" class="form-check-input" id="id_{FIELD}_1" checked' in page


def test_choosing_again_changes_the_one_choice(client, person):
    client.post(URL, everything_on(**{FIELD: "digest"}))
    client.post(URL, everything_on(**{FIELD: "at_once"}))

    assert choice(person) == {NOTED: "at_once"}
    assert KindPreference.objects.filter(person=person).count() == 1


def test_turning_a_kind_off_still_works_and_keeps_its_delivery(client, person):
    client.post(URL, {"kinds": ["session_reminder"], FIELD: "digest"})

    assert NOTED in set(MutedKind.objects.filter(email=person.email).values_list("kind", flat=True))
    assert choice(person) == {NOTED: "digest"}


def test_a_choice_not_sent_keeps_the_one_saved(client, person):
    client.post(URL, everything_on(**{FIELD: "digest"}))
    client.post(URL, everything_on())

    assert choice(person) == {NOTED: "digest"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (everything_on(**{FIELD: "weekly"}), "Choose “As it happens” or “In one daily digest”."),
        (
            {"kinds": [NOTED, "no_such_kind"]},
            "There is no kind of email called “no_such_kind”. Tick only the emails listed.",
        ),
        (
            everything_on(**{"delivery-no_such_kind": "digest"}),
            "There is no kind of email called “no_such_kind” that can come in the daily digest.",
        ),
        (
            everything_on(**{"delivery-session_reminder": "digest"}),
            "There is no kind of email called “session_reminder” that can come in the daily",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, person, data, message):
    response = client.post(URL, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert page.count("<title>Error:") == 1
    assert choice(person) == {}
    assert not MutedKind.objects.filter(email=person.email).exists()


def test_an_invalid_choice_is_tied_to_its_group_and_keeps_what_was_ticked(client):
    page = client.post(URL, {"kinds": ["session_reminder"], FIELD: "weekly"}).content.decode()

    assert f'aria-describedby="id_{FIELD}-error"' in page
    assert 'aria-invalid="true"' in page
    assert f'href="#id_{FIELD}"' in page  # the error summary links to the group
    assert 'value="session_reminder" id="kind-session_reminder" checked' in page
    assert f'value="{NOTED}" id="kind-{NOTED}" aria' in page  # unticked stays unticked
