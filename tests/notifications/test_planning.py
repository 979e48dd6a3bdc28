"""Planning: the ledger changes in the same transaction as the change that causes it.

Scheduled on 1 September 2026; the session is Tuesday 6 October 2026, 10:00 in Denver.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from cohorts import services as cohorts
from cohorts.choices import TeamRole
from notifications import services as ledger
from notifications.models import Notification, QueueEntry
from sessions_app import services as sessions
from sessions_app.models import LearningSession, Reschedule
from tests.conftest import make_team, utc
from tests.factories import UserFactory
from tests.notifications.conftest import (
    OCTOBER_6,
    cohort1_people,
    cohort2_people,
    reminders,
    schedule,
)

pytestmark = pytest.mark.usefixtures("september")

WEEK, DAY = "before-10080m", "before-1440m"


def planned(session):
    return {
        (row.to_email, row.slot, row.due_at, row.state)
        for row in ledger.rows_about(session, "session_reminder")
    }


def test_a_scheduled_session_plans_a_week_before_and_a_day_before_reminder_for_everyone_it_concerns(
    world,
):
    session = schedule(world)

    people = cohort1_people(world)
    assert len(people) == 8
    assert planned(session) == {
        (person.email, slot, due, "scheduled")
        for person in people
        for slot, due in [(WEEK, utc(2026, 9, 29, 16, 0)), (DAY, utc(2026, 10, 5, 16, 0))]
    }
    assert {row.recipient for row in reminders(session)} == set(people)
    assert {row.cohort for row in reminders(session)} == {world.cohort1}


def test_people_of_other_cohorts_and_unassigned_partners_get_no_reminder(world):
    session = schedule(world)

    outsiders = [*cohort2_people(world), world.stray_partner, world.staff]
    assert not Notification.objects.filter(to_email__in=[p.email for p in outsiders]).exists()
    assert not reminders(session, recipient__in=outsiders).exists()


def test_a_cohorts_own_offsets_override_the_programs(world):
    world.cohort1.reminder_offsets = [60]
    world.cohort1.save()

    session = schedule(world)

    assert {(row.slot, row.due_at) for row in reminders(session)} == {
        ("before-60m", OCTOBER_6 - timedelta(hours=1))
    }


def test_a_rolled_back_reschedule_leaves_the_ledger_untouched(world):
    session = schedule(world)
    before = planned(session)
    ids = set(reminders(session).values_list("pk", flat=True))

    with pytest.raises(RuntimeError), transaction.atomic():
        sessions.reschedule_session(
            session, starts_at=OCTOBER_6 + timedelta(days=1), reason="Clash", by=world.staff
        )
        assert planned(session) != before  # planned inside the transaction…
        raise RuntimeError("the request failed after the reschedule")

    assert planned(session) == before  # …and gone with it.
    assert set(reminders(session).values_list("pk", flat=True)) == ids
    assert not ledger.rows_about(session, "session_rescheduled").exists()
    assert not Reschedule.objects.exists()


def test_a_failure_while_planning_undoes_the_reschedule_itself(world, monkeypatch):
    session = schedule(world)

    def broken_plan(**kwargs):
        raise IntegrityError("the ledger refused")

    monkeypatch.setattr(ledger, "plan_many", broken_plan)
    with pytest.raises(IntegrityError):
        sessions.reschedule_session(
            session, starts_at=OCTOBER_6 + timedelta(days=1), reason="Clash", by=world.staff
        )

    session.refresh_from_db()
    assert session.starts_at == OCTOBER_6
    assert not Reschedule.objects.exists()


def test_a_reschedule_moves_the_planned_rows_and_never_makes_a_second_copy(world):
    session = schedule(world)
    ids = set(reminders(session).values_list("pk", flat=True))
    new_time = OCTOBER_6 + timedelta(days=2)  # Thursday 8 October, 10:00 MDT

    sessions.reschedule_session(session, starts_at=new_time, reason="Clash", by=world.staff)

    assert set(reminders(session).values_list("pk", flat=True)) == ids
    assert planned(session) == {
        (person.email, slot, due, "scheduled")
        for person in cohort1_people(world)
        for slot, due in [(WEEK, utc(2026, 10, 1, 16, 0)), (DAY, utc(2026, 10, 7, 16, 0))]
    }
    row = reminders(session).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            kind=row.kind,
            content_type=row.content_type,
            object_id=row.object_id,
            to_email=row.to_email,
            slot=row.slot,
            due_at=row.due_at,
            not_before=row.due_at,
        )


def test_a_reschedule_plans_a_rescheduled_notice_for_each_person_with_the_old_time(world):
    session = schedule(world)

    sessions.reschedule_session(
        session, starts_at=OCTOBER_6 + timedelta(days=2), reason="Clash", by=world.staff
    )

    notices = ledger.rows_about(session, "session_rescheduled")
    assert {row.to_email for row in notices} == {p.email for p in cohort1_people(world)}
    # Due once the hold is over (NOTICE_HOLD_MINUTES, ten by default).
    assert {(row.state, row.due_at, row.slot) for row in notices} == {
        ("scheduled", utc(2026, 9, 1, 15, 10), "change-1")
    }
    assert {row.payload["old_starts_at"] for row in notices} == {OCTOBER_6.isoformat()}
    assert {row.payload["reason"] for row in notices} == {"Clash"}


def test_moving_it_twice_before_the_notice_went_plans_one_notice_and_one_reminder_per_slot(
    world,
):
    session = schedule(world)
    for days in (1, 2):
        sessions.reschedule_session(
            session, starts_at=OCTOBER_6 + timedelta(days=days), reason="Clash", by=world.staff
        )

    assert reminders(session).count() == 16
    assert ledger.rows_about(session, "session_rescheduled").count() == 8


def test_a_reminder_whose_new_due_time_is_past_is_cancelled_not_sent_late(world):
    session = schedule(world)
    # Moved to Friday 4 September: the week-before moment (28 August) has passed.
    sessions.reschedule_session(
        session, starts_at=utc(2026, 9, 4, 16, 0), reason="Sooner", by=world.staff
    )

    week = reminders(session, slot=WEEK)
    assert {(row.state, row.cancelled_reason) for row in week} == {
        ("cancelled", "Its moment passed before it could go (the time changed).")
    }
    assert {(row.state, row.due_at) for row in reminders(session, slot=DAY)} == {
        ("scheduled", utc(2026, 9, 3, 16, 0))
    }


def test_cancelling_cancels_the_reminders_with_the_reason_and_plans_cancellation_notices(world):
    session = schedule(world)

    sessions.cancel_session(session, reason="The facilitator is ill", by=world.staff)

    assert {(row.state, row.cancelled_reason) for row in reminders(session)} == {
        ("cancelled", "The session was cancelled.")
    }
    notices = ledger.rows_about(session, "session_cancelled")
    assert {row.to_email for row in notices} == {p.email for p in cohort1_people(world)}
    assert {(row.state, row.payload["reason"]) for row in notices} == {
        ("scheduled", "The facilitator is ill")
    }


def test_a_late_joiner_gets_only_the_reminders_still_ahead(world, september):
    session = schedule(world)
    small_team = make_team(world.cohort1, roles=[TeamRole.EXECUTIVE_DIRECTOR])
    september.move_to(utc(2026, 10, 1, 12, 0))  # after the week-before reminder's moment
    newcomer = UserFactory()

    cohorts.add_seat(small_team, person=newcomer, role=TeamRole.MEMBER, by=world.staff)

    assert {(row.slot, row.state) for row in reminders(session, to_email=newcomer.email)} == {
        (DAY, "scheduled")
    }


def test_a_seat_change_leaves_everyone_elses_rows_as_they_were(world, september):
    session = schedule(world)
    before = {
        (row.pk, row.state, row.due_at, row.revision, row.updated_at) for row in reminders(session)
    }
    small_team = make_team(world.cohort1, roles=[TeamRole.EXECUTIVE_DIRECTOR])
    cohorts.add_seat(small_team, person=UserFactory(), role=TeamRole.MEMBER, by=world.staff)

    after = {
        (row.pk, row.state, row.due_at, row.revision, row.updated_at) for row in reminders(session)
    }
    assert before <= after


def test_a_seat_change_does_not_cancel_reminders_that_are_due_and_still_waiting(world, september):
    """The broker was down for a while: the day-before reminders are due and not yet sent
    when someone joins a team. Their time did not change, so they still go."""
    session = schedule(world)
    small_team = make_team(world.cohort1, roles=[TeamRole.EXECUTIVE_DIRECTOR])
    september.move_to(utc(2026, 10, 5, 16, 20))
    in_flight = ledger.claim_batch(limit=1)

    cohorts.add_seat(small_team, person=UserFactory(), role=TeamRole.MEMBER, by=world.staff)

    [(claimed, token)] = in_flight
    waiting = reminders(session, recipient__in=cohort1_people(world)).exclude(pk=claimed)
    assert waiting.count() == 15
    assert {row.state for row in waiting} == {"scheduled"}
    assert QueueEntry.objects.get(notification=claimed).claim_token == token  # still claimed


def test_a_person_who_leaves_the_team_has_their_planned_rows_cancelled(world):
    session = schedule(world)
    seat = world.team_a.seats.get(role=TeamRole.MEMBER)

    cohorts.end_seat(seat, by=world.staff)

    rows = reminders(session, to_email=seat.person.email)
    assert {(row.state, row.cancelled_reason) for row in rows} == {
        ("cancelled", "The person is no longer part of this cohort.")
    }
    assert reminders(session, state="scheduled").count() == 14


def test_a_replaced_seat_cancels_the_old_persons_rows_and_plans_the_new_ones(world):
    session = schedule(world)
    seat = world.team_a.seats.get(role=TeamRole.TEAM_LEAD)
    successor = UserFactory()

    cohorts.replace_seat(seat, person=successor, role=TeamRole.TEAM_LEAD, by=world.staff)

    assert {row.state for row in reminders(session, to_email=seat.person.email)} == {"cancelled"}
    assert {(row.slot, row.state) for row in reminders(session, to_email=successor.email)} == {
        (WEEK, "scheduled"),
        (DAY, "scheduled"),
    }


def test_a_person_who_comes_back_gets_their_reminders_again_on_the_same_rows(world):
    session = schedule(world)
    seat = world.team_a.seats.get(role=TeamRole.MEMBER)
    cohorts.end_seat(seat, by=world.staff)
    ids = set(reminders(session, to_email=seat.person.email).values_list("pk", flat=True))

    cohorts.add_seat(world.team_a, person=seat.person, role=TeamRole.MEMBER, by=world.staff)

    rows = reminders(session, to_email=seat.person.email)
    assert set(rows.values_list("pk", flat=True)) == ids
    assert {row.state for row in rows} == {"scheduled"}


def test_a_session_of_the_past_plans_nothing(world):
    session = schedule(world, starts_at=utc(2026, 8, 1, 16, 0))

    assert not reminders(session).exists()


def test_a_cancelled_session_is_not_replanned_by_a_team_change(world):
    session = schedule(world)
    sessions.cancel_session(session, reason="Gone", by=world.staff)
    small_team = make_team(world.cohort1, roles=[TeamRole.EXECUTIVE_DIRECTOR])

    cohorts.add_seat(small_team, person=UserFactory(), role=TeamRole.MEMBER, by=world.staff)

    assert LearningSession.objects.get(pk=session.pk).is_cancelled
    assert not reminders(session, state="scheduled").exists()
