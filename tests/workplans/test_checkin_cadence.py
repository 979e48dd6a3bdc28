"""The check-ins a completed cohort gets from its program's cadence, and how a change to the
cadence, the end date or the number of check-ins moves those not submitted yet."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts import services as cohort_services
from cohorts.choices import CohortStatus
from notifications import services as ledger
from notifications.models import Notification
from tests.conftest import utc
from tests.factories import CohortFactory, ProgramFactory, StaffFactory, UserFactory
from tests.workplans.checkin_ladder_support import (
    COMPLETED_AT,
    ENDS_ON,
    completed_cohort,
    escalation_rows,
    ladder_rows,
    team,
)
from workplans import checkin_ladder
from workplans.choices import CheckInStatus
from workplans.models import CheckIn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_completion():
    with time_machine.travel(utc(2026, 8, 10, 12, 0), tick=False):
        yield


def due_dates(enrolment):
    return list(
        CheckIn.objects.filter(enrolment=enrolment)
        .order_by("number")
        .values_list("number", "due_on", "planned_due_on")
    )


def test_completing_a_cohort_gives_each_team_the_programs_check_ins():
    cohort, enrolments, _facilitators, _staff = completed_cohort(teams=2, count=4, every=3)

    for enrolment in enrolments:
        assert due_dates(enrolment) == [
            (1, date(2026, 11, 1), date(2026, 11, 1)),
            (2, date(2027, 2, 1), date(2027, 2, 1)),
            (3, date(2027, 5, 1), date(2027, 5, 1)),
            (4, date(2027, 8, 1), date(2027, 8, 1)),
        ]
    assert CheckIn.objects.filter(status=CheckInStatus.OPEN).count() == 8


def test_months_are_calendar_months_so_the_end_of_a_month_stays_in_its_month():
    program = ProgramFactory(checkin_every_months=1, checkin_count=3)
    cohort = CohortFactory(program=program, starts_on=date(2025, 8, 31), ends_on=date(2026, 1, 31))
    enrolment = team(cohort, zones=["UTC"])
    cohort.status = CohortStatus.COMPLETED
    cohort.save()

    checkin_ladder.create_checkins(cohort=cohort)

    assert [due for _n, due, _p in due_dates(enrolment)] == [
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_planning_again_is_idempotent():
    cohort, (enrolment,), _facilitators, _staff = completed_cohort()
    checkins = list(CheckIn.objects.values_list("pk", "due_on"))
    rows = list(Notification.objects.order_by("pk").values_list("pk", "state", "due_at"))

    checkin_ladder.create_checkins(cohort=cohort)
    checkin_ladder.replan_cohort(cohort=cohort)

    assert list(CheckIn.objects.values_list("pk", "due_on")) == checkins
    assert list(Notification.objects.order_by("pk").values_list("pk", "state", "due_at")) == rows


def test_a_cohort_not_completed_gets_no_check_ins_when_saved():
    cohort = CohortFactory(status=CohortStatus.ACTIVE)
    team(cohort, zones=["UTC"])
    staff = StaffFactory()

    cohort_services.save_cohort(cohort, by=staff, facilitators=[], partners=[])

    assert not CheckIn.objects.exists()


def test_a_new_cadence_moves_the_open_check_ins_and_keeps_submitted_and_extended_ones():
    cohort, (enrolment,), (facilitator,), staff = completed_cohort(count=4, every=3)
    first, second, third, _fourth = CheckIn.objects.filter(enrolment=enrolment).order_by("number")
    first.status = CheckInStatus.SUBMITTED
    first.save()
    checkin_ladder.stop_ladder(first)
    second.due_on, second.extended_at, second.extended_by = (
        date(2027, 3, 1),
        COMPLETED_AT,
        facilitator,
    )
    second.save()
    checkin_ladder.plan_ladder(second)
    program = cohort.program
    program.checkin_every_months = 2

    cohort_services.save_program(program, by=staff)

    assert due_dates(enrolment) == [
        (1, date(2026, 11, 1), date(2026, 11, 1)),  # submitted: as it was
        (2, date(2027, 3, 1), date(2026, 12, 1)),  # extended: keeps the facilitator's date
        (3, date(2027, 2, 1), date(2027, 2, 1)),
        (4, date(2027, 4, 1), date(2027, 4, 1)),
    ]
    third.refresh_from_db()
    assert set(ladder_rows(third).values_list("payload__due_on", flat=True)) == {"2027-02-01"}
    due_row = ladder_rows(third).filter(slot="due").first()
    assert due_row.due_at.date() == date(2027, 2, 1)
    # The escalation follows the open check-ins' due dates; the submitted one's is gone.
    assert sorted(
        escalation_rows(cohort).filter(state="scheduled").values_list("slot", flat=True)
    ) == ["21d-2027-02-01", "21d-2027-03-01", "21d-2027-04-01"]


def test_a_new_end_date_moves_the_check_ins_not_submitted():
    cohort, (enrolment,), facilitators, staff = completed_cohort(count=2)
    cohort.ends_on = date(2026, 9, 1)

    cohort_services.save_cohort(cohort, by=staff, facilitators=facilitators, partners=[])

    assert [due for _n, due, _p in due_dates(enrolment)] == [date(2026, 12, 1), date(2027, 3, 1)]
    moved = CheckIn.objects.get(enrolment=enrolment, number=1)
    assert set(ladder_rows(moved).values_list("payload__due_on", flat=True)) == {"2026-12-01"}


def test_more_check_ins_are_added_and_untouched_extra_ones_go_when_the_count_changes():
    cohort, (enrolment,), _facilitators, staff = completed_cohort(count=3)
    program = cohort.program
    program.checkin_count = 4
    cohort_services.save_program(program, by=staff)
    assert [n for n, _due, _p in due_dates(enrolment)] == [1, 2, 3, 4]

    drafted = CheckIn.objects.get(enrolment=enrolment, number=4)
    drafted.updated_by = UserFactory()
    drafted.save()
    dropped = CheckIn.objects.get(enrolment=enrolment, number=3)
    program.checkin_count = 2
    cohort_services.save_program(program, by=staff)

    # Check-in 3 had nothing in it and goes with its messages; 4 holds a draft and stays.
    assert [n for n, _due, _p in due_dates(enrolment)] == [1, 2, 4]
    assert not ladder_rows(dropped).filter(state="scheduled").exists()
    assert ENDS_ON == cohort.ends_on


def queries_to_plan(teams):
    """The queries creating a completed cohort's check-ins and ladders costs, with `teams`
    teams of three, four check-ins each and two facilitators."""
    program = ProgramFactory(checkin_every_months=3, checkin_count=4)
    cohort = CohortFactory(
        program=program,
        ends_on=ENDS_ON,
        status=CohortStatus.COMPLETED,
        facilitators=[UserFactory(), UserFactory()],
    )
    for _ in range(teams):
        team(cohort)
    with CaptureQueriesContext(connection) as planned:
        checkin_ladder.create_checkins(cohort=cohort)
    assert CheckIn.objects.filter(enrolment__cohort=cohort).count() == teams * 4
    rows = ledger.rows_about_any(CheckIn.objects.filter(enrolment__cohort=cohort))
    assert rows.count() == teams * 4 * 4 * 3
    return len(planned)


def test_planning_a_cohorts_check_ins_costs_the_same_queries_for_2_and_20_teams():
    # The cohort with its program; its enrolments; its check-ins (locked); creating them (one
    # INSERT); the open ones; the teams' current members; the ledger's read of existing rows
    # (locked), its INSERT and its queue's; the open rows to compare with; the escalation:
    # the open due dates, the facilitators, the ledger's read, INSERT and queue, two sweeps.
    assert queries_to_plan(2) == queries_to_plan(20) == 17
