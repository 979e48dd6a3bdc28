"""Odd and hostile input gets a message, never a 500 (found in review, kept as tests)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from cohorts.models import Organisation
from notifications.models import Notification
from tests.factories import InvitationFactory, UserFactory
from tests.sessions_app.factories import LearningSessionFactory
from tests.submissions import with_token

pytestmark = pytest.mark.django_db


def test_a_reschedule_to_year_9999_is_a_field_error_and_nothing_moves(client, world):
    session = LearningSessionFactory(
        cohort=world.cohort1, starts_at=timezone.now() + timedelta(days=5)
    )
    client.force_login(world.fac1)
    response = client.post(
        reverse("sessions_app:session_reschedule", args=[session.pk]),
        {"date": "9999-12-31", "start_time": "23:30", "time_zone": "UTC", "reason": "Typo"},
    )
    assert response.status_code == 200
    assert "between 2000 and 2100" in response.context["form"].errors["date"][0]
    session.refresh_from_db()
    assert session.starts_at.year < 9999


def test_a_cohort_starting_in_year_1_is_a_field_error(client, world):
    client.force_login(world.staff)
    url = reverse("cohorts:cohort_create", args=[world.program1.pk])
    response = client.post(url, with_token(client, url, {"name": "Odd", "starts_on": "0001-01-01"}))
    assert response.status_code == 200
    assert "between 2000 and 2100" in response.context["form"].errors["starts_on"][0]


def test_accepting_an_invitation_to_a_team_that_filled_up_shows_a_page_not_an_error(client, world):
    invitation = InvitationFactory(
        organisation=world.team_a.organisation, enrolment=world.team_a, team_role="member"
    )  # team_a is already full: the seat went to someone else meanwhile
    response = client.post(
        reverse("accounts:invitation_accept", args=[invitation.key]),
        {
            "full_name": "Late Comer",
            "time_zone": "America/Denver",
            "language": "en",
            "password1": "a-long-enough-pass-2026",
            "password2": "a-long-enough-pass-2026",
        },
    )
    assert response.status_code == 200
    assert "has filled its seats" in response.content.decode()
    assert not Invitation.objects.get(pk=invitation.pk).accepted_at


def test_inviting_someone_into_a_role_they_hold_is_refused_on_the_email_field(client, world):
    client.force_login(world.staff)
    url = reverse("accounts:invitation_create")
    typed = {
        "email": world.fac1.email,
        "kind": "facilitator",
        "cohort": world.cohort1.pk,
        "language": "en",
    }
    response = client.post(url, with_token(client, url, typed))
    assert response.status_code == 200
    assert "already has this role" in response.context["form"].errors["email"][0]


def test_a_double_resend_leaves_one_sending_waiting(client, world):
    invitation = InvitationFactory()
    client.force_login(world.staff)
    url = reverse("accounts:invitation_resend", args=[invitation.pk])
    client.post(url)
    client.post(url)
    waiting = Notification.objects.filter(object_id=invitation.pk, kind="invitation")
    assert waiting.filter(state="scheduled").count() == 1
    assert waiting.filter(state="cancelled").count() == 1


@pytest.mark.parametrize("query", ["?cohort=²", "?cohort=99999999999999999999", "?kind=a%00b"])
def test_odd_outbox_filters_are_ignored(client, world, query):
    client.force_login(world.staff)
    assert client.get(reverse("notifications:outbox") + query).status_code == 200


def test_send_again_never_redirects_off_the_site(client, world):
    person = UserFactory()
    row = Notification.objects.create(
        kind="role_added",
        to_email=person.email,
        recipient=person,
        content_type_id=1,
        object_id=1,
        slot="x",
        due_at=timezone.now(),
        not_before=timezone.now(),
        state="failed",
    )
    client.force_login(world.staff)
    response = client.post(
        reverse("notifications:send_again", args=[row.pk]),
        {"next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert response.url == reverse("notifications:outbox")


def test_a_token_with_a_nul_byte_is_not_a_page(client):
    assert client.get("/calendar/%00.ics").status_code == 404
    assert client.get("/invitations/accept/%00/").status_code == 404


@pytest.mark.parametrize("token", ["a\x00b", "x" * 10_000])
def test_an_odd_one_time_token_is_a_message_not_an_error(client, world, token):
    client.force_login(world.staff)
    response = client.post(
        reverse("cohorts:organisation_create"),
        {"name": "Odd Token Grantee", "kind": "state_grantee", "state": "AZ", "submission": token},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "This page was out of date." in content
    assert "Submission:" not in content  # the hidden field has no message of its own
    assert not Organisation.objects.filter(name="Odd Token Grantee").exists()
