"""A cohort's progress page (dashboard.cohort_progress, dashboard/views/progress.py): every
figure against a small dataset whose numbers are worked out by hand below, the rules of
"needs attention", the sort, the "since" form, who may read it, its CSV, and its query count
at two sizes.

The day: Tuesday 20 October 2026, 11:00 in New York (the staff member's zone). Cohort one has
three teams: Juniper (team A of the world), Birch (team B) and Aspen (a third, enrolled on
5 October). Sessions: S1 1 Sep, S2 6 Oct, S3 13 Oct held (attendance taken); S4 15 Oct
started without attendance; S5 3 Nov ahead; S6 10 Nov cancelled.

Attendance (P present, A absent, E excused, - not marked), ED / lead / member:
             S1       S2       S3
  Juniper    P P A    A A A    A A A      represented 1 of 3, ED 1 of 3, missed last 2
  Birch      A A E    P P P    P - -      represented 2 of 3, ED 2 of 3
  Aspen      - - -    - - -    P - -      represented 1 of 3, ED 1 of 3
  marked     6        6        5          (17 people expected in all)
  present    2        3        2          (7 present: 41%)
  rate       33%      50%      40%
  teams      1 of 3   1 of 3   2 of 3
"""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.choices import TeamRole
from cohorts.models import Enrolment
from dashboard.cohort_progress import cohort_progress
from dashboard.progress import window
from sessions_app.models import Attendance, LearningSession
from tests.conftest import make_team
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory
from tests.workplans.factories import (
    ActionItemFactory,
    CheckInFactory,
    DimensionFactory,
    GoalFactory,
    RatingFactory,
    RubricFactory,
    SelfAssessmentFactory,
    SupportRequestFactory,
)
from workplans.choices import ActionStatus, AssessmentStatus, CheckInStatus, Phase, SupportStatus

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)  # 11:00 in New York
P, A, E = Attendance.Mark.PRESENT, Attendance.Mark.ABSENT, Attendance.Mark.EXCUSED
ROLES = [TeamRole.EXECUTIVE_DIRECTOR, TeamRole.TEAM_LEAD, TeamRole.MEMBER]


@pytest.fixture(autouse=True)
def _october_20():
    with time_machine.travel(NOW, tick=False):
        yield


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def seats(team):
    """The team's people: executive director, team lead, member."""
    current = {seat.role: seat.person for seat in team.seats.current()}
    return [current[role] for role in ROLES]


def mark(session, team, marks):
    for person, value in zip(seats(team), marks, strict=True):
        if value:
            AttendanceFactory(session=session, person=person, enrolment=team, mark=value)


def items(team, *specs):
    """Action items of the team's one goal: (status, due_on, done_at)."""
    goal = GoalFactory(workplan__enrolment=team)
    for status, due_on, done_at in specs:
        ActionItemFactory(
            goal=goal,
            status=status,
            due_on=due_on,
            done_at=done_at,
            blocked_reason="Waiting on the board" if status == ActionStatus.BLOCKED else "",
        )


def assessment(team, phase, levels, submitted=True):
    taken = SelfAssessmentFactory(
        enrolment=team,
        phase=phase,
        status=AssessmentStatus.SUBMITTED if submitted else AssessmentStatus.DRAFT,
        submitted_at=utc(2026, 9, 1, 12) if submitted else None,
    )
    for dimension, level in levels.items():
        RatingFactory(assessment=taken, dimension=dimension, level=level)


