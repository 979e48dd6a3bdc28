"""A state's dossier: everything about one US state (or DC, or a territory) across programs
and years — its grantee organisations, the cohorts they took part in, each team over time,
attendance, the workplan and its cohort's-end snapshot, the self-assessment change, the
check-ins and the support received from planning partners. Staff only (the view checks).

Reads only. `state_dossier(code, window)` returns plain data (dataclasses of strings, numbers,
dates and datetimes; no model instances, no querysets), so the whole dossier can be cached and
pickled as it is. Datetimes stay aware (UTC): the template shows them in the viewer's zone.
Labels stay lazy translations (they pickle), so they are read in the viewer's language.

Eight queries, whatever the number of teams and rows (one for a state with no grantee): the
organisations; the teams with their cohort, program, workplan, snapshot and counts; every seat
of those teams; the held sessions and who was present (sessions_app.selectors.
attendance_by_team); the rubrics' dimensions with the teams' submitted ratings; the
check-ins; the support requests with the hours given. With the request's own three (session,
person, staff check) and the menu's roles, the page makes twelve.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone

from cohorts.choices import STATE_NAMES, CohortStatus, FocusArea, OrganisationKind, TeamRole
from cohorts.models import Enrolment, Organisation, Seat
from sessions_app.selectors import attendance_by_team
from workplans.choices import CheckInStatus, Phase, SupportStatus, SupportStep, WorkplanStatus
from workplans.models import (
    ActionItem,
    CheckIn,
    Dimension,
    Goal,
    Rating,
    SelfAssessment,
    SupportRequest,
    Workplan,
    WorkplanSnapshot,
)
from workplans.selectors import ComparedDimension, Comparison, checkin_stage


def state_code(code):
    """The state's code in capitals, or a 404 when no state, DC or territory has it."""
    code = (code or "").upper()
    if code not in STATE_NAMES:
        raise Http404
    return code


# What the dossier holds ------------------------------------------------------------------------


@dataclass
class OrganisationRow:
    pk: int
    name: str
    teams: int  # how many times it enrolled in a cohort


@dataclass
class Person:
    name: str
    role: str  # in words
    executive_director: bool
    started_at: datetime
    ended_at: datetime | None

    @property
    def current(self):
        return self.ended_at is None


@dataclass
class AttendanceFigures:
    """Over the cohort's held sessions: how many the team was represented at, and how many its
    executive director (the current one) was present at."""

    held: int
    represented: int
    ed_present: int
    missed_in_a_row: int
    flagged: bool


@dataclass
class WorkplanFigures:
    status: str
    status_label: str
    goals: int
    actions_total: int
    actions_done: int
    actions_overdue: int
    reviewed_at: datetime | None


@dataclass
class SnapshotFigures:
    """What the workplan's snapshot, frozen when the cohort ended, records."""

    taken_at: datetime
    goals: int
    actions_total: int
    actions_done: int


@dataclass
class DimensionChange:
    name: str
    start: int | None
    end: int | None
    change: int | None

    @property
    def change_label(self):
        """+2, 0, -1; a dash when either level is missing."""
        if self.change is None:
            return "—"
        return f"+{self.change}" if self.change > 0 else str(self.change)


@dataclass
class AssessmentFigures:
    """Start and end self-assessments: where each stands, and (both submitted) the change per
    dimension of the program's rubric and its average (workplans.selectors.Comparison)."""

    start_status: str  # "not_started", "draft" or "submitted"
    start_submitted_at: datetime | None
    end_status: str
    end_submitted_at: datetime | None
    dimensions: list = field(default_factory=list)
    average_change: float | None = None

    @property
    def compared(self):
        return any(row.change is not None for row in self.dimensions)


@dataclass
class CheckInRow:
    number: int
    due_on: date
    stage: str  # workplans.selectors.checkin_stage (templates/workplans/_checkin_stage.html)
    submitted_at: datetime | None
    on_time: bool | None  # submitted on or before its due date (in the viewer's zone)
    days_overdue: int


@dataclass
class SupportRow:
    pk: int
    focus_area: str
    status: str
    status_label: str
    partner: str
    assignee: str
    created_at: datetime
    hours: Decimal | None  # the help given, as logged; None when none was logged


