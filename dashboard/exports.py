"""The progress exports: every action item, every attendance row and every check-in of the
cohorts a person may read (dashboard.progress.progress_cohorts_for), as rows for a CSV.

Reads only. Each export is one query: `.values_list(...)` read through a server-side cursor
(`.iterator(chunk_size=CHUNK_SIZE)` on PostgreSQL), so a 50,000-row export starts at once and
never holds more than one chunk in memory. Everything that depends on the request (the
viewer's language for the labels, "today" in the viewer's zone for "overdue") is settled when
the export is built, before its first row is read: the rows are produced later, while the
response streams, when the request's language and zone may no longer be active.

Dates are written YYYY-MM-DD, moments in UTC with their offset (2026-10-06T15:40:00+00:00);
choices are written in words (the viewer's language), never as codes.
"""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cohorts.choices import STATE_NAMES, OrganisationKind, TeamRole
from cohorts.models import Membership, Seat
from dashboard.progress import progress_cohorts_for
from sessions_app.models import Attendance
from workplans.choices import ActionStatus, CheckInStatus, Confidence
from workplans.models import ActionItem, CheckIn

CHUNK_SIZE = 2000  # rows per fetch from the server-side cursor

# Query-string values longer than this are no cohort id (and would overflow a bigint).
_MAX_ID_DIGITS = 18


@dataclass(frozen=True)
class Export:
    """A CSV to stream: its file name, its header (already translated) and its rows (a
    generator that runs its one query when first asked for a row)."""

    filename: str
    header: list[str]
    rows: Any


def labels(choices):
    """{code: label} for a TextChoices/IntegerChoices, translated once, now."""
    return {value: str(label) for value, label in choices.choices}


def iso_date(value):
    return value.isoformat() if value else ""


def iso_moment(value):
    """A stored moment in UTC with its offset, to the second."""
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else ""


def cohort_in_scope(user, raw):
    """The cohort named by `?cohort=` if the person may read it; None when none was asked for;
    a 404 for anything else (not a number, another person's cohort, no such cohort)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > _MAX_ID_DIGITS:
        raise Http404
    cohort = progress_cohorts_for(user).filter(pk=int(raw)).first()
    if cohort is None:
        raise Http404
    return cohort


def _filename(stem, cohort, today):
    parts = [stem]
    if cohort is not None:
        parts.append(slugify(cohort.name) or str(cohort.pk))
    parts.append(today.isoformat())
    return "-".join(parts) + ".csv"


def _stream(queryset, row):
    """Each row of the query, written by `row`, read CHUNK_SIZE at a time.

    On PostgreSQL the rows are read inside a transaction: outside one (autocommit) Django
    declares its server-side cursor WITH HOLD, which PostgreSQL fills with the whole result
    before the first fetch; inside one, the first rows come as soon as they are found, and the
    whole file is read from one snapshot. (Not on SQLite, the demo's database: its transactions
    take the write lock, which a slow download would hold.)"""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(savepoint=False) if postgresql else nullcontext():
        for values in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield row(*values)


def _state_names():
    return {code: str(name) for code, name in STATE_NAMES.items()}


def _yes_no():
    return {True: _("yes"), False: _("no")}


def _scoped(queryset, cohort_path, user, cohort):
    cohorts = progress_cohorts_for(user)
    if cohort is not None:
        cohorts = cohorts.filter(pk=cohort.pk)
    return queryset.filter(**{f"{cohort_path}__in": cohorts.values("pk")})


def _flag(condition):
    """True or False: whether the row meets `condition` (a Q), for a yes/no column."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _by_cohort(cohort):
    """The order every export starts with: by program, then cohort (its name, then its id),
    `cohort` being the rows' path to it."""
    return (f"{cohort}__program__name", f"{cohort}__name", f"{cohort}_id")


def _team_header():
    """The headings of _team_columns."""
    return [_("Program"), _("Cohort"), pgettext("US state", "State"), _("Organisation")]


def _team_columns(enrolment):
    """The first columns of a team's rows, `enrolment` being the rows' path to the team:
    program, cohort, state and organisation."""
    return (
        f"{enrolment}__cohort__program__name",
        f"{enrolment}__cohort__name",
        f"{enrolment}__organisation__state",
        f"{enrolment}__organisation__name",
    )


# Action items ---------------------------------------------------------------------------------


def action_items_export(user, cohort=None, today=None):
    """Every action item of the cohorts in scope (or of `cohort`), one row each, by program,
    cohort, team, goal, then due date."""
    today = today or timezone.localdate()
    header = [
        *_team_header(),
        _("Goal"),
        _("Action item"),
        _("Owner"),
        _("Status"),
        _("Due on"),
        _("Done at (UTC)"),
        _("Overdue"),
        _("Why it is blocked"),
        _("Updated at (UTC)"),
    ]
    enrolment = "goal__workplan__enrolment"
    queryset = (
        _scoped(ActionItem.objects.all(), f"{enrolment}__cohort", user, cohort)
        .annotate(is_overdue=_flag(Q(pk__in=ActionItem.objects.overdue(today).values("pk"))))
        .order_by(
            *_by_cohort(f"{enrolment}__cohort"),
            f"{enrolment}__organisation__name",
            "goal__position",
            "goal_id",
            F("due_on").asc(nulls_last=True),
            "pk",
        )
        .values_list(
            *_team_columns(enrolment),
            "goal__title",
            "title",
            "owner__full_name",
            "status",
            "due_on",
            "done_at",
            "is_overdue",
            "blocked_reason",
            "updated_at",
        )
    )
    states, statuses, yes_no = _state_names(), labels(ActionStatus), _yes_no()

    def row(program, cohort_name, state, organisation, goal, title, owner, status, due_on,
            done_at, is_overdue, blocked_reason, updated_at):  # fmt: skip
        return (
            program,
            cohort_name,
            states.get(state, state),
            organisation,
            goal,
            title,
            owner or "",
            statuses.get(status, status),
            iso_date(due_on),
            iso_moment(done_at),
            yes_no[is_overdue],
            blocked_reason,
            iso_moment(updated_at),
        )

    return Export(_filename("action-items", cohort, today), header, _stream(queryset, row))