@pytest.fixture
def data(world):
    cohort = world.cohort1
    juniper, birch = world.team_a, world.team_b
    juniper.organisation.name = "Juniper Alliance"
    juniper.organisation.save()
    birch.organisation.name = "Birch Network"
    birch.organisation.save()
    Enrolment.objects.filter(pk__in=[juniper.pk, birch.pk]).update(created_at=utc(2026, 3, 1, 15))
    aspen = make_team(cohort)
    aspen.organisation.name = "Aspen Partners"
    aspen.organisation.save()
    Enrolment.objects.filter(pk=aspen.pk).update(created_at=utc(2026, 10, 5, 14))

    # Sessions
    def session(number, starts_at, **kwargs):
        return LearningSessionFactory(cohort=cohort, number=number, starts_at=starts_at, **kwargs)

    s1 = session(1, utc(2026, 9, 1, 16))
    s2 = session(2, utc(2026, 10, 6, 16))
    s3 = session(3, utc(2026, 10, 13, 16))
    session(4, utc(2026, 10, 15, 16))  # started, no attendance taken
    session(5, utc(2026, 11, 3, 17))  # ahead
    session(6, utc(2026, 11, 10, 17), status=LearningSession.Status.CANCELLED)
    mark(s1, juniper, [P, P, A])
    mark(s1, birch, [A, A, E])
    mark(s2, juniper, [A, A, A])
    mark(s2, birch, [P, P, P])
    mark(s3, juniper, [A, A, A])
    mark(s3, birch, [P, None, None])
    mark(s3, aspen, [P, None, None])
    # Another cohort's session and marks count nowhere here.
    other = LearningSessionFactory(cohort=world.cohort2, number=1, starts_at=utc(2026, 10, 1, 16))
    mark(other, world.team_c, [P, P, P])

    # Action items (today is 20 October: due before it and not done is overdue)
    done, todo = ActionStatus.DONE, ActionStatus.NOT_STARTED
    items(
        juniper,
        (done, date(2026, 10, 30), utc(2026, 10, 10, 12)),  # done since the window's day
        (done, date(2026, 9, 1), utc(2026, 9, 1, 12)),
        (todo, date(2026, 10, 1), None),  # overdue
        (todo, date(2026, 10, 5), None),  # overdue
        (ActionStatus.IN_PROGRESS, date(2026, 10, 19), None),  # overdue
        (ActionStatus.BLOCKED, date(2026, 9, 30), None),  # overdue
        (todo, date(2026, 10, 20), None),  # due today: not overdue
        (todo, None, None),
    )
    items(
        birch,
        (done, date(2026, 9, 1), utc(2026, 10, 19, 20)),  # done late, since: not overdue
        (done, date(2026, 9, 1), utc(2026, 8, 30, 12)),
        (todo, date(2026, 10, 1), None),  # overdue
        (todo, date(2026, 10, 2), None),  # overdue
        (ActionStatus.IN_PROGRESS, date(2026, 12, 1), None),
    )
    items(world.team_c, (todo, date(2026, 1, 1), None))  # another cohort's

    # Check-ins
    CheckInFactory(
        enrolment=juniper,
        number=1,
        due_on=date(2026, 9, 15),
        status=CheckInStatus.SUBMITTED,
        submitted_at=utc(2026, 9, 16, 2),  # 22:00 on 15 September in New York: on time
    )
    CheckInFactory(
        enrolment=juniper,
        number=2,
        due_on=date(2026, 10, 10),
        status=CheckInStatus.REVIEWED,
        submitted_at=utc(2026, 10, 12, 15),  # late, and in since the window's day
    )
    CheckInFactory(enrolment=juniper, number=3, due_on=date(2026, 11, 15))  # not due
    CheckInFactory(enrolment=birch, number=1, due_on=date(2026, 10, 1))  # overdue
    CheckInFactory(enrolment=birch, number=2, due_on=date(2026, 10, 20))  # due today

    # Support requests: open until closed
    for status in (SupportStatus.OPEN, SupportStatus.ASSIGNED, SupportStatus.CLOSED):
        SupportRequestFactory(enrolment=juniper, status=status)
    SupportRequestFactory(enrolment=birch, status=SupportStatus.ACCEPTED)
    SupportRequestFactory(enrolment=world.team_c)

    # Self-assessments on a rubric of three dimensions
    rubric = RubricFactory(program=cohort.program)
    d1, d2, d3 = (DimensionFactory(rubric=rubric, name=name) for name in ("Voice", "Data", "Power"))
    start, end = Phase.START, Phase.END
    assessment(juniper, start, {d1: 1, d2: 2, d3: 2})
    assessment(juniper, end, {d1: 3, d2: 2, d3: None})  # +2, 0, unrated: team 1.0
    assessment(birch, start, {d1: 2, d2: 1, d3: 1})
    assessment(birch, end, {d1: 4, d2: 4, d3: 4}, submitted=False)  # a draft: not counted
    assessment(aspen, start, {d1: 2, d2: 3, d3: 1})
    assessment(aspen, end, {d1: 3, d2: 2, d3: 3})  # +1, -1, +2: team 0.67
    return {"cohort": cohort, "juniper": juniper, "birch": birch, "aspen": aspen}


def progress_of(data, since=None, zone="America/New_York"):
    """The figures as the staff member in New York reads them (the page's middleware sets the
    viewer's zone; "today" and "on time" are days in it)."""
    with timezone.override(zone):
        return cohort_progress(data["cohort"], window(since))


def team(progress, name):
    return next(row for row in progress.teams if row.name.startswith(name))


