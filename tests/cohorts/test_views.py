"""Staff pages: bad input gets a message next to the field, nothing typed is lost, no 500."""

import datetime

import pytest
from django.urls import reverse

from cohorts.choices import CohortStatus, OrganisationKind, TeamRole
from cohorts.models import Cohort, Organisation, Program
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.submissions import with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_in(client, world):
    client.force_login(world.staff)
    return client


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def assert_error_page(response):
    """The GOV.UK pattern: the title says Error and a summary lists the problems."""
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error:" in content
    assert "There is a problem" in content


def submit(client, url, data, **kwargs):
    """A create form sent as the browser sends it: with the blank form's one-time token."""
    return client.post(url, with_token(client, url, data), **kwargs)


# Programs -----------------------------------------------------------------------------------


def program_data(**overrides):
    data = {
        "name": "Quarterly Learning Community",
        "short_name": "QLC",
        "summary": "A learning community that meets every quarter.",
        "learning_goals": "Share practice.",
        "months": "12",
        "session_count": "4",
        "min_organisations": "3",
        "max_organisations": "10",
        "team_size": "2",
        "required_roles": [TeamRole.EXECUTIVE_DIRECTOR],
        "checkin_every_months": "3",
        "checkin_count": "2",
    }
    return data | overrides


def test_staff_create_a_program_in_the_ui(staff_in):
    response = submit(staff_in, reverse("cohorts:program_create"), program_data())
    program = Program.objects.get(name="Quarterly Learning Community")
    assert response.status_code == 302
    assert response.url == program.get_absolute_url()
    assert (program.months, program.min_organisations, program.max_organisations) == (12, 3, 10)
    assert program.required_roles == [TeamRole.EXECUTIVE_DIRECTOR]
    assert staff_in.get(response.url).status_code == 200


def test_a_program_with_fewer_organisations_at_most_than_at_least_shows_field_errors(staff_in):
    response = submit(
        staff_in,
        reverse("cohorts:program_create"),
        program_data(min_organisations="8", max_organisations="6"),
    )
    assert_error_page(response)
    form = response.context["form"]
    assert "can't be fewer than the fewest (8)" in form.errors["max_organisations"][0]
    assert form["name"].value() == "Quarterly Learning Community"
    assert form["summary"].value() == "A learning community that meets every quarter."
    assert not Program.objects.filter(name="Quarterly Learning Community").exists()


def test_a_program_with_more_required_roles_than_seats_shows_a_field_error(staff_in):
    response = submit(
        staff_in,
        reverse("cohorts:program_create"),
        program_data(
            team_size="1", required_roles=[TeamRole.EXECUTIVE_DIRECTOR, TeamRole.TEAM_LEAD]
        ),
    )
    assert_error_page(response)
    assert "can't fill 2 required roles" in response.context["form"].errors["required_roles"][0]


def test_a_program_name_already_taken_is_an_error_on_the_name(staff_in, world):
    response = submit(
        staff_in, reverse("cohorts:program_create"), program_data(name=world.program1.name)
    )
    assert_error_page(response)
    assert "name" in response.context["form"].errors


def test_staff_edit_a_program(staff_in, world):
    url = reverse("cohorts:program_edit", args=[world.program1.pk])
    assert staff_in.get(url).context["form"]["name"].value() == "Program One"
    response = staff_in.post(url, program_data(name="Program One, revised"))
    assert response.status_code == 302
    world.program1.refresh_from_db()
    assert world.program1.name == "Program One, revised"


# Cohorts ------------------------------------------------------------------------------------


def cohort_data(world, **overrides):
    data = {
        "name": "Spring 2027",
        "starts_on": "2027-03-01",
        "ends_on": "",
        "facilitators": [world.fac1.pk],
        "partners": [world.partner_org.pk],
    }
    return data | overrides