# Attendance -----------------------------------------------------------------------------------


def attendance_export(user, cohort=None, today=None):
    """Every attendance row (a person's answer before a session and the facilitator's mark
    after) of the cohorts in scope, by program, cohort, session, team, person. A planning
    partner's row names the partner organisation and reads "Planning partner" as its role."""
    today = today or timezone.localdate()
    header = [
        _("Program"),
        _("Cohort"),
        _("Session number"),
        _("Session"),
        _("Session start (UTC)"),
        pgettext("US state", "State"),
        _("Organisation"),
        _("Person"),
        _("Team role"),
        _("Answer"),
        _("Attendance"),
    ]
    # The person's seat on that team (their current one, else the latest they held).
    seat_role = Subquery(
        Seat.objects.filter(enrolment=OuterRef("enrolment"), person=OuterRef("person"))
        .order_by(F("ended_at").desc(nulls_first=True), "-started_at")
        .values("role")[:1]
    )
    # A planning partner has no enrolment: the partner organisation of the session's cohort.
    partner_organisation = Subquery(
        Membership.objects.in_partners()
        .filter(
            person=OuterRef("person"), organisation__partner_cohorts=OuterRef("session__cohort")
        )
        .order_by("organisation__name")
        .values("organisation__name")[:1]
    )
    queryset = (
        _scoped(Attendance.objects.all(), "session__cohort", user, cohort)
        .annotate(
            organisation_name=Coalesce(
                F("enrolment__organisation__name"), partner_organisation, output_field=CharField()
            ),
            seat_role=seat_role,
        )
        .order_by(
            *_by_cohort("session__cohort"),
            "session__starts_at",
            "session__number",
            "organisation_name",
            "person__full_name",
            "pk",
        )
        .values_list(
            "session__cohort__program__name",
            "session__cohort__name",
            "session__number",
            "session__title",
            "session__starts_at",
            "enrolment__organisation__state",
            "organisation_name",
            "person__full_name",
            "enrolment_id",
            "seat_role",
            "rsvp",
            "mark",
        )
    )
    states, roles = _state_names(), labels(TeamRole)
    answers, marks = labels(Attendance.Rsvp), labels(Attendance.Mark)
    partner = str(OrganisationKind.PLANNING_PARTNER.label)

    def row(program, cohort_name, number, title, starts_at, state, organisation, person,
            enrolment_id, role, rsvp, mark):  # fmt: skip
        return (
            program,
            cohort_name,
            number,
            title,
            iso_moment(starts_at),
            states.get(state, state or ""),
            organisation or "",
            person,
            partner if enrolment_id is None else roles.get(role, role or ""),
            answers.get(rsvp, rsvp),
            marks.get(mark, mark),
        )

    return Export(_filename("attendance", cohort, today), header, _stream(queryset, row))


# Check-ins ------------------------------------------------------------------------------------


def checkins_export(user, cohort=None, today=None):
    """Every check-in of the cohorts in scope, by program, cohort, team and number; overdue
    and its days by CheckIn.objects.overdue(today), today in the viewer's zone."""
    today = today or timezone.localdate()
    header = [
        *_team_header(),
        _("Check-in number"),
        _("Due on"),
        _("Planned due on"),
        _("Status"),
        _("Submitted at (UTC)"),
        _("Reviewed at (UTC)"),
        pgettext("check-in", "Overdue"),
        _("Days overdue"),
        _("Confidence"),
    ]
    enrolment = "enrolment"
    overdue = Q(pk__in=CheckIn.objects.overdue(today).values("pk"))
    queryset = (
        _scoped(CheckIn.objects.all(), f"{enrolment}__cohort", user, cohort)
        .annotate(
            is_overdue=_flag(overdue),
            overdue_by=Case(
                When(
                    overdue,
                    then=ExpressionWrapper(
                        Value(today) - F("due_on"), output_field=DurationField()
                    ),
                ),
                default=None,
                output_field=DurationField(),
            ),
        )
        .order_by(
            *_by_cohort(f"{enrolment}__cohort"),
            f"{enrolment}__organisation__name",
            "number",
            "pk",
        )
        .values_list(
            *_team_columns(enrolment),
            "number",
            "due_on",
            "planned_due_on",
            "status",
            "submitted_at",
            "reviewed_at",
            "is_overdue",
            "overdue_by",
            "confidence",
        )
    )
    states, statuses, yes_no = _state_names(), labels(CheckInStatus), _yes_no()
    confidences = labels(Confidence)

    def row(program, cohort_name, state, organisation, number, due_on, planned_due_on, status,
            submitted_at, reviewed_at, is_overdue, overdue_by, confidence):  # fmt: skip
        return (
            program,
            cohort_name,
            states.get(state, state),
            organisation,
            number,
            iso_date(due_on),
            iso_date(planned_due_on),
            statuses.get(status, status),
            iso_moment(submitted_at),
            iso_moment(reviewed_at),
            yes_no[is_overdue],
            overdue_by.days if overdue_by is not None else 0,
            confidences.get(confidence, "") if confidence is not None else "",
        )

    return Export(_filename("check-ins", cohort, today), header, _stream(queryset, row))