# The figures ----------------------------------------------------------------------------------


def test_sessions_held_and_left(data):
    progress = progress_of(data)
    assert progress.sessions_held == 3
    assert progress.sessions_left == 1  # S5; S6 is cancelled
    assert progress.sessions_not_taken == 1  # S4


def test_attendance_rate_and_team_representation_per_session(data):
    progress = progress_of(data)
    assert [row.session.number for row in progress.sessions] == [1, 2, 3]
    assert [(row.present, row.marked, row.rate) for row in progress.sessions] == [
        (2, 6, 33),
        (3, 6, 50),
        (2, 5, 40),
    ]
    assert [(row.teams_present, row.teams, row.representation) for row in progress.sessions] == [
        (1, 3, 33),
        (1, 3, 33),
        (2, 3, 67),
    ]
    assert progress.average_attendance == 41  # 7 of 17


def test_each_teams_attendance_and_executive_director_attendance(data):
    progress = progress_of(data)
    juniper, birch, aspen = (team(progress, n) for n in ("Juniper", "Birch", "Aspen"))
    assert (juniper.represented, juniper.held, juniper.attendance_rate) == (1, 3, 33)
    assert (birch.represented, birch.attendance_rate) == (2, 67)
    assert (aspen.represented, aspen.attendance_rate) == (1, 33)
    assert (juniper.ed_present, birch.ed_present, aspen.ed_present) == (1, 2, 1)
    assert (juniper.missed_in_a_row, birch.missed_in_a_row, aspen.missed_in_a_row) == (2, 0, 0)


def test_workplan_progress_per_team(data):
    progress = progress_of(data)
    juniper, birch, aspen = (team(progress, n) for n in ("Juniper", "Birch", "Aspen"))
    assert (juniper.actions_done, juniper.actions_total, juniper.actions_overdue) == (2, 8, 4)
    assert (birch.actions_done, birch.actions_total, birch.actions_overdue) == (2, 5, 2)
    assert (aspen.actions_done, aspen.actions_total, aspen.actions_overdue) == (0, 0, 0)
    assert (progress.actions_done, progress.actions_total) == (4, 13)


def test_self_assessments_taken_and_average_change(data):
    progress = progress_of(data)
    juniper, birch, aspen = (team(progress, n) for n in ("Juniper", "Birch", "Aspen"))
    assert (juniper.start_taken, juniper.end_taken) == (True, True)
    assert (birch.start_taken, birch.end_taken) == (True, False)  # the end one is a draft
    assert juniper.average_change == pytest.approx(1.0)
    assert birch.average_change is None
    assert aspen.average_change == pytest.approx(2 / 3)
    # Per dimension over the teams: Voice +2 and +1; Data 0 and -1; Power only Aspen's +2.
    assert [(row.name, row.average, row.compared) for row in progress.dimensions] == [
        ("Voice", pytest.approx(1.5), 2),
        ("Data", pytest.approx(-0.5), 2),
        ("Power", pytest.approx(2.0), 1),
    ]


def test_checkins_on_time_and_overdue_and_open_support(data):
    progress = progress_of(data)
    juniper, birch, aspen = (team(progress, n) for n in ("Juniper", "Birch", "Aspen"))
    # Juniper's first came in at 22:00 New York time on its due day: on time in the viewer's zone.
    assert (juniper.checkins_submitted, juniper.checkins_on_time) == (2, 1)
    assert (juniper.checkins_due, juniper.checkins_overdue) == (2, 0)
    assert (birch.checkins_submitted, birch.checkins_due, birch.checkins_overdue) == (0, 2, 1)
    assert aspen.checkins_due == 0
    # Read in Honolulu, the same moment is 16:00 on the 15th; in UTC it is the 16th: late.
    assert team(progress_of(data, zone="UTC"), "Juniper").checkins_on_time == 0
    assert (juniper.support_open, birch.support_open, aspen.support_open) == (2, 1, 0)


def test_what_changed_in_the_last_30_days_by_default(data):
    changes = progress_of(data).changes
    assert changes.since == date(2026, 9, 20)
    assert changes.new_teams == 1  # Aspen, 5 October
    assert changes.sessions_held == 2  # S2, S3
    assert changes.actions_done == 2  # Juniper's of 10 October, Birch's of 19 October
    assert changes.checkins_in == 1  # Juniper's second


def test_what_changed_since_a_chosen_day(data):
    changes = progress_of(data, since=date(2026, 10, 11)).changes
    assert (changes.new_teams, changes.sessions_held) == (0, 1)
    assert (changes.actions_done, changes.checkins_in) == (1, 1)


