"""The write services: bad input is refused with a message tied to the field it is about."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts import services
from cohorts.choices import CohortStatus, TeamRole
from cohorts.models import Cohort, Program
from cohorts.selectors import readiness
from tests.conftest import make_team
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    ProgramFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def field_errors(excinfo):
    return excinfo.value.message_dict


# Cohorts ------------------------------------------------------------------------------------


def test_a_cohort_without_an_end_date_ends_after_the_programs_months(staff):
    program = Program.objects.get(name="Operationalizing Equity")
    cohort = Cohort(program=program, name="OE 2026", starts_on=datetime.date(2026, 3, 2))
    services.save_cohort(cohort, by=staff, facilitators=[], partners=[])
    cohort.refresh_from_db()
    assert cohort.ends_on == datetime.date(2026, 9, 2)


def test_a_cohort_that_ends_before_it_starts_is_refused(staff):
    cohort = Cohort(
        program=ProgramFactory(),
        name="Backwards",
        starts_on=datetime.date(2026, 5, 1),
        ends_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError):
        services.save_cohort(cohort, by=staff, facilitators=[], partners=[])
    assert not Cohort.objects.filter(name="Backwards").exists()


def test_only_staff_save_a_cohort():
    cohort = CohortFactory()
    facilitator = UserFactory()
    cohort.facilitators.add(facilitator)
    with pytest.raises(PermissionDenied):
        services.save_cohort(cohort, by=facilitator, facilitators=[], partners=[])
    assert list(cohort.facilitators.all()) == [facilitator]


# Enrolments ---------------------------------------------------------------------------------


def test_enrolling_an_organisation_twice_says_so_on_the_organisation(staff):
    enrolment = EnrolmentFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.enrol_organisation(enrolment.cohort, enrolment.organisation, by=staff)
    assert "already enrolled" in field_errors(excinfo)["organisation"][0]
    assert enrolment.cohort.enrolments.count() == 1


def test_a_planning_partner_cannot_enrol_as_a_team(staff):
    cohort = CohortFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.enrol_organisation(cohort, PartnerOrganisationFactory(), by=staff)
    assert "organisation" in field_errors(excinfo)
    assert not cohort.enrolments.exists()


def test_a_cohort_takes_no_more_organisations_than_its_program_allows(staff):
    cohort = CohortFactory(program=ProgramFactory(min_organisations=1, max_organisations=2))
    services.enrol_organisation(cohort, OrganisationFactory(), by=staff)
    services.enrol_organisation(cohort, OrganisationFactory(), by=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.enrol_organisation(cohort, OrganisationFactory(), by=staff)
    assert "the most" in field_errors(excinfo)["organisation"][0]
    assert cohort.enrolments.count() == 2


def test_only_staff_enrol_an_organisation():
    cohort = CohortFactory()
    facilitator = UserFactory()
    cohort.facilitators.add(facilitator)
    with pytest.raises(PermissionDenied):
        services.enrol_organisation(cohort, OrganisationFactory(), by=facilitator)
    assert not cohort.enrolments.exists()


# Seats --------------------------------------------------------------------------------------


def test_adding_a_seat_makes_the_person_a_member_of_the_organisation(staff):
    enrolment = EnrolmentFactory()
    person = UserFactory()
    seat = services.add_seat(enrolment, person=person, role=TeamRole.TEAM_LEAD, by=staff)
    assert seat.is_current
    assert person.memberships.get().organisation == enrolment.organisation


def test_a_fourth_person_on_a_team_of_three_is_refused_on_the_person(staff):
    enrolment = make_team(CohortFactory())
    fourth = MembershipFactory(organisation=enrolment.organisation).person
    with pytest.raises(ValidationError) as excinfo:
        services.add_seat(enrolment, person=fourth, role=TeamRole.MEMBER, by=staff)
    assert "already has its 3 people" in field_errors(excinfo)["person"][0]
    assert enrolment.seats.current().count() == 3


def test_a_person_already_on_the_team_is_refused_on_the_person(staff):
    seat = SeatFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.add_seat(seat.enrolment, person=seat.person, role=TeamRole.TEAM_LEAD, by=staff)
    assert "already on this team" in field_errors(excinfo)["person"][0]


def test_a_second_executive_director_is_refused_on_the_role(staff):
    seat = SeatFactory(role=TeamRole.EXECUTIVE_DIRECTOR)
    with pytest.raises(ValidationError) as excinfo:
        services.add_seat(
            seat.enrolment, person=UserFactory(), role=TeamRole.EXECUTIVE_DIRECTOR, by=staff
        )
    assert "already the executive director" in field_errors(excinfo)["role"][0]


def test_removing_the_executive_director_is_refused_and_the_seat_stays(staff):
    enrolment = make_team(CohortFactory())
    director = enrolment.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    with pytest.raises(ValidationError) as excinfo:
        services.end_seat(director, by=staff)
    assert "Replace" in excinfo.value.messages[0]
    director.refresh_from_db()
    assert director.is_current


def test_the_executive_director_may_leave_when_the_program_does_not_require_one(staff):
    cohort = CohortFactory(program=ProgramFactory(required_roles=[]))
    director = SeatFactory(enrolment__cohort=cohort, role=TeamRole.EXECUTIVE_DIRECTOR)
    services.end_seat(director, by=staff)
    director.refresh_from_db()
    assert not director.is_current


def test_ending_a_seat_keeps_it_in_the_history(staff):
    enrolment = make_team(CohortFactory())
    member = enrolment.seats.get(role=TeamRole.MEMBER)
    services.end_seat(member, by=staff)
    member.refresh_from_db()
    assert member.ended_at is not None and member.ended_by == staff
    assert enrolment.seats.count() == 3
    assert enrolment.seats.current().count() == 2


def test_replacing_a_seat_ends_the_old_one_and_starts_a_new_one(staff):
    enrolment = make_team(CohortFactory())
    old = enrolment.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    newcomer = UserFactory()
    new = services.replace_seat(old, person=newcomer, role=TeamRole.EXECUTIVE_DIRECTOR, by=staff)
    old.refresh_from_db()
    assert old.ended_at == new.started_at
    assert old.ended_by == staff
    assert new.is_current and new.person == newcomer
    assert enrolment.seats.count() == 4
    assert enrolment.seats.current().get(role=TeamRole.EXECUTIVE_DIRECTOR).person == newcomer
    assert newcomer.memberships.filter(organisation=enrolment.organisation).exists()


def test_replacing_the_executive_director_with_a_member_role_is_refused(staff):
    enrolment = make_team(CohortFactory())
    director = enrolment.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    with pytest.raises(ValidationError) as excinfo:
        services.replace_seat(director, person=UserFactory(), role=TeamRole.MEMBER, by=staff)
    assert "without its executive director" in field_errors(excinfo)["role"][0]
    director.refresh_from_db()
    assert director.is_current
    assert enrolment.seats.count() == 3


def test_replacing_a_seat_with_someone_already_on_the_team_is_refused(staff):
    enrolment = make_team(CohortFactory())
    member = enrolment.seats.get(role=TeamRole.MEMBER)
    lead = enrolment.seats.get(role=TeamRole.TEAM_LEAD)
    with pytest.raises(ValidationError) as excinfo:
        services.replace_seat(member, person=lead.person, role=TeamRole.MEMBER, by=staff)
    assert "already on this team" in field_errors(excinfo)["person"][0]


def test_only_staff_change_a_team(world):
    seat = world.team_a.seats.get(role=TeamRole.MEMBER)
    for person in (world.fac1, world.team_a_ed, world.partner):
        with pytest.raises(PermissionDenied):
            services.end_seat(seat, by=person)
        with pytest.raises(PermissionDenied):
            services.add_seat(world.team_a, person=UserFactory(), role="member", by=person)
    seat.refresh_from_db()
    assert seat.is_current


# Readiness and starting ---------------------------------------------------------------------


def ready_cohort():
    """A cohort of a 2-4 organisation program with two full teams and a facilitator."""
    cohort = CohortFactory(facilitators=[UserFactory()])
    make_team(cohort)
    make_team(cohort)
    return cohort


def checks_by_label(cohort):
    return {str(check.label): check for check in readiness(cohort)}


def test_a_cohort_meeting_every_rule_is_ready():
    checks = checks_by_label(ready_cohort())
    assert list(checks) == [
        "Number of organisations",
        "Every team is full",
        "Every team has its executive director",
        "Facilitators named",
    ]
    assert all(check.ok for check in checks.values())


def test_readiness_counts_the_organisations_against_the_programs_range():
    cohort = CohortFactory(facilitators=[UserFactory()])
    make_team(cohort)
    check = checks_by_label(cohort)["Number of organisations"]
    assert not check.ok
    assert "1 enrolled" in check.detail and "between 2 and 4" in check.detail


def test_readiness_names_the_teams_that_are_not_full():
    cohort = ready_cohort()
    short = make_team(cohort, roles=[TeamRole.EXECUTIVE_DIRECTOR, TeamRole.MEMBER])
    check = checks_by_label(cohort)["Every team is full"]
    assert not check.ok
    assert short.organisation.name in check.detail


def test_readiness_names_the_teams_without_an_executive_director():
    cohort = ready_cohort()
    headless = make_team(cohort, roles=[TeamRole.TEAM_LEAD, TeamRole.MEMBER, TeamRole.MEMBER])
    checks = checks_by_label(cohort)
    assert checks["Every team is full"].ok
    assert not checks["Every team has its executive director"].ok
    assert headless.organisation.name in checks["Every team has its executive director"].detail


def test_readiness_ignores_ended_seats():
    cohort = ready_cohort()
    team = cohort.enrolments.first()
    member = team.seats.get(role=TeamRole.MEMBER)
    member.ended_at = member.started_at
    member.save()
    assert not checks_by_label(cohort)["Every team is full"].ok


def test_readiness_with_no_organisation_meets_no_team_rule():
    """ "Every team is full" is not met by a cohort without teams."""
    checks = checks_by_label(CohortFactory(facilitators=[UserFactory()]))
    for label in ("Every team is full", "Every team has its executive director"):
        assert not checks[label].ok
        assert checks[label].detail == "No organisation enrolled yet."


def test_readiness_wants_a_facilitator():
    cohort = ready_cohort()
    cohort.facilitators.clear()
    check = checks_by_label(cohort)["Facilitators named"]
    assert not check.ok
    assert check.detail == "No facilitator yet."


def test_starting_a_cohort_that_is_not_ready_lists_every_failed_rule(staff):
    cohort = CohortFactory()
    make_team(cohort, roles=[TeamRole.MEMBER])
    with pytest.raises(ValidationError) as excinfo:
        services.start_cohort(cohort, by=staff)
    messages = excinfo.value.messages
    assert len(messages) == 4
    assert messages[0].startswith("Number of organisations: 1 enrolled")
    assert messages[1].startswith("Every team is full:")
    assert messages[2].startswith("Every team has its executive director: Missing in")
    assert messages[3] == "Facilitators named: No facilitator yet."
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.PLANNED


def test_starting_a_ready_cohort_makes_it_active(staff):
    cohort = ready_cohort()
    services.start_cohort(cohort, by=staff)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.start_cohort(cohort, by=staff)


def test_a_facilitator_cannot_start_their_cohort():
    cohort = ready_cohort()
    with pytest.raises(PermissionDenied):
        services.start_cohort(cohort, by=cohort.facilitators.get())
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.PLANNED


def test_only_an_active_cohort_is_completed(staff):
    cohort = ready_cohort()
    with pytest.raises(ValidationError):
        services.complete_cohort(cohort, by=staff)
    services.start_cohort(cohort, by=staff)
    services.complete_cohort(cohort, by=staff)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.COMPLETED


# Programs -----------------------------------------------------------------------------------


def test_a_program_allowing_fewer_organisations_at_most_than_at_least_is_refused(staff):
    program = Program(
        name="Tiny",
        summary="x",
        months=3,
        session_count=3,
        min_organisations=4,
        max_organisations=2,
        team_size=2,
    )
    with pytest.raises(ValidationError):
        services.save_program(program, by=staff)
    assert not Program.objects.filter(name="Tiny").exists()
