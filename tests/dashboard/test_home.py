"""The home page costs a fixed, small number of queries, whatever the person's cohorts.

For a signed-in person the queries are:
  1. the session row;
  2. the person (AuthenticationMiddleware);
  3. the person's roles, one query with four EXISTS (cohorts.selectors.roles_for, read
     once per request as request.roles, which the context processor reuses);
  4. the ids of the cohorts the person takes part in (sessions_app upcoming_for; someone in
     no cohort, most staff, stops here),
  5. the next learning sessions of those cohorts (not for someone in no cohort);
then one list per role held:
  staff        6. planned and active cohorts with their program and team count,
               7. the count of invitations waiting;
  facilitator  8. the cohorts they facilitate, with program and team count;
  partner      9. the cohorts their organisation supports, with program and team count;
  team        10. their teams with organisation, cohort and program,
              11. the current seats of those teams with the people (one prefetch).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_team
from tests.factories import (
    CohortFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    ProgramFactory,
    SeatFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["staff", "facilitator", "partner", "team", "all_four"]


class Person:
    """A person holding `role`, with a way to give them one more cohort of that role."""

    def __init__(self, role):
        self.role = role
        self.program = ProgramFactory()
        self.organisation = OrganisationFactory()
        self.partner_org = PartnerOrganisationFactory()
        self.user = StaffFactory() if role in ("staff", "all_four") else UserFactory()
        if role in ("partner", "all_four"):
            MembershipFactory(person=self.user, organisation=self.partner_org)

    def add_cohort(self):
        cohort = CohortFactory(program=self.program)
        # Every cohort has teams of other people, so counts and prefetches have rows.
        make_team(cohort)
        if self.role in ("facilitator", "all_four"):
            cohort.facilitators.add(self.user)
        if self.role in ("partner", "all_four"):
            cohort.partners.add(self.partner_org)
        if self.role in ("team", "all_four"):
            SeatFactory(
                enrolment__cohort=cohort,
                enrolment__organisation=self.organisation,
                person=self.user,
            )
        return cohort


def count_home_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("role", ROLES)
def test_home_page_takes_at_most_eleven_queries(client, django_assert_max_num_queries, role):
    person = Person(role)
    for _ in range(3):
        person.add_cohort()
    client.force_login(person.user)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("home"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_home_page_takes_the_same_queries_with_1_and_20_cohorts(
    client, django_assert_num_queries, role
):
    person = Person(role)
    first = person.add_cohort()
    client.force_login(person.user)
    with_one, response = count_home_queries(client)
    assert first.name in response.content.decode()

    more = [person.add_cohort() for _ in range(19)]
    with django_assert_num_queries(with_one):
        response = client.get(reverse("home"))
    content = response.content.decode()
    # The page really lists the 20 cohorts (so the fixed count is not an empty page's).
    assert all(cohort.name in content for cohort in [first, *more])


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 6), ("facilitator", 6), ("partner", 6), ("team", 7), ("all_four", 11)],
)
def test_home_page_queries_are_the_ones_listed_above(client, role, expected):
    person = Person(role)
    person.add_cohort()
    client.force_login(person.user)
    count, _response = count_home_queries(client)
    assert count == expected
