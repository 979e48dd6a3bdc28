"""The messages learning sessions cause: reminders before, notices when moved or cancelled.

Everything is planned through the ledger (notifications.services.plan) inside the
transaction of the change, and re-checked at send time.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cohorts import hooks
from cohorts.choices import CohortStatus
from notifications import kinds
from notifications import services as ledger
from sessions_app.calendar import build_calendar
from sessions_app.models import LearningSession

REMINDER = "session_reminder"
MOVED = "session_rescheduled"
CANCELLED = "session_cancelled"
DAY = 24 * 60


def offsets_for(cohort):
    """Minutes before a session that reminders go: the cohort's own, else the program's."""
    return cohort.reminder_offsets or cohort.program.reminder_offsets


def due_for(session, minutes):
    """Whole days count in the session's own wall-clock time, so 'a day before 10:00' is
    10:00 the day before even across a daylight-saving change; other offsets are exact."""
    if minutes % DAY == 0:
        local = session.starts_at.astimezone(ZoneInfo(session.time_zone))
        return (local - timedelta(days=minutes // DAY)).astimezone(UTC)
    return session.starts_at - timedelta(minutes=minutes)


def slot_for(minutes):
    return f"before-{minutes}m"


def sync_session(session, people=None):
    """Make the planned reminders of one session match who should get them, and when."""
    people = list(session.cohort.people()) if people is None else people
    rows = ledger.rows_about(session, REMINDER)
    if session.is_cancelled:
        ledger.cancel_open(rows, gettext_noop("The session was cancelled."))
        return
    messages = [
        ledger.Message(
            to_email=person.email,
            slot=slot_for(minutes),
            due_at=due_for(session, minutes),
            recipient=person,
            payload={"minutes": minutes},
        )
        for minutes in offsets_for(session.cohort)
        for person in people
    ]
    ledger.plan_many(kind=REMINDER, about=session, cohort=session.cohort, messages=messages)
    wanted = {(message.to_email.lower(), message.slot) for message in messages}
    open_rows = rows.filter(state__in=ledger.OPEN_STATES).values_list("pk", "to_email", "slot")
    stale = [pk for pk, to_email, slot in open_rows if (to_email, slot) not in wanted]
    ledger.cancel_open(
        rows.filter(pk__in=stale), gettext_noop("The person is no longer part of this cohort.")
    )


def _upcoming(cohort):
    return cohort.learning_sessions.filter(
        status=LearningSession.Status.SCHEDULED, starts_at__gt=timezone.now()
    )


def sync_cohort(*, cohort):
    """After team, facilitator, partner or reminder-time changes: re-plan every upcoming
    session (cohorts announce these changes: cohorts/hooks.py)."""
    people = list(cohort.people())
    for session in _upcoming(cohort):
        sync_session(session, people)


def sync_program(*, program):
    """A program's reminder times changed: re-plan the cohorts that use them."""
    following = program.cohorts.filter(reminder_offsets__isnull=True).exclude(
        status=CohortStatus.COMPLETED
    )
    for cohort in following:
        sync_cohort(cohort=cohort)


def cohort_completed(*, cohort):
    """A completed cohort meets no more: the reminders of the sessions it still has go."""
    ledger.cancel_open(
        ledger.rows_about_any(_upcoming(cohort), REMINDER),
        gettext_noop("The cohort was completed."),
    )


def _notice(session, kind, slot, payload):
    now = timezone.now()
    for person in session.cohort.people():
        ledger.plan(
            kind=kind,
            about=session,
            slot=slot,
            due_at=now,
            to_email=person.email,
            recipient=person,
            cohort=session.cohort,
            payload=payload,
        )
    ledger.dispatch_soon()


def session_moved(session, *, old_starts_at, reason):
    sync_session(session)
    _notice(
        session,
        MOVED,
        f"change-{session.sequence}",
        {"old_starts_at": old_starts_at.isoformat(), "reason": reason},
    )


def session_cancelled(session):
    sync_session(session)
    _notice(session, CANCELLED, "cancelled", {"reason": session.cancel_reason})


# Send time -----------------------------------------------------------------------------------


def _lock(session):
    return (
        LearningSession.objects.select_for_update(of=("self",))
        .select_related("cohort", "cohort__program")
        .filter(pk=session.pk)
        .first()
    )


def _still_in_cohort(row, session):
    if row.recipient and not session.cohort.people().filter(pk=row.recipient_id).exists():
        return gettext_noop("The person is no longer part of this cohort.")
    return None


def _reminder_applies(row, session):
    if session.is_cancelled:
        return gettext_noop("The session was cancelled.")
    if session.starts_at <= timezone.now():
        return gettext_noop("The session has already started.")
    if due_for(session, row.payload["minutes"]) != row.due_at:
        return gettext_noop("The session moved; this reminder was not re-planned.")
    return _still_in_cohort(row, session)


def _moved_applies(row, session):
    if session.is_cancelled:
        return gettext_noop("The session was cancelled since.")
    return _still_in_cohort(row, session)


def _context(row, session):
    old = row.payload.get("old_starts_at")
    return {
        "session": session,
        "cohort": session.cohort,
        "session_url": settings.SITE_URL + session.get_absolute_url(),
        "old_starts_at": datetime.fromisoformat(old) if old else None,
        "reason": row.payload.get("reason", ""),
    }


def _calendar(row, session):
    return [("session.ics", build_calendar([session], name=session.cohort.name), "text/calendar")]


def register():
    hooks.people_changed.subscribe(sync_cohort)
    hooks.cohort_saved.subscribe(sync_cohort)
    hooks.program_saved.subscribe(sync_program)
    hooks.cohort_completed.subscribe(cohort_completed)
    kinds.register_all(
        [
            (
                REMINDER,
                _("Session reminders"),
                _("Before each of your sessions: by default a week and a day before."),
                _reminder_applies,
            ),
            (
                MOVED,
                _("Session moved"),
                _("When a session you take part in gets a new time."),
                _moved_applies,
            ),
            (
                CANCELLED,
                _("Session cancelled"),
                _("When a session you take part in is cancelled."),
                _still_in_cohort,
            ),
        ],
        context=_context,
        attachments=_calendar,
        lock=_lock,
    )
