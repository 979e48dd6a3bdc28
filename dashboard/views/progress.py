"""A cohort's progress page and its CSV, for staff and the cohort's facilitators (404 for
anyone else: dashboard.progress.get_progress_cohort_for)."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard import freshness
from dashboard.cohort_progress import cohort_progress as read_progress
from dashboard.cohort_progress import describe_rules, parse_sort, sort_teams
from dashboard.forms import SinceForm
from dashboard.progress import get_progress_cohort_for, window
from dashboard.templatetags.progress_charts import signed
from portal.csv import csv_response

# The team table's sortable columns, in the order they stand.
SORTABLE = ("team", "attendance", "done", "overdue")


def _read(request, pk):
    cohort = get_progress_cohort_for(request.user, pk)
    form = SinceForm(request.GET or None)
    since = form.picked()
    progress = freshness.cached(
        "cohort_progress", lambda: read_progress(cohort, window(since)), cohort.pk, since
    )
    return cohort, form, progress


def _sort_links(request, form, sort):
    """Per sortable column: its link (the other way round when it is the current order) and
    its aria-sort; the date picked, when good, kept in the links."""
    column, descending = parse_sort(sort)
    kept = {"since": form.picked().isoformat()} if form.picked() else {}
    links = {}
    for name in SORTABLE:
        current = name == column
        value = f"-{name}" if current and not descending else name
        links[name] = {
            "url": "?" + urlencode({**kept, "sort": value}) + "#teams-heading",
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        }
    default_url = "?" + urlencode(kept) + "#teams-heading" if kept else "?#teams-heading"
    return links, default_url, column


def _session_points(progress):
    return [
        {
            "label": _("S%(number)s") % {"number": row.session.number},
            "value": row.rate,
            "text": "–" if row.rate is None else f"{row.rate}%",
        }
        for row in progress.sessions
    ]


def _dimension_rows(progress):
    return [
        {"label": row.name, "value": row.average, "text": signed(row.average)}
        for row in progress.dimensions
    ]


def cohort_progress(request, pk):
    cohort, form, progress = _read(request, pk)
    kept_as = freshness.key("cohort_progress", cohort.pk, form.picked())
    sort = request.GET.get("sort", "")
    links, default_url, column = _sort_links(request, form, sort)
    query = request.GET.urlencode()
    return render(
        request,
        "dashboard/cohort_progress.html",
        {
            "cohort": cohort,
            "form": form,
            "progress": progress,
            "teams": sort_teams(progress.teams, sort),
            "sorted_by": column,
            "sort": sort,
            "kept_as": kept_as,
            "kept_seconds": freshness.KEPT_SECONDS,
            "sort_links": links,
            "default_order_url": default_url,
            "session_points": _session_points(progress),
            "dimension_rows": _dimension_rows(progress),
            "rules": describe_rules(),
            "csv_query": f"?{query}" if query else "",
        },
    )


CSV_HEADER = (
    "organisation",
    "state",
    "enrolled_on",
    "needs_attention",
    "sessions_held",
    "sessions_represented",
    "attendance_rate_percent",
    "executive_director_sessions",
    "executive_director_rate_percent",
    "actions_total",
    "actions_done",
    "actions_overdue",
    "start_self_assessment_submitted",
    "end_self_assessment_submitted",
    "average_change",
    "checkins_due",
    "checkins_submitted",
    "checkins_on_time",
    "checkins_overdue",
    "support_requests_open",
    "as_of",
)


def _yes_no(value):
    return "yes" if value else "no"


def _csv_rows(progress, teams):
    as_of = timezone.localtime(progress.as_of).isoformat(timespec="seconds")
    for team in teams:
        organisation = team.enrolment.organisation
        yield (
            organisation.name,
            organisation.state,
            timezone.localdate(team.enrolment.created_at).isoformat(),
            "; ".join(team.reasons),
            team.held,
            team.represented,
            team.attendance_rate,
            team.ed_present,
            team.ed_rate,
            team.actions_total,
            team.actions_done,
            team.actions_overdue,
            _yes_no(team.start_taken),
            _yes_no(team.end_taken),
            "" if team.average_change is None else f"{team.average_change:.2f}",
            team.checkins_due,
            team.checkins_submitted,
            team.checkins_on_time,
            team.checkins_overdue,
            team.support_open,
            as_of,
        )


def cohort_progress_csv(request, pk):
    """The page's team rows, one line per team, in the page's order (?sort=…)."""
    cohort, _form, progress = _read(request, pk)
    teams = sort_teams(progress.teams, request.GET.get("sort", ""))
    filename = f"cohort-{cohort.pk}-progress-{timezone.localdate(progress.as_of).isoformat()}.csv"
    return csv_response(filename, CSV_HEADER, _csv_rows(progress, teams))
