"""Reads of learning sessions, always scoped to the person asking."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cohorts.choices import TeamRole
from cohorts.models import Cohort, Membership, Seat, TakingPart, takes_part
from cohorts.selectors import cohorts_for, current_seats
from sessions_app.models import Attendance, LearningSession, Material, WrapUp
from sessions_app.timing import outside_working_hours

FACILITATING = (TakingPart.FACILITATOR,)


def sessions_for(user):
    return LearningSession.objects.filter(cohort__in=cohorts_for(user)).select_related(
        "cohort", "cohort__program"
    )


def get_session_for(user, pk):
    """One session, with its wrap-up if it has one (wrap_up_of)."""
    return get_object_or_404(sessions_for(user).select_related("wrap_up"), pk=pk)


def get_session_page_for(user, pk):
    """As get_session_for, with whether the person facilitates the session's cohort (the
    rule sessions_app.schedule asks, cohorts.rules.is_cohort_facilitator) read in the same
    query and kept on the cohort."""
    session = get_object_or_404(
        sessions_for(user)
        .select_related("wrap_up")
        .annotate(facilitates=takes_part(user, FACILITATING)),
        pk=pk,
    )
    session.cohort.read_person(user, FACILITATING, session.facilitates)
    return session


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


# People at a session: answers and marks ------------------------------------------------------

# Beyond this many people (eight teams of three, a full OE cohort) every team of the roll
# shows folded, as its line of counts, and opens on demand: a page a person can read. Below
# it, a team folds once everyone in it is marked.
COLLAPSE_ABOVE = 24


@dataclass
class Tally:
    """Answers (attending, can't attend, none) and marks (present, absent, excused, none)."""

    people: int = 0
    attending: int = 0
    not_attending: int = 0
    no_answer: int = 0
    present: int = 0
    absent: int = 0
    excused: int = 0
    unmarked: int = 0

    def count(self, answer, mark):
        answer_field = ANSWER_FIELDS.get(answer, "no_answer")
        mark_field = MARK_FIELDS.get(mark, "unmarked")
        setattr(self, answer_field, getattr(self, answer_field) + 1)
        setattr(self, mark_field, getattr(self, mark_field) + 1)
        self.people += 1


ANSWER_FIELDS = {
    Attendance.Rsvp.ATTENDING.value: "attending",
    Attendance.Rsvp.NOT_ATTENDING.value: "not_attending",
}
MARK_FIELDS = {mark.value: mark.value for mark in Attendance.Mark}


@dataclass
class TeamRoll:
    enrolment: object
    # Seats, each with its row (.attendance, or None) and from it .answer, .note and .mark.
    seats: list = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class Roll:
    """Everyone a session's facilitator answers for: its teams (answers and marks, per team
    and in all) and, apart from them, its planning partners (answers only)."""

    teams: list
    tally: Tally
    partners: list  # memberships, each with .attendance, .answer and .note
    partner_tally: Tally

    @property
    def folded(self):
        return self.tally.people > COLLAPSE_ABOVE

    def team_of(self, person_pk):
        return next(
            (team for team in self.teams for seat in team.seats if seat.person_id == person_pk),
            None,
        )


def _answer_and_mark(row):
    return (row.rsvp, row.rsvp_note, row.mark) if row else ("", "", "")


def session_roll(session):
    """The cohort's current teams and partners with their rows for this session: three
    queries whatever the cohort's size (the rows, the seats, the partners)."""
    rows = {row.person_id: row for row in session.attendances.all()}
    seats = current_seats(
        Seat.objects.filter(enrolment__cohort_id=session.cohort_id, person__is_active=True)
    ).select_related("enrolment__organisation")
    teams = {}
    tally = Tally()
    for seat in seats:
        seat.attendance = rows.get(seat.person_id)
        seat.answer, seat.note, seat.mark = _answer_and_mark(seat.attendance)
        team = teams.setdefault(seat.enrolment_id, TeamRoll(seat.enrolment))
        team.seats.append(seat)
        team.tally.count(seat.answer, seat.mark)
        tally.count(seat.answer, seat.mark)
    partners, partner_tally, seen = [], Tally(), set()
    memberships = (
        Membership.objects.in_partners()
        .filter(organisation__partner_cohorts=session.cohort_id, person__is_active=True)
        .select_related("person", "organisation")
        .order_by("organisation__name", "person__full_name")
    )
    for membership in memberships:
        if membership.person_id in seen:
            continue
        seen.add(membership.person_id)
        membership.attendance = rows.get(membership.person_id)
        membership.answer, membership.note, _mark = _answer_and_mark(membership.attendance)
        partners.append(membership)
        partner_tally.count(membership.answer, "")
    return Roll(
        teams=sorted(teams.values(), key=lambda team: team.enrolment.organisation.name),
        tally=tally,
        partners=partners,
        partner_tally=partner_tally,
    )


def wrap_up_of(session):
    """The session's wrap-up or None, read with the session by get_session_for."""
    try:
        return session.wrap_up
    except WrapUp.DoesNotExist:
        return None


# Attendance by team and the consecutive-absence flag ---------------------------------------

# A team is flagged when it missed this many of its cohort's latest held sessions in a row.
MISSED_IN_A_ROW = 2


@dataclass
class TeamAttendance:
    """A team over its cohort's held sessions: who of it was present at each, oldest first.

    A team misses a session when attendance was taken for it and none of its people were
    present. Missing the latest MISSED_IN_A_ROW in a row flags the team.
    """

    enrolment: object
    present: list  # per held session, oldest first: ids of the team's people marked present

    @cached_property
    def cells(self):
        """Per held session: (represented, executive director present). Reads the team's
        current seats (cohorts.selectors.cohort_teams)."""
        ed_ids = {
            seat.person_id
            for seat in self.enrolment.current_seats
            if seat.role == TeamRole.EXECUTIVE_DIRECTOR
        }
        return [(bool(there), bool(there & ed_ids)) for there in self.present]

    @cached_property
    def missed_in_a_row(self):
        streak = 0
        for there in self.present:
            streak = 0 if there else streak + 1
        return streak

    @property
    def flagged(self):
        return self.missed_in_a_row >= MISSED_IN_A_ROW


def attendance_by_team(cohort_ids, teams, *, latest=None):
    """{cohort id: (held sessions, [TeamAttendance, …])} for each of `cohort_ids`: its held
    sessions oldest first, and a row for each of `teams` (enrolments) in it.

    A held session is scheduled, has started and has attendance taken; `latest` keeps only
    each cohort's last so many (enough for the flag, which looks no further back). Two queries
    for any number of cohorts (the held sessions, then who was marked present at them; the
    second only when some were held), besides reading `teams` once. Portable SQL: the demo
    runs on SQLite.
    """
    held = (
        LearningSession.objects.held()
        .filter(cohort_id__in=cohort_ids)
        .order_by("cohort_id", "starts_at", "number")
    )
    if latest is not None:
        held = held.annotate(
            recent=Window(
                RowNumber(),
                partition_by=[F("cohort_id")],
                order_by=[F("starts_at").desc(), F("number").desc()],
            )
        ).filter(recent__lte=latest)
    held = list(held)
    present_at = defaultdict(lambda: defaultdict(set))  # session id → enrolment id → people
    if held:
        marks = Attendance.objects.filter(
            session__in=[session.pk for session in held], mark=Attendance.Mark.PRESENT
        ).values_list("session_id", "enrolment_id", "person_id")
        for session_id, enrolment_id, person_id in marks:
            present_at[session_id][enrolment_id].add(person_id)
    by_cohort = {cohort_id: ([], []) for cohort_id in cohort_ids}
    for session in held:
        by_cohort[session.cohort_id][0].append(session)
    for team in teams:
        sessions, rows = by_cohort[team.cohort_id]
        present = [present_at[session.pk].get(team.pk, set()) for session in sessions]
        rows.append(TeamAttendance(team, present))
    return by_cohort


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
