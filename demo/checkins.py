"""The completed pilot cohort in its check-in phase, as of the moment the seed runs: each stage
of the ladder (workplans/checkin_ladder.py) on one team's first check-in.

- MD: submitted a day early a month ago, reviewed with a comment, highlights shared;
- DE: submitted a day late, waiting in the facilitator's review queue, highlights shared;
- MT: due in 4 days: its "7 days before" reminder went, the rest of its ladder is planned;
- NJ: 15 days overdue: its reminders and 7- and 14-day follow-ups went, the 21-day escalation
  to the facilitators is planned;
- VA: 22 days overdue: everything went, the escalation too (the facilitator was told).
Check-ins 2… of every team come from the cadence and are upcoming, their ladders planned.

Dates count from the day it is on the facilitator's calendar. A team's first check-in is due
on its stage's day (`due_on`); `planned_due_on` keeps the cadence's date, so that saving the
cohort later (which re-plans from the cadence and moves only a check-in whose planned date
differs from it) leaves the stages as they are.

What went in the past is written directly as sent ledger rows, at the moments the ladder gives
(no mail goes for them); what is still ahead is planned through the ledger by the ladder
itself (create_checkins), which never plans a moment already passed, so the worker sends each
when it is due.
"""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.timezones import zone_or_utc
from cohorts.choices import TeamRole
from cohorts.models import Seat
from notifications.models import Notification
from workplans import checkin_ladder as ladder
from workplans.choices import ActionStatus, CheckInStatus, Confidence
from workplans.models import CheckIn, CheckInGoal
from workplans.notices import CHECKIN_REVIEWED, TO_TEAM, facilitators_of
from workplans.selectors import snapshot_of

# The teams of the pilot cohort, each at one stage: days from today to its first check-in's
# due date.
DUE_IN = {"MD": -30, "DE": -10, "MT": 4, "NJ": -15, "VA": -22}
SUBMITTED = {"MD": -1, "DE": 1}  # days after the due date the team submitted
REVIEWED_AFTER = 3  # days after MD submitted

WHAT_CHANGED = {
    "MD": "Our data brief on who child care assistance misses came out in October; the state "
    "agency now reports subsidy enrollment by race and county every quarter. Two parent "
    "leaders joined our policy committee as paid members.",
    "DE": "We finished the listening sessions with family child care providers in all three "
    "counties and shared what we heard with the legislative early childhood caucus.",
}
WHATS_NEXT = {
    "MD": "Turn the brief into testimony for the January session and train three parent "
    "leaders to deliver it.",
    "DE": "Draft two budget asks from the listening sessions and test the wording with "
    "providers before the session opens.",
}
SUPPORT_NEEDED = {
    "MD": "",
    "DE": "A partner who has helped a coalition pay parent leaders without affecting their "
    "benefits.",
}
CONFIDENCE = {"MD": Confidence.HIGH, "DE": Confidence.MEDIUM}
GOAL_NOTES = {
    ActionStatus.DONE: "Finished since the cohort ended.",
    ActionStatus.IN_PROGRESS: "Moving, slower than we hoped: the agency's data request is open.",
    ActionStatus.BLOCKED: "Waiting on the state budget before we can go further.",
    ActionStatus.NOT_STARTED: "Planned for the spring.",
}
REVIEW_COMMENT = (
    "Quarterly reporting by race and county is a real change: thank you for sharing how you "
    "got there. For the testimony, Child Trends can help with the county tables."
)


def seed_checkins(cohort, now):
    """The pilot cohort's check-ins, once (running the seed again changes nothing)."""
    if CheckIn.objects.filter(enrolment__cohort=cohort).exists():
        return
    facilitator = facilitators_of(cohort).order_by("pk").first()
    # "Today" on the facilitator's calendar: the pages count days overdue in the viewer's zone,
    # so the demo's facilitator reads 15 and 22 even on a US evening, when UTC is a day ahead.
    today = timezone.localdate(now, zone_or_utc(getattr(facilitator, "time_zone", "")))
    cadence = ladder.due_dates(cohort)
    teams = {
        enrolment.organisation.state: enrolment
        for enrolment in cohort.enrolments.select_related("organisation")
    }
    for code, days in DUE_IN.items():
        if code not in teams:
            continue
        enrolment = teams[code]
        people = _members(enrolment)
        checkin = CheckIn.objects.create(
            enrolment=enrolment,
            number=1,
            due_on=today + timedelta(days=days),
            planned_due_on=cadence[1],
            created_at=now - timedelta(days=60),
            updated_at=now - timedelta(days=60),
        )
        submitted_at = None
        if code in SUBMITTED:
            submitted_at = ladder.at_nine(
                checkin.due_on + timedelta(days=SUBMITTED[code]), "UTC"
            ) + timedelta(hours=6)
            _submit(checkin, code, people[0], submitted_at)
            if code == "MD":
                _review(checkin, people, facilitator, submitted_at)
        _reminders_sent(checkin, people, now, until=submitted_at)
    _escalations_sent(cohort, now)
    # Check-ins 2… from the cadence, and the ladder of every open one, planned for what is
    # still ahead.
    ladder.create_checkins(cohort=cohort)


