"""A state's dossier (dashboard/dossier.py, dashboard:state_dossier): every figure checked
against a small dataset made by hand — Maryland's grantee took part in two cohorts of two
programs; Virginia's data, in the same cohort, must not show — who may open it (staff only),
codes in any case, and its queries (the same count with one team and with many)."""

import pickle
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.choices import CohortStatus, TeamRole
from cohorts.models import Seat
from dashboard.dossier import state_dossier
from dashboard.progress import window
from sessions_app.models import Attendance, LearningSession
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    ProgramFactory,
    SeatFactory,
    StaffFactory,
    UserFactory,
)
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory
from tests.workplans.factories import (
    ActionItemFactory,
    CheckInFactory,
    DimensionFactory,
    GoalFactory,
    RatingFactory,
    SelfAssessmentFactory,
    SupportRequestFactory,
    WorkplanFactory,
)
from workplans.choices import ActionStatus, CheckInStatus, SupportStatus, WorkplanStatus
from workplans.models import SupportEvent, WorkplanSnapshot

pytestmark = pytest.mark.django_db

# Monday 16 November 2026, 10:00 in New York (the viewer's zone): "today" is the 16th.
NOW = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 16)
QUERIES = 12  # the page's budget (issue 12), whatever the number of teams


def url(code):
    return reverse("dashboard:state_dossier", args=[code])


