"""Attendance by team and the consecutive-absence flag: one read, sessions_app.selectors'
attendance_by_team, for the cohort page (one cohort, every held session) and the staff home
(every running cohort, the latest held sessions only)."""

from datetime import timedelta

import pytest

from cohorts.selectors import cohort_teams
from sessions_app.models import Attendance, LearningSession
from sessions_app.selectors import MISSED_IN_A_ROW, attendance_by_team
from tests.conftest import SEPTEMBER_1, make_team
from tests.factories import CohortFactory
from tests.sessions_app.factories import AttendanceFactory, LearningSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("september")]

NOW = SEPTEMBER_1


def held(cohort, weeks_ago, present=(), absent=()):
    """A session `weeks_ago` weeks back, with attendance taken: the people of the teams in
    `present` marked present, those of `absent` absent."""
    session = LearningSessionFactory(cohort=cohort, starts_at=NOW - timedelta(weeks=weeks_ago))
    for teams, mark in ((present, Attendance.Mark.PRESENT), (absent, Attendance.Mark.ABSENT)):
        for team in teams:
            for seat in team.seats.all():
                AttendanceFactory(session=session, person=seat.person, enrolment=team, mark=mark)
    return session


@pytest.fixture
def patterns():
    """A cohort whose five teams show every pattern of presence over four held sessions,
    with a session whose attendance was not taken and a cancelled one among them."""
    cohort = CohortFactory()
    always, missed_last_two, missed_one, came_back, never = (make_team(cohort) for _ in range(5))
    sessions = [
        held(cohort, 4, present=[always, missed_last_two, missed_one], absent=[never]),
        held(cohort, 3, present=[always, missed_last_two, missed_one], absent=[came_back, never]),
    ]
    # Attendance not taken: not a held session.
    LearningSessionFactory(cohort=cohort, starts_at=NOW - timedelta(days=17))
    cancelled = held(cohort, 2, present=[came_back])
    cancelled.status = LearningSession.Status.CANCELLED
    cancelled.save()
    sessions += [
        held(cohort, 2, present=[always, came_back], absent=[missed_one]),
        held(cohort, 1, present=[always, missed_one, came_back]),
    ]
    teams = {
        "always": always,
        "missed_last_two": missed_last_two,
        "missed_one": missed_one,
        "came_back": came_back,
        "never": never,
    }
    return cohort, teams, sessions


def by_name(teams, rows):
    names = {team.pk: name for name, team in teams.items()}
    return {names[row.enrolment.pk]: row for row in rows}


def test_a_team_that_missed_the_latest_held_sessions_in_a_row_is_flagged(patterns):
    cohort, teams, sessions = patterns

    held_sessions, rows = attendance_by_team([cohort.pk], cohort_teams(cohort))[cohort.pk]

    # Held: scheduled, started and with attendance taken; oldest first.
    assert held_sessions == sessions
    rows = by_name(teams, rows)
    assert {name: row.missed_in_a_row for name, row in rows.items()} == {
        "always": 0,
        "missed_last_two": 2,
        "missed_one": 0,
        "came_back": 0,
        "never": 4,
    }
    assert {name for name, row in rows.items() if row.flagged} == {"missed_last_two", "never"}


def test_reading_only_the_latest_held_sessions_flags_the_same_teams(patterns):
    """The staff home reads the latest MISSED_IN_A_ROW held sessions of each cohort; the
    cohort page reads them all. The flag looks no further back, so both flag the same teams."""
    cohort, teams, sessions = patterns

    everything = attendance_by_team([cohort.pk], cohort_teams(cohort))[cohort.pk]
    latest = attendance_by_team([cohort.pk], cohort_teams(cohort), latest=MISSED_IN_A_ROW)

    held_sessions, rows = latest[cohort.pk]
    assert held_sessions == sessions[-MISSED_IN_A_ROW:]
    flagged = {name for name, row in by_name(teams, rows).items() if row.flagged}
    assert flagged == {name for name, row in by_name(teams, everything[1]).items() if row.flagged}
    assert flagged == {"missed_last_two", "never"}


def test_one_held_session_missed_does_not_flag(db):
    cohort = CohortFactory()
    team = make_team(cohort)
    held(cohort, 1, absent=[team])

    (row,) = attendance_by_team([cohort.pk], cohort_teams(cohort))[cohort.pk][1]

    assert (row.missed_in_a_row, row.flagged) == (1, False)


def test_many_cohorts_are_read_in_two_queries_each_team_with_its_own_cohort(
    django_assert_num_queries,
):
    quiet, busy, unheld = CohortFactory(), CohortFactory(), CohortFactory()
    quiet_team, busy_team, unheld_team = make_team(quiet), make_team(busy), make_team(unheld)
    for weeks_ago in (3, 2, 1):
        held(quiet, weeks_ago, present=[quiet_team])
        held(busy, weeks_ago, absent=[busy_team])
    teams = [quiet_team, busy_team, unheld_team]
    ids = [quiet.pk, busy.pk, unheld.pk]

    # The held sessions of the three cohorts, then who was present at them.
    with django_assert_num_queries(2):
        by_cohort = attendance_by_team(ids, teams, latest=MISSED_IN_A_ROW)

    assert [len(by_cohort[pk][0]) for pk in ids] == [2, 2, 0]
    assert [[row.enrolment for row in by_cohort[pk][1]] for pk in ids] == [[team] for team in teams]
    assert [by_cohort[pk][1][0].flagged for pk in ids] == [False, True, False]
