"""The national picture (staff): where each state, DC and territory stands with the programs,
the count toward "all 50 states", the cohorts running and recent, and what changed since a
date. Reads only.

`national_picture(filters, window)` is the one entry: it returns plain, picklable data (codes,
numbers, dates — no model instances, no translated text), so it can be cached as it is. The
words (state names, status labels) are the page's to add in the viewer's language.

Queries, whatever the data's size: the enrolments of state grantees grouped by state and
cohort (with the overdue check-ins and the new teams counted inside), the cohorts, then one
count each for sessions held, actions done and check-ins in — five. `filter_choices()`, for
the form, is one more.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When, Window
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from cohorts.choices import US_STATES, CohortStatus, OrganisationKind
from cohorts.models import Cohort, Enrolment
from dashboard.progress import Changes, changed
from workplans.models import CheckIn

TERRITORIES = ("DC", "PR", "VI", "GU", "MP", "AS")  # shown, never counted toward the 50
STATE_CODES = [code for code, _name, _zone in US_STATES]
FIFTY = [code for code in STATE_CODES if code not in TERRITORIES]
COHORT_LIMIT = 12  # cohorts listed; the rest are counted


class MapStatus:
    """A state's status on the map, the first that applies in this order."""

    ACTIVE = "active"
    STARTING = "starting"  # only in planned cohorts
    ALUMNI_CURRENT = "alumni_current"  # completed cohorts only, no check-in overdue
    ALUMNI_OVERDUE = "alumni_overdue"  # completed cohorts only, a check-in overdue
    NEVER = "never"

    ORDER = (ACTIVE, STARTING, ALUMNI_CURRENT, ALUMNI_OVERDUE, NEVER)
    LABELS = {
        ACTIVE: _("In an active cohort"),
        STARTING: _("Starting soon"),
        ALUMNI_CURRENT: _("Alumni — check-ins current"),
        ALUMNI_OVERDUE: _("Alumni — a check-in overdue"),
        NEVER: _("Never enrolled"),
    }
    # With filters on, a state outside them may well have been enrolled elsewhere.
    NEVER_FILTERED = _("Not in the cohorts chosen")


@dataclass(frozen=True)
class Filters:
    """What the person narrowed the picture to; None is "any"."""

    program: int | None = None
    year: int | None = None
    status: str | None = None  # a CohortStatus value

    @property
    def any(self):
        return any(value is not None for value in (self.program, self.year, self.status))

    def cohort_q(self, prefix=""):
        """The cohorts these filters keep, as a Q over `prefix` (e.g. "cohort__")."""
        q = Q()
        if self.program is not None:
            q &= Q(**{f"{prefix}program_id": self.program})
        if self.year is not None:
            q &= Q(**{f"{prefix}starts_on__gte": date(self.year, 1, 1)})
            q &= Q(**{f"{prefix}starts_on__lt": date(self.year + 1, 1, 1)})
        if self.status is not None:
            q &= Q(**{f"{prefix}status": self.status})
        return q


@dataclass(frozen=True)
class CohortRef:
    id: int
    name: str
    status: str


@dataclass(frozen=True)
class StateRow:
    code: str
    status: str  # a MapStatus value
    teams: int  # enrolments of the state's grantees in the cohorts kept
    overdue_teams: int  # of those in completed cohorts, with a check-in overdue
    cohorts: tuple  # CohortRef, newest first

    @property
    def counts_toward_fifty(self):
        return self.code not in TERRITORIES


@dataclass(frozen=True)
class CohortRow:
    id: int
    name: str
    program: str
    status: str  # a CohortStatus value
    starts_on: date
    ends_on: date
    teams: int
    states: int


@dataclass(frozen=True)
class Picture:
    as_of: object  # aware datetime (UTC); shown in the viewer's zone
    filters: Filters
    states: tuple  # StateRow for every state, DC and territory, in US_STATES order
    status_counts: dict  # MapStatus value → how many states, DC and territories have it
    reached: int  # of the 50 states, how many are or were in an active or completed cohort
    starting_only: int  # of the 50 states, how many are only in planned cohorts
    cohorts: tuple  # CohortRow: running first, then the most recently ended
    more_cohorts: int  # cohorts kept by the filters but not listed
    changes: Changes


def filter_choices():
    """The programs and start years that cohorts exist for: [(id, name)], [year] — one query."""
    rows = (
        Cohort.objects.annotate(year=ExtractYear("starts_on"))
        .values_list("program_id", "program__name", "year")
        .distinct()
        .order_by()
    )
    programs, years = {}, set()
    for program_id, name, year in rows:
        programs[program_id] = name
        years.add(year)
    return sorted(programs.items(), key=lambda item: item[1].lower()), sorted(years, reverse=True)


def _state_status(statuses):
    """The map status of a state from {cohort status: (teams, overdue teams)}."""
    if CohortStatus.ACTIVE in statuses:
        return MapStatus.ACTIVE
    if CohortStatus.PLANNED in statuses:
        return MapStatus.STARTING
    if CohortStatus.COMPLETED in statuses:
        overdue = statuses[CohortStatus.COMPLETED][1]
        return MapStatus.ALUMNI_OVERDUE if overdue else MapStatus.ALUMNI_CURRENT
    return MapStatus.NEVER


