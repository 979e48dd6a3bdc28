"""A completed cohort in its check-in phase for the ladder's tests, and a clock that walks it
hour by hour delivering what is due with the real ledger (claim + deliver, mail to locmem).

The cohort ends on Saturday 1 August 2026; its program has check-ins every three months, so
check-in 1 is due on Sunday 1 November 2026, the day the US clocks go back: Denver is UTC−6
before it and UTC−7 from it; Phoenix stays UTC−7, Honolulu UTC−10, New York goes from −4 to −5.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from cohorts import services as cohort_services
from cohorts.choices import CohortStatus, TeamRole
from notifications import services as ledger
from notifications.models import Notification
from tests.conftest import utc
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgramFactory,
    SeatFactory,
    StaffFactory,
    UserFactory,
)
from tests.notifications.conftest import deliver_due
from workplans import checkin_ladder
from workplans.models import CheckIn

ENDS_ON = date(2026, 8, 1)
DUE_ON = date(2026, 11, 1)
ZONES = ["America/Denver", "America/Phoenix", "Pacific/Honolulu"]
FACILITATOR_ZONE = "America/New_York"
# The cohort is made and marked completed on 3 August 2026 at noon UTC.
COMPLETED_AT = utc(2026, 8, 3, 12, 0)


def team(cohort, zones=ZONES, name=None):
    enrolment = EnrolmentFactory(cohort=cohort, **({"organisation__name": name} if name else {}))
    roles = [TeamRole.EXECUTIVE_DIRECTOR, *[TeamRole.MEMBER] * (len(zones) - 1)]
    for zone, role in zip(zones, roles, strict=True):
        SeatFactory(enrolment=enrolment, role=role, person=UserFactory(time_zone=zone))
    return enrolment


def completed_cohort(teams=1, facilitators=(FACILITATOR_ZONE,), count=4, every=3):
    """A cohort with `teams` teams (members in ZONES), marked completed through the service
    (the hook creates the check-ins and plans their ladders)."""
    with time_machine.travel(COMPLETED_AT, tick=False):
        return _completed_cohort(teams, facilitators, count, every)


def _completed_cohort(teams, facilitators, count, every):
    program = ProgramFactory(checkin_every_months=every, checkin_count=count)
    people = [UserFactory(time_zone=zone) for zone in facilitators]
    cohort = CohortFactory(
        program=program,
        starts_on=date(2026, 2, 1),
        ends_on=ENDS_ON,
        status=CohortStatus.ACTIVE,
        facilitators=people,
    )
    enrolments = [team(cohort, name=f"Team {n}") for n in range(teams)]
    staff = StaffFactory()
    cohort_services.complete_cohort(cohort, by=staff)
    cohort.refresh_from_db()
    return cohort, enrolments, people, staff


def members(enrolment):
    return [seat.person for seat in enrolment.seats.current().select_related("person")]


def first_checkin(enrolment):
    return CheckIn.objects.get(enrolment=enrolment, number=1)


def local(moment, zone):
    return moment.astimezone(ZoneInfo(zone))


@dataclass
class Sent:
    """A message that went during a walk: to whom, which row, when (the hour it was sent)."""

    to: str
    row: Notification
    at: datetime
    message: object = field(repr=False)


def walk(start, end, traveller, step=timedelta(hours=1), each_hour=None):
    """Move the clock from `start` to `end` by `step`, delivering what is due at each step.
    `each_hour(now)` runs first at each step (a change made at that moment). Returns the
    messages sent, in order."""
    sent = []
    now = start
    while now <= end:
        traveller.move_to(now)
        if each_hour is not None:
            each_hour(now)
        before = len(mail.outbox)
        outcomes = deliver_due(now=now)
        went = [pk for pk, outcome in outcomes.items() if outcome == "sent"]
        rows = {row.pk: row for row in Notification.objects.filter(pk__in=went)}
        for message in mail.outbox[before:]:
            row = rows[int(message.extra_headers["Message-ID"].split("-", 1)[1].split(".")[0])]
            sent.append(Sent(message.to[0], row, now, message))
        now += step
    return sent


def ladder_rows(checkin):
    return ledger.rows_about(checkin, checkin_ladder.REMINDER)


def escalation_rows(cohort):
    return ledger.rows_about(cohort, checkin_ladder.ESCALATION)
