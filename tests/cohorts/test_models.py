import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cohorts.choices import TeamRole
from cohorts.models import Cohort, Enrolment, Program, Seat
from tests.conftest import make_team
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    ProgramFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_two_programs_exist_from_the_start():
    oe = Program.objects.get(name="Operationalizing Equity")
    assert (oe.months, oe.min_organisations, oe.max_organisations, oe.team_size) == (6, 6, 8, 3)
    assert oe.required_roles == [TeamRole.EXECUTIVE_DIRECTOR]
    cppp = Program.objects.get(short_name="CPPP")
    assert (cppp.months, cppp.session_count) == (9, 9)


def test_an_organisation_enrols_only_once_per_cohort():
    enrolment = EnrolmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(cohort=enrolment.cohort, organisation=enrolment.organisation)


def test_an_organisation_may_enrol_in_two_cohorts():
    organisation = OrganisationFactory()
    EnrolmentFactory(organisation=organisation)
    EnrolmentFactory(organisation=organisation)
    assert organisation.enrolments.count() == 2


@pytest.mark.parametrize("days", [-1, 0], ids=["before", "on_the_same_day"])
def test_a_cohort_cannot_end_before_it_starts(days):
    start = datetime.date(2026, 5, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(days=days))


def test_a_cohort_ends_by_default_after_its_programs_months():
    oe = Program.objects.get(name="Operationalizing Equity")
    assert Cohort.default_end(oe, datetime.date(2026, 3, 1)) == datetime.date(2026, 9, 1)
    # A month without the 31st ends on the last day of that month.
    assert Cohort.default_end(oe, datetime.date(2026, 3, 31)) == datetime.date(2026, 9, 30)


def test_a_program_cannot_allow_fewer_organisations_at_most_than_at_least():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramFactory(min_organisations=5, max_organisations=4)


def test_a_grantee_must_have_a_state():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(state="")


def test_a_planning_partner_must_have_a_focus_area():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerOrganisationFactory(focus_area="")


def test_a_team_has_only_one_current_executive_director():
    seat = SeatFactory(role=TeamRole.EXECUTIVE_DIRECTOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatFactory(enrolment=seat.enrolment, role=TeamRole.EXECUTIVE_DIRECTOR)


def test_a_person_holds_only_one_current_seat_on_a_team():
    seat = SeatFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Seat.objects.create(enrolment=seat.enrolment, person=seat.person, role=TeamRole.TEAM_LEAD)


def test_an_ended_seat_stays_in_the_history_beside_its_successor():
    enrolment = make_team(CohortFactory())
    old = enrolment.seats.get(role=TeamRole.EXECUTIVE_DIRECTOR)
    old.ended_at = timezone.now()
    old.save()
    # The same role and even the same person may take a new current seat.
    new = Seat.objects.create(enrolment=enrolment, person=old.person, role=old.role)
    history = list(enrolment.seats.filter(role=TeamRole.EXECUTIVE_DIRECTOR))
    assert history == [old, new]
    assert not old.is_current and new.is_current
    assert enrolment.seats.current().count() == 3


def test_a_seat_cannot_end_before_it_started():
    seat = SeatFactory()
    seat.ended_at = seat.started_at - datetime.timedelta(minutes=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        seat.save()


def test_a_person_is_shown_by_name():
    assert str(UserFactory(full_name="Ana Ruiz")) == "Ana Ruiz"