def _states(filters, window, recent):
    """Every state's row, and how many teams joined since the window's start (`recent`'s
    teams: dashboard.progress.Changed) — one query: the state grantees' enrolments grouped
    by state and cohort."""
    overdue = CheckIn.objects.overdue(window.today).filter(enrolment=OuterRef("pk"))
    rows = (
        Enrolment.objects.filter(
            filters.cohort_q("cohort__"), organisation__kind=OrganisationKind.STATE_GRANTEE
        )
        .values(
            "organisation__state",
            "cohort_id",
            "cohort__name",
            "cohort__status",
            "cohort__starts_on",
        )
        .annotate(
            teams=Count("pk"),
            overdue=Count("pk", filter=Q(Exists(overdue))),
            new=Count("pk", filter=Q(pk__in=recent.teams.values("pk"))),
        )
        .order_by("-cohort__starts_on", "cohort__name")
    )
    by_state = {code: [] for code in STATE_CODES}
    new_teams = 0
    for row in rows:
        new_teams += row["new"]
        if row["organisation__state"] in by_state:
            by_state[row["organisation__state"]].append(row)
    states = []
    for code in STATE_CODES:
        statuses = {}
        for row in by_state[code]:
            teams, overdue_teams = statuses.get(row["cohort__status"], (0, 0))
            statuses[row["cohort__status"]] = (teams + row["teams"], overdue_teams + row["overdue"])
        states.append(
            StateRow(
                code=code,
                status=_state_status(statuses),
                teams=sum(row["teams"] for row in by_state[code]),
                overdue_teams=statuses.get(CohortStatus.COMPLETED, (0, 0))[1],
                cohorts=tuple(
                    CohortRef(row["cohort_id"], row["cohort__name"], row["cohort__status"])
                    for row in by_state[code]
                ),
            )
        )
    return tuple(states), new_teams


def _cohorts(filters):
    """The cohorts the filters keep, running (active, then planned) first, then the most
    recently ended; COHORT_LIMIT of them, and how many more — one query."""
    grantee = Q(enrolments__organisation__kind=OrganisationKind.STATE_GRANTEE)
    rows = list(
        Cohort.objects.filter(filters.cohort_q())
        .annotate(
            teams=Count("enrolments", filter=grantee),
            states=Count("enrolments__organisation__state", filter=grantee, distinct=True),
            running=Case(
                When(status=CohortStatus.ACTIVE, then=Value(0)),
                When(status=CohortStatus.PLANNED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            total=Window(Count("pk", distinct=False)),
        )
        .values(
            "pk",
            "name",
            "program__name",
            "status",
            "starts_on",
            "ends_on",
            "teams",
            "states",
            "total",
        )
        .order_by("running", "-ends_on", "name")[:COHORT_LIMIT]
    )
    cohorts = tuple(
        CohortRow(
            id=row["pk"],
            name=row["name"],
            program=row["program__name"],
            status=row["status"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            teams=row["teams"],
            states=row["states"],
        )
        for row in rows
    )
    total = rows[0]["total"] if rows else 0
    return cohorts, total - len(cohorts)


def _changes(filters, recent, new_teams):
    """What changed from the window's `since` to its `as_of` (`recent`'s rows:
    dashboard.progress.Changed) in the cohorts the filters keep — three counts."""
    return Changes(
        since=recent.since,
        new_teams=new_teams,
        sessions_held=recent.sessions.filter(filters.cohort_q("cohort__")).count(),
        actions_done=recent.actions.filter(
            filters.cohort_q("goal__workplan__enrolment__cohort__")
        ).count(),
        checkins_in=recent.checkins.filter(filters.cohort_q("enrolment__cohort__")).count(),
    )


def national_picture(filters, window):
    """The national view's numbers for `filters` (a Filters) and `window`
    (dashboard.progress.window()): a Picture, plain data. Five queries."""
    recent = changed(window)
    states, new_teams = _states(filters, window, recent)
    counts = {status: 0 for status in MapStatus.ORDER}
    for state in states:
        counts[state.status] += 1
    fifty = [state for state in states if state.counts_toward_fifty]
    reached = sum(1 for state in fifty if state.status not in (MapStatus.NEVER, MapStatus.STARTING))
    starting_only = sum(1 for state in fifty if state.status == MapStatus.STARTING)
    cohorts, more = _cohorts(filters)
    return Picture(
        as_of=window.as_of,
        filters=filters,
        states=states,
        status_counts=counts,
        reached=reached,
        starting_only=starting_only,
        cohorts=cohorts,
        more_cohorts=more,
        changes=_changes(filters, recent, new_teams),
    )


# The tile grid: (column, row) of each of the 50 states, roughly where it lies (NPR's layout).
# DC and the territories sit in a row of their own below (TERRITORIES' order).
GRID = {
    "AK": (0, 0), "ME": (10, 0),
    "WI": (5, 1), "VT": (9, 1), "NH": (10, 1),
    "WA": (0, 2), "ID": (1, 2), "MT": (2, 2), "ND": (3, 2), "MN": (4, 2), "IL": (5, 2),
    "MI": (6, 2), "NY": (8, 2), "MA": (9, 2),
    "OR": (0, 3), "NV": (1, 3), "WY": (2, 3), "SD": (3, 3), "IA": (4, 3), "IN": (5, 3),
    "OH": (6, 3), "PA": (7, 3), "NJ": (8, 3), "CT": (9, 3), "RI": (10, 3),
    "CA": (0, 4), "UT": (1, 4), "CO": (2, 4), "NE": (3, 4), "MO": (4, 4), "KY": (5, 4),
    "WV": (6, 4), "VA": (7, 4), "MD": (8, 4), "DE": (9, 4),
    "AZ": (1, 5), "NM": (2, 5), "KS": (3, 5), "AR": (4, 5), "TN": (5, 5), "NC": (6, 5),
    "SC": (7, 5),
    "OK": (3, 6), "LA": (4, 6), "MS": (5, 6), "AL": (6, 6), "GA": (7, 6),
    "HI": (0, 7), "TX": (3, 7), "FL": (8, 7),
}  # fmt: skip
GRID_COLUMNS = 11
GRID_ROWS = 8