def _members(enrolment):
    """The team's current members with an address, its lead first (who submits)."""
    order = {TeamRole.TEAM_LEAD: 0, TeamRole.EXECUTIVE_DIRECTOR: 1, TeamRole.MEMBER: 2}
    seats = (
        Seat.objects.current()
        .filter(enrolment=enrolment, person__is_active=True)
        .exclude(person__email="")
        .select_related("person")
    )
    return [s.person for s in sorted(seats, key=lambda s: (order[s.role], s.person_id))]


def _goal_status(goal):
    statuses = {item["status"] for item in goal["action_items"]}
    if statuses and statuses == {ActionStatus.DONE}:
        return ActionStatus.DONE
    if ActionStatus.BLOCKED in statuses:
        return ActionStatus.BLOCKED
    if statuses & {ActionStatus.DONE, ActionStatus.IN_PROGRESS}:
        return ActionStatus.IN_PROGRESS
    return ActionStatus.NOT_STARTED


def _submit(checkin, code, by, at):
    snapshot = snapshot_of(checkin.enrolment)
    goals = snapshot.data["goals"] if snapshot else []
    CheckInGoal.objects.bulk_create(
        CheckInGoal(
            checkin=checkin,
            goal_key=goal["id"],
            title=goal["title"],
            status=_goal_status(goal),
            note=GOAL_NOTES[_goal_status(goal)],
        )
        for goal in goals
    )
    checkin.what_changed = WHAT_CHANGED[code]
    checkin.whats_next = WHATS_NEXT[code]
    checkin.support_needed = SUPPORT_NEEDED[code]
    checkin.confidence = CONFIDENCE[code]
    checkin.shared = True
    checkin.status = CheckInStatus.SUBMITTED
    checkin.version = 2
    checkin.updated_by = checkin.submitted_by = by
    checkin.updated_at = checkin.submitted_at = at
    checkin.save()


def _review(checkin, people, facilitator, submitted_at):
    at = submitted_at + timedelta(days=REVIEWED_AFTER)
    checkin.status = CheckInStatus.REVIEWED
    checkin.reviewed_at, checkin.reviewed_by = at, facilitator
    checkin.review_comment = REVIEW_COMMENT
    checkin.updated_at = at
    checkin.save()
    _sent(
        CHECKIN_REVIEWED,
        checkin,
        [
            (person, f"reviewed-{at:%Y%m%d%H%M%S%f}", at + timedelta(minutes=1), {"to": TO_TEAM})
            for person in people
        ],
    )


def _reminders_sent(checkin, people, now, *, until=None):
    """The team's reminders whose moment passed (before the team submitted, if it did)."""
    until = min(now, until) if until else now
    rows = []
    for days, slot in ladder.TEAM_STEPS.items():
        for person in people:
            at = ladder.at_nine(checkin.due_on + timedelta(days=days), person.time_zone)
            if at < until:
                payload = {"due_on": checkin.due_on.isoformat(), "days": days}
                rows.append((person, slot, at, payload))
    _sent(ladder.REMINDER, checkin, rows)


def _escalations_sent(cohort, now):
    """The 21-day escalation for each open due date whose moment passed, to each facilitator."""
    days = CheckIn.objects.filter(enrolment__cohort=cohort, status=CheckInStatus.OPEN)
    rows = []
    for due_on in sorted(set(days.values_list("due_on", flat=True))):
        for person in facilitators_of(cohort).exclude(email="").order_by("pk"):
            at = ladder.at_nine(due_on + timedelta(days=ladder.ESCALATION_DAYS), person.time_zone)
            if at < now:
                slot = ladder.escalation_slot(due_on)
                rows.append((person, slot, at, {"due_on": due_on.isoformat()}))
    _sent(ladder.ESCALATION, cohort, rows)


def _sent(kind, about, rows):
    """Ledger rows for messages that went at their moment: [(person, slot, moment, payload)]."""
    content_type = ContentType.objects.get_for_model(about)
    cohort_id = about.pk if kind == ladder.ESCALATION else about.enrolment.cohort_id
    Notification.objects.bulk_create(
        Notification(
            kind=kind,
            content_type=content_type,
            object_id=about.pk,
            recipient=person,
            to_email=person.email.lower(),
            slot=slot,
            cohort_id=cohort_id,
            payload=payload,
            due_at=at,
            not_before=at,
            state=Notification.State.SENT,
            attempts=1,
            sent_at=at + timedelta(seconds=20),
            created_at=at,
            updated_at=at + timedelta(seconds=20),
        )
        for person, slot, at, payload in rows
    )
