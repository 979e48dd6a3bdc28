"""The home page costs a fixed, small number of queries, whatever the person's cohorts; staff
open on the cohorts they watch.

For a signed-in person the queries are:
  1. the session row;
  2. the person (AuthenticationMiddleware);
  3. the person's roles, one query with four EXISTS (cohorts.selectors.roles_for, read
     once per request as request.roles, which the context processor reuses);
then, for someone who takes part in a cohort (staff who only watch have no "My upcoming
sessions"):
  4. the ids of the cohorts the person takes part in (sessions_app upcoming_for),
  5. the next learning sessions of those cohorts,
  6. their materials (a prefetch; none when no session is coming);
then one list per role held:
  staff        7. planned and active cohorts with their program, team count and failed
                  emails (two subqueries),
               8. the next session of each (a window over the sessions),
               9. the last two held sessions of each (a window; sessions_app's
                  attendance_by_team),
              10. who was present at them (none when no session was held),
              11. the teams of those cohorts,
              12. the count of invitations waiting;
  facilitator 13. the cohorts they facilitate, with program and team count;
  partner     14. the cohorts their organisation supports, with program and team count;
  team        15. their teams with organisation, cohort and program,
              16. the current seats of those teams with the people (one prefetch).
"""

import itertools
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.choices import CohortStatus
from notifications.models import Notification
from sessions_app.models import Attendance
from tests.conftest import SEPTEMBER_1, make_team
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
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

# Tuesday 1 September 2026, 11:00 in New York, where the factories' people live.
NOW = SEPTEMBER_1
ROLES = ["staff", "facilitator", "partner", "team", "all_four"]
ADDRESSES = itertools.count()


def held(cohort, weeks_ago, present=(), absent=(), **fields):
    """A session `weeks_ago` weeks back, with attendance taken: the people of `present`
    (seats) marked present, those of `absent` absent."""
    session = LearningSessionFactory(
        cohort=cohort, starts_at=NOW - timedelta(weeks=weeks_ago), **fields
    )
    for seats, mark in ((present, Attendance.Mark.PRESENT), (absent, Attendance.Mark.ABSENT)):
        for seat in seats:
            AttendanceFactory(
                session=session, person=seat.person, enrolment=seat.enrolment, mark=mark
            )
    return session


def failed_email(cohort, about):
    """A ledger row about a session of the cohort that could not be sent."""
    return Notification.objects.create(
        kind="session_reminder",
        content_type=ContentType.objects.get_for_model(about),
        object_id=about.pk,
        to_email=f"failed-{next(ADDRESSES)}@example.test",
        slot="before-1440m",
        cohort=cohort,
        due_at=NOW - timedelta(hours=1),
        not_before=NOW - timedelta(hours=1),
        state=Notification.State.FAILED,
        last_error="SMTPDataError: 554",
    )


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
        """A running cohort with what every list on the page shows: a team of other people
        that missed the two sessions held (so it is flagged), a session to come, and an
        email that failed."""
        cohort = CohortFactory(program=self.program, status=CohortStatus.ACTIVE)
        team = make_team(cohort)
        absent = list(team.seats.all())
        held(cohort, weeks_ago=2, absent=absent)
        last = held(cohort, weeks_ago=1, absent=absent)
        LearningSessionFactory(cohort=cohort, starts_at=NOW + timedelta(weeks=1))
        failed_email(cohort, last)
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
def test_home_page_takes_at_most_sixteen_queries(client, django_assert_max_num_queries, role):
    person = Person(role)
    for _ in range(3):
        person.add_cohort()
    client.force_login(person.user)
    # The queries listed at the top of this file.
    with django_assert_max_num_queries(16):
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
    # As many as with one cohort: the queries listed at the top of this file.
    with django_assert_num_queries(with_one):
        response = client.get(reverse("home"))
    content = response.content.decode()
    # The page really lists the 20 cohorts (so the fixed count is not an empty page's).
    assert all(cohort.name in content for cohort in [first, *more])
    if role in ("staff", "all_four"):
        # …with flagged teams and a failed email each, read in those same queries (the
        # person's own team, marked nowhere, is flagged too).
        cohorts = response.context["staff_cohorts"]
        flagged = 2 if role == "all_four" else 1
        assert [len(cohort.flagged_teams) for cohort in cohorts] == [flagged] * 20
        assert [cohort.failed_emails for cohort in cohorts] == [1] * 20
        assert all(cohort.next_session is not None for cohort in cohorts)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 9), ("facilitator", 7), ("partner", 7), ("team", 8), ("all_four", 16)],
)
def test_home_page_queries_are_the_ones_listed_above(client, role, expected):
    person = Person(role)
    person.add_cohort()
    client.force_login(person.user)
    count, _response = count_home_queries(client)
    assert count == expected


