"""The exports: a page listing them, and the three CSV downloads (every action item, the
attendance, the check-ins) of the cohorts a person may read — staff every cohort, a
facilitator theirs; anyone else a 404. `?cohort=<id>` narrows a download to one of them."""

from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import render

from dashboard import exports
from dashboard.progress import progress_cohorts_for
from portal.csv import csv_response


def _reader_only(request):
    """Staff and facilitators read progress; for anyone else these pages do not exist."""
    if not (request.roles.staff or request.roles.facilitator):
        raise Http404


def exports_page(request):
    _reader_only(request)
    cohorts = progress_cohorts_for(request.user).order_by(
        "program__name", "-starts_on", "name", "pk"
    )
    # A cohort's progress page links here with ?cohort=: that cohort comes chosen.
    chosen = request.GET.get("cohort", "")
    return render(request, "dashboard/exports.html", {"cohorts": list(cohorts), "chosen": chosen})


def _download(build):
    def view(request):
        _reader_only(request)  # before the method: a 404 for outsiders whatever they send
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        cohort = exports.cohort_in_scope(request.user, request.GET.get("cohort"))
        export = build(request.user, cohort)
        response = csv_response(export.filename, export.header, export.rows)
        response["Cache-Control"] = "private, no-store"
        return response

    view.__name__ = view.__qualname__ = build.__name__.replace("_export", "_csv")
    view.__doc__ = build.__doc__
    return view


action_items_csv = _download(exports.action_items_export)
attendance_csv = _download(exports.attendance_export)
checkins_csv = _download(exports.checkins_export)
