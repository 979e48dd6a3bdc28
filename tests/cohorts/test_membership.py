"""Who takes part in a cohort is one rule (cohorts.models), read in both directions."""

import pytest
from django.utils import timezone

from cohorts.models import ALL_WAYS, Cohort, TakingPart, takes_part
from cohorts.selectors import roles_for
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EVERYONE = ["staff", "fac1", "fac2", "team_a", "team_b", "team_c", "partner", "stray_partner"]


@pytest.mark.parametrize("role", EVERYONE)
def test_the_cohorts_of_a_person_and_the_people_of_a_cohort_agree(world, role):
    person = world.person(role)
    mine = set(Cohort.objects.taking_part(person))
    assert mine == {cohort for cohort in Cohort.objects.all() if person in cohort.people()}


def test_a_cohort_is_its_team_members_facilitators_and_assigned_partners(world):
    team = {seat.person for team in (world.team_a, world.team_b) for seat in team.seats.all()}

    assert set(world.cohort1.people((TakingPart.TEAM,))) == team
    assert set(world.cohort1.people((TakingPart.FACILITATOR,))) == {world.fac1}
    assert set(world.cohort1.people((TakingPart.PARTNER,))) == {world.partner}
    assert set(world.cohort1.people()) == team | {world.fac1, world.partner}


def test_a_person_whose_seat_ended_no_longer_takes_part(world):
    seat = world.team_a.seats.first()
    seat.ended_at = timezone.now()
    seat.save()

    assert seat.person not in world.cohort1.people()
    assert not Cohort.objects.taking_part(seat.person).exists()


def test_a_closed_account_takes_part_in_nothing_it_is_told_about(world):
    world.fac1.is_active = False
    world.fac1.save()

    assert world.fac1 not in world.cohort1.people()


def test_a_member_of_an_unassigned_partner_is_in_no_cohort_until_it_is_assigned(world):
    assert not Cohort.objects.taking_part(world.stray_partner).exists()

    world.cohort2.partners.add(world.stray_partner_org)

    assert list(Cohort.objects.taking_part(world.stray_partner)) == [world.cohort2]


def test_a_person_on_two_teams_of_one_cohort_is_listed_once(world):
    person = world.team_a_ed
    MembershipFactory(person=person, organisation=world.team_b.organisation)
    world.team_b.seats.create(person=person, role="member")

    assert list(world.cohort1.people()).count(person) == 1
    assert list(Cohort.objects.taking_part(person)) == [world.cohort1]


def test_roles_are_read_without_writing_onto_the_person(world):
    person = world.fac1
    before = dict(vars(person))

    roles = roles_for(person)

    assert roles.facilitator and not roles.staff and not roles.team
    assert vars(person).keys() == before.keys()


def test_staff_is_the_group_or_a_superuser_and_nothing_else(world):
    from accounts.models import User

    superuser = User.objects.create_superuser("root@example.org", "x", full_name="Root")

    assert set(User.objects.staff()) == {world.staff, superuser}
    assert roles_for(superuser).staff and superuser.is_alliance_staff
    assert not roles_for(world.fac1).staff and not world.fac1.is_alliance_staff


@pytest.mark.parametrize("role", EVERYONE)
def test_a_cohort_whose_facilitators_are_read_answers_who_facilitates_it_without_a_query(
    world, role, django_assert_num_queries
):
    person = world.person(role)
    asked = world.cohort1.has_person(person, (TakingPart.FACILITATOR,))
    cohort = Cohort.objects.prefetch_related("facilitators").get(pk=world.cohort1.pk)

    with django_assert_num_queries(0):
        assert cohort.has_person(person, (TakingPart.FACILITATOR,)) == asked
    assert asked == (role == "fac1")


@pytest.mark.parametrize("role", EVERYONE)
@pytest.mark.parametrize("ways", [(TakingPart.FACILITATOR,), ALL_WAYS], ids=["facilitates", "any"])
def test_who_takes_part_read_with_a_cohort_is_the_same_answer_without_a_query(
    world, role, ways, django_assert_num_queries
):
    person = world.person(role)
    asked = world.cohort1.has_person(person, ways)
    cohort = Cohort.objects.annotate(read=takes_part(person, ways, cohort="pk")).get(
        pk=world.cohort1.pk
    )
    cohort.read_person(person, ways, cohort.read)

    assert cohort.read == asked
    with django_assert_num_queries(0):
        assert cohort.has_person(person, ways) == asked