def test_a_new_cohorts_end_defaults_to_start_plus_the_programs_months(staff_in, world):
    response = submit(
        staff_in, reverse("cohorts:cohort_create", args=[world.program1.pk]), cohort_data(world)
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Spring 2027")
    assert response.url == cohort.get_absolute_url()
    assert cohort.program == world.program1
    assert cohort.ends_on == datetime.date(2027, 9, 1)  # program1 runs six months
    assert list(cohort.facilitators.all()) == [world.fac1]
    assert list(cohort.partners.all()) == [world.partner_org]
    assert cohort.status == CohortStatus.PLANNED


def test_a_cohort_that_ends_before_it_starts_is_an_error_on_the_end_date(staff_in, world):
    response = submit(
        staff_in,
        reverse("cohorts:cohort_create", args=[world.program1.pk]),
        cohort_data(world, ends_on="2027-02-01"),
    )
    assert_error_page(response)
    form = response.context["form"]
    assert form.errors["ends_on"] == ["The cohort must end after it starts."]
    assert form["name"].value() == "Spring 2027"
    assert str(form["starts_on"].value()) == "2027-03-01"
    assert [str(pk) for pk in form["facilitators"].value()] == [str(world.fac1.pk)]
    assert not Cohort.objects.filter(name="Spring 2027").exists()


def test_a_cohort_name_already_used_in_the_program_is_an_error_on_the_name(staff_in, world):
    response = submit(
        staff_in,
        reverse("cohorts:cohort_create", args=[world.program1.pk]),
        cohort_data(world, name="cohort one"),
    )
    assert_error_page(response)
    assert "already has a cohort with that name" in response.context["form"].errors["name"][0]


def test_a_date_that_is_not_a_date_is_an_error_on_the_start(staff_in, world):
    response = submit(
        staff_in,
        reverse("cohorts:cohort_create", args=[world.program1.pk]),
        cohort_data(world, starts_on="2027-02-30"),
    )
    assert_error_page(response)
    assert "starts_on" in response.context["form"].errors
    assert response.context["form"]["name"].value() == "Spring 2027"


def test_editing_a_cohort_keeps_its_program(staff_in, world):
    url = reverse("cohorts:cohort_edit", args=[world.cohort1.pk])
    response = staff_in.post(
        url,
        cohort_data(
            world, name="Cohort One (renamed)", starts_on="2026-03-02", ends_on="2026-12-01"
        ),
    )
    assert response.status_code == 302
    world.cohort1.refresh_from_db()
    assert world.cohort1.name == "Cohort One (renamed)"
    assert world.cohort1.program == world.program1
    assert world.cohort1.ends_on == datetime.date(2026, 12, 1)


# Enrolment ----------------------------------------------------------------------------------


def test_enrolling_an_organisation_goes_on_to_seat_its_team(staff_in, world):
    organisation = OrganisationFactory()
    response = submit(
        staff_in,
        reverse("cohorts:cohort_enrol", args=[world.cohort1.pk]),
        {"organisation": organisation.pk},
    )
    enrolment = world.cohort1.enrolments.get(organisation=organisation)
    assert response.status_code == 302
    assert response.url == reverse("cohorts:enrolment_seats", args=[enrolment.pk])


def test_enrolling_an_organisation_twice_is_an_error_on_the_organisation(staff_in, world):
    organisation = world.team_a.organisation
    response = submit(
        staff_in,
        reverse("cohorts:cohort_enrol", args=[world.cohort1.pk]),
        {"organisation": organisation.pk},
    )
    assert_error_page(response)
    form = response.context["form"]
    assert form.errors["organisation"] == [
        "Choose an organisation from the list. One already in this cohort isn't offered."
    ]
    assert organisation not in form.fields["organisation"].queryset
    assert world.cohort1.enrolments.count() == 2


def enrol_page(client, cohort):
    return client.get(reverse("cohorts:cohort_enrol", args=[cohort.pk]))


def test_the_enrol_form_offers_only_organisations_not_in_the_cohort(staff_in, world):
    newcomer = OrganisationFactory(name="Newcomer Grantee")
    form = enrol_page(staff_in, world.cohort1).context["form"]
    offered = set(form.fields["organisation"].queryset)
    assert newcomer in offered
    assert world.team_a.organisation not in offered
    assert world.team_b.organisation not in offered
    assert world.partner_org not in offered


def test_the_enrol_form_warns_about_an_organisation_in_another_running_cohort_of_the_program(
    staff_in, world
):
    """Team C's organisation is in cohort two (program two, planned). Enrolling it in another
    cohort of program two is warned about beside the choice; a completed cohort of the same
    program, or a cohort of another program, is not."""
    sibling = CohortFactory(program=world.program2, name="Cohort Two B")
    finished = CohortFactory(
        program=world.program2, name="Cohort Two Old", status=CohortStatus.COMPLETED
    )
    alumnus = EnrolmentFactory(cohort=finished).organisation
    elsewhere = EnrolmentFactory(cohort=world.cohort1).organisation

    response = enrol_page(staff_in, sibling)
    content = response.content.decode()
    team_c_org = world.team_c.organisation.name
    assert "One organisation is already in another cohort of Program Two." in content
    assert f"<li>{team_c_org}: Cohort Two (planned)</li>" in content
    assert f"{team_c_org} (also in Cohort Two)</option>" in content
    assert f"{alumnus.name}</option>" in content
    assert f"{elsewhere.name}</option>" in content

    # Warned, not refused: it can still be enrolled.
    response = submit(
        staff_in,
        reverse("cohorts:cohort_enrol", args=[sibling.pk]),
        {"organisation": world.team_c.organisation.pk},
    )
    assert response.status_code == 302
    assert sibling.enrolments.filter(organisation=world.team_c.organisation).exists()


def test_the_enrol_form_warns_about_nothing_when_no_organisation_is_elsewhere(staff_in, world):
    content = enrol_page(staff_in, world.cohort1).content.decode()
    assert "already in another cohort" not in content
    assert "also in" not in content


# Seats --------------------------------------------------------------------------------------


def test_staff_seat_a_person_of_the_organisation(staff_in, world):
    team = world.team_a
    team.seats.get(role=TeamRole.MEMBER).delete()
    newcomer = MembershipFactory(organisation=team.organisation).person
    response = submit(
        staff_in,
        reverse("cohorts:enrolment_seats", args=[team.pk]),
        {"person": newcomer.pk, "role": TeamRole.MEMBER},
    )
    assert response.status_code == 302
    assert team.seats.current().filter(person=newcomer).exists()


def test_a_fourth_person_on_a_team_of_three_is_an_error_on_the_person(staff_in, world):
    team = world.team_a
    fourth = MembershipFactory(organisation=team.organisation, person__full_name="Zed Fourth")
    # A full team's page offers no form: this one was opened before the team filled up.
    response = staff_in.post(
        reverse("cohorts:enrolment_seats", args=[team.pk]),
        {"person": fourth.person.pk, "role": TeamRole.MEMBER, "submission": "a-one-time-token"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    message = "This team already has its 3 people. End or replace a seat first."
    assert form.errors["person"] == [message]
    assert str(form["person"].value()) == str(fourth.person.pk)
    assert team.seats.current().count() == 3
    # The person who pressed "Add" is told why, on the page.
    assert message in response.content.decode()


def test_someone_outside_the_organisation_cannot_be_seated(staff_in, world):
    team = world.team_a
    team.seats.get(role=TeamRole.MEMBER).delete()
    outsider = world.team_b_ed
    response = submit(
        staff_in,
        reverse("cohorts:enrolment_seats", args=[team.pk]),
        {"person": outsider.pk, "role": TeamRole.MEMBER},
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert not team.seats.filter(person=outsider).exists()


def test_removing_the_executive_director_is_refused_with_a_message(staff_in, world):
    director = world.team_a.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    response = staff_in.post(
        reverse("cohorts:seat_end", args=[world.team_a.pk, director.pk]), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "cohorts:enrolment_seats", args=[world.team_a.pk]
    )
    assert any("needs the executive director on every team" in m for m in messages_of(response))
    director.refresh_from_db()
    assert director.is_current


def test_removing_a_member_ends_the_seat_and_keeps_it_in_the_history(staff_in, world):
    member = world.team_a.seats.get(role=TeamRole.MEMBER)
    response = staff_in.post(
        reverse("cohorts:seat_end", args=[world.team_a.pk, member.pk]), follow=True
    )
    assert any("is no longer on the team" in m for m in messages_of(response))
    member.refresh_from_db()
    assert member.ended_at is not None
    assert member in list(response.context["history"])
    assert member not in response.context["seats"]


def test_replacing_a_seat_keeps_the_history(staff_in, world):
    team = world.team_a
    old = team.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    successor = MembershipFactory(organisation=team.organisation, person__full_name="New Head")
    url = reverse("cohorts:seat_replace", args=[team.pk, old.pk])
    response = staff_in.get(url)
    assert response.context["form"]["role"].value() == TeamRole.EXECUTIVE_DIRECTOR

    response = submit(
        staff_in,
        url,
        {"person": successor.person.pk, "role": TeamRole.EXECUTIVE_DIRECTOR},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("cohorts:enrolment_seats", args=[team.pk])
    old.refresh_from_db()
    new = team.seats.current().get(role=TeamRole.EXECUTIVE_DIRECTOR)
    assert old.ended_at is not None and old.ended_by == world.staff
    assert new.person == successor.person and new.started_at == old.ended_at
    history = list(response.context["history"])
    assert old in history and new in history
    content = response.content.decode()
    assert "New Head" in content and old.person.full_name in content


def test_replacing_the_executive_director_with_another_role_is_an_error_on_the_role(
    staff_in, world
):
    team = world.team_a
    old = team.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    successor = MembershipFactory(organisation=team.organisation).person
    response = submit(
        staff_in,
        reverse("cohorts:seat_replace", args=[team.pk, old.pk]),
        {"person": successor.pk, "role": TeamRole.MEMBER},
    )
    assert_error_page(response)
    form = response.context["form"]
    assert "without its executive director" in form.errors["role"][0]
    assert str(form["person"].value()) == str(successor.pk)
    old.refresh_from_db()
    assert old.is_current


def test_an_ended_seat_cannot_be_replaced(staff_in, world):
    member = world.team_a.seats.get(role=TeamRole.MEMBER)
    member.ended_at = member.started_at
    member.save()
    url = reverse("cohorts:seat_replace", args=[world.team_a.pk, member.pk])
    assert staff_in.get(url).status_code == 404


# Readiness and starting ---------------------------------------------------------------------


def test_the_staff_cohort_page_lists_every_readiness_rule_and_what_is_missing(staff_in, world):
    response = staff_in.get(reverse("dashboard:cohort_detail", args=[world.cohort2.pk]))
    checks = {str(c.label): c.ok for c in response.context["checks"]}
    assert checks == {
        "Number of organisations": False,  # one team; program2 needs 2 to 4
        "Every team is full": True,
        "Every team has its executive director": True,
        "Facilitators named": True,
    }
    assert response.context["ready"] is False
    content = response.content.decode()
    assert "Ready to start?" in content
    assert "1 enrolled; Program Two needs between 2 and 4." in content
    assert "Starting is blocked until every item above is met." in content


def test_a_ready_cohort_page_does_not_say_starting_is_blocked(staff_in, world):
    response = staff_in.get(reverse("dashboard:cohort_detail", args=[world.cohort1.pk]))
    assert response.context["ready"] is True
    content = response.content.decode()
    assert "Starting is blocked" not in content
    assert f'action="{reverse("cohorts:cohort_start", args=[world.cohort1.pk])}"' in content
    assert 'aria-disabled="true"' not in content


def test_a_blocked_start_looks_disabled_and_points_to_the_checklist(staff_in, world):
    world.cohort2.facilitators.clear()
    response = staff_in.get(reverse("dashboard:cohort_detail", args=[world.cohort2.pk]))
    content = response.content.decode()
    # No form to send: a button that says it is unavailable, and why, read with it.
    assert f'action="{reverse("cohorts:cohort_start", args=[world.cohort2.pk])}"' not in content
    assert (
        '<button type="button" class="btn btn-primary" aria-disabled="true" '
        'aria-describedby="start-blocked-reason">Start cohort</button>'
    ) in content
    assert 'id="start-blocked-reason"' in content
    assert '<ul class="checklist" id="readiness-checklist">' in content
    assert '<a href="#readiness-checklist">2 items are not met yet</a>' in content


def test_a_cohort_without_organisations_is_not_ready_for_any_team_rule(staff_in, world):
    empty = CohortFactory(program=world.program1, facilitators=[world.fac1])
    response = staff_in.get(reverse("dashboard:cohort_detail", args=[empty.pk]))
    checks = {str(c.label): c for c in response.context["checks"]}
    assert not checks["Every team is full"].ok
    assert not checks["Every team has its executive director"].ok
    assert checks["Every team is full"].detail == "No organisation enrolled yet."
    content = response.content.decode()
    assert "Every team has its 3 people" not in content
    assert '<a href="#readiness-checklist">3 items are not met yet</a>' in content


@pytest.mark.parametrize("who", ["fac1", "team_a", "partner"])
def test_the_readiness_checklist_is_for_staff_only(client, world, who):
    client.force_login(world.person(who))
    response = client.get(reverse("dashboard:cohort_detail", args=[world.cohort1.pk]))
    assert "checks" not in response.context
    assert "Ready to start?" not in response.content.decode()


def test_starting_a_cohort_that_is_not_ready_is_blocked_with_clear_messages(staff_in, world):
    world.cohort2.facilitators.clear()
    response = staff_in.post(reverse("cohorts:cohort_start", args=[world.cohort2.pk]), follow=True)
    assert response.redirect_chain[-1][0] == world.cohort2.get_absolute_url()
    assert messages_of(response) == [
        "Number of organisations: 1 enrolled; Program Two needs between 2 and 4.",
        "Facilitators named: No facilitator yet.",
    ]
    world.cohort2.refresh_from_db()
    assert world.cohort2.status == CohortStatus.PLANNED


def test_starting_a_cohort_with_a_team_missing_its_director_names_the_team(staff_in, world):
    world.team_b.seats.filter(role=TeamRole.EXECUTIVE_DIRECTOR).delete()
    response = staff_in.post(reverse("cohorts:cohort_start", args=[world.cohort1.pk]), follow=True)
    name = world.team_b.organisation.name
    assert messages_of(response) == [
        f"Every team is full: Teams need 3 people. Not yet full: {name}.",
        f"Every team has its executive director: Missing in: {name}.",
    ]
    world.cohort1.refresh_from_db()
    assert world.cohort1.status == CohortStatus.PLANNED


def test_starting_a_ready_cohort_makes_it_active(staff_in, world):
    response = staff_in.post(reverse("cohorts:cohort_start", args=[world.cohort1.pk]), follow=True)
    assert messages_of(response) == ["“Cohort One” has started."]
    world.cohort1.refresh_from_db()
    assert world.cohort1.status == CohortStatus.ACTIVE
    assert "Mark cohort completed" in response.content.decode()


# Organisations ------------------------------------------------------------------------------


def test_the_organisations_page_counts_a_partners_assigned_cohorts(staff_in, world):
    CohortFactory(program=world.program2, partners=[world.partner_org])
    response = staff_in.get(reverse("cohorts:organisation_list"))
    counts = {org.name: org.cohort_count for org in response.context["organisations"]}
    assert counts["Data Partners"] == 2  # assigned to cohort one and the new cohort
    assert counts["Unassigned Partners"] == 0
    assert counts[world.team_a.organisation.name] == 1  # a grantee's enrolments, as before
    content = response.content.decode()
    assert '<td data-label="Cohorts">2</td>' in content


def test_a_grantee_without_a_state_is_an_error_on_the_state(staff_in):
    response = submit(
        staff_in,
        reverse("cohorts:organisation_create"),
        {"name": "Nowhere Grantee", "kind": OrganisationKind.STATE_GRANTEE, "state": ""},
    )
    assert_error_page(response)
    form = response.context["form"]
    assert form.errors["state"] == ["Choose the state or territory of this grantee."]
    assert form["name"].value() == "Nowhere Grantee"
    assert not Organisation.objects.filter(name="Nowhere Grantee").exists()


def test_the_partner_organisation_page_shows_its_cohorts(staff_in, world):
    response = staff_in.get(reverse("cohorts:organisation_detail", args=[world.partner_org.pk]))
    assert list(response.context["partner_cohorts"]) == [world.cohort1]
    assert "2 teams" in response.content.decode()


def test_a_person_not_yet_in_the_organisation_is_not_offered_a_seat(staff_in, world):
    stranger = UserFactory(full_name="Una Stranger")
    response = staff_in.get(reverse("cohorts:seat_replace", args=[world.team_a.pk, 1]))
    assert response.status_code == 404  # no such seat on this team
    seat = world.team_a.seats.get(role=TeamRole.MEMBER)
    response = staff_in.get(reverse("cohorts:seat_replace", args=[world.team_a.pk, seat.pk]))
    assert stranger not in response.context["form"].fields["person"].queryset
