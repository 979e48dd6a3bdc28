"""The national view (dashboard/national.py, dashboard/views/national.py): each state's status
on a hand-made dataset, the count toward 50, the filters, what changed since a date, who may
read it, and its queries at two data sizes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.choices import CohortStatus, OrganisationKind
from dashboard.national import Filters, MapStatus, national_picture
from dashboard.progress import window
from sessions_app.models import Attendance, LearningSession
from tests.conftest import executive_director, make_team
from tests.factories import CohortFactory, OrganisationFactory, ProgramFactory, StaffFactory
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory
from tests.workplans.factories import ActionItemFactory, CheckInFactory
from workplans.choices import ActionStatus, CheckInStatus

NOW = datetime(2026, 10, 15, 17, 0, tzinfo=UTC)
SINCE = date(2026, 10, 1)
URL = "/progress/"


@pytest.fixture(autouse=True)
def _mid_october():
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class Nation:
    one: object  # program one
    two: object  # program two
    active: object  # program one, started 2026, active
    planned: object  # program one, starts 2027, planned
    done: object  # program two, 2025, completed
    done_one: object  # program one, 2025, completed
    teams: dict  # state code → its enrolments


def grantee(state):
    return OrganisationFactory(state=state)


@pytest.fixture
def nation(db):
    """AZ: active and completed (active wins). CO: planned and completed (starting soon wins).
    IA: completed, a check-in overdue. NC: completed, check-ins submitted or not yet due.
    PR: active (a territory). DC: completed (not a state). WA: only a funder enrolled (not a
    state grantee, so never). Every other state: never."""
    one = ProgramFactory(name="Program One")
    two = ProgramFactory(name="Program Two")
    active = CohortFactory(
        program=one, name="Active 2026", starts_on=date(2026, 3, 2), status=CohortStatus.ACTIVE
    )
    planned = CohortFactory(program=one, name="Planned 2027", starts_on=date(2027, 2, 1))
    done = CohortFactory(
        program=two, name="Done 2025", starts_on=date(2025, 1, 6), status=CohortStatus.COMPLETED
    )
    done_one = CohortFactory(
        program=one, name="Done One 2025", starts_on=date(2025, 2, 3),
        status=CohortStatus.COMPLETED,
    )  # fmt: skip
    az, co, ia, nc, pr, dc = (grantee(code) for code in ("AZ", "CO", "IA", "NC", "PR", "DC"))
    funder = OrganisationFactory(kind=OrganisationKind.FUNDER, state="WA")
    teams = {
        "AZ": [make_team(active, az), make_team(done, az)],
        "CO": [make_team(planned, co), make_team(done, co)],
        "IA": [make_team(done, ia)],
        "NC": [make_team(done_one, nc)],
        "PR": [make_team(active, pr)],
        "DC": [make_team(done, dc)],
        "WA": [make_team(active, funder, roles=())],
    }
    # Overdue: open and past due (yesterday). Not overdue: due today, or submitted late.
    CheckInFactory(enrolment=teams["IA"][0], number=1, due_on=date(2026, 10, 14))
    CheckInFactory(enrolment=teams["NC"][0], number=1, due_on=date(2026, 10, 15))
    CheckInFactory(
        enrolment=teams["NC"][0], number=2, due_on=date(2026, 9, 1),
        status=CheckInStatus.SUBMITTED, submitted_at=datetime(2026, 9, 20, tzinfo=UTC),
    )  # fmt: skip
    CheckInFactory(enrolment=teams["DC"][0], number=1, due_on=date(2026, 12, 1))
    return Nation(one, two, active, planned, done, done_one, teams)


def picture(**filters):
    return national_picture(Filters(**filters), window(SINCE))


def statuses(result):
    return {state.code: state.status for state in result.states}


def test_each_state_takes_the_first_status_that_applies(nation):
    result = statuses(picture())
    assert result["AZ"] == MapStatus.ACTIVE  # active beats alumni
    assert result["CO"] == MapStatus.STARTING  # planned beats alumni
    assert result["IA"] == MapStatus.ALUMNI_OVERDUE
    assert result["NC"] == MapStatus.ALUMNI_CURRENT  # due today is not overdue yet
    assert result["PR"] == MapStatus.ACTIVE
    assert result["DC"] == MapStatus.ALUMNI_CURRENT
    assert result["WA"] == MapStatus.NEVER  # a funder enrolled is not a state grantee
    assert result["TX"] == MapStatus.NEVER
    assert len(result) == 56  # 50 states, DC and 5 territories


def test_the_count_toward_fifty_leaves_out_dc_the_territories_and_starting_soon(nation):
    result = picture()
    assert result.reached == 3  # AZ, IA, NC; not CO (only starting), PR, DC
    assert result.starting_only == 1  # CO
    assert result.status_counts == {
        MapStatus.ACTIVE: 2,  # AZ, PR
        MapStatus.STARTING: 1,
        MapStatus.ALUMNI_CURRENT: 2,  # NC, DC
        MapStatus.ALUMNI_OVERDUE: 1,
        MapStatus.NEVER: 50,
    }


def test_a_state_row_counts_its_teams_cohorts_and_overdue_teams(nation):
    rows = {state.code: state for state in picture().states}
    assert rows["AZ"].teams == 2
    assert [cohort.name for cohort in rows["AZ"].cohorts] == ["Active 2026", "Done 2025"]
    assert rows["IA"].overdue_teams == 1
    assert rows["NC"].overdue_teams == 0
    assert rows["WA"].teams == 0


def test_filter_by_program(nation):
    result = statuses(picture(program=nation.two.pk))
    assert result["AZ"] == MapStatus.ALUMNI_CURRENT  # its active cohort is program one's
    assert result["CO"] == MapStatus.ALUMNI_CURRENT
    assert result["IA"] == MapStatus.ALUMNI_OVERDUE
    assert result["NC"] == MapStatus.NEVER  # program one only
    assert result["PR"] == MapStatus.NEVER


def test_filter_by_start_year(nation):
    result = statuses(picture(year=2027))
    assert {code for code, status in result.items() if status != MapStatus.NEVER} == {"CO"}
    assert result["CO"] == MapStatus.STARTING


def test_filter_by_cohort_state(nation):
    result = statuses(picture(status=CohortStatus.COMPLETED))
    assert result["AZ"] == MapStatus.ALUMNI_CURRENT
    assert result["CO"] == MapStatus.ALUMNI_CURRENT
    assert result["IA"] == MapStatus.ALUMNI_OVERDUE
    assert result["PR"] == MapStatus.NEVER
    cohorts = picture(status=CohortStatus.ACTIVE).cohorts
    assert [cohort.name for cohort in cohorts] == ["Active 2026"]


def test_the_cohorts_list_running_first_with_teams_and_states(nation):
    rows = picture().cohorts
    assert [row.name for row in rows] == [
        "Active 2026",
        "Planned 2027",
        "Done One 2025",
        "Done 2025",
    ]
    active = rows[0]
    assert (active.teams, active.states) == (2, 2)  # AZ and PR; the funder is not counted


def test_filters_through_the_page(nation, staff_client):
    response = staff_client.get(URL, {"program": nation.two.pk, "year": 2025})
    assert response.status_code == 200
    assert response.context["picture"].filters == Filters(program=nation.two.pk, year=2025)
    assert b"Iowa: Alumni \xe2\x80\x94 a check-in overdue" in response.content
    # With filters on, a state outside them is not said to have never been enrolled.
    assert b"North Carolina: Not in the cohorts chosen" in response.content


@pytest.mark.parametrize(
    "query",
    [
        {"year": "1999"},
        {"year": "twenty"},
        {"program": "abc"},
        {"program": "99999"},
        {"status": "bogus"},
        {"since": "not-a-date"},
        {"since": "2030-01-01"},
    ],
)
def test_a_bad_filter_is_said_on_the_page_and_left_off(nation, staff_client, query):
    response = staff_client.get(URL, query)
    assert response.status_code == 200
    assert "could not be used" in response.content.decode()
    assert response.context["picture"].filters == Filters()
    assert response.context["picture"].changes.since == date(2026, 9, 15)  # the default


def test_a_good_filter_beside_a_bad_one_is_kept(nation, staff_client):
    response = staff_client.get(URL, {"year": "2027", "status": "nonsense"})
    assert response.status_code == 200
    assert response.context["picture"].filters == Filters(year=2027)


def test_what_changed_since_a_date(nation):
    az_active = nation.teams["AZ"][0]
    az_done = nation.teams["AZ"][1]
    # New teams: every team above was made now, but three are older.
    for team in (nation.teams["NC"][0], nation.teams["DC"][0], az_done):
        type(team).objects.filter(pk=team.pk).update(created_at=datetime(2026, 9, 1, tzinfo=UTC))
    # Sessions: held in the window (counted), not yet marked, before, cancelled, ahead.
    person = executive_director(az_active)

    def session(starts_at, marked=True, **kwargs):
        held = LearningSessionFactory(cohort=nation.active, starts_at=starts_at, **kwargs)
        if marked:
            AttendanceFactory(session=held, person=person, enrolment=az_active)
        return held

    session(datetime(2026, 10, 6, 16, tzinfo=UTC))
    absent = session(datetime(2026, 10, 8, 16, tzinfo=UTC), marked=False)
    AttendanceFactory(
        session=absent, person=person, enrolment=az_active, mark=Attendance.Mark.ABSENT
    )
    session(datetime(2026, 10, 9, 16, tzinfo=UTC), marked=False)
    session(datetime(2026, 9, 29, 16, tzinfo=UTC))
    session(datetime(2026, 10, 13, 16, tzinfo=UTC), status=LearningSession.Status.CANCELLED)
    session(datetime(2026, 10, 20, 16, tzinfo=UTC), marked=False)
    # Actions: done in the window (2), done before, not done.
    for done_at in (datetime(2026, 10, 1, 6, tzinfo=UTC), datetime(2026, 10, 14, tzinfo=UTC)):
        ActionItemFactory(
            goal__workplan__enrolment=az_active, status=ActionStatus.DONE, done_at=done_at
        )
    ActionItemFactory(
        goal__workplan__enrolment=az_active, status=ActionStatus.DONE,
        done_at=datetime(2026, 9, 30, 23, tzinfo=UTC),
    )  # fmt: skip
    ActionItemFactory(goal__workplan__enrolment=az_active)
    # Check-ins: one submitted in the window (IA's), NC's earlier one is before.
    CheckInFactory(
        enrolment=nation.teams["IA"][0], number=2, due_on=date(2026, 10, 20),
        status=CheckInStatus.SUBMITTED, submitted_at=datetime(2026, 10, 2, tzinfo=UTC),
    )  # fmt: skip

    CheckInFactory(  # reopened by a facilitator: not in
        enrolment=nation.teams["IA"][0], number=3, due_on=date(2026, 10, 20),
        submitted_at=datetime(2026, 10, 3, tzinfo=UTC),
    )  # fmt: skip

    changes = picture().changes
    assert changes.since == SINCE
    # AZ active, CO ×2, IA, PR (the funder's enrolment is not a state grantee's team)
    assert changes.new_teams == 5
    assert changes.sessions_held == 2  # the marked one, and the one with an absence marked
    assert changes.actions_done == 2
    assert changes.checkins_in == 1

    # Within the filters: program two has none of the sessions or actions.
    two = picture(program=nation.two.pk).changes
    assert (two.sessions_held, two.actions_done, two.checkins_in) == (0, 0, 1)
    assert two.new_teams == 2  # CO and IA in Done 2025


def test_the_page_shows_what_changed_and_as_of(nation, staff_client):
    response = staff_client.get(URL, {"since": "2026-10-01"})
    html = response.content.decode()
    assert "What changed since 1 October 2026" in html
    assert "As of" in html


def test_the_default_window_is_the_last_thirty_days(nation, staff_client):
    response = staff_client.get(URL)
    assert response.context["picture"].changes.since == date(2026, 9, 15)


def test_every_tile_is_named_with_its_status_and_the_table_says_the_same(nation, staff_client):
    html = staff_client.get(URL).content.decode()
    assert 'aria-label="Arizona: In an active cohort"' in html
    assert 'aria-label="Colorado: Starting soon"' in html
    assert "<title>Texas: Never enrolled</title>" in html
    assert html.count('class="map-tile"') == 56
    assert "3</span> of 50 states reached" in html
    assert html.count(f'href="{reverse("dashboard:state_dossier", args=["AZ"])}"') == 2
    assert f'href="{reverse("dashboard:export_checkins")}"' in html
    assert f'href="{reverse("dashboard:cohort_progress", args=[nation.active.pk])}"' in html


def test_staff_read_the_national_view(world, client):
    client.force_login(world.staff)
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("role", ["fac1", "team_a", "partner"])
def test_everyone_else_gets_a_404(world, client, role):
    client.force_login(world.person(role))
    assert client.get(URL).status_code == 404


def test_the_url_name(db):
    assert reverse("dashboard:national") == URL


def grow(size, programs):
    """`size` cohorts of three teams each (states in turn), half completed with an overdue
    check-in and a submitted one, each with a held session and a done action."""
    states = ["AL", "AK", "AR", "CA", "CT", "FL", "GA", "HI", "ID", "IL", "IN", "KS"]
    for n in range(size):
        status = CohortStatus.COMPLETED if n % 2 else CohortStatus.ACTIVE
        cohort = CohortFactory(
            program=programs[n % 2], starts_on=date(2024 + n % 3, 1, 1 + n), status=status
        )
        session = LearningSessionFactory(cohort=cohort, starts_at=datetime(2026, 10, 6, tzinfo=UTC))
        for t in range(3):
            team = make_team(cohort, grantee(states[(n * 3 + t) % len(states)]))
            AttendanceFactory(session=session, person=executive_director(team), enrolment=team)
            ActionItemFactory(
                goal__workplan__enrolment=team, status=ActionStatus.DONE,
                done_at=datetime(2026, 10, 7, tzinfo=UTC),
            )  # fmt: skip
            if status == CohortStatus.COMPLETED:
                CheckInFactory(enrolment=team, number=1, due_on=date(2026, 9, 1))
                CheckInFactory(
                    enrolment=team, number=2, due_on=date(2026, 10, 1),
                    status=CheckInStatus.SUBMITTED, submitted_at=datetime(2026, 10, 2, tzinfo=UTC),
                )  # fmt: skip


def test_the_page_takes_the_same_few_queries_at_two_sizes(
    nation, client, django_assert_max_num_queries
):
    # The session and its person, the filter choices, the state grantees' enrolments grouped
    # by state and cohort, the cohorts, then sessions held, actions done and check-ins in.
    client.force_login(StaffFactory())
    query = {"since": "2026-10-01", "status": "completed"}
    counts = []
    for size in (2, 12):
        grow(size, [nation.one, nation.two])
        with django_assert_max_num_queries(12):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(URL, query)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # 18 cohorts: 12 listed, the rest counted
    listed = picture()
    assert (len(listed.cohorts), listed.more_cohorts) == (12, 6)
    # 7 completed cohorts of the 14 grown, 3 teams each, one check-in in each in the window
    assert response.context["picture"].changes.checkins_in == 21
