"""What the lower apps announce re-plans the ledger: a completed cohort, a new email address,
a seat that ends. Scheduled on 1 September 2026 for Tuesday 6 October 2026, 10:00 Denver."""

import pytest

from cohorts import services as cohorts
from cohorts.choices import CohortStatus
from notifications.models import Notification
from tests.notifications.conftest import reminders, schedule

pytestmark = pytest.mark.usefixtures("september")


def test_completing_a_cohort_cancels_the_reminders_of_the_sessions_it_still_has(world):
    session = schedule(world)
    other_cohort = schedule(world, cohort=world.cohort2)
    world.cohort1.status = CohortStatus.ACTIVE
    world.cohort1.save()

    cohorts.complete_cohort(world.cohort1, by=world.staff)

    assert set(reminders(session).values_list("state", flat=True)) == {"cancelled"}
    assert set(reminders(session).values_list("cancelled_reason", flat=True)) == {
        "The cohort was completed."
    }
    assert set(reminders(other_cohort).values_list("state", flat=True)) == {"scheduled"}


def test_a_new_email_address_gets_the_persons_future_messages_at_once(world):
    session = schedule(world)
    person = world.team_a_ed
    old = person.email

    person.email = "New.Address@example.org"
    person.save()

    assert not reminders(session, to_email=old).exists()
    moved = reminders(session, to_email="new.address@example.org")
    assert moved.count() == 2
    assert set(moved.values_list("state", flat=True)) == {"scheduled"}
    assert set(moved.values_list("recipient", flat=True)) == {person.pk}


def test_a_save_that_keeps_the_address_changes_no_message(world):
    session = schedule(world)
    before = set(reminders(session).values_list("pk", "to_email", "updated_at"))
    person = world.team_a_ed

    person.full_name = "Another Name"
    person.save()

    assert set(reminders(session).values_list("pk", "to_email", "updated_at")) == before


def test_a_sent_message_keeps_the_address_it_went_to(world):
    session = schedule(world)
    person = world.team_a_ed
    row = reminders(session, to_email=person.email).first()
    Notification.objects.filter(pk=row.pk).update(state="sent")
    old = person.email

    person.email = "elsewhere@example.org"
    person.save()

    row.refresh_from_db()
    assert (row.to_email, row.state) == (old, "sent")


def test_a_reminder_carries_its_offset_in_its_payload(world):
    session = schedule(world)

    assert sorted(reminders(session).values_list("payload__minutes", flat=True).distinct()) == [
        1440,
        10080,
    ]


def test_a_seat_that_ends_cancels_that_persons_reminders_only(world):
    session = schedule(world)
    seat = world.team_a.seats.exclude(role="executive_director").first()

    cohorts.end_seat(seat, by=world.staff)

    assert set(reminders(session, recipient=seat.person).values_list("state", flat=True)) == {
        "cancelled"
    }
    assert reminders(session, state="scheduled").count() == 2 * 7


def test_a_completed_cohort_plans_nothing_again_when_it_is_edited_or_its_teams_change(world):
    session = schedule(world)
    world.cohort1.status = CohortStatus.ACTIVE
    world.cohort1.save()
    cohorts.complete_cohort(world.cohort1, by=world.staff)
    world.cohort1.refresh_from_db()

    cohorts.save_cohort(world.cohort1, by=world.staff, facilitators=[world.fac1], partners=[])
    cohorts.end_seat(world.team_a.seats.exclude(role="executive_director").first(), by=world.staff)

    assert set(reminders(session).values_list("state", flat=True)) == {"cancelled"}


def test_an_address_used_before_carries_the_persons_messages_again(world):
    """They leave (their reminders are cancelled), change address, rejoin, change back."""
    session = schedule(world)
    seat = world.team_a.seats.exclude(role="executive_director").first()
    person, first = seat.person, seat.person.email
    cohorts.end_seat(seat, by=world.staff)
    person.email = "second@example.org"
    person.save()
    cohorts.add_seat(world.team_a, person=person, role=seat.role, by=world.staff)
    person.email = first
    person.save()

    back = reminders(session, to_email=first.lower())
    assert set(back.values_list("state", flat=True)) == {"scheduled"}
    assert back.count() == 2
    left = reminders(session, to_email="second@example.org")
    assert set(left.values_list("state", flat=True)) == {"cancelled"}
