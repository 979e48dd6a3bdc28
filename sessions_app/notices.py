"""The messages learning sessions cause: reminders before, notices when moved or cancelled,
a wrap-up after for the people who missed it.

Everything is planned through the ledger (notifications.services.plan) inside the
transaction of the change, and re-checked at send time.
"""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from cohorts import hooks
from cohorts.choices import CohortStatus
from cohorts.models import TakingPart
from notifications import kinds
from notifications import services as ledger
from portal.templatetags.portal_time import when
from sessions_app import answer_links
from sessions_app.calendar import build_calendar
from sessions_app.models import Attendance, LearningSession, WrapUp

REMINDER = "session_reminder"
MOVED = "session_rescheduled"
CANCELLED = "session_cancelled"
WRAP_UP = "session_wrap_up"
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
    session (cohorts announce these changes: cohorts/hooks.py). A completed cohort meets no
    more: nothing is planned for it again."""
    if cohort.status == CohortStatus.COMPLETED:
        return
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


def notice_hold():
    """How long a moved or cancelled notice waits before it is due: a slip can be corrected
    (one notice, with the latest time) or undone (none) before anyone is told."""
    return timedelta(minutes=settings.NOTICE_HOLD_MINUTES)


def _notice(session, kind, slot, payload, people):
    due = timezone.now() + notice_hold()
    ledger.plan_many(
        kind=kind,
        about=session,
        cohort=session.cohort,
        messages=[
            ledger.Message(
                to_email=person.email, slot=slot, due_at=due, recipient=person, payload=payload
            )
            for person in people
        ],
    )
    if not settings.NOTICE_HOLD_MINUTES:
        ledger.dispatch_soon()


def _waiting(session, kind):
    """The session's notices of `kind` that have not gone yet: held, or waiting for a retry."""
    return ledger.rows_about(session, kind).filter(state=ledger.State.SCHEDULED)


TAKEN_BACK = gettext_noop("The change was taken back before this notice went.")


def session_moved(session, *, old_starts_at, reason, undone=False):
    """Re-plan the reminders and tell everyone the new time, once the hold is over.

    A person whose notice of an earlier move has not gone yet keeps that one notice (its
    slot), replaced: from the time they were last told to the latest time, with the latest
    reason, held again; and none at all when the session is back at the time they were told.
    An undone move tells nobody new: whoever joined during the hold was never told of it.
    """
    people = list(session.cohort.people())
    sync_session(session, people)
    waiting = {row.to_email: row for row in _waiting(session, MOVED).select_for_update()}
    fresh, back, replaced = [], [], []
    for person in people:
        row = waiting.get(person.email.lower())
        if row is None:
            fresh.append(person)
        elif datetime.fromisoformat(row.payload["old_starts_at"]) == session.starts_at:
            back.append(row.pk)
        else:
            row.payload = {**row.payload, "reason": reason}
            replaced.append(row)
    ledger.replace(replaced, due_at=timezone.now() + notice_hold())
    ledger.cancel_open(ledger.rows_about(session, MOVED).filter(pk__in=back), TAKEN_BACK)
    _notice(
        session,
        MOVED,
        f"change-{session.sequence}",
        {"old_starts_at": old_starts_at.isoformat(), "reason": reason},
        [] if undone else fresh,
    )


def session_cancelled(session):
    people = list(session.cohort.people())
    sync_session(session, people)
    _notice(session, CANCELLED, "cancelled", {"reason": session.cancel_reason}, people)
    # A move whose notice still waits is settled with the cancellation: if the cancellation
    # stands, the move's notice is dropped when it comes due; if it is undone, it goes.
    due = timezone.now() + notice_hold()
    ledger.replace(
        list(_waiting(session, MOVED).filter(due_at__lt=due).select_for_update()), due_at=due
    )


def cancellation_undone(session):
    """The cancellation was taken back within its hold: its notice goes, the reminders return."""
    ledger.cancel_open(_waiting(session, CANCELLED), TAKEN_BACK)
    sync_session(session)


def _held(session):
    """The notices of the session's latest change (its cancellation, else its latest move)
    that still wait out their hold."""
    kind = CANCELLED if session.is_cancelled else MOVED
    return _waiting(session, kind).filter(due_at__gt=timezone.now())


def held_until(session):
    """When the first notice of the session's latest change goes, while it is held (else
    None). Until then the change can be undone."""
    return _held(session).aggregate(at=Min("due_at"))["at"]