def test_the_data_is_plain_and_picklable_for_a_cache(data):
    import pickle

    progress = progress_of(data)
    again = pickle.loads(pickle.dumps(progress))  # noqa: S301 (our own bytes, just made)
    assert [row.name for row in again.teams] == [row.name for row in progress.teams]
    assert not any("QuerySet" in type(value).__name__ for value in vars(progress).values())


# Needs attention ------------------------------------------------------------------------------


def test_needs_attention_rules_each_with_its_reason_in_words(data):
    progress = progress_of(data)
    assert team(progress, "Juniper").reasons == [
        "Missed the last 2 sessions in a row",
        "4 action items overdue",
    ]
    assert team(progress, "Birch").reasons == ["1 check-in overdue"]
    assert team(progress, "Aspen").reasons == []
    assert [row.name for row in progress.needing_attention] == ["Birch Network", "Juniper Alliance"]


def test_three_overdue_actions_are_not_over_the_threshold_four_are(data):
    goal = data["birch"].workplan.goals.get()
    ActionItemFactory(goal=goal, status="not_started", due_on=date(2026, 10, 3))
    assert team(progress_of(data), "Birch").reasons == ["1 check-in overdue"]  # 3 overdue
    ActionItemFactory(goal=goal, status="in_progress", due_on=date(2026, 10, 4))
    assert "4 action items overdue" in team(progress_of(data), "Birch").reasons


def test_missing_one_session_is_no_flag_and_a_submitted_checkin_clears_its_flag(data):
    # Juniper present at S3: the latest streak is broken.
    Attendance.objects.filter(session__number=3, enrolment=data["juniper"]).update(mark=P)
    CheckInFactory._meta.model.objects.filter(enrolment=data["birch"], number=1).update(
        status=CheckInStatus.SUBMITTED, submitted_at=NOW
    )
    progress = progress_of(data)
    assert team(progress, "Juniper").reasons == ["4 action items overdue"]
    assert team(progress, "Birch").reasons == []


# The page ------------------------------------------------------------------------------------


def url(data, **query):
    base = reverse("dashboard:cohort_progress", args=[data["cohort"].pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def team_order(response):
    return re.findall(r'<span class="team-name">([^<]+)</span>', response.content.decode())


def test_staff_sees_the_figures_and_the_rules_explained(client, world, data):
    client.force_login(world.staff)
    response = client.get(url(data))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Figures as of Tue 20 Oct 2026, 11:00 EDT" in page
    assert "What changed since 20 September 2026" in page
    assert "41%" in page  # average attendance
    assert "Missed the last 2 sessions in a row" in page
    assert "More than 3 of its action items are overdue" in page
    assert "Any of its check-ins is overdue" in page
    assert "the team members marked present out of the team members" in page
    assert 'role="img"' in page and "<title" in page  # charts with text alternatives
    # Links to each team's pages, and the staff and facilitator can open them.
    assert reverse("workplans:workplan", args=[data["aspen"].pk]) in page
    assert reverse("dashboard:team_home", args=[data["juniper"].pk]) in page


def test_the_teams_needing_attention_come_first(client, world, data):
    client.force_login(world.staff)
    assert team_order(client.get(url(data))) == [
        "Birch Network",
        "Juniper Alliance",
        "Aspen Partners",
    ]


@pytest.mark.parametrize(
    ("sort", "order", "sorted_column"),
    [
        ("team", ["Aspen", "Birch", "Juniper"], "Team"),
        ("-team", ["Juniper", "Birch", "Aspen"], "Team"),
        ("attendance", ["Aspen", "Juniper", "Birch"], "Sessions attended"),  # 33, 33, 67
        ("-attendance", ["Birch", "Aspen", "Juniper"], "Sessions attended"),
        ("done", ["Aspen", "Birch", "Juniper"], "Actions done"),  # 0, 2, 2
        ("-overdue", ["Juniper", "Birch", "Aspen"], "Overdue"),  # 4, 2, 0
    ],
)
def test_the_team_table_sorts_by_a_column(client, world, data, sort, order, sorted_column):
    client.force_login(world.staff)
    response = client.get(url(data, sort=sort))
    assert [name.split()[0] for name in team_order(response)] == order
    direction = "descending" if sort.startswith("-") else "ascending"
    sorted_headings = re.findall(
        r'<th scope="col" aria-sort="(\w+)"><a class="sort-link" href="[^"]*">([^<]+)<',
        response.content.decode(),
    )
    assert sorted_headings == [(direction, sorted_column)]


@pytest.mark.parametrize("sort", ["bogus", "-", "team;drop", "%00"])
def test_an_unknown_sort_gives_the_usual_order(client, world, data, sort):
    client.force_login(world.staff)
    response = client.get(url(data, sort=sort))
    assert response.status_code == 200
    assert team_order(response)[0] == "Birch Network"
    assert "aria-sort" not in response.content.decode()


def test_a_chosen_day_shows_its_changes(client, world, data):
    client.force_login(world.staff)
    page = client.get(url(data, since="2026-10-11")).content.decode()
    assert "What changed since 11 October 2026" in page
    assert "<strong>0</strong> new teams" in page
    assert "<strong>1</strong> session held" in page
    # The sort links keep the day.
    assert "since=2026-10-11&amp;sort=team" in page


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("not-a-date", "Enter a valid date."),
        ("2026-02-30", "Enter a valid date."),
        ("2026-10-21", "Pick a day that is not in the future."),
    ],
)
def test_a_bad_day_is_said_on_the_page_and_the_default_used(client, world, data, since, message):
    client.force_login(world.staff)
    response = client.get(url(data, since=since))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert "What changed since 20 September 2026" in page