def at(day, hour=15):
    return datetime(*day, hour, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def held_session(cohort, number, day):
    return LearningSessionFactory(cohort=cohort, number=number, starts_at=at(day))


def mark(session, seat, how=Attendance.Mark.PRESENT):
    return AttendanceFactory(
        session=session, person=seat.person, enrolment=seat.enrolment, mark=how
    )


def seat(team, role, name, started, ended=None):
    return SeatFactory(
        enrolment=team,
        role=role,
        person=UserFactory(full_name=name),
        started_at=at(started),
        ended_at=at(ended) if ended else None,
    )


def rate(team, phase, levels, status="submitted"):
    assessment = SelfAssessmentFactory(enrolment=team, phase=phase, status=status)
    if status == "submitted":
        assessment.submitted_at = at((2026, 1, 20) if phase == "start" else (2026, 6, 20))
        assessment.save()
    for dimension, level in levels.items():
        RatingFactory(assessment=assessment, dimension=dimension, level=level)


@pytest.fixture
def maryland():
    """Maryland Family Network took part in the Operationalizing Equity pilot (completed) and
    in the Parent Power cohort (active); Maryland Early Years never enrolled. Virginia's team
    sits in the pilot beside it, with data of every kind."""
    oe = ProgramFactory(name="Equity in Practice")
    cppp = ProgramFactory(name="Parent Power")
    pilot = CohortFactory(
        program=oe,
        name="OE pilot",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 7, 5),
        status=CohortStatus.COMPLETED,
    )
    second = CohortFactory(
        program=cppp,
        name="Parent Power 2026",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 6, 1),
        status=CohortStatus.ACTIVE,
    )
    network = OrganisationFactory(name="Maryland Family Network", state="MD")
    OrganisationFactory(name="Maryland Early Years", state="MD")
    virginia = OrganisationFactory(name="Virginia Early Learning", state="VA")
    partner = PartnerOrganisationFactory(name="Data Partners")

    first = EnrolmentFactory(cohort=pilot, organisation=network)
    later = EnrolmentFactory(cohort=second, organisation=network)
    neighbour = EnrolmentFactory(cohort=pilot, organisation=virginia)

    # The pilot's team: its executive director, a team lead who left in March and the member
    # who came in her place. The later team: a new executive director.
    alice = seat(first, TeamRole.EXECUTIVE_DIRECTOR, "Alice Ames", (2026, 1, 5))
    bea = seat(first, TeamRole.TEAM_LEAD, "Bea Bell", (2026, 1, 5), ended=(2026, 3, 1))
    carl = seat(first, TeamRole.MEMBER, "Carl Cruz", (2026, 3, 1))
    seat(later, TeamRole.EXECUTIVE_DIRECTOR, "Dana Diaz", (2026, 9, 1))
    vic = seat(neighbour, TeamRole.EXECUTIVE_DIRECTOR, "Vic Vance", (2026, 1, 5))

    # The pilot held three sessions (a fourth had no attendance taken, a fifth was
    # cancelled): Maryland was there at the first (Alice, Bea) and the second (Carl), not at
    # the third (Alice marked absent). The later cohort has held none yet.
    one = held_session(pilot, 1, (2026, 2, 3))
    two = held_session(pilot, 2, (2026, 3, 3))
    three = held_session(pilot, 3, (2026, 4, 7))
    held_session(pilot, 4, (2026, 5, 5))
    LearningSessionFactory(
        cohort=pilot, number=5, starts_at=at((2026, 6, 2)), status=LearningSession.Status.CANCELLED
    )
    LearningSessionFactory(cohort=second, number=1, starts_at=at((2026, 12, 1)))
    mark(one, alice)
    mark(one, bea)
    mark(two, carl)
    mark(three, alice, Attendance.Mark.ABSENT)
    for session in (one, two, three):
        mark(session, vic)

    # The pilot's workplan: reviewed; two goals, four action items — two done, one overdue
    # (in progress, due 1 November), one ahead. Its snapshot: two goals, three items, one done.
    workplan = WorkplanFactory(
        enrolment=first, status=WorkplanStatus.REVIEWED, reviewed_at=at((2026, 3, 10))
    )
    leadership, data = GoalFactory(workplan=workplan), GoalFactory(workplan=workplan)
    ActionItemFactory(goal=leadership, status=ActionStatus.DONE, due_on=date(2026, 5, 1))
    ActionItemFactory(goal=leadership, status=ActionStatus.IN_PROGRESS, due_on=date(2026, 11, 1))
    ActionItemFactory(goal=data, status=ActionStatus.NOT_STARTED, due_on=date(2026, 12, 31))
    ActionItemFactory(goal=data, status=ActionStatus.DONE, due_on=date(2026, 10, 1))
    items = [{"status": "done"}, {"status": "in_progress"}]
    WorkplanSnapshot.objects.create(
        workplan=workplan,
        taken_at=at((2026, 7, 5), 12),
        data={"goals": [{"action_items": items}, {"action_items": [{"status": "blocked"}]}]},
    )
    # Virginia: a workplan with an overdue action item of its own.
    ActionItemFactory(
        goal=GoalFactory(workplan__enrolment=neighbour),
        status=ActionStatus.BLOCKED,
        blocked_reason="Waiting",
        due_on=date(2026, 8, 1),
    )

    # Self-assessments: the pilot's start 1, 2, 2 and end 3, 2, 4 on its three dimensions
    # (changes +2, 0, +2: on average +4/3). The later cohort's end is a draft: no change yet.
    d1, d2, d3 = (DimensionFactory(rubric__program=oe, name=f"OE {n}") for n in (1, 2, 3))
    e1, e2 = (DimensionFactory(rubric__program=cppp, name=f"PP {n}") for n in (1, 2))
    rate(first, "start", {d1: 1, d2: 2, d3: 2})
    rate(first, "end", {d1: 3, d2: 2, d3: 4})
    rate(later, "start", {e1: 2, e2: 3})
    rate(later, "end", {e1: 4, e2: 4}, status="draft")
    rate(neighbour, "start", {d1: 4, d2: 4, d3: 4})
    rate(neighbour, "end", {d1: 1, d2: 1, d3: 1})

    # Check-ins after the pilot: 1 reviewed (in on time), 2 submitted five days late,
    # 3 overdue by 14 days, 4 ahead. Virginia's first is overdue too.
    CheckInFactory(
        enrolment=first,
        number=1,
        due_on=date(2026, 10, 5),
        status=CheckInStatus.REVIEWED,
        submitted_at=at((2026, 10, 3)),
        reviewed_at=at((2026, 10, 6)),
    )
    CheckInFactory(
        enrolment=first,
        number=2,
        due_on=date(2026, 10, 20),
        status=CheckInStatus.SUBMITTED,
        submitted_at=at((2026, 10, 25)),
    )
    CheckInFactory(enrolment=first, number=3, due_on=date(2026, 11, 2))
    CheckInFactory(enrolment=first, number=4, due_on=date(2027, 2, 5))
    CheckInFactory(enrolment=neighbour, number=1, due_on=date(2026, 10, 1))

    # Support: the pilot's data request, closed, with 1.5 and 2 hours of help logged; the
    # later team's request, waiting; Virginia's, with 9 hours.
    helped = SupportRequestFactory(
        enrolment=first,
        partner=partner,
        status=SupportStatus.CLOSED,
        created_at=at((2026, 4, 1)),
    )
    for hours in ("1.5", "2"):
        SupportEvent.objects.create(
            request=helped, step="helped", given_on=date(2026, 4, 10), hours=Decimal(hours)
        )
    SupportEvent.objects.create(request=helped, step="asked")
    SupportRequestFactory(enrolment=later, focus_area="policy", created_at=at((2026, 10, 1)))
    theirs = SupportRequestFactory(enrolment=neighbour, partner=partner, focus_area="policy")
    SupportEvent.objects.create(
        request=theirs, step="helped", given_on=date(2026, 4, 10), hours=Decimal(9)
    )
    return {"first": first, "later": later, "neighbour": neighbour}