@dataclass
class Team:
    """One enrolment of one of the state's organisations in one cohort."""

    pk: int
    organisation: str
    organisation_pk: int
    cohort_pk: int
    cohort: str
    program: str
    cohort_status: str
    cohort_status_label: str
    starts_on: date
    ends_on: date
    people: list  # Person, the current seats first
    attendance: AttendanceFigures
    workplan: WorkplanFigures | None
    snapshot: SnapshotFigures | None
    assessment: AssessmentFigures
    checkins: list  # CheckInRow
    checkins_overdue: int
    support: list  # SupportRow

    @property
    def current_people(self):
        return [person for person in self.people if person.current]

    @property
    def former_people(self):
        return [person for person in self.people if not person.current]

    @property
    def support_hours(self):
        return sum((row.hours for row in self.support if row.hours), Decimal(0))


@dataclass
class Dossier:
    code: str
    name: str
    as_of: datetime
    today: date
    organisations: list  # OrganisationRow
    teams: list  # Team, the earliest cohort first

    @property
    def programs(self):
        return sorted({team.program for team in self.teams})

    @property
    def cohort_count(self):
        return len({team.cohort_pk for team in self.teams})

    @property
    def active(self):
        return [team for team in self.teams if team.cohort_status == "active"]

    @property
    def support(self):
        return [row for team in self.teams for row in team.support]

    @property
    def support_hours(self):
        return sum((team.support_hours for team in self.teams), Decimal(0))

    @property
    def checkins(self):
        return [team for team in self.teams if team.checkins]

    @property
    def checkins_overdue(self):
        return sum(team.checkins_overdue for team in self.teams)


# Reading it ------------------------------------------------------------------------------------


def _label(choices, value):
    """The choice's label, lazily translated (Django's get_FOO_display() forces it to text in
    the language of the moment), or the stored value when it is no longer a choice."""
    return choices(value).label if value in choices.values else value


