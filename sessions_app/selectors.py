"""Reads of learning sessions, always scoped to the person asking."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cohorts.choices import TeamRole
from cohorts.models import Cohort, Seat
from cohorts.selectors import cohorts_for, current_seats
from sessions_app.models import Attendance, LearningSession, Material
from sessions_app.timing import outside_working_hours


def sessions_for(user):
    return LearningSession.objects.filter(cohort__in=cohorts_for(user)).select_related(
        "cohort", "cohort__program"
    )


def get_session_for(user, pk):
    return get_object_or_404(sessions_for(user), pk=pk)


def get_material_for(user, session_pk, pk):
    return get_object_or_404(
        Material.objects.filter(session__in=sessions_for(user)).select_related("session"),
        session_id=session_pk,
        pk=pk,
    )


def my_sessions(user):
    """Sessions of the cohorts a person takes part in (not every one a staff member can see)."""
    cohorts = Cohort.objects.taking_part(user).values("pk")
    return LearningSession.objects.filter(cohort__in=cohorts).select_related(
        "cohort", "cohort__program"
    )


def upcoming_for(user, limit=5):
    """The next sessions of the cohorts a person takes part in. Their cohorts are read first:
    someone in no cohort (most staff) costs one small query, and the sessions are one range
    scan of (cohort, starts_at) per cohort."""
    cohorts = list(Cohort.objects.taking_part(user).values_list("pk", flat=True))
    if not cohorts:
        return []
    return list(
        LearningSession.objects.filter(
            cohort_id__in=cohorts,
            starts_at__gte=timezone.now() - timedelta(hours=3),
            status=LearningSession.Status.SCHEDULED,
        )
        .select_related("cohort", "cohort__program")
        .prefetch_related("materials")
        .order_by("starts_at")[:limit]
    )


def cohort_schedule(cohort):
    return cohort.learning_sessions.prefetch_related("materials").order_by("starts_at", "number")


def session_people(session):
    """The cohort's current team seats, each with this session's attendance row (or None)."""
    seats = list(
        current_seats(Seat.objects.filter(enrolment__cohort_id=session.cohort_id)).select_related(
            "enrolment__organisation"
        )
    )
    rows = {a.person_id: a for a in session.attendances.all()}
    for seat in seats:
        seat.attendance = rows.get(seat.person_id)
    seats.sort(key=lambda s: (s.enrolment.organisation.name, s.role, s.person.full_name))
    return seats


@dataclass
class TeamAttendance:
    enrolment: object
    cells: list = field(default_factory=list)  # one per past session: (represented, ed_present)
    missed_in_a_row: int = 0

    @property
    def flagged(self):
        return self.missed_in_a_row >= 2


def attendance_summary(cohort, teams):
    """Per team and past session: represented or not, executive director present or not.

    A team misses a session when attendance was taken for it and none of its people were
    present. Two misses in a row (the latest ones) flag the team.
    """
    held = list(
        cohort.learning_sessions.filter(
            status=LearningSession.Status.SCHEDULED, starts_at__lte=timezone.now()
        )
        .order_by("starts_at")
    )
    marks = Attendance.objects.filter(session__in=[session.pk for session in held]).exclude(mark="")
    taken = set()
    present = defaultdict(set)  # (session id, enrolment id) → ids of the people present
    for session_id, enrolment_id, person_id, mark in marks.values_list(
        "session_id", "enrolment_id", "person_id", "mark"
    ):
        taken.add(session_id)
        if mark == Attendance.Mark.PRESENT:
            present[session_id, enrolment_id].add(person_id)
    sessions = [session for session in held if session.pk in taken]
    summary = []
    for team in teams:
        ed_ids = {s.person_id for s in team.current_seats if s.role == TeamRole.EXECUTIVE_DIRECTOR}
        row = TeamAttendance(team)
        streak = 0
        for session in sessions:
            there = present[session.pk, team.pk]
            row.cells.append((bool(there), bool(there & ed_ids)))
            streak = 0 if there else streak + 1
        row.missed_in_a_row = streak
        summary.append(row)
    return sessions, summary


def enrolled_zones(cohort):
    """(state name, time zone) of each organisation enrolled in the cohort."""
    zones = {}
    for org in [e.organisation for e in cohort.enrolments.select_related("organisation")]:
        if org.default_time_zone:
            zones[str(org.get_state_display())] = org.default_time_zone
    return sorted(zones.items())


def schedule_warnings(cohort, starts, minutes, *, zones, time_zone, exclude=None):
    """Warnings for each planned start: in the past, overlapping a session the cohort already
    has, outside 8:00–20:00 somewhere, after the cohort's last day (in the planning zone).

    `starts` is a list of UTC datetimes; returns a list (same order) of lists of messages.
    """
    now = timezone.now()
    planning_zone = ZoneInfo(time_zone)
    others = list(
        cohort.learning_sessions.filter(status=LearningSession.Status.SCHEDULED)
        .exclude(pk=exclude.pk if exclude else None)
        .only("pk", "number", "title", "starts_at", "duration_minutes")
    )
    result = []
    for start in starts:
        end = start + timedelta(minutes=minutes)
        messages = []
        if start < now:
            messages.append(_("This time is in the past."))
        for other in others:
            if start < other.ends_at and other.starts_at < end:
                messages.append(
                    _("It overlaps session %(number)s, “%(title)s”.")
                    % {"number": other.number, "title": other.title}
                )
        early_late = [name for name, zone in zones if outside_working_hours(start, minutes, zone)]
        if early_late:
            messages.append(
                _("It falls outside 8:00–20:00 local time in %(states)s.")
                % {"states": ", ".join(early_late)}
            )
        if start.astimezone(planning_zone).date() > cohort.ends_on:
            messages.append(
                _("It is after the cohort ends on %(date)s.")
                % {"date": formats.date_format(cohort.ends_on, "DATE_FORMAT")}
            )
        result.append(messages)
    return result
