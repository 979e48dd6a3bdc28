"""The check-ins that follow a cohort (its program's cadence) and the messages each one causes:
the ladder.

Cadence: when a cohort is completed, each of its teams gets `program.checkin_count` check-ins,
the k-th due `program.checkin_every_months × k` months after the cohort's last day. Changing
the cadence or the end date moves the check-ins not yet submitted (an extended one keeps the
date a facilitator gave it; its planned date follows the cadence).

The ladder, every message at 9:00 on its day in the recipient's own zone (wall-clock time:
daylight-saving changes move it in UTC, Phoenix and Honolulu keep theirs):

- the team's current members, 7 days before the due date and on it ("checkin_reminder",
  slots before-7d and due), then 7 and 14 days overdue (slots overdue-7d and overdue-14d);
- 21 days overdue, one message to each of the cohort's facilitators listing every overdue team
  of the cohort ("checkin_escalation"). It is about the cohort, its slot names the due date the
  teams missed (21d-YYYY-MM-DD): every team due that day shares one row per facilitator (the
  ledger's unique key), so however many teams, check-ins or beats there are, it is planned and
  sent once;
- nothing after that.

Every row is planned in the transaction of the change, with plan_each (never a digest), and
re-checked at send time: a submitted check-in, a person no longer on the team (or no longer
facilitating), a due date changed since planning each cancel the row with the reason.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.timezones import zone_or_utc
from cohorts import hooks
from cohorts.choices import CohortStatus
from cohorts.models import Cohort, Seat
from notifications import kinds
from notifications import services as ledger
from workplans.checkin_links import link_for
from workplans.choices import CheckInStatus
from workplans.models import CheckIn
from workplans.notices import facilitators_of

REMINDER = "checkin_reminder"
ESCALATION = "checkin_escalation"
EXTENDED = "checkin_extended"

SEND_HOUR = 9
# Days from the due date each message of the team's ladder goes, and its slot.
TEAM_STEPS = {-7: "before-7d", 0: "due", 7: "overdue-7d", 14: "overdue-14d"}
ESCALATION_DAYS = 21

SUBMITTED = gettext_noop("The check-in was submitted.")
DATE_CHANGED = gettext_noop("The check-in's due date changed since this was planned.")
LEFT_TEAM = gettext_noop("The person is no longer on the team.")
NOT_FACILITATING = gettext_noop("The person no longer facilitates this cohort.")
NOBODY_OVERDUE = gettext_noop("Every check-in due that day was submitted or has a new date.")
REMOVED = gettext_noop("The cohort's cadence no longer has this check-in.")


def at_nine(day, zone_name):
    """9:00 on `day` in the zone (UTC for an unknown one), in UTC."""
    local = datetime(day.year, day.month, day.day, SEND_HOUR, tzinfo=zone_or_utc(zone_name))
    return local.astimezone(UTC)


def escalation_slot(due_on):
    return f"21d-{due_on.isoformat()}"


# Cadence -------------------------------------------------------------------------------------


def due_dates(cohort):
    """{number: due date} of the cohort's check-ins, from its program's cadence."""
    program = cohort.program
    return {
        number: cohort.ends_on + relativedelta(months=number * program.checkin_every_months)
        for number in range(1, program.checkin_count + 1)
    }


def create_checkins(*, cohort):
    """The cohort was completed: one check-in per team per number of the cadence, each with
    its ladder planned. Idempotent: what exists is kept (and moved if the cadence moved)."""
    _sync(cohort)


def replan_cohort(*, cohort):
    """The cohort's end date, its facilitators or its teams changed: check-ins not submitted
    take the cadence's dates (an extended one keeps its extension), missing ones are created,
    and every open check-in's ladder is planned again. Nothing before the cohort is completed."""
    _sync(cohort)


def replan_program(*, program):
    """The program's cadence may have changed: each of its completed cohorts is re-planned."""
    for cohort in program.cohorts.filter(status=CohortStatus.COMPLETED):
        _sync(cohort)


