"""Every change to learning sessions goes through here — the one place sessions change —
so that reminders (notifications) can be planned from the same transactions."""

import secrets

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Seat
from portal.permissions import require
from sessions_app import notices
from sessions_app.models import (
    Attendance,
    CalendarFeed,
    LearningSession,
    Material,
    Reschedule,
    WrapUp,
)
from sessions_app.timing import PlannedTime

CALENDAR_FIELDS = {
    "title",
    "duration_minutes",
    "where",
    "video_url",
    "address",
    "phone",
    "agenda",
}


def _next_number(cohort):
    return (cohort.learning_sessions.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def create_series(cohort, *, planned, title, by, facilitators=(), **details):
    """Create one session per planned time; numbers continue the cohort's series."""
    require(by, "sessions_app.schedule", cohort)
    first_number = _next_number(cohort)
    sessions = []
    for offset, plan in enumerate(planned):
        session = LearningSession.objects.create(
            cohort=cohort,
            number=first_number + offset,
            title=title if len(planned) == 1 else f"{title} {first_number + offset}",
            starts_at=plan.starts_at,
            **details,
        )
        session.facilitators.set(facilitators or cohort.facilitators.all())
        sessions.append(session)
    people = list(cohort.people())
    for session in sessions:
        notices.sync_session(session, people)
    return sessions


def add_session(cohort, *, starts_at, title, by, facilitators=(), **details):
    return create_series(
        cohort,
        planned=[PlannedTime(starts_at.date(), starts_at)],
        title=title,
        by=by,
        facilitators=facilitators,
        **details,
    )[0]


def _touch(session, fields):
    session.sequence = F("sequence") + 1
    session.updated_at = timezone.now()
    session.save(update_fields=[*fields, "sequence", "updated_at"])
    session.refresh_from_db(fields=["sequence"])


def _locked(session):
    return LearningSession.objects.select_for_update().select_related("cohort").get(pk=session.pk)


@transaction.atomic
def update_session(session, *, by, facilitators=None, **changes):
    """Edit what a session is about (not its time: that is a reschedule)."""
    require(by, "sessions_app.schedule", session.cohort)
    session = _locked(session)
    changed = [name for name, value in changes.items() if getattr(session, name) != value]
    for name in changed:
        setattr(session, name, changes[name])
    if facilitators is not None:
        session.facilitators.set(facilitators)
    if set(changed) & CALENDAR_FIELDS:
        _touch(session, changed)
    elif changed:
        session.save(update_fields=changed)
    return session


def check_reschedule(session, *, starts_at, reason):
    """Refuse a move that can't happen (a ValidationError), before anything is saved: the
    preview asks this as well as the move itself."""
    if session.is_cancelled:
        raise ValidationError(_("A cancelled session can't be moved. Add a new session instead."))
    if session.is_past:
        raise ValidationError(_("This session has already been held; it can't be moved."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the session moves: everyone is told.")})
    if starts_at == session.starts_at:
        raise ValidationError({"start_time": _("That is the time the session already has.")})


@transaction.atomic
def reschedule_session(session, *, starts_at, reason, by, time_zone=None):
    """Move a session. Its notice waits out the hold (notices.notice_hold): a second move
    before it went replaces it, and undo_change takes the move back."""
    require(by, "sessions_app.schedule", session.cohort)
    session = _locked(session)
    check_reschedule(session, starts_at=starts_at, reason=reason)
    old_starts_at = session.starts_at
    Reschedule.objects.create(
        session=session,
        old_starts_at=old_starts_at,
        old_time_zone=session.time_zone,
        new_starts_at=starts_at,
        reason=reason.strip(),
        by=by,
    )
    session.starts_at = starts_at
    fields = ["starts_at"]
    if time_zone:
        session.time_zone = time_zone
        fields.append("time_zone")
    _touch(session, fields)
    notices.session_moved(session, old_starts_at=old_starts_at, reason=reason.strip())
    return session


@transaction.atomic
def cancel_session(session, *, reason, by):
    require(by, "sessions_app.schedule", session.cohort)
    session = _locked(session)
    if session.is_cancelled:
        raise ValidationError(_("This session is already cancelled."))
    if session.is_past:
        raise ValidationError(_("This session has already been held; it can't be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the session is cancelled: everyone is told.")})
    session.status = LearningSession.Status.CANCELLED
    session.cancel_reason = reason.strip()
    _touch(session, ["status", "cancel_reason"])
    notices.session_cancelled(session)
    return session


@transaction.atomic
def undo_change(session, *, by):
    """Take back a session's latest move or cancellation while its notice is still held:
    the session is as it was before, and nobody is told of the change."""
    require(by, "sessions_app.schedule", session.cohort)
    session = _locked(session)
    if not notices.lock_held(session):
        raise ValidationError(
            _("Everyone has been told of this change already: it can't be undone.")
        )
    if session.is_past:
        raise ValidationError(_("This session has already been held; it can't be changed."))
    if session.is_cancelled:
        session.status = LearningSession.Status.SCHEDULED
        session.cancel_reason = ""
        _touch(session, ["status", "cancel_reason"])
        notices.cancellation_undone(session)
        return session
    moves = session.reschedules.filter(undone_at__isnull=True).order_by("-at", "-pk")
    move = moves.first()
    if move is None:
        raise ValidationError(_("There is no move left to undo."))
    if move.old_starts_at <= timezone.now():
        raise ValidationError(
            _("The session's old time has passed. Reschedule it to a new time instead.")
        )
    moved_from = session.starts_at
    move.undone_at = timezone.now()
    move.save(update_fields=["undone_at"])
    session.starts_at = move.old_starts_at
    session.time_zone = move.old_time_zone or session.time_zone
    _touch(session, ["starts_at", "time_zone"])
    earlier = moves.first()
    notices.session_moved(
        session, old_starts_at=moved_from, reason=earlier.reason if earlier else "", undone=True
    )
    return session


@transaction.atomic
def add_material(session, *, title, by, file=None, url=""):
    require(by, "sessions_app.schedule", session.cohort)
    material = Material(session=session, title=title, url=url, added_by=by)
    if file:
        material.file = file
    material.full_clean()
    material.save()
    return material


@transaction.atomic
def remove_material(material, *, by):
    require(by, "sessions_app.schedule", material.session.cohort)
    material.file.delete(save=False)
    material.delete()


# Attendance ----------------------------------------------------------------------------------


def _team_seat(session, person):
    return (
        Seat.objects.current()
        .filter(enrolment__cohort_id=session.cohort_id, person=person)
        .select_related("enrolment")
        .first()
    )


@transaction.atomic
def set_rsvp(session, *, person, rsvp, note=None):
    """Someone invited to the session answers for themself, before it starts: a team member
    (their row names their team) or a planning partner of the cohort (no team). Without a
    note (the email's link has only the two buttons) a note given earlier stays."""
    if not rules.test_rule("sessions_app.answers", person, session):
        raise PermissionDenied
    if rsvp not in Attendance.Rsvp.values:
        raise ValidationError(_("Choose attending or can't attend."))
    seat = _team_seat(session, person)
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if session.has_started:
        raise ValidationError(_("The session has started: answers are closed."))
    answer = {"rsvp": rsvp, "enrolment": seat.enrolment if seat else None}
    if note is not None:
        answer["rsvp_note"] = note.strip()
    row, _created = Attendance.objects.update_or_create(
        session=session, person=person, defaults=answer
    )
    return row


def _open_for_attendance(session, by):
    """The session, locked (so two facilitators' marks and a cancellation take turns), once
    attendance can be taken: from 30 minutes before the start, never when cancelled."""
    require(by, "sessions_app.mark_attendance", session.cohort)
    session = _locked(session)
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled: there is no attendance to take."))
    if not session.attendance_is_open:
        raise ValidationError(_("Attendance opens 30 minutes before the session starts."))
    return session


def _team_rows(session):
    """The session's rows of people who hold a seat on one of its cohort's teams now."""
    seated = Seat.objects.current().filter(enrolment__cohort_id=session.cohort_id)
    return Attendance.objects.filter(
        session=session, person__in=seated.values("person"), enrolment__isnull=False
    )


def _carry_over_answers(session, *, by, now):
    """Taking attendance starts from the answers: each "can't attend" not yet marked becomes
    Excused (the facilitator can change it). One statement; the people it marked."""
    rows = _team_rows(session).filter(mark="", rsvp=Attendance.Rsvp.NOT_ATTENDING)
    carried = list(rows.values_list("person_id", flat=True))
    if carried:
        Attendance.objects.filter(session=session, person__in=carried).update(
            mark=Attendance.Mark.EXCUSED, marked_by=by, marked_at=now
        )
    return carried


@transaction.atomic
def mark_attendance(session, *, person, mark, by):
    """The facilitator marks a team member present, absent or excused. The first mark carries
    every "can't attend" over to Excused; the row returned lists them in `carried_over`."""
    if mark not in Attendance.Mark.values:
        raise ValidationError(_("Choose present, absent or excused."))
    session = _open_for_attendance(session, by)
    seat = _team_seat(session, person)
    if seat is None:
        raise ValidationError(_("%(name)s is not on a team of this cohort.") % {"name": person})
    now = timezone.now()
    carried = _carry_over_answers(session, by=by, now=now)
    row, _created = Attendance.objects.update_or_create(
        session=session,
        person=person,
        defaults={"mark": mark, "marked_by": by, "marked_at": now, "enrolment": seat.enrolment},
    )
    row.carried_over = [pk for pk in carried if pk != person.pk]
    return row


@transaction.atomic
def mark_rest_present(session, *, by):
    """Everyone on a team not yet marked is marked present, except those who answered
    "can't attend" (Excused). The same few statements however many people: the carry-over,
    one update of the rows that hold only an answer, one insert of the rest. Returns how many
    were marked present."""
    session = _open_for_attendance(session, by)
    now = timezone.now()
    _carry_over_answers(session, by=by, now=now)
    marked = {"mark": Attendance.Mark.PRESENT, "marked_by": by, "marked_at": now}
    count = _team_rows(session).filter(mark="").update(**marked)
    have_rows = Attendance.objects.filter(session=session).values("person")
    unanswered = {
        person_id: enrolment_id
        for person_id, enrolment_id in Seat.objects.current()
        .filter(enrolment__cohort_id=session.cohort_id, person__is_active=True)
        .exclude(person__in=have_rows)
        .order_by("started_at")
        .values_list("person_id", "enrolment_id")
    }
    Attendance.objects.bulk_create(
        Attendance(session=session, person_id=person_id, enrolment_id=enrolment_id, **marked)
        for person_id, enrolment_id in unanswered.items()
    )
    return count + len(unanswered)


# Wrap-up -------------------------------------------------------------------------------------


@transaction.atomic
def write_wrap_up(session, *, notes, recording_url="", by):
    """After a held session, its notes and recording link for the people who missed it. The
    first save tells each of them once the hold is over (notices.wrap_up_written); a later save
    changes what the page shows, and tells only people newly marked as missing it."""
    require(by, "sessions_app.schedule", session.cohort)
    session = _locked(session)
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled: there is nothing to wrap up."))
    if not session.is_past:
        raise ValidationError(_("The wrap-up is written once the session has ended."))
    if not session.attendances.exclude(mark="").exists():
        raise ValidationError(
            _("Take attendance first: the wrap-up goes to the people who were not there.")
        )
    if not notes.strip():
        raise ValidationError({"notes": _("Write a few lines on what the session covered.")})
    wrap_up, _created = WrapUp.objects.update_or_create(
        session=session,
        defaults={
            "notes": notes.strip(),
            "recording_url": recording_url,
            "written_by": by,
            "updated_at": timezone.now(),
        },
    )
    notices.wrap_up_written(session)
    return wrap_up


# Calendar feeds ------------------------------------------------------------------------------


def feed_for(person):
    return CalendarFeed.objects.filter(person=person).first()


@transaction.atomic
def regenerate_feed(person):
    """A new secret URL; the old one stops working at once."""
    feed, _created = CalendarFeed.objects.update_or_create(
        person=person, defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()}
    )
    return feed


@transaction.atomic
def revoke_feed(person):
    CalendarFeed.objects.filter(person=person).delete()
