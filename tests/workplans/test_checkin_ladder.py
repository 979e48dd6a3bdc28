"""One check-in walked through its whole ladder, hour by hour, with the real ledger: which
messages exist, which go, on which day and at which hour in each recipient's own zone.

Check-in 1 is due on Sunday 1 November 2026 (the day the US clocks go back; see
checkin_ladder_support). Its team lives in Denver, Phoenix and Honolulu; its facilitator in
New York. Every message goes at 9:00 on its day in the recipient's zone.
"""

import re
from datetime import date, time, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from cohorts import services as cohort_services
from notifications import kinds
from notifications import services as ledger
from notifications.models import Notification
from tests.conftest import utc
from tests.notifications.conftest import html_part
from tests.workplans.checkin_ladder_support import (
    DUE_ON,
    FACILITATOR_ZONE,
    completed_cohort,
    escalation_rows,
    first_checkin,
    ladder_rows,
    local,
    members,
    walk,
)
from workplans import checkin_ladder, checkin_links
from workplans.checkin_links import link_for
from workplans.choices import CheckInStatus

pytestmark = pytest.mark.django_db

State = Notification.State
# From the day before the first reminder to the day after the escalation.
WALK_FROM = utc(2026, 10, 24, 0, 0)
WALK_TO = utc(2026, 11, 24, 0, 0)
TEAM_DAYS = {
    "before-7d": date(2026, 10, 25),
    "due": date(2026, 11, 1),
    "overdue-7d": date(2026, 11, 8),
    "overdue-14d": date(2026, 11, 15),
}


@pytest.fixture
def phase():
    cohort, (enrolment,), (facilitator,), staff = completed_cohort()
    checkin = first_checkin(enrolment)
    return cohort, enrolment, checkin, facilitator, staff


@pytest.fixture
def clock():
    with time_machine.travel(WALK_FROM, tick=False) as traveller:
        yield traveller


def days_sent(sent, email):
    """(slot, local date, local time) of each message that went to `email`."""
    return [
        (
            item.row.slot,
            local(item.at, item.row.recipient.time_zone).date(),
            local(item.at, item.row.recipient.time_zone).time(),
        )
        for item in sent
        if item.to == email
    ]


def submit(checkin, person):
    """What the check-in page's submit does to the ladder, in its transaction."""
    with transaction.atomic():
        checkin.status = CheckInStatus.SUBMITTED
        checkin.submitted_at = timezone.now()
        checkin.submitted_by = person
        checkin.save()
        checkin_ladder.stop_ladder(checkin)


def test_completion_plans_four_team_messages_per_member_and_one_escalation_per_due_date(phase):
    cohort, enrolment, checkin, facilitator, _staff = phase

    rows = ladder_rows(checkin)
    assert set(rows.values_list("slot", flat=True)) == set(TEAM_DAYS)
    assert rows.count() == 4 * 3
    assert set(rows.values_list("state", flat=True)) == {State.SCHEDULED}
    # One escalation per check-in number (every team of the cohort is due the same day).
    assert sorted(escalation_rows(cohort).values_list("slot", flat=True)) == [
        "21d-2026-11-01",
        "21d-2027-02-01",
        "21d-2027-05-01",
        "21d-2027-08-01",
    ]


def test_each_message_is_planned_for_nine_in_the_members_own_zone_across_the_clock_change(phase):
    _cohort, enrolment, checkin, _facilitator, _staff = phase
    due = {
        (row.recipient.time_zone, row.slot): row.due_at
        for row in ladder_rows(checkin).select_related("recipient")
    }

    # Denver: 9:00 MDT (15:00 UTC) before 1 November, 9:00 MST (16:00 UTC) from it.
    assert due["America/Denver", "before-7d"] == utc(2026, 10, 25, 15, 0)
    assert due["America/Denver", "due"] == utc(2026, 11, 1, 16, 0)
    # Phoenix keeps UTC−7 all year, Honolulu UTC−10.
    assert due["America/Phoenix", "before-7d"] == utc(2026, 10, 25, 16, 0)
    assert due["America/Phoenix", "due"] == utc(2026, 11, 1, 16, 0)
    assert due["Pacific/Honolulu", "before-7d"] == utc(2026, 10, 25, 19, 0)
    assert due["Pacific/Honolulu", "overdue-14d"] == utc(2026, 11, 15, 19, 0)


