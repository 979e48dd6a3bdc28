"""A cohort's progress, for staff and the cohort's facilitators (reads only).

One entry, `cohort_progress(cohort, window)`, returns plain data (dataclasses, lists, model
instances; no lazy querysets), so a cache can hold it. Every figure is counted in the database
for all the cohort's teams at once, never team by team:

1. the teams, each with its counts as subqueries (actions, check-ins, support requests,
   self-assessments taken, average change; whether it is new, and its actions done and
   check-ins in since the window's day: dashboard.progress.Changed);
2. their current seats (who the executive director is);
3. the held sessions and 4. who was present at them (sessions_app's attendance_by_team);
5. per held session, the people marked and the people present;
6. the sessions still ahead, those started and those held since the window's day;
7. the rubric's dimensions, each with the cohort's average change.

Definitions the page states in words (PageRules below):

- a session is *held* when attendance was taken for it (sessions_app.selectors.
  attendance_by_team); it is *left* when it is scheduled and has not started;
- a held session's *attendance rate* is the team members marked present out of the team
  members marked at it (present, absent or excused): the people expected that day;
- its *team representation* is the teams with at least one person present out of the
  cohort's teams;
- a team's *executive director attendance* is the held sessions its current executive director
  was present at, out of the held sessions;
- a self-assessment is *taken* when it is submitted; the *change* on a dimension is the end
  level minus the start level, counted only when both are submitted and rated (the rule of
  workplans.selectors.Comparison), averaged per team over its dimensions and per dimension
  over the teams;
- a check-in is *on time* when it was submitted on or before its due day (in the viewer's
  zone) and *overdue* by CheckIn.objects.overdue(today);
- a support request is *open* until it is closed.

A team *needs attention* when it missed the latest MISSED_IN_A_ROW held sessions in a row
(the flag of the cohort page), when more than OVERDUE_ACTIONS_OVER of its action items are
overdue, or when any of its check-ins is overdue.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.choices import TeamRole
from cohorts.models import Enrolment
from cohorts.selectors import current_seats
from dashboard.progress import Changes, changed
from sessions_app.models import Attendance, LearningSession
from sessions_app.selectors import MISSED_IN_A_ROW, attendance_by_team
from workplans.choices import AssessmentStatus, CheckInStatus, Phase, SupportStatus
from workplans.models import ActionItem, CheckIn, Dimension, Rating, SelfAssessment, SupportRequest

# A team needs attention with more than this many overdue action items ("over a threshold":
# three overdue is a busy month, four a team that needs a call).
OVERDUE_ACTIONS_OVER = 3

# The orders the team table offers (?sort=…, a leading "-" for the other way round).
SORTS = ("team", "attendance", "done", "overdue")


# Counting in the database ------------------------------------------------------------------


def _per_team(rows, team_path):
    """How many of `rows` belong to the outer query's team, as a subquery (0 when none)."""
    counted = (
        rows.filter(**{team_path: OuterRef("pk")})
        .order_by()
        .values(team_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _actions(rows):
    return _per_team(rows, "goal__workplan__enrolment")


def _submitted(phase):
    return Exists(
        SelfAssessment.objects.filter(
            enrolment=OuterRef("pk"), phase=phase, status=AssessmentStatus.SUBMITTED
        )
    )


def _end_ratings():
    """Ratings of submitted end self-assessments, and with each its team's start level on the
    same dimension (from a submitted start one). Their difference is NULL, so left out of an
    average, when either level is missing: workplans.selectors.Comparison's rule."""
    start = Rating.objects.filter(
        assessment__enrolment=OuterRef("assessment__enrolment"),
        assessment__phase=Phase.START,
        assessment__status=AssessmentStatus.SUBMITTED,
        dimension=OuterRef("dimension"),
    ).values("level")[:1]
    ratings = Rating.objects.filter(
        assessment__phase=Phase.END, assessment__status=AssessmentStatus.SUBMITTED
    )
    change = F("level") - Subquery(start, output_field=IntegerField())
    return ratings, change


def _average_change(ratings, group_path, outer):
    ratings, change = ratings
    averaged = (
        ratings.filter(**{group_path: OuterRef(outer)})
        .order_by()
        .values(group_path)
        .annotate(average=Avg(change, output_field=FloatField()))
        .values("average")
    )
    return Subquery(averaged, output_field=FloatField())


def _compared(ratings, group_path, outer):
    """How many start/end pairs the average above is taken over."""
    ratings, change = ratings
    counted = (
        ratings.filter(**{group_path: OuterRef(outer)})
        .order_by()
        .values(group_path)
        .annotate(n=Count(change))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _teams(cohort, window, recent):
    today = window.today
    actions = ActionItem.objects.all()
    checkins = CheckIn.objects.all()
    submitted = checkins.exclude(status=CheckInStatus.OPEN)
    ratings = _end_ratings()
    return list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("organisation")
        .prefetch_related(Prefetch("seats", queryset=current_seats(), to_attr="current_seats"))
        .annotate(
            actions_total=_actions(actions),
            actions_done=_actions(actions.done()),
            actions_overdue=_actions(actions.overdue(today)),
            new=Exists(recent.teams.filter(pk=OuterRef("pk"))),
            actions_done_since=_actions(recent.actions),
            checkins_due=_per_team(checkins.filter(due_on__lte=today), "enrolment"),
            checkins_submitted=_per_team(submitted, "enrolment"),
            checkins_on_time=_per_team(
                submitted.filter(submitted_at__date__lte=F("due_on")), "enrolment"
            ),
            checkins_overdue=_per_team(checkins.overdue(today), "enrolment"),
            checkins_in_since=_per_team(recent.checkins, "enrolment"),
            support_open=_per_team(
                SupportRequest.objects.exclude(status=SupportStatus.CLOSED), "enrolment"
            ),
            start_taken=_submitted(Phase.START),
            end_taken=_submitted(Phase.END),
            average_change=_average_change(ratings, "assessment__enrolment", "pk"),
        )
        .order_by("organisation__name", "pk")
    )


def _session_counts(held):
    """{session id: (people marked, people present)}, team members only (partners answer
    but are never marked)."""
    rows = (
        Attendance.objects.filter(session__in=[session.pk for session in held])
        .exclude(enrolment=None)
        .exclude(mark="")
        .order_by()
        .values("session")
        .annotate(
            marked=Count("pk"),
            present=Count("pk", filter=Q(mark=Attendance.Mark.PRESENT)),
        )
        .values_list("session", "marked", "present")
    )
    return {session: (marked, present) for session, marked, present in rows}


def _schedule(cohort, recent):
    """(sessions left: scheduled, not started; sessions started; sessions held since:
    `recent`'s), one query."""
    now = timezone.now()
    counts = LearningSession.objects.filter(
        cohort=cohort, status=LearningSession.Status.SCHEDULED
    ).aggregate(
        left=Count("pk", filter=Q(starts_at__gt=now)),
        started=Count("pk", filter=Q(starts_at__lte=now)),
        held_since=Count("pk", filter=Q(pk__in=recent.sessions.values("pk"))),
    )
    return counts["left"], counts["started"], counts["held_since"]


def _dimensions(cohort):
    ratings = _end_ratings()
    in_cohort = (
        ratings[0].filter(assessment__enrolment__cohort=cohort),
        ratings[1],
    )
    return [
        DimensionChange(dimension.name, dimension.average_change, dimension.compared)
        for dimension in Dimension.objects.filter(rubric__program_id=cohort.program_id)
        .annotate(
            average_change=_average_change(in_cohort, "dimension", "pk"),
            compared=_compared(in_cohort, "dimension", "pk"),
        )
        .order_by("position", "pk")
    ]


# What the page reads -----------------------------------------------------------------------


def percent(part, whole):
    """A whole percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


@dataclass
class SessionFigures:
    session: LearningSession
    marked: int  # team members marked (present, absent or excused): the people expected
    present: int
    teams_present: int
    teams: int

    @property
    def rate(self):
        return percent(self.present, self.marked)

    @property
    def representation(self):
        return percent(self.teams_present, self.teams)


@dataclass
class DimensionChange:
    name: str
    average: float | None
    compared: int  # teams with both levels on this dimension


@dataclass
class TeamFigures:
    enrolment: Enrolment
    held: int
    represented: int  # held sessions with anyone of the team present
    ed_present: int  # held sessions its current executive director was present at
    has_ed: bool
    missed_in_a_row: int
    actions_total: int
    actions_done: int
    actions_overdue: int
    start_taken: bool
    end_taken: bool
    average_change: float | None
    checkins_due: int
    checkins_submitted: int
    checkins_on_time: int
    checkins_overdue: int
    support_open: int
    reasons: list = field(default_factory=list)

    @property
    def name(self):
        return self.enrolment.organisation.name

    @property
    def attendance_rate(self):
        return percent(self.represented, self.held)

    @property
    def ed_rate(self):
        return percent(self.ed_present, self.held)

    @property
    def needs_attention(self):
        return bool(self.reasons)

    @property
    def meter_parts(self):
        """Its action items as a bar's parts (progress_charts.meter): done, overdue, the rest."""
        rest = self.actions_total - self.actions_done - self.actions_overdue
        return [
            {"value": self.actions_done, "kind": "done"},
            {"value": self.actions_overdue, "kind": "overdue"},
            {"value": max(rest, 0), "kind": "rest"},
        ]


@dataclass
class CohortProgress:
    cohort: object
    as_of: datetime
    sessions: list  # SessionFigures, oldest first
    sessions_left: int
    sessions_not_taken: int  # started, but no attendance taken
    teams: list  # TeamFigures, needing attention first, then by name
    dimensions: list  # DimensionChange, in the rubric's order
    changes: Changes
    overdue_actions_over: int = OVERDUE_ACTIONS_OVER
    missed_in_a_row: int = MISSED_IN_A_ROW

    @property
    def sessions_held(self):
        return len(self.sessions)

    @property
    def average_attendance(self):
        """People present out of people marked, over every held session together."""
        return percent(
            sum(row.present for row in self.sessions), sum(row.marked for row in self.sessions)
        )

    @property
    def has_change(self):
        """Whether any team has both self-assessments to compare on some dimension."""
        return any(row.compared for row in self.dimensions)

    @property
    def needing_attention(self):
        return [team for team in self.teams if team.needs_attention]

    @property
    def actions_done(self):
        return sum(team.actions_done for team in self.teams)

    @property
    def actions_total(self):
        return sum(team.actions_total for team in self.teams)


def reasons_for(team):
    """Why a team needs attention, in words (empty when it does not)."""
    reasons = []
    if team.missed_in_a_row >= MISSED_IN_A_ROW:
        reasons.append(
            ngettext(
                "Missed the last %(count)s session",
                "Missed the last %(count)s sessions in a row",
                team.missed_in_a_row,
            )
            % {"count": team.missed_in_a_row}
        )
    if team.actions_overdue > OVERDUE_ACTIONS_OVER:
        reasons.append(
            ngettext(
                "%(count)s action item overdue",
                "%(count)s action items overdue",
                team.actions_overdue,
            )
            % {"count": team.actions_overdue}
        )
    if team.checkins_overdue:
        reasons.append(
            ngettext(
                "%(count)s check-in overdue",
                "%(count)s check-ins overdue",
                team.checkins_overdue,
            )
            % {"count": team.checkins_overdue}
        )
    return reasons


def _team_figures(team, attendance):
    cells = attendance.cells
    figures = TeamFigures(
        enrolment=team,
        held=len(cells),
        represented=sum(1 for represented, _ed in cells if represented),
        ed_present=sum(1 for _represented, ed in cells if ed),
        has_ed=any(seat.role == TeamRole.EXECUTIVE_DIRECTOR for seat in team.current_seats),
        missed_in_a_row=attendance.missed_in_a_row,
        actions_total=team.actions_total,
        actions_done=team.actions_done,
        actions_overdue=team.actions_overdue,
        start_taken=team.start_taken,
        end_taken=team.end_taken,
        average_change=team.average_change,
        checkins_due=team.checkins_due,
        checkins_submitted=team.checkins_submitted,
        checkins_on_time=team.checkins_on_time,
        checkins_overdue=team.checkins_overdue,
        support_open=team.support_open,
    )
    figures.reasons = reasons_for(figures)
    return figures


def cohort_progress(cohort, window):
    """Everything the cohort's progress page and its CSV show, as plain data, in seven
    queries whatever the number of teams and sessions (see the module's docstring).

    The figures depend on the cohort, `window.since` and the active time zone (the viewer's:
    "today" for overdue, the due day for "on time", the first instant of `since`), and on
    nothing about the viewer besides: a cache key needs those three, and the day."""
    recent = changed(window)
    teams = _teams(cohort, window, recent)
    held, rows = attendance_by_team([cohort.pk], teams)[cohort.pk]
    counts = _session_counts(held) if held else {}
    sessions = []
    for index, session in enumerate(held):
        marked, present = counts.get(session.pk, (0, 0))
        teams_present = sum(1 for row in rows if row.present[index])
        sessions.append(SessionFigures(session, marked, present, teams_present, len(teams)))
    left, started, held_since = _schedule(cohort, recent)
    figures = [_team_figures(team, row) for team, row in zip(teams, rows, strict=True)]
    changes = Changes(
        since=recent.since,
        new_teams=sum(1 for team in teams if team.new),
        sessions_held=held_since,
        actions_done=sum(team.actions_done_since for team in teams),
        checkins_in=sum(team.checkins_in_since for team in teams),
    )
    return CohortProgress(
        cohort=cohort,
        as_of=window.as_of,
        sessions=sessions,
        sessions_left=left,
        sessions_not_taken=max(0, started - len(held)),
        teams=sort_teams(figures, ""),
        dimensions=_dimensions(cohort),
        changes=changes,
    )


# Orders of the team table ------------------------------------------------------------------


def _by_name(team):
    return (team.name.casefold(), team.enrolment.pk)


SORT_KEYS = {
    "team": lambda team: 0,  # the order by name below is the whole of it
    "attendance": lambda team: -1 if team.attendance_rate is None else team.attendance_rate,
    "done": lambda team: team.actions_done,
    "overdue": lambda team: team.actions_overdue,
}


def parse_sort(value):
    """(column, descending) from ?sort=…; ("", False), the default order, for anything else."""
    value = (value or "").strip()
    descending = value.startswith("-")
    column = value.removeprefix("-")
    if column not in SORT_KEYS:
        return "", False
    return column, descending


def sort_teams(teams, value):
    """The teams in the order asked for; by default those needing attention first, each
    group by name. Sorts the few rows already read (a cohort has a handful of teams)."""
    column, descending = parse_sort(value)
    if not column:
        return sorted(teams, key=lambda team: (not team.needs_attention, *_by_name(team)))
    # By name first, then (a stable sort, even reversed) by the column: ties stay A to Z.
    ordered = sorted(teams, key=_by_name, reverse=descending and column == "team")
    return sorted(ordered, key=SORT_KEYS[column], reverse=descending and column != "team")


def describe_rules():
    """The rules of "needs attention", in words, for the page."""
    return [
        ngettext(
            "It missed the last %(count)s held session in a row (no one from the team was "
            "marked present).",
            "It missed the last %(count)s held sessions in a row (no one from the team was "
            "marked present at any of them).",
            MISSED_IN_A_ROW,
        )
        % {"count": MISSED_IN_A_ROW},
        ngettext(
            "More than %(count)s of its action items are overdue (past their due date and not "
            "done).",
            "More than %(count)s of its action items are overdue (past their due date and not "
            "done).",
            OVERDUE_ACTIONS_OVER,
        )
        % {"count": OVERDUE_ACTIONS_OVER},
        _("Any of its check-ins is overdue (past its due date and not submitted)."),
    ]
