"""Support requests: the team's list and its form to ask, the inbox of partners, staff and
facilitators, a request's page with its timeline, and one page per step (assign, log help,
close, reopen; accepting is one click). Every object comes through the scoped selectors (404
for anyone else's), every step is checked by its rule here and again in the service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.forms import act_and_report, run_service
from portal.permissions import require
from workplans import selectors
from workplans.forms.support import (
    NEED_MAX,
    AcceptForm,
    AssignForm,
    CloseForm,
    HelpForm,
    ReopenForm,
    SupportRequestForm,
)
from workplans.models import SupportRequest
from workplans.services import support as services

Status = SupportRequest.Status
PER_PAGE = 50


# The team's requests ---------------------------------------------------------------------------


def support_list(request, pk):
    team = selectors.get_support_team_for(request.user, pk)
    requests = selectors.support_requests_for(request.user).filter(enrolment=team)
    return render(
        request,
        "workplans/support_list.html",
        {
            "team": team,
            "requests": requests.order_by("-created_at", "-pk"),
            "can_ask": request.user.has_perm("workplans.ask_for_support", team),
        },
    )


def support_create(request, pk):
    team = selectors.get_support_team_for(request.user, pk)
    require(request.user, "workplans.ask_for_support", team)
    initial = {}
    goal = request.GET.get("goal", "")
    if goal.isdigit():
        initial["goal"] = goal
    # A check-in's "support needed" opens the form with it (the team can change it).
    need = request.GET.get("need", "")[:NEED_MAX]
    if need:
        initial["need"] = need
    form = SupportRequestForm(request.POST or None, enrolment=team, initial=initial)
    if request.method == "POST":
        created = run_service(
            form,
            lambda: services.ask_for_support(team, by=request.user, **form.cleaned_data),
        )
        if created:
            if created.partner:
                done = _("Your request is sent to %(partner)s.") % {"partner": created.partner}
            else:
                done = _("Your request is sent to Alliance staff, who will find a partner.")
            messages.success(request, done)
            return redirect(created)
    return render(request, "workplans/support_form.html", {"team": team, "form": form})


# The inbox of partners, staff and facilitators --------------------------------------------------

TABS = {
    "mine": gettext_lazy("Assigned to me"),
    "waiting": gettext_lazy("Waiting to be assigned"),
    "all": gettext_lazy("All"),
}


def support_inbox(request):
    roles = request.roles
    if not (roles.partner or roles.staff or roles.facilitator):
        raise PermissionDenied
    scoped, counts = selectors.support_inbox(request.user)
    show = request.GET.get("show")
    if show not in TABS:
        show = "mine" if counts["mine"] else "waiting"
    page = Paginator(selectors.support_inbox_list(scoped, request.user, show), PER_PAGE).get_page(
        request.GET.get("page")
    )
    tabs = [
        {"key": key, "label": label, "count": counts.get(key), "current": key == show}
        for key, label in TABS.items()
    ]
    return render(
        request,
        "workplans/support_inbox.html",
        {
            "tabs": tabs,
            "show": show,
            "tab_label": TABS[show],
            "page": page,
            "requests": page.object_list,
        },
    )


# One request ------------------------------------------------------------------------------------


def _can(user, support_request, *, on_team):
    """Which steps the person may take on the request now: the buttons its page shows."""
    status = support_request.status
    answers = user.has_perm("workplans.answer_support", support_request)
    return {
        "assign": status != Status.CLOSED
        and user.has_perm("workplans.assign_support", support_request),
        "accept": status == Status.ASSIGNED and support_request.assignee_id == user.pk,
        "help": answers and status == Status.ACCEPTED,
        "close": answers and status in (Status.ASSIGNED, Status.ACCEPTED),
        "reopen": status == Status.CLOSED and on_team,
    }


def support_request(request, pk):
    support_request = selectors.get_support_request_for(request.user, pk)
    timeline = list(selectors.support_timeline(support_request))
    on_team = request.user.has_perm("workplans.ask_for_support", support_request)
    return render(
        request,
        "workplans/support_request.html",
        {
            "support_request": support_request,
            "team": support_request.enrolment,
            "timeline": timeline,
            "hours": sum(event.hours or 0 for event in timeline),
            "on_team": on_team,
            "can": _can(request.user, support_request, on_team=on_team),
            "accept_form": AcceptForm(support_request=support_request),
        },
    )


STEPS = {
    # step: (permission, form, the statuses it fits, its title, its button)
    "assign": (
        "workplans.assign_support",
        AssignForm,
        (Status.OPEN, Status.ASSIGNED, Status.ACCEPTED),
        gettext_lazy("Assign the request"),
        gettext_lazy("Assign"),
    ),
    "help": (
        "workplans.answer_support",
        HelpForm,
        (Status.ACCEPTED,),
        gettext_lazy("Log help given"),
        gettext_lazy("Log the help"),
    ),
    "close": (
        "workplans.answer_support",
        CloseForm,
        (Status.ASSIGNED, Status.ACCEPTED),
        gettext_lazy("Close the request"),
        gettext_lazy("Close the request"),
    ),
    "reopen": (
        "workplans.ask_for_support",
        ReopenForm,
        (Status.CLOSED,),
        gettext_lazy("Reopen the request"),
        gettext_lazy("Reopen"),
    ),
}

DONE = {
    "assign": gettext_lazy("The request is assigned to %(person)s."),
    "help": gettext_lazy("The help is logged. The team can see it."),
    "close": gettext_lazy("The request is closed. The team is told."),
    "reopen": gettext_lazy("The request is reopened. The partner is told."),
}


def _act(step, user, support_request, data):
    """Call the step's service with the form's data."""
    version = data.pop("version", None)
    if step == "assign":
        return services.assign_support(support_request, by=user, version=version, **data)
    if step == "help":
        return services.log_help(support_request, by=user, version=version, **data)
    if step == "close":
        return services.close_support(support_request, by=user, version=version, **data)
    return services.reopen_support(support_request, by=user, version=version, **data)


def _step_page(request, pk, step):
    user = request.user
    support_request = selectors.get_support_request_for(user, pk)
    perm, form_class, fits, title, submit = STEPS[step]
    require(user, perm, support_request)
    extra = {"choose_partner": user.is_alliance_staff} if step == "assign" else {}
    form = form_class(request.POST or None, support_request=support_request, **extra)
    if request.method == "POST":
        done = run_service(form, lambda: _act(step, user, support_request, form.cleaned_data))
        if done:
            person = (done.assignee.full_name or done.assignee.email) if done.assignee else ""
            messages.success(request, DONE[step] % {"person": person})
            return redirect(done)
        if form.has_error("__all__", "stale") or form.has_error("__all__", "wrong_status"):
            # Show the request as it is now; what was typed stays, and a second send works.
            support_request = selectors.get_support_request_for(user, pk)
            form.data = form.data.copy()
            form.data["version"] = support_request.version
    return render(
        request,
        "workplans/support_step.html",
        {
            "support_request": support_request,
            "team": support_request.enrolment,
            "step": step,
            "title": title,
            "submit_label": submit,
            "form": form,
            "fits": support_request.status in fits,
            "latest": selectors.support_timeline(support_request).last(),
        },
    )


def support_assign(request, pk):
    return _step_page(request, pk, "assign")


def support_help(request, pk):
    return _step_page(request, pk, "help")


def support_close(request, pk):
    return _step_page(request, pk, "close")


def support_reopen(request, pk):
    return _step_page(request, pk, "reopen")


@require_POST
def support_accept(request, pk):
    support_request = selectors.get_support_request_for(request.user, pk)
    require(request.user, "workplans.answer_support", support_request)
    form = AcceptForm(request.POST, support_request=support_request)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    act_and_report(
        request,
        lambda: services.accept_support(support_request, by=request.user, version=version),
        _("You accepted the request. The team is told."),
    )
    return redirect(support_request)