# What staff see -------------------------------------------------------------------------------


@pytest.fixture
def watched(db):
    """An active cohort with two teams (one missed the last two sessions), its next session
    and two failed emails; a planned cohort with nothing yet; a completed one."""
    active = CohortFactory(name="OE Cohort 1", status=CohortStatus.ACTIVE)
    steady, absent = make_team(active), make_team(active)
    for weeks_ago in (3, 2, 1):
        held(
            active,
            weeks_ago,
            present=steady.seats.all(),
            absent=absent.seats.all() if weeks_ago < 3 else (),
            number=7 - weeks_ago,
        )
    LearningSessionFactory(
        cohort=active, number=7, title="Budgets and equity", starts_at=NOW + timedelta(days=6)
    )
    LearningSessionFactory(cohort=active, number=8, starts_at=NOW + timedelta(days=13))
    for _ in range(2):
        failed_email(active, active)
    planned = CohortFactory(name="OE Cohort 2", status=CohortStatus.PLANNED)
    done = CohortFactory(name="OE Cohort 0", status=CohortStatus.COMPLETED)
    return active, planned, done, absent


def test_staff_home_opens_on_the_running_cohorts_with_what_needs_attention(client, watched):
    active, planned, done, absent = watched
    client.force_login(StaffFactory(time_zone="America/Los_Angeles"))
    content = client.get(reverse("home")).content.decode()

    assert "OE Cohort 1" in content and "OE Cohort 2" in content
    assert "OE Cohort 0" not in content
    # The next session, named and dated in the viewer's zone (15:00 UTC is 8:00 in LA).
    assert "Session 7: Budgets and equity" in content
    assert "Mon 7 Sep 2026, 08:00 PDT" in content
    # The team that missed the last two sessions, linking to the attendance on the cohort page.
    assert f"{active.get_absolute_url()}#attendance-heading" in content
    assert absent.organisation.name in content
    # The failed emails, linking to the Outbox filtered by the cohort and state.
    outbox = reverse("notifications:outbox")
    assert f'href="{outbox}?cohort={active.pk}&amp;state=failed">2 failed</a>' in content
    assert "None scheduled" in content  # the planned cohort has no session yet
    # Staff who take part in no cohort have no "My upcoming sessions" to leave empty.
    assert 'id="upcoming-heading"' not in content
    assert content.count('id="staff-heading"') == 1
    assert content.index('id="staff-heading"') < content.index("OE Cohort 1")


def test_staff_who_facilitate_also_see_their_upcoming_sessions(client, watched):
    active, *_ = watched
    staff = StaffFactory()
    active.facilitators.add(staff)
    client.force_login(staff)
    content = client.get(reverse("home")).content.decode()
    assert 'id="upcoming-heading"' in content
    assert content.index('id="staff-heading"') < content.index('id="upcoming-heading"')


def test_staff_home_totals_the_teams_to_follow_up_and_the_failed_emails(client, watched):
    client.force_login(StaffFactory())
    response = client.get(reverse("home"))
    assert response.context["flagged_total"] == 1
    assert response.context["failed_total"] == 2
