"""Pages that gather from several apps: home, the cohort page, a partner's teams, the profile,
a team's home page and the facilitator's review queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from cohorts.middleware import roles_now
from dashboard import selectors
from dashboard.progress import reads_progress
from notifications import kinds
from notifications.selectors import my_notifications
from sessions_app.services import feed_for
from workplans.services.visits import record_visit


def home(request):
    context = {"roles": request.roles, **selectors.home_sections(request.user, request.roles)}
    return render(request, "dashboard/home.html", context)


def cohort_detail(request, pk):
    roles = roles_now(request)  # the selectors' staff check is then answered from them
    page = selectors.cohort_page(request.user, pk)
    page["reads_progress"] = reads_progress(roles, request.user, page["cohort"])
    return render(request, "dashboard/cohort_detail.html", page)


def partner_teams(request):
    if not request.roles.partner:
        raise PermissionDenied
    return render(request, "dashboard/partner_teams.html", selectors.partner_page(request.user))


def team_home(request, pk):
    """A team's home page. It reads when the person last looked (the news is what arrived
    since), then records this visit."""
    page = selectors.team_home(request.user, pk)
    record_visit(request.user, page["enrolment"])
    return render(request, "dashboard/team_home.html", page)


def review_queue(request):
    if not (request.roles.staff or request.roles.facilitator):
        raise PermissionDenied
    return render(
        request, "dashboard/review_queue.html", selectors.review_queue(request.user, request.roles)
    )


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        with translation.override(person.language):  # the language just chosen
            messages.success(request, _("Your profile is saved."))
        return redirect("dashboard:profile")
    upcoming, _recent = my_notifications(request.user, limit=3)
    return render(
        request,
        "dashboard/profile.html",
        {
            "form": form,
            "feed": feed_for(request.user),
            "upcoming_mail": upcoming,
            "kind_labels": dict(kinds.choices()),
        },
    )