def test_walking_the_whole_ladder_day_by_day(phase, clock):
    cohort, enrolment, checkin, facilitator, _staff = phase
    team = members(enrolment)

    sent = walk(WALK_FROM, WALK_TO, clock)

    for person in team:
        assert days_sent(sent, person.email) == [
            (slot, day, time(9, 0)) for slot, day in TEAM_DAYS.items()
        ], person.time_zone
    # 21 days overdue: the facilitator, once, at 9:00 in New York (EST by then).
    assert days_sent(sent, facilitator.email) == [("21d-2026-11-01", date(2026, 11, 22), time(9))]
    assert len(sent) == 4 * 3 + 1
    # Nothing more is planned for check-in 1: the ladder is capped.
    assert set(ladder_rows(checkin).values_list("state", flat=True)) == {State.SENT}
    later = Notification.objects.filter(due_at__gt=WALK_TO, object_id=checkin.pk)
    assert not later.filter(kind=checkin_ladder.REMINDER).exists()
    assert checkin_ladder.facilitator_told(checkin)


def test_the_reminders_say_when_and_carry_each_persons_signed_link(phase, clock):
    _cohort, enrolment, checkin, _facilitator, _staff = phase
    denver = next(p for p in members(enrolment) if p.time_zone == "America/Denver")

    sent = walk(utc(2026, 10, 25, 15, 0), utc(2026, 11, 8, 20, 0), clock)

    mine = [item.message for item in sent if item.to == denver.email]
    assert [message.subject for message in mine] == [
        f"Check-in 1 of {enrolment.organisation.name} is due on 1 November 2026",
        f"Check-in 1 of {enrolment.organisation.name} is due today",
        f"Check-in 1 of {enrolment.organisation.name} is 7 days overdue",
    ]
    # Each email carries a fresh signed link to the check-in's form, for that person.
    prefix = link_for(checkin, denver).rsplit("/", 2)[0] + "/"
    for message in mine:
        token = re.search(re.escape(prefix) + r"([^/\s]+)/", message.body).group(1)
        assert checkin_links.read(token) == checkin_links.Link(checkin.pk, denver.pk, False)
        assert prefix + token + "/" in html_part(message)
    assert "1 November 2026" in mine[0].body


def test_the_facilitator_digest_lists_every_overdue_team_of_the_cohort_in_one_email(clock):
    cohort, enrolments, (facilitator,), _staff = completed_cohort(teams=3, count=1)
    submit(first_checkin(enrolments[2]), members(enrolments[2])[0])
    walk(WALK_FROM, utc(2026, 11, 21, 0, 0), clock, step=timedelta(days=1))  # the team's ladder

    sent = walk(utc(2026, 11, 22, 0, 0), utc(2026, 11, 23, 0, 0), clock)

    assert [item.to for item in sent] == [facilitator.email]
    body = sent[0].message.body
    assert "Team 0, check-in 1: 21 days overdue" in body
    assert "Team 1, check-in 1: 21 days overdue" in body
    assert "Team 2" not in body
    assert sent[0].message.subject == f"{cohort.name}: 2 teams are late with their check-ins"