def lock_held(session):
    """The held notices, locked for an undo (the claim skips them meanwhile)."""
    return list(_held(session).select_for_update())


def waiting_reason(session):
    """The reason a waiting 'moved' notice gives: a correction starts from it."""
    row = _waiting(session, MOVED).order_by("-updated_at").first()
    return row.payload.get("reason", "") if row else ""


def missed(session):
    """Who a session's wrap-up is for: everyone on the cohort's teams who was not marked
    present (absent, excused or not marked), so each person who wasn't there gets the notes,
    a whole team that missed it included. Partners and facilitators are not marked."""
    present = session.attendances.filter(mark=Attendance.Mark.PRESENT).values("person")
    return session.cohort.people((TakingPart.TEAM,)).exclude(pk__in=present)


def wrap_up_written(session):
    """Tell the people who missed the session of its wrap-up, once the hold is over (a slip
    can still be corrected: the email is written from the wrap-up as it is then). Someone
    told already is not told again; someone marked as missing it since is told now."""
    told = set(ledger.rows_about(session, WRAP_UP).values_list("to_email", flat=True))
    people = [person for person in missed(session) if person.email.lower() not in told]
    _notice(session, WRAP_UP, "wrap-up", {}, people)


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
    if datetime.fromisoformat(row.payload["old_starts_at"]) == session.starts_at:
        return TAKEN_BACK
    return _still_in_cohort(row, session)


def _cancellation_applies(row, session):
    if not session.is_cancelled:
        return TAKEN_BACK
    return _still_in_cohort(row, session)


def _wrap_up_applies(row, session):
    if session.is_cancelled:
        return gettext_noop("The session was cancelled.")
    if row.recipient and not missed(session).filter(pk=row.recipient_id).exists():
        return gettext_noop("The person was marked present, or left the cohort's teams.")
    return None


def _wrap_up_context(row, session):
    return {
        **_context(row, session),
        "wrap_up": WrapUp.objects.get(session=session),
        "materials": list(session.materials.all()),
    }


def _reminder_context(row, session):
    """A reminder carries its recipient's own link to answer from the email (one link to a
    page with the two buttons: opening it changes nothing)."""
    person = row.recipient
    return {
        **_context(row, session),
        "answer_url": answer_links.answer_url(session, person) if person else None,
    }


def _context(row, session):
    old = row.payload.get("old_starts_at")
    return {
        "session": session,
        "session_name": session_name(session),
        "cohort": session.cohort,
        "session_url": settings.SITE_URL + session.get_absolute_url(),
        "old_starts_at": datetime.fromisoformat(old) if old else None,
        "reason": row.payload.get("reason", ""),
    }


def session_name(session):
    """How emails and lists name a session: its title when that already ends with its number
    (a series names its sessions "Learning session 6"), else "Learning session 7 (Workplan
    office hour)"."""
    if re.search(rf"(^|\s){session.number}$", session.title.strip()):
        return session.title
    return _("Learning session %(number)s (%(title)s)") % {
        "number": session.number,
        "title": session.title,
    }


def describe(sessions):
    """Each session in words for the Outbox and a person's list of emails: its name and its
    time in the viewer's zone."""
    return {
        session.pk: _("%(session)s, %(when)s")
        % {"session": session_name(session), "when": when(session.starts_at)}
        for session in sessions
    }


def _calendar(row, session):
    return [("session.ics", build_calendar([session], name=session.cohort.name), "text/calendar")]


def register():
    hooks.people_changed.subscribe(sync_cohort)
    hooks.cohort_saved.subscribe(sync_cohort)
    hooks.program_saved.subscribe(sync_program)
    hooks.cohort_completed.subscribe(cohort_completed)
    kinds.register(
        kinds.Kind(
            code=REMINDER,
            label=_("Session reminders"),
            description=_("Before each of your sessions: by default a week and a day before."),
            context=_reminder_context,
            still_applies=_reminder_applies,
            attachments=_calendar,
            lock=_lock,
            describe=describe,
        )
    )
    kinds.register_all(
        [
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
                _cancellation_applies,
            ),
        ],
        context=_context,
        attachments=_calendar,
        lock=_lock,
        describe=describe,
    )
    kinds.register(
        kinds.Kind(
            code=WRAP_UP,
            label=_("Session wrap-up"),
            description=_("After a session you missed: its notes, recording and materials."),
            context=_wrap_up_context,
            still_applies=_wrap_up_applies,
            lock=_lock,
            describe=describe,
        )
    )