def _count(rows):
    """How many of `rows` there are, as a subquery (rows filtered on an OuterRef)."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _phase(phase, column):
    return Subquery(
        SelfAssessment.objects.filter(enrolment=OuterRef("pk"), phase=phase).values(column)[:1]
    )


def _teams(code, today):
    """The state's enrolments, the earliest cohort first, each with its cohort and program,
    its workplan and snapshot, and the counts the dossier shows: one query."""
    items = ActionItem.objects.filter(goal__workplan__enrolment=OuterRef("pk"))
    return list(
        Enrolment.objects.filter(
            organisation__state=code, organisation__kind=OrganisationKind.STATE_GRANTEE
        )
        .select_related("organisation", "cohort__program", "workplan__snapshot")
        .annotate(
            goal_count=_count(Goal.objects.filter(workplan__enrolment=OuterRef("pk"))),
            actions_total=_count(items),
            actions_done=_count(items.done()),
            actions_overdue=_count(items.overdue(today)),
            checkins_overdue=_count(
                CheckIn.objects.overdue(today).filter(enrolment=OuterRef("pk"))
            ),
            start_status=_phase(Phase.START, "status"),
            start_submitted_at=_phase(Phase.START, "submitted_at"),
            end_status=_phase(Phase.END, "status"),
            end_submitted_at=_phase(Phase.END, "submitted_at"),
        )
        .order_by("cohort__starts_on", "cohort__name", "organisation__name", "pk")
    )


def _people(enrolments):
    """{enrolment id: [Person]}, the current seats first (by role), then those who left, the
    latest to leave first; and sets each enrolment's `current_seats` (attendance_by_team reads
    who is the executive director from them). One query."""
    seats = (
        Seat.objects.filter(enrolment__in=[e.pk for e in enrolments])
        .select_related("person")
        .order_by(
            "enrolment",
            F("ended_at").desc(nulls_first=True),
            "role",
            "person__full_name",
            "pk",
        )
    )
    people = defaultdict(list)
    current = defaultdict(list)
    for seat in seats:
        people[seat.enrolment_id].append(
            Person(
                name=seat.person.full_name or seat.person.email,
                role=_label(TeamRole, seat.role),
                executive_director=seat.role == TeamRole.EXECUTIVE_DIRECTOR,
                started_at=seat.started_at,
                ended_at=seat.ended_at,
            )
        )
        if seat.ended_at is None:
            current[seat.enrolment_id].append(seat)
    for enrolment in enrolments:
        enrolment.current_seats = current[enrolment.pk]
    return people


def _attendance(enrolments):
    """{enrolment id: AttendanceFigures}: two queries for every cohort of the state."""
    by_cohort = attendance_by_team(list({e.cohort_id for e in enrolments}), enrolments)
    figures = {}
    for _held, rows in by_cohort.values():
        for row in rows:
            cells = row.cells
            figures[row.enrolment.pk] = AttendanceFigures(
                held=len(cells),
                represented=sum(represented for represented, _ed in cells),
                ed_present=sum(ed for _represented, ed in cells),
                missed_in_a_row=row.missed_in_a_row,
                flagged=row.flagged,
            )
    return figures


def _assessments(enrolments):
    """{enrolment id: AssessmentFigures}, compared as workplans.selectors.assessment_comparison
    compares one team's (only submitted self-assessments count; the change of a dimension is
    end minus start; the average is over the dimensions with both). One query: the dimensions
    of the programs' rubrics and the teams' submitted ratings, as one UNION."""
    no_id = Cast(Value(None), IntegerField())
    blank = Value("", output_field=CharField())
    rubric_rows = (
        Dimension.objects.filter(rubric__program__in={e.cohort.program_id for e in enrolments})
        .order_by()
        .values(
            d_id=F("pk"),
            d_name=F("name"),
            d_position=F("position"),
            d_program=F("rubric__program_id"),
            d_team=no_id,
            d_phase=blank,
            d_level=no_id,
        )
    )
    rating_rows = (
        Rating.objects.filter(
            assessment__enrolment__in=[e.pk for e in enrolments],
            assessment__status=SelfAssessment.Status.SUBMITTED,
        )
        .order_by()
        .values(
            d_id=F("dimension_id"),
            d_name=blank,
            d_position=Value(0),
            d_program=no_id,
            d_team=F("assessment__enrolment_id"),
            d_phase=F("assessment__phase"),
            d_level=F("level"),
        )
    )
    dimensions = defaultdict(list)  # program id → [(position, dimension id, name)]
    levels = defaultdict(dict)  # (enrolment id, phase) → {dimension id: level}
    for row in rubric_rows.union(rating_rows, all=True):
        if row["d_team"] is None:
            dimensions[row["d_program"]].append((row["d_position"], row["d_id"], row["d_name"]))
        else:
            levels[row["d_team"], row["d_phase"]][row["d_id"]] = row["d_level"]
    for rows in dimensions.values():
        rows.sort()
    figures = {}
    for enrolment in enrolments:
        start = levels.get((enrolment.pk, Phase.START), {})
        end = levels.get((enrolment.pk, Phase.END), {})
        comparison = Comparison(
            [
                ComparedDimension(name, start.get(pk), end.get(pk))
                for _position, pk, name in dimensions[enrolment.cohort.program_id]
            ],
            None,
            None,
        )
        figures[enrolment.pk] = AssessmentFigures(
            start_status=enrolment.start_status or "not_started",
            start_submitted_at=enrolment.start_submitted_at,
            end_status=enrolment.end_status or "not_started",
            end_submitted_at=enrolment.end_submitted_at,
            dimensions=[
                DimensionChange(row.dimension, row.start, row.end, row.change)
                for row in comparison.rows
            ],
            average_change=comparison.average_change,
        )
    return figures


def _checkins(enrolments, today):
    """{enrolment id: [CheckInRow]} in their order: one query."""
    rows = defaultdict(list)
    for checkin in (
        CheckIn.objects.filter(enrolment__in=[e.pk for e in enrolments])
        .only("enrolment_id", "number", "due_on", "status", "submitted_at")
        .order_by("enrolment", "number")
    ):
        stage = checkin_stage(checkin, today)
        submitted_on = timezone.localdate(checkin.submitted_at) if checkin.submitted_at else None
        rows[checkin.enrolment_id].append(
            CheckInRow(
                number=checkin.number,
                due_on=checkin.due_on,
                stage=stage,
                submitted_at=checkin.submitted_at,
                on_time=(submitted_on <= checkin.due_on)
                if checkin.status != CheckInStatus.OPEN and submitted_on
                else None,
                days_overdue=checkin.days_overdue(today),
            )
        )
    return rows


def _support(enrolments):
    """{enrolment id: [SupportRow]}, the latest asked first, with the hours of help logged:
    one query."""
    rows = defaultdict(list)
    for request in (
        SupportRequest.objects.filter(enrolment__in=[e.pk for e in enrolments])
        .select_related("partner", "assignee")
        .annotate(hours_given=Sum("events__hours", filter=Q(events__step=SupportStep.HELPED)))
        .order_by("-created_at", "-pk")
    ):
        rows[request.enrolment_id].append(
            SupportRow(
                pk=request.pk,
                focus_area=_label(FocusArea, request.focus_area),
                status=request.status,
                status_label=_label(SupportStatus, request.status),
                partner=request.partner.name if request.partner else "",
                assignee=request.assignee.full_name if request.assignee else "",
                created_at=request.created_at,
                hours=request.hours_given,
            )
        )
    return rows


def _workplan(enrolment):
    """(WorkplanFigures, SnapshotFigures) of the team; None for what it does not have."""
    try:
        workplan = enrolment.workplan
    except Workplan.DoesNotExist:
        return None, None
    figures = WorkplanFigures(
        status=workplan.status,
        status_label=_label(WorkplanStatus, workplan.status),
        goals=enrolment.goal_count,
        actions_total=enrolment.actions_total,
        actions_done=enrolment.actions_done,
        actions_overdue=enrolment.actions_overdue,
        reviewed_at=workplan.reviewed_at,
    )
    try:
        snapshot = workplan.snapshot
    except WorkplanSnapshot.DoesNotExist:
        return figures, None
    goals = (snapshot.data or {}).get("goals", [])
    items = [item for goal in goals for item in goal.get("action_items", [])]
    return figures, SnapshotFigures(
        taken_at=snapshot.taken_at,
        goals=len(goals),
        actions_total=len(items),
        actions_done=sum(item.get("status") == "done" for item in items),
    )


def state_dossier(code, window):
    """The dossier of the state with `code` (any case; a 404 for no such state), as of
    `window` (dashboard.progress.window(): its `as_of`, and its `today` for what is overdue)."""
    code = state_code(code)
    today = window.today
    organisations = [
        OrganisationRow(pk, name, teams)
        for pk, name, teams in Organisation.objects.filter(
            state=code, kind=OrganisationKind.STATE_GRANTEE
        )
        .annotate(teams=Count("enrolments"))
        .order_by("name")
        .values_list("pk", "name", "teams")
    ]
    enrolments = _teams(code, today) if organisations else []
    people = _people(enrolments) if enrolments else {}
    attendance = _attendance(enrolments) if enrolments else {}
    assessments = _assessments(enrolments) if enrolments else {}
    checkins = _checkins(enrolments, today) if enrolments else {}
    support = _support(enrolments) if enrolments else {}
    teams = []
    for enrolment in enrolments:
        cohort = enrolment.cohort
        workplan, snapshot = _workplan(enrolment)
        teams.append(
            Team(
                pk=enrolment.pk,
                organisation=enrolment.organisation.name,
                organisation_pk=enrolment.organisation_id,
                cohort_pk=cohort.pk,
                cohort=cohort.name,
                program=cohort.program.name,
                cohort_status=cohort.status,
                cohort_status_label=_label(CohortStatus, cohort.status),
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                people=people.get(enrolment.pk, []),
                attendance=attendance[enrolment.pk],
                workplan=workplan,
                snapshot=snapshot,
                assessment=assessments[enrolment.pk],
                checkins=checkins.get(enrolment.pk, []),
                checkins_overdue=enrolment.checkins_overdue,
                support=support.get(enrolment.pk, []),
            )
        )
    return Dossier(
        code=code,
        name=STATE_NAMES[code],
        as_of=window.as_of,
        today=today,
        organisations=organisations,
        teams=teams,
    )