def test_submission_ten_days_overdue_stops_every_later_message(phase, clock):
    cohort, enrolment, checkin, facilitator, _staff = phase
    team = members(enrolment)
    # Day 10: ten days after the due date, after the first follow-up, before the second.
    submitted_at = utc(2026, 11, 11, 17, 0)

    def on_day_ten(now):
        if now == submitted_at:
            submit(checkin, team[0])

    sent = walk(WALK_FROM, WALK_TO, clock, each_hour=on_day_ten)

    for person in team:
        assert [slot for slot, _day, _time in days_sent(sent, person.email)] == [
            "before-7d",
            "due",
            "overdue-7d",
        ]
    assert days_sent(sent, facilitator.email) == []
    follow_up = ladder_rows(checkin).filter(slot="overdue-14d")
    assert set(follow_up.values_list("state", "cancelled_reason")) == {
        (State.CANCELLED, checkin_ladder.SUBMITTED)
    }
    escalation = escalation_rows(cohort).get(slot="21d-2026-11-01")
    assert (escalation.state, escalation.cancelled_reason) == (
        State.CANCELLED,
        checkin_ladder.NOBODY_OVERDUE,
    )
    assert not checkin_ladder.facilitator_told(checkin)


def test_a_claimed_follow_up_of_a_check_in_submitted_meanwhile_is_cancelled_not_sent(phase, clock):
    _cohort, enrolment, checkin, _facilitator, _staff = phase

    walk(WALK_FROM, utc(2026, 11, 7, 0, 0), clock, step=timedelta(days=1))
    clock.move_to(utc(2026, 11, 8, 19, 0))
    claimed = ledger.claim_batch(now=timezone.now())
    assert len(claimed) == 3  # the three members' 7-day follow-ups
    # Submitted between the claim and the send, without the service's cancelling.
    checkin.status = CheckInStatus.SUBMITTED
    checkin.save(update_fields=["status"])

    assert [ledger.deliver(pk, token) for pk, token in claimed] == ["skipped"] * 3
    rows = ladder_rows(checkin).filter(slot="overdue-7d")
    assert set(rows.values_list("state", "cancelled_reason")) == {
        (State.CANCELLED, checkin_ladder.SUBMITTED)
    }


def test_an_extension_sixteen_days_overdue_replans_the_ladder_and_tells_the_team(phase, clock):
    cohort, enrolment, checkin, facilitator, _staff = phase
    team = members(enrolment)
    extended_at = utc(2026, 11, 17, 15, 30)  # day 16, 10:30 in New York
    new_due = date(2026, 12, 1)

    def on_day_sixteen(now):
        if now == extended_at.replace(minute=0) + timedelta(hours=1):
            with transaction.atomic():
                checkin.due_on = new_due
                checkin.extension_reason = "Board meeting moved"
                checkin.extended_at = timezone.now()
                checkin.extended_by = facilitator
                checkin.save()
                checkin_ladder.tell_extension(checkin, by=facilitator)

    sent = walk(WALK_FROM, utc(2026, 12, 24, 0, 0), clock, each_hour=on_day_sixteen)

    for person in team:
        mine = [item for item in sent if item.to == person.email]
        assert [(item.row.kind, item.row.slot) for item in mine][4:] == [
            (checkin_ladder.EXTENDED, mine[4].row.slot),
            (checkin_ladder.REMINDER, "before-7d"),
            (checkin_ladder.REMINDER, "due"),
            (checkin_ladder.REMINDER, "overdue-7d"),
            (checkin_ladder.REMINDER, "overdue-14d"),
        ]
        told = mine[4]
        assert told.at == utc(2026, 11, 17, 16, 0)  # at once, not at 9:00
        assert "now due on 1 December 2026" in told.message.subject
        assert "Board meeting moved" in told.message.body
        assert [local(item.at, person.time_zone).date() for item in mine[5:]] == [
            date(2026, 11, 24),
            date(2026, 12, 1),
            date(2026, 12, 8),
            date(2026, 12, 15),
        ]
    # The old escalation (due 1 November) is cancelled; the new one went 21 days after 1 December.
    old = escalation_rows(cohort).get(slot="21d-2026-11-01")
    assert (old.state, old.cancelled_reason) == (State.CANCELLED, checkin_ladder.NOBODY_OVERDUE)
    assert days_sent(sent, facilitator.email) == [("21d-2026-12-01", date(2026, 12, 22), time(9))]
    assert FACILITATOR_ZONE == facilitator.time_zone
    assert DUE_ON == checkin.planned_due_on


