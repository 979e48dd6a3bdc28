"""The messages learning sessions cause: reminders before, notices when moved or cancelled.

Everything is planned through the ledger (notifications.services.plan) inside the
transaction of the change, and re-checked at send time.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import User
from cohorts.choices import OrganisationKind
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


def recipients(cohort):
    """Everyone a cohort's sessions concern: team members, facilitators, assigned partners."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(seats__enrolment__cohort=cohort, seats__ended_at__isnull=True)
            | Q(facilitated_cohorts=cohort)
            | Q(
                memberships__organisation__partner_cohorts=cohort,
                memberships__organisation__kind=OrganisationKind.PLANNING_PARTNER,
            )
        )
        .distinct()
    )


def sync_session(session, people=None):
    """Make the planned reminders of one session match who should get them, and when."""
    people = list(recipients(session.cohort)) if people is None else people
    rows = ledger.rows_about(session, REMINDER)
    if session.is_cancelled:
        ledger.cancel_open(rows, gettext_noop("The session was cancelled."))
        return
    wanted = set()
    for minutes in offsets_for(session.cohort):
        due = due_for(session, minutes)
        for person in people:
            wanted.add((person.email.lower(), slot_for(minutes)))
            ledger.plan(
                kind=REMINDER,
                about=session,
                slot=slot_for(minutes),
                due_at=due,
                to_email=person.email,
                recipient=person,
                cohort=session.cohort,
            )
    stale = [row.pk for row in rows if (row.to_email, row.slot) not in wanted]
    ledger.cancel_open(
        rows.filter(pk__in=stale), gettext_noop("The person is no longer part of this cohort.")
    )


def sync_cohort(cohort):
    """After team, facilitator or partner changes: re-plan every upcoming session."""
    people = list(recipients(cohort))
    upcoming = cohort.learning_sessions.filter(
        status=LearningSession.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    for session in upcoming:
        sync_session(session, people)


def _notice(session, kind, slot, payload):
    now = timezone.now()
    for person in recipients(session.cohort):
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
    if row.recipient and not recipients(session.cohort).filter(pk=row.recipient_id).exists():
        return gettext_noop("The person is no longer part of this cohort.")
    return None


def _reminder_applies(row, session):
    if session.is_cancelled:
        return gettext_noop("The session was cancelled.")
    if session.starts_at <= timezone.now():
        return gettext_noop("The session has already started.")
    minutes = int(row.slot.removeprefix("before-").removesuffix("m"))
    if due_for(session, minutes) != row.due_at:
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