def read(code="MD"):
    return state_dossier(code, window())


# The figures -----------------------------------------------------------------------------------


def test_organisations_and_cohorts_of_the_state_only(maryland):
    dossier = read()

    assert (dossier.code, str(dossier.name)) == ("MD", "Maryland")
    assert dossier.as_of == NOW and dossier.today == TODAY
    assert [(o.name, o.teams) for o in dossier.organisations] == [
        ("Maryland Early Years", 0),
        ("Maryland Family Network", 2),
    ]
    assert [(t.cohort, t.program, t.cohort_status, t.organisation) for t in dossier.teams] == [
        ("OE pilot", "Equity in Practice", "completed", "Maryland Family Network"),
        ("Parent Power 2026", "Parent Power", "active", "Maryland Family Network"),
    ]
    assert (dossier.cohort_count, dossier.programs) == (2, ["Equity in Practice", "Parent Power"])


def test_teams_over_time_keep_those_who_left(maryland):
    first, later = read().teams

    assert [(p.name, str(p.role), p.executive_director, p.current) for p in first.people] == [
        ("Alice Ames", "Executive director", True, True),
        ("Carl Cruz", "Team member", False, True),
        ("Bea Bell", "Team lead", False, False),
    ]
    assert first.former_people[0].ended_at == at((2026, 3, 1))
    assert [p.name for p in later.current_people] == ["Dana Diaz"]


def test_attendance_counts_held_sessions_representation_and_the_executive_director(maryland):
    first, later = read().teams

    assert (first.attendance.held, first.attendance.represented) == (3, 2)
    assert first.attendance.ed_present == 1
    assert (first.attendance.missed_in_a_row, first.attendance.flagged) == (1, False)
    assert later.attendance.held == 0


def test_workplan_progress_and_its_snapshot(maryland):
    first, later = read().teams

    wp = first.workplan
    assert (wp.status, wp.goals) == ("reviewed", 2)
    assert (wp.actions_done, wp.actions_total, wp.actions_overdue) == (2, 4, 1)
    snap = first.snapshot
    assert (snap.taken_at, snap.goals, snap.actions_total, snap.actions_done) == (
        at((2026, 7, 5), 12),
        2,
        3,
        1,
    )
    assert later.workplan is None and later.snapshot is None


def test_self_assessment_change_per_dimension_and_on_average(maryland):
    first, later = read().teams

    a = first.assessment
    assert (a.start_status, a.end_status) == ("submitted", "submitted")
    assert [(d.name, d.start, d.end, d.change) for d in a.dimensions] == [
        ("OE 1", 1, 3, 2),
        ("OE 2", 2, 2, 0),
        ("OE 3", 2, 4, 2),
    ]
    assert a.average_change == pytest.approx(4 / 3)
    # A draft does not count: the later team has a start and no change yet.
    b = later.assessment
    assert (b.start_status, b.end_status, b.average_change) == ("submitted", "draft", None)
    assert [(d.start, d.end) for d in b.dimensions] == [(2, None), (3, None)]
    assert not b.compared


def test_checkins_in_words_on_time_late_and_overdue(maryland):
    dossier = read()
    first, later = dossier.teams

    assert [(c.number, c.stage, c.on_time, c.days_overdue) for c in first.checkins] == [
        (1, "reviewed", True, 0),
        (2, "submitted", False, 0),
        (3, "overdue", None, 14),
        (4, "upcoming", None, 0),
    ]
    assert (first.checkins_overdue, later.checkins, dossier.checkins_overdue) == (1, [], 1)


def test_support_received_with_the_hours_given(maryland):
    dossier = read()
    first, later = dossier.teams

    assert [(s.focus_area, s.status, s.partner, s.hours) for s in first.support] == [
        ("Data", "closed", "Data Partners", Decimal("3.5"))
    ]
    assert [(str(s.focus_area), s.partner, s.hours) for s in later.support] == [
        ("Policy", "", None)
    ]
    assert dossier.support_hours == Decimal("3.5")


def test_the_dossier_is_plain_data_that_pickles(maryland):
    dossier = read()

    copy = pickle.loads(pickle.dumps(dossier))  # noqa: S301 (our own bytes, as a cache holds them)

    assert copy == dossier


def test_another_state_reads_only_its_own(maryland):
    dossier = read("VA")

    (team,) = dossier.teams
    assert team.organisation == "Virginia Early Learning"
    assert team.assessment.average_change == -3
    assert [s.hours for s in team.support] == [Decimal(9)]
    assert (team.checkins_overdue, team.workplan.actions_overdue) == (1, 1)


def test_a_state_never_enrolled_has_an_empty_dossier(maryland):
    dossier = read("fl")

    assert (dossier.code, dossier.organisations, dossier.teams) == ("FL", [], [])