def _sync(cohort):
    # The hooks pass the cohort as its service just saved it: one not completed costs nothing.
    if cohort.status != CohortStatus.COMPLETED:
        return
    cohort = Cohort.objects.select_related("program").get(pk=cohort.pk)
    dates = due_dates(cohort)
    enrolment_ids = list(cohort.enrolments.values_list("pk", flat=True))
    existing = {
        (checkin.enrolment_id, checkin.number): checkin
        for checkin in CheckIn.objects.select_for_update().filter(enrolment__cohort=cohort)
    }
    now = timezone.now()
    new, moved = [], []
    for enrolment_id in enrolment_ids:
        for number, due_on in dates.items():
            checkin = existing.get((enrolment_id, number))
            if checkin is None:
                new.append(
                    CheckIn(
                        enrolment_id=enrolment_id,
                        number=number,
                        due_on=due_on,
                        planned_due_on=due_on,
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif not checkin.is_submitted and checkin.planned_due_on != due_on:
                checkin.planned_due_on = due_on
                if checkin.extended_at is None:
                    checkin.due_on = due_on
                checkin.updated_at = now
                moved.append(checkin)
    # A concurrent change that created the same check-in first keeps its own (and plans it).
    CheckIn.objects.bulk_create(new, ignore_conflicts=True)
    CheckIn.objects.bulk_update(moved, ["due_on", "planned_due_on", "updated_at"])
    _drop_beyond_cadence(cohort, existing.values(), dates)
    _plan_team(cohort, _open_checkins(cohort))
    _plan_escalations(cohort)


def _drop_beyond_cadence(cohort, checkins, dates):
    """Check-ins a shorter cadence no longer has go, with their messages, while the team has
    written nothing in them; one with a draft or an answer stays."""
    gone = [
        checkin.pk
        for checkin in checkins
        if checkin.number not in dates
        and not checkin.is_submitted
        and checkin.updated_by_id is None
        and checkin.submitted_at is None
    ]
    if gone:
        ledger.cancel_open(
            ledger.rows_about_any(CheckIn.objects.filter(pk__in=gone), REMINDER), REMOVED
        )
        CheckIn.objects.filter(pk__in=gone).delete()


def _open_checkins(cohort):
    return list(
        CheckIn.objects.filter(enrolment__cohort=cohort, status=CheckInStatus.OPEN).order_by("pk")
    )


# The ladder ----------------------------------------------------------------------------------


def plan_ladder(checkin):
    """(Re)plan every message of one check-in from its due date (after an extension, a
    reopening); the cohort's escalation follows. Inside the caller's transaction."""
    if checkin.is_submitted:
        stop_ladder(checkin)
        return
    cohort = checkin.enrolment.cohort
    _plan_team(cohort, [checkin])
    _plan_escalations(cohort)


def stop_ladder(checkin):
    """The check-in was submitted: every message still planned for it is cancelled, and the
    cohort's escalation for its due date too when no other team due that day is still open.
    Inside the caller's transaction (a row already claimed is stopped by the re-check)."""
    ledger.cancel_open(ledger.rows_about(checkin, REMINDER), SUBMITTED)
    _plan_escalations(checkin.enrolment.cohort, without=checkin)


def _members_by_enrolment(enrolment_ids):
    """{enrolment id: [person]} of the teams' current members with an address (one query)."""
    members = defaultdict(list)
    seats = (
        Seat.objects.current()
        .filter(enrolment__in=enrolment_ids, person__is_active=True)
        .exclude(person__email="")
        .select_related("person")
        .order_by("person_id")
    )
    for seat in seats:
        members[seat.enrolment_id].append(seat.person)
    return members


def _team_messages(checkin, people):
    return [
        ledger.Message(
            to_email=person.email,
            slot=slot,
            due_at=at_nine(checkin.due_on + timedelta(days=days), person.time_zone),
            recipient=person,
            payload={"due_on": checkin.due_on.isoformat(), "days": days},
        )
        for days, slot in TEAM_STEPS.items()
        for person in people
    ]


def _plan_team(cohort, checkins):
    """Plan the team messages of open check-ins, in a fixed number of queries however many;
    the rows of people no longer on the team are cancelled."""
    if not checkins:
        return
    members = _members_by_enrolment({checkin.enrolment_id for checkin in checkins})
    plans = [
        (checkin, _team_messages(checkin, members[checkin.enrolment_id])) for checkin in checkins
    ]
    ledger.plan_each(kind=REMINDER, plans=plans, cohort=cohort)
    wanted = {
        (checkin.pk, message.to_email.lower(), message.slot)
        for checkin, messages in plans
        for message in messages
    }
    rows = ledger.rows_about_any(
        CheckIn.objects.filter(pk__in=[checkin.pk for checkin in checkins]), REMINDER
    ).filter(state__in=ledger.OPEN_STATES)
    stale = [
        pk
        for pk, object_id, to_email, slot in rows.values_list("pk", "object_id", "to_email", "slot")
        if (object_id, to_email, slot) not in wanted
    ]
    if stale:
        ledger.cancel_open(rows.filter(pk__in=stale), LEFT_TEAM)


def _plan_escalations(cohort, without=None):
    """One message per facilitator per due date an open check-in of the cohort has, 21 days
    after it; an escalation no open check-in needs any more, or to a person who no longer
    facilitates, is cancelled."""
    open_checkins = CheckIn.objects.filter(enrolment__cohort=cohort, status=CheckInStatus.OPEN)
    if without is not None:
        open_checkins = open_checkins.exclude(pk=without.pk)
    days = set(open_checkins.values_list("due_on", flat=True).distinct())
    facilitators = list(facilitators_of(cohort).exclude(email="").order_by("pk"))
    messages = [
        ledger.Message(
            to_email=person.email,
            slot=escalation_slot(due_on),
            due_at=at_nine(due_on + timedelta(days=ESCALATION_DAYS), person.time_zone),
            recipient=person,
            payload={"due_on": due_on.isoformat()},
        )
        for due_on in sorted(days)
        for person in facilitators
    ]
    ledger.plan_each(kind=ESCALATION, plans=[(cohort, messages)], cohort=cohort)
    slots = {escalation_slot(due_on) for due_on in days}
    emails = {person.email.lower() for person in facilitators}
    rows = ledger.rows_about(cohort, ESCALATION).filter(state__in=ledger.OPEN_STATES)
    for reason, condition in [
        (NOBODY_OVERDUE, ~Q(slot__in=slots)),
        (NOT_FACILITATING, Q(slot__in=slots) & ~Q(to_email__in=emails)),
    ]:
        if rows.filter(condition).exists():
            ledger.cancel_open(rows.filter(condition), reason)


def tell_extension(checkin, *, by):
    """A facilitator gave the check-in a new due date: its ladder is planned from it (again,
    if the caller did already) and the team's current members are told the new date now."""
    plan_ladder(checkin)
    people = _members_by_enrolment([checkin.enrolment_id])[checkin.enrolment_id]
    moment = checkin.extended_at or timezone.now()
    now = timezone.now()
    ledger.plan_many(
        kind=EXTENDED,
        about=checkin,
        cohort=checkin.enrolment.cohort,
        messages=[
            ledger.Message(
                to_email=person.email,
                slot=f"extended-{moment:%Y%m%d%H%M%S%f}",
                due_at=now,
                recipient=person,
                payload={"due_on": checkin.due_on.isoformat(), "by": getattr(by, "pk", None)},
            )
            for person in people
        ],
    )
    ledger.dispatch_soon()


# What the check-in pages read ----------------------------------------------------------------


def told_ids(checkins):
    """The ids of those of `checkins` (open ones) whose cohort's facilitators were told they
    are overdue: the escalation for their due date was sent to at least one (one query)."""
    checkins = [checkin for checkin in checkins if not checkin.is_submitted]
    if not checkins:
        return set()
    cohorts = Cohort.objects.filter(pk__in={c.enrolment.cohort_id for c in checkins})
    sent = set(
        ledger.rows_about_any(cohorts, ESCALATION)
        .filter(state=ledger.State.SENT)
        .values_list("object_id", "slot")
    )
    return {
        checkin.pk
        for checkin in checkins
        if (checkin.enrolment.cohort_id, escalation_slot(checkin.due_on)) in sent
    }


def facilitator_told(checkin):
    """Whether the check-in shows "overdue, facilitator told"."""
    return checkin.pk in told_ids([checkin])


# Send time -----------------------------------------------------------------------------------


def _lock_checkin(checkin):
    return (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("enrolment__organisation", "enrolment__cohort")
        .filter(pk=checkin.pk)
        .first()
    )


def _lock_cohort(cohort):
    return Cohort.objects.select_for_update(of=("self",)).filter(pk=cohort.pk).first()


def _on_team(row, checkin):
    if row.recipient_id is None:
        return None
    if Seat.objects.held_by(row.recipient_id).filter(enrolment=checkin.enrolment_id).exists():
        return None
    return LEFT_TEAM


def _reminder_applies(row, checkin):
    if checkin.is_submitted:
        return SUBMITTED
    if row.payload.get("due_on") != checkin.due_on.isoformat():
        return DATE_CHANGED
    return _on_team(row, checkin)


def _extension_applies(row, checkin):
    if row.payload.get("due_on") != checkin.due_on.isoformat():
        return DATE_CHANGED
    return _on_team(row, checkin)


def _escalation_applies(row, cohort):
    due_on = row.payload.get("due_on")
    if not CheckIn.objects.filter(
        enrolment__cohort=cohort, status=CheckInStatus.OPEN, due_on=due_on
    ).exists():
        return NOBODY_OVERDUE
    if row.recipient_id and not facilitators_of(cohort).filter(pk=row.recipient_id).exists():
        return NOT_FACILITATING
    return None


def _checkin_context(row, checkin):
    person = row.recipient
    return {
        "checkin": checkin,
        "team": checkin.enrolment.organisation.name,
        "cohort": checkin.enrolment.cohort,
        "days": row.payload.get("days", 0),
        "days_overdue": abs(row.payload.get("days", 0)),
        "checkin_url": (
            link_for(checkin, person) if person else settings.SITE_URL + checkin.get_absolute_url()
        ),
    }


def overdue_checkins(cohort, today):
    """The cohort's open check-ins past their due date on `today`, most overdue first."""
    return list(
        CheckIn.objects.overdue(today)
        .filter(enrolment__cohort=cohort)
        .select_related("enrolment__organisation")
        .order_by("due_on", "enrolment__organisation__name", "number")
    )


def _escalation_context(row, cohort):
    today = timezone.localdate()
    return {
        "cohort": cohort,
        "overdue": [
            {
                "checkin": checkin,
                "team": checkin.enrolment.organisation.name,
                "days_overdue": checkin.days_overdue(today),
                "url": settings.SITE_URL + checkin.get_absolute_url(),
            }
            for checkin in overdue_checkins(cohort, today)
        ],
    }


def describe_checkins(checkins):
    """Each check-in in words for the Outbox and a person's list of emails (one query)."""
    rows = CheckIn.objects.filter(pk__in=[checkin.pk for checkin in checkins]).values_list(
        "pk", "number", "enrolment__organisation__name"
    )
    return {
        pk: _("Check-in %(number)s of %(team)s") % {"number": number, "team": team}
        for pk, number, team in rows
    }


def describe_cohorts(cohorts):
    rows = Cohort.objects.filter(pk__in=[cohort.pk for cohort in cohorts]).values_list("pk", "name")
    return {pk: _("Overdue check-ins in %(cohort)s") % {"cohort": name} for pk, name in rows}


def register():
    hooks.cohort_completed.subscribe(create_checkins)
    hooks.cohort_saved.subscribe(replan_cohort)
    hooks.people_changed.subscribe(replan_cohort)
    hooks.program_saved.subscribe(replan_program)
    for code, label, description, still_applies in [
        (
            REMINDER,
            _("Check-in reminders"),
            _(
                "A week before your team's check-in is due and on the day, then a week and two "
                "weeks after if it is not submitted."
            ),
            _reminder_applies,
        ),
        (
            EXTENDED,
            _("Check-in extended"),
            _("When a facilitator gives your team's check-in a new due date."),
            _extension_applies,
        ),
    ]:
        kinds.register(
            kinds.Kind(
                code=code,
                label=label,
                description=description,
                context=_checkin_context,
                still_applies=still_applies,
                lock=_lock_checkin,
                describe=describe_checkins,
            )
        )
    kinds.register(
        kinds.Kind(
            code=ESCALATION,
            label=_("Overdue check-ins"),
            description=_(
                "When teams of a cohort you facilitate are three weeks late with a check-in."
            ),
            context=_escalation_context,
            still_applies=_escalation_applies,
            lock=_lock_cohort,
            describe=describe_cohorts,
        )
    )