def test_a_member_who_left_the_team_gets_nothing_more(phase, clock):
    _cohort, enrolment, checkin, _facilitator, staff = phase

    leaver_seat = enrolment.seats.current().exclude(role="executive_director").first()
    leaver = leaver_seat.person

    def leaves(now):
        if now == utc(2026, 10, 28, 12, 0):
            cohort_services.end_seat(leaver_seat, by=staff)

    sent = walk(WALK_FROM, WALK_TO, clock, each_hour=leaves)

    assert [item.row.slot for item in sent if item.to == leaver.email] == ["before-7d"]
    reasons = set(
        ladder_rows(checkin)
        .filter(recipient=leaver, slot__in=["due", "overdue-7d", "overdue-14d"])
        .values_list("state", "cancelled_reason")
    )
    assert reasons == {(State.CANCELLED, checkin_ladder.LEFT_TEAM)}
    assert len([item for item in sent if item.row.kind == checkin_ladder.REMINDER]) == 3 + 2 * 3


def test_a_member_whose_seat_ended_without_a_replan_is_stopped_at_send_time(phase, clock):
    _cohort, enrolment, checkin, _facilitator, _staff = phase
    seat = enrolment.seats.current().exclude(role="executive_director").first()
    seat.ended_at = utc(2026, 10, 20)
    seat.save(update_fields=["ended_at"])

    sent = walk(utc(2026, 10, 25, 0, 0), utc(2026, 10, 26, 0, 0), clock)

    assert seat.person.email not in [item.to for item in sent]
    row = ladder_rows(checkin).get(recipient=seat.person, slot="before-7d")
    assert (row.state, row.cancelled_reason) == (State.CANCELLED, checkin_ladder.LEFT_TEAM)


def test_a_due_date_changed_without_a_replan_is_stopped_at_send_time(phase, clock):
    _cohort, _enrolment, checkin, _facilitator, _staff = phase
    type(checkin).objects.filter(pk=checkin.pk).update(due_on=date(2026, 12, 1))

    sent = walk(utc(2026, 10, 25, 0, 0), utc(2026, 10, 26, 0, 0), clock)

    assert sent == []
    assert set(
        ladder_rows(checkin).filter(slot="before-7d").values_list("state", "cancelled_reason")
    ) == {(State.CANCELLED, checkin_ladder.DATE_CHANGED)}


def test_a_facilitator_taken_off_the_cohort_is_not_told(phase, clock):
    cohort, _enrolment, _checkin, facilitator, staff = phase

    clock.move_to(utc(2026, 11, 20, 12, 0))
    cohort_services.save_cohort(cohort, by=staff, facilitators=[], partners=[])

    row = escalation_rows(cohort).get(slot="21d-2026-11-01")
    assert (row.state, row.cancelled_reason) == (State.CANCELLED, checkin_ladder.NOT_FACILITATING)
    sent = walk(utc(2026, 11, 22, 0, 0), utc(2026, 11, 23, 0, 0), clock)
    assert facilitator.email not in [item.to for item in sent]


def test_the_outbox_names_the_check_in_and_the_cohort_each_message_is_about(phase):
    cohort, enrolment, checkin, _facilitator, _staff = phase

    team_label = kinds.get(checkin_ladder.REMINDER).describe([checkin])
    cohort_label = kinds.get(checkin_ladder.ESCALATION).describe([cohort])

    assert team_label == {checkin.pk: f"Check-in 1 of {enrolment.organisation.name}"}
    assert cohort_label == {cohort.pk: f"Overdue check-ins in {cohort.name}"}
    assert not kinds.get(checkin_ladder.REMINDER).digestible