# The page --------------------------------------------------------------------------------------


def test_staff_read_the_page_with_its_figures(client, maryland):
    client.force_login(StaffFactory(time_zone="America/New_York"))

    response = client.get(url("MD"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "State dossier" in page and "<h1" in page and "Maryland" in page
    assert "As of Mon 16 Nov 2026, 10:00 EST" in page
    for text in (
        "Bea Bell",
        "(left)",
        "Maryland Early Years",
        "2 of 3",  # the pilot team represented at two of three held sessions
        "1 of 3",  # its executive director at one
        "2 of 4",  # action items done
        "+1.33",  # the average change
        "Overdue by 14 days",
        "late",
        "Data Partners",
        "3.5",
        "No session held yet",
        "Not started yet",
    ):
        assert text in page, text
    assert "Virginia" not in page
    assert "data-print-page" in page and "css/dossier.css" in page


def test_a_state_never_enrolled_says_so(client, maryland):
    client.force_login(StaffFactory())

    response = client.get(url("FL"))

    assert response.status_code == 200
    assert "Not enrolled in a program yet" in response.content.decode()


def test_a_lowercase_code_is_sent_to_the_capitals(client, maryland):
    client.force_login(StaffFactory())

    response = client.get(url("md"))

    assert response.status_code == 302 and response["Location"] == url("MD")


@pytest.mark.parametrize("code", ["ZZ", "zz", "Maryland", "M", "12"])
def test_an_unknown_code_is_a_404(client, code):
    client.force_login(StaffFactory())

    assert client.get(url(code)).status_code == 404


@pytest.mark.parametrize("role", ["fac1", "team_a", "partner"])
def test_everyone_but_staff_gets_a_404(client, world, role):
    client.force_login(world.person(role))
    code = world.team_a.organisation.state

    assert client.get(url(code)).status_code == 404
    assert client.get(url("ZZ")).status_code == 404


def test_a_post_is_not_allowed(client):
    client.force_login(StaffFactory())

    assert client.post(url("MD")).status_code == 405


# Queries ---------------------------------------------------------------------------------------


def grow(maryland, teams):
    """More of everything for Maryland: `teams` more grantees, each in the pilot with a full
    team (one who left), attendance, a workplan, self-assessments, check-ins and support."""
    pilot = maryland["first"].cohort
    sessions = list(pilot.learning_sessions.filter(number__lte=3))
    dimensions = list(pilot.program.rubric.dimensions.all())
    for n in range(teams):
        team = EnrolmentFactory(cohort=pilot, organisation=OrganisationFactory(state="MD"))
        ed = seat(team, TeamRole.EXECUTIVE_DIRECTOR, f"ED {n}", (2026, 1, 5))
        seat(team, TeamRole.TEAM_LEAD, f"Lead {n}", (2026, 1, 5), ended=(2026, 2, 1))
        for session in sessions:
            mark(session, ed)
        goal = GoalFactory(workplan__enrolment=team)
        ActionItemFactory.create_batch(3, goal=goal, due_on=date(2026, 10, 1))
        WorkplanSnapshot.objects.create(workplan=goal.workplan, data={"goals": []})
        rate(team, "start", dict.fromkeys(dimensions, 1))
        rate(team, "end", dict.fromkeys(dimensions, 2))
        for number in (1, 2):
            CheckInFactory(enrolment=team, number=number, due_on=date(2026, 10, number))
        request = SupportRequestFactory(enrolment=team)
        SupportEvent.objects.create(
            request=request, step="helped", given_on=date(2026, 4, 1), hours=Decimal(1)
        )


def page_queries(client):
    """The page's queries when its dossier is computed, not read from the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("MD"))
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_with_one_state_team_and_with_many(
    client, maryland, django_assert_max_num_queries
):
    client.force_login(StaffFactory())
    client.get(url("MD"))  # the session's first read is not the page's
    with django_assert_max_num_queries(QUERIES):
        small = page_queries(client)

    grow(maryland, 6)
    assert len(read().teams) == 8
    with django_assert_max_num_queries(QUERIES):
        large = page_queries(client)

    assert small == large


def test_the_dossier_reads_in_eight_queries(maryland, django_assert_num_queries):
    with django_assert_num_queries(8):
        read()
    grow(maryland, 3)
    with django_assert_num_queries(8):
        read()


def test_a_state_without_organisations_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        read("FL")


def test_seats_are_read_even_for_a_team_no_longer_seated(maryland):
    Seat.objects.filter(enrolment=maryland["later"]).update(ended_at=NOW - timedelta(days=1))

    _first, later = read().teams

    assert later.current_people == [] and [p.name for p in later.former_people] == ["Dana Diaz"]
