"""Each create form of the staff pages creates once per submission: the same form sent again
(the browser's Back button, a second click) creates nothing and links to what was created."""

import pytest
from django.urls import reverse

from cohorts.choices import OrganisationKind, TeamRole
from cohorts.models import Cohort, Organisation, Program
from tests.cohorts.test_views import cohort_data, program_data
from tests.factories import MembershipFactory, OrganisationFactory
from tests.submissions import with_token

pytestmark = pytest.mark.django_db

ALREADY = "This form was already submitted, so nothing new was created."


@pytest.fixture
def staff_in(client, world):
    client.force_login(world.staff)
    return client


def send_twice(client, url, data):
    """The form of `url` filled in with `data` and sent twice, as going Back and sending
    again does: the same one-time token both times."""
    data = with_token(client, url, data)
    return client.post(url, data), client.post(url, data)


def assert_already_submitted(response, created_url):
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error:" in content
    assert ALREADY in content
    assert f'<a href="{created_url}">See what it created.</a>' in content


def test_a_program_sent_twice_is_created_once(staff_in):
    first, again = send_twice(staff_in, reverse("cohorts:program_create"), program_data())

    (program,) = Program.objects.filter(name="Quarterly Learning Community")
    assert first.url == program.get_absolute_url()
    # Not "a program with this name already exists": the first send made it.
    assert_already_submitted(again, program.get_absolute_url())
    assert list(again.context["form"].errors) == ["__all__"]


def test_a_cohort_sent_twice_is_created_once(staff_in, world):
    url = reverse("cohorts:cohort_create", args=[world.program1.pk])

    first, again = send_twice(staff_in, url, cohort_data(world))

    (cohort,) = Cohort.objects.filter(name="Spring 2027")
    assert first.url == cohort.get_absolute_url()
    assert_already_submitted(again, cohort.get_absolute_url())


def test_an_organisation_sent_twice_is_created_once(staff_in):
    data = {"name": "Nevada Grantee", "kind": OrganisationKind.STATE_GRANTEE, "state": "NV"}

    first, again = send_twice(staff_in, reverse("cohorts:organisation_create"), data)

    (organisation,) = Organisation.objects.filter(name="Nevada Grantee")
    assert first.url == organisation.get_absolute_url()
    assert_already_submitted(again, organisation.get_absolute_url())


def test_an_enrolment_sent_twice_enrols_once(staff_in, world):
    organisation = OrganisationFactory()
    url = reverse("cohorts:cohort_enrol", args=[world.cohort1.pk])

    first, again = send_twice(staff_in, url, {"organisation": organisation.pk})

    (enrolment,) = world.cohort1.enrolments.filter(organisation=organisation)
    assert first.status_code == 302
    # Not "choose an organisation from the list": it is no longer offered, being enrolled.
    assert_already_submitted(again, enrolment.get_absolute_url())


def test_a_seat_sent_twice_seats_the_person_once(staff_in, world):
    team = world.team_a
    team.seats.get(role=TeamRole.MEMBER).delete()
    newcomer = MembershipFactory(organisation=team.organisation).person
    url = reverse("cohorts:enrolment_seats", args=[team.pk])

    first, again = send_twice(staff_in, url, {"person": newcomer.pk, "role": TeamRole.MEMBER})

    assert first.status_code == 302
    assert team.seats.filter(person=newcomer).count() == 1
    assert_already_submitted(again, url)


def test_a_replacement_sent_twice_replaces_once(staff_in, world):
    team = world.team_a
    old = team.seats.get(role=TeamRole.MEMBER)
    successor = MembershipFactory(organisation=team.organisation).person
    url = reverse("cohorts:seat_replace", args=[team.pk, old.pk])

    first, again = send_twice(staff_in, url, {"person": successor.pk, "role": TeamRole.MEMBER})

    assert first.status_code == 302
    assert team.seats.filter(person=successor).count() == 1
    assert team.seats.filter(person=old.person).count() == 1
    # The second send finds the seat the first one ended, and is told, not shown a 404.
    assert_already_submitted(again, reverse("cohorts:enrolment_seats", args=[team.pk]))


def test_replacing_an_ended_seat_with_a_fresh_form_says_the_seat_has_ended(staff_in, world):
    team = world.team_a
    old = team.seats.get(role=TeamRole.MEMBER)
    url = reverse("cohorts:seat_replace", args=[team.pk, old.pk])
    data = with_token(staff_in, url, {"person": old.person.pk, "role": TeamRole.MEMBER})
    old.ended_at = old.started_at
    old.save()

    response = staff_in.post(url, data)

    assert response.status_code == 200
    assert "This seat has already ended." in response.content.decode()
    assert not team.seats.current().filter(person=old.person).exists()
