"""A state's dossier: everything about one state across programs and years (staff only)."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render

from dashboard import freshness
from dashboard.dossier import state_dossier
from dashboard.progress import staff_only, window


def state_dossier_page(request, code):
    """The dossier of the state `code`. Anyone but staff gets a 404, before anything is read
    (whatever the code); an unknown code is a 404 too; a lowercase code is sent on to the
    capitals, so each dossier has one address."""
    staff_only(request)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    dossier = freshness.cached("state_dossier", lambda: state_dossier(code, window()), code)
    if code != dossier.code:
        return redirect("dashboard:state_dossier", code=dossier.code)
    context = {
        "dossier": dossier,
        "kept_as": freshness.key("state_dossier", code),
        "kept_seconds": freshness.KEPT_SECONDS,
    }
    return render(request, "dashboard/state_dossier.html", context)
