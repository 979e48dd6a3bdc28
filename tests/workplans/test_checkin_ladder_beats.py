"""The facilitators' overdue digest with real processes: two workers and two beats on Redis,
mail to an SMTP server in the test (tests/faults' fixtures). Each facilitator gets one email per
cohort listing all its overdue teams, however many teams, workers and beats there are.

The digest is one ledger row per facilitator, about the cohort, slot "21d-<due date>": every
team due that day shares it (the ledger's unique key), so no process can plan or send a second.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.choices import CohortStatus
from notifications.models import Notification
from tests.factories import CohortFactory, ProgramFactory, StaffFactory, UserFactory
from tests.faults.conftest import (  # noqa: F401 — fixtures
    broker,
    cluster,
    cluster_env,
    ledger_states,
    publish_to_broker,
    smtp,
    wait_until,
)
from tests.workplans.checkin_ladder_support import team
from workplans import checkin_ladder

pytestmark = [pytest.mark.faults, pytest.mark.usefixtures("publish_to_broker")]


def overdue_cohort(program, facilitators, staff, name, due_on):
    """A cohort whose three teams' check-in was due 22 days ago: completed (under the clock
    of yesterday 8:00 UTC, after the teams' ladder, before the facilitators' 9:00), so only
    the escalation is planned, and it is due now."""
    cohort = CohortFactory(
        program=program,
        name=name,
        starts_on=due_on - relativedelta(months=7),
        ends_on=due_on - relativedelta(months=1),
        status=CohortStatus.ACTIVE,
        facilitators=facilitators,
    )
    for n in range(3):
        team(cohort, zones=["UTC"], name=f"{name} team {n}")
    cohort_services.complete_cohort(cohort, by=staff)
    return cohort


def test_two_beats_send_each_facilitator_one_digest_per_cohort(
    cluster,  # noqa: F811 — tests/faults' fixture, imported above
    smtp,  # noqa: F811
):
    today = timezone.now().date()
    yesterday, due_on = today - timedelta(days=1), today - timedelta(days=22)
    with time_machine.travel(datetime(*yesterday.timetuple()[:3], 8, tzinfo=UTC)):
        program = ProgramFactory(checkin_every_months=1, checkin_count=1)
        facilitators = [UserFactory(time_zone="UTC") for _ in range(2)]
        staff = StaffFactory()
        cohorts = [
            overdue_cohort(program, facilitators, staff, f"Cohort {n}", due_on) for n in "AB"
        ]
    rows = Notification.objects.filter(kind=checkin_ladder.ESCALATION)
    # One row per facilitator per cohort: the cohorts' six teams did not make six each.
    assert rows.count() == 4
    assert Notification.objects.count() == 4  # the teams' ladder had gone by then

    processes = cluster().start(workers=2, beats=2)
    wait_until(lambda: ledger_states() == {"sent": 4}, 90, what="every digest to be sent")
    time.sleep(3)  # three more beats each: a digest sent twice would arrive now

    arrivals = smtp.snapshot()
    assert processes.alive() == ["worker0", "worker1", "beat0", "beat1"]
    assert sorted(arrival.row_id for arrival in arrivals) == sorted(
        rows.values_list("pk", flat=True)
    )
    assert smtp.duplicates() == 0
    for cohort in cohorts:
        mine = [arrival for arrival in arrivals if arrival.subject.startswith(cohort.name)]
        assert len(mine) == 2
        assert all(
            all(f"{cohort.name} team {n}, check-in 1: 22 days overdue" in a.text for n in range(3))
            for a in mine
        )
