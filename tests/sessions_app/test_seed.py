"""The demo's learning sessions: a full series per cohort, attendance on the held ones, one
moved, one cancelled and one team that missed two in a row, a completed cohort whose
sessions were all held — the same after a second run."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import User
from cohorts.models import Cohort
from cohorts.selectors import cohort_teams
from notifications.services import rows_about_any
from sessions_app.models import Attendance, LearningSession, Reschedule
from sessions_app.selectors import attendance_by_team, session_roll

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def counts():
    return {
        "sessions": LearningSession.objects.count(),
        "cancelled": LearningSession.objects.filter(status="cancelled").count(),
        "attendance": Attendance.objects.count(),
        "marked": Attendance.objects.exclude(mark="").count(),
        "reschedules": Reschedule.objects.count(),
    }


@pytest.fixture
def seeded(db):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", password="x", force=True)
        first = counts()
        call_command("seed_demo", password="x", force=True)
        yield first


def test_seeding_twice_gives_the_same_sessions_attendance_and_reschedules(seeded):
    assert counts() == seeded
    assert seeded["sessions"] > 0
    assert seeded["marked"] > 0


def test_each_active_cohort_has_a_full_series(seeded):
    for name in ["OE Cohort 1", "OE Cohort 2", "CPPP Community of Practice 2026–27"]:
        cohort = Cohort.objects.get(name=name)
        series = cohort.learning_sessions.exclude(title="Workplan office hour")
        assert series.count() == cohort.program.session_count, name
        assert series.filter(starts_at__lt=NOW).exists(), name
        assert series.filter(starts_at__gt=NOW).exists(), name


def test_held_sessions_have_attendance_and_upcoming_ones_none(seeded):
    held_unmarked = LearningSession.objects.filter(
        starts_at__lt=NOW, status="scheduled", attendances__isnull=True
    )
    upcoming_marked = Attendance.objects.filter(session__starts_at__gt=NOW).exclude(mark="")

    assert not held_unmarked.exists()
    assert not upcoming_marked.exists()


def test_one_session_is_rescheduled_and_one_cancelled(seeded):
    (move,) = Reschedule.objects.select_related("session")
    (cancelled,) = LearningSession.objects.filter(status="cancelled")

    assert move.session.starts_at == move.new_starts_at > NOW
    assert (move.new_starts_at - move.old_starts_at).days == 7
    assert move.session.sequence == 1
    assert move.reason
    assert cancelled.cancel_reason
    assert cancelled.sequence == 1


def test_a_team_of_oe_cohort_1_missed_the_last_two_held_sessions(seeded, client):
    cohort = Cohort.objects.get(name="OE Cohort 1")
    with time_machine.travel(NOW, tick=False):
        held, summary = attendance_by_team([cohort.pk], cohort_teams(cohort))[cohort.pk]
        client.force_login(User.objects.get(email="facilitator@demo.test"))
        response = client.get(cohort.get_absolute_url())

    assert len(held) >= 2
    flagged = [row.enrolment.organisation.state for row in summary if row.flagged]
    assert flagged == ["IA"]
    assert "has missed the last 2 sessions in a row." in response.content.decode()


def test_the_next_session_of_oe_cohort_1_has_answers_to_count(seeded):
    cohort = Cohort.objects.get(name="OE Cohort 1")
    upcoming = cohort.learning_sessions.filter(starts_at__gt=NOW, status="scheduled")
    following = upcoming.exclude(title="Workplan office hour").order_by("starts_at").first()
    with time_machine.travel(NOW, tick=False):
        roll = session_roll(following)

    assert roll.tally.attending > roll.tally.not_attending > 0
    answered = {team.enrolment.organisation.state for team in roll.teams if team.tally.attending}
    assert not answered & {"PA", "WI"}  # two teams have not answered yet
    assert [p.answer for p in roll.partners].count("attending") == 1
    # The demo's logins answer for themselves.
    logins = ["arizona@demo.test", "colorado@demo.test", "partner@demo.test"]
    assert not Attendance.objects.filter(session=following, person__email__in=logins).exists()


def test_the_completed_cohort_held_all_its_sessions_and_nothing_is_planned_for_them(seeded):
    cohort = Cohort.objects.get(status="completed")
    sessions = cohort.learning_sessions.all()

    assert sessions.count() == cohort.program.session_count
    assert all(session.ends_at < NOW for session in sessions)
    assert not sessions.filter(attendances__isnull=True).exists()
    # (Its check-ins have their messages: the demo shows that ladder.)
    assert not rows_about_any(sessions).exists()