@pytest.mark.parametrize(
    ("since", "heading"),
    [
        ("0001-01-01", "What changed since 1 January 0001"),
        ("", "What changed since 20 September 2026"),
        ("99999-01-01", "What changed since 20 September 2026"),
        ("2026-10-20", "What changed since 20 October 2026"),  # today is not the future
    ],
)
def test_odd_days_never_fail(client, world, data, since, heading):
    client.force_login(world.staff)
    response = client.get(url(data, since=since))
    assert response.status_code == 200
    assert heading in response.content.decode()


# Who may read it ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "cohort", "status"),
    [
        ("staff", "cohort1", 200),
        ("staff", "cohort2", 200),
        ("fac1", "cohort1", 200),
        ("fac1", "cohort2", 404),
        ("fac2", "cohort1", 404),
        ("team_a", "cohort1", 404),
        ("team_b", "cohort1", 404),
        ("partner", "cohort1", 404),
        ("stray_partner", "cohort1", 404),
    ],
)
@pytest.mark.parametrize("name", ["dashboard:cohort_progress", "dashboard:cohort_progress_csv"])
def test_staff_read_every_cohort_facilitators_theirs_and_no_one_else(
    client, world, role, cohort, status, name
):
    client.force_login(world.person(role))
    response = client.get(reverse(name, args=[getattr(world, cohort).pk]))
    assert response.status_code == status


def test_the_facilitator_opens_each_teams_pages_linked(client, world, data):
    client.force_login(world.fac1)
    client.get(url(data))
    for pk in (data["juniper"].pk, data["aspen"].pk):
        assert client.get(reverse("dashboard:team_home", args=[pk])).status_code == 200
        assert client.get(reverse("workplans:workplan", args=[pk])).status_code == 200


@pytest.mark.parametrize(
    ("role", "shown"),
    [("staff", True), ("fac1", True), ("team_a", False), ("partner", False)],
)
def test_the_cohort_page_links_to_progress_for_those_who_may_read_it(client, world, role, shown):
    client.force_login(world.person(role))
    page = client.get(reverse("dashboard:cohort_detail", args=[world.cohort1.pk])).content
    progress = reverse("dashboard:cohort_progress", args=[world.cohort1.pk])
    assert (progress.encode() in page) is shown


# The CSV ------------------------------------------------------------------------------------


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_the_csv_has_a_header_iso_dates_and_the_pages_rows(client, world, data):
    client.force_login(world.fac1)
    response = client.get(reverse("dashboard:cohort_progress_csv", args=[data["cohort"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cohort-' in response["Content-Disposition"]
    rows = read_csv(response)
    header, *teams = rows
    assert header[:4] == ["organisation", "state", "enrolled_on", "needs_attention"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in teams}
    assert list(by_name) == ["Birch Network", "Juniper Alliance", "Aspen Partners"]
    juniper = by_name["Juniper Alliance"]
    assert juniper["enrolled_on"] == "2026-03-01"
    assert (
        juniper["needs_attention"] == "Missed the last 2 sessions in a row; 4 action items overdue"
    )
    assert (juniper["sessions_held"], juniper["sessions_represented"]) == ("3", "1")
    assert (juniper["actions_total"], juniper["actions_done"], juniper["actions_overdue"]) == (
        "8",
        "2",
        "4",
    )
    assert juniper["average_change"] == "1.00"
    assert (juniper["checkins_on_time"], juniper["support_requests_open"]) == ("1", "2")
    assert by_name["Aspen Partners"]["enrolled_on"] == "2026-10-05"
    assert juniper["as_of"] == "2026-10-20T11:00:00-04:00"


def test_the_csv_follows_the_sort_asked_for(client, world, data):
    client.force_login(world.staff)
    response = client.get(
        reverse("dashboard:cohort_progress_csv", args=[data["cohort"].pk]) + "?sort=-overdue"
    )
    assert [row[0] for row in read_csv(response)[1:]] == [
        "Juniper Alliance",
        "Birch Network",
        "Aspen Partners",
    ]


def test_a_formula_looking_organisation_name_is_neutralised_in_the_csv(client, world, data):
    aspen = data["aspen"].organisation
    aspen.name = '=HYPERLINK("http://evil.example","Aspen")'
    aspen.save()
    client.force_login(world.staff)
    response = client.get(reverse("dashboard:cohort_progress_csv", args=[data["cohort"].pk]))
    names = [row[0] for row in read_csv(response)[1:]]
    assert '\'=HYPERLINK("http://evil.example","Aspen")' in names
    assert not any(name.startswith("=") for name in names)


# Queries at two sizes ------------------------------------------------------------------------


def grow(cohort, count):
    """Five times the data: `count` more teams, each with seats, action items, check-ins, a
    support request and both self-assessments; 12 more held sessions (15 in all), everyone
    of every team marked at each."""
    dimensions = list(RubricFactory(program=cohort.program).dimensions.all())
    for _ in range(count):
        extra = make_team(cohort)
        items(
            extra,
            (ActionStatus.DONE, date(2026, 10, 1), utc(2026, 10, 2)),
            (ActionStatus.NOT_STARTED, date(2026, 10, 1), None),
        )
        CheckInFactory(enrolment=extra, number=1, due_on=date(2026, 10, 1))
        SupportRequestFactory(enrolment=extra)
        assessment(extra, Phase.START, dict.fromkeys(dimensions, 2))
        assessment(extra, Phase.END, dict.fromkeys(dimensions, 3))
    more = [
        LearningSessionFactory(cohort=cohort, number=10 + n, starts_at=utc(2026, 8, 1 + n, 16))
        for n in range(12)
    ]
    seated = [
        (seat.enrolment, seat.person)
        for team in cohort.enrolments.all()
        for seat in team.seats.current().select_related("person")
    ]
    Attendance.objects.bulk_create(
        Attendance(session=session, person=person, enrolment=enrolment, mark=P)
        for session in more
        for enrolment, person in seated
    )


def count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["staff", "fac1"])
def test_the_page_costs_the_same_few_queries_at_one_and_five_times_the_data(
    client, world, data, role, django_assert_max_num_queries
):
    """The queries: the session (when not cached) and the person; whether they are staff
    (dashboard.progress); the cohort; the teams with every count as subqueries and their
    current seats (2); the held sessions and who was present at them (2); per held session
    the people marked and present; the sessions ahead and started; the rubric's dimensions
    with their average change; the person's roles (the page's menu): 11 or 12."""
    client.force_login(world.person(role))
    address = url(data, since="2026-10-01", sort="-attendance")
    with django_assert_max_num_queries(12):
        small = count_queries(client, address)
    grow(data["cohort"], 12)  # 3 teams become 15, 3 held sessions 15
    with django_assert_max_num_queries(12):
        large = count_queries(client, address)
    assert large == small
    response = client.get(address)
    assert len(team_order(response)) == 15
    assert response.context["progress"].sessions_held == 15


def test_the_csv_costs_the_same_queries_at_one_and_five_times_the_data(client, world, data):
    client.force_login(world.staff)
    address = reverse("dashboard:cohort_progress_csv", args=[data["cohort"].pk])

    def streamed():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
            rows = read_csv(response)
        return len(queries), len(rows)

    small, rows = streamed()
    assert rows == 4
    grow(data["cohort"], 12)
    large, rows = streamed()
    assert (large, rows) == (small, 16)
    assert small <= 12


def test_a_cohort_with_nothing_yet_reads_calmly(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("dashboard:cohort_progress", args=[world.cohort2.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "No session held yet" in page
    assert "rubric has no dimensions yet" in page
    assert "No team needs attention" in page
