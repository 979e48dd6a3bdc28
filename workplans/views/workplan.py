"""The workplan: goals with their action items, their forms, one-click status, the progress
timeline, and the CSV of action items. Everyone who may read a team's workplan gets it through
the scoped selectors (404 for anyone else); only the team edits (workplans.edit_workplan)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.middleware import roles_now
from portal.csv import csv_response
from portal.forms import run_service
from portal.links import url_for_each
from portal.permissions import require
from workplans import selectors
from workplans.choices import ActionStatus
from workplans.forms.workplan import (
    ActionCreateForm,
    ActionEditForm,
    GoalCreateForm,
    GoalEditForm,
    StatusForm,
)
from workplans.models import ActionItem
from workplans.services import workplan as services
from workplans.services.workplan import EditConflict

EDIT = "workplans.edit_workplan"
TIMELINE_PAGE = 50
# The links of an action item's row (_action_row.html), as attributes of the item.
ITEM_LINKS = {
    "page_url": "workplans:action_item",
    "status_url": "workplans:action_status",
    "edit_url": "workplans:action_edit",
}


def _editable_values(obj, names):
    return {name: getattr(obj, name) for name in names}


def _conflict_context(form, current, names):
    """After a refused stale save: who saved in between, their values beside the typed ones,
    and the form ready to save the typed ones over the new version."""
    form.data = form.data.copy()
    form.data["version"] = current.version
    form.add_error(
        None,
        _("%(name)s changed this since you opened it. Check both versions below.")
        % {"name": current.updated_by or _("Someone")},
    )
    typed = form.cleaned_data
    rows = [
        {
            "label": form.fields[name].label,
            "theirs": _shown(getattr(current, name), form.fields[name]),
            "yours": _shown(typed.get(name), form.fields[name]),
        }
        for name in names
        if name in form.fields
    ]
    return {"conflict": {"by": current.updated_by, "at": current.updated_at, "rows": rows}}


def _shown(value, field):
    """A value as the form's reader knows it: a person's name, a date written out, a
    choice's label."""
    if value is None or hasattr(value, "pk"):
        return str(value or "")
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def _status_buttons():
    """The one-click buttons of an action item's row ("blocked" has its own form, with a
    reason), labels translated once for the page rather than once per item and button."""
    return [
        (value, str(label))
        for value, label in ActionStatus.choices
        if value != ActionStatus.BLOCKED
    ]


def _with_links(items):
    """Give each action item its row's links (ITEM_LINKS), each URL reversed once a page."""
    links = {attr: url_for_each(name) for attr, name in ITEM_LINKS.items()}
    for item in items:
        for attr, link in links.items():
            setattr(item, attr, link(item.pk))


# The workplan ----------------------------------------------------------------------------------


def workplan(request, pk):
    """Whether the person may edit is asked once, by the page's review include (its
    `review_of` tag: workplans.selectors.review_rights), which the page's controls share."""
    roles_now(request)  # the selector's staff check is then answered from them
    enrolment = selectors.get_workplan_page_team_for(request.user, pk)
    plan = selectors.workplan_of(enrolment)
    goals = selectors.goals_with_items(plan, timezone.localdate())
    _with_links(item for goal in goals for item in goal.action_items.all())
    return render(
        request,
        "workplans/workplan.html",
        {
            "enrolment": enrolment,
            "workplan": plan,
            "goals": goals,
            "progress": selectors.workplan_progress(goals),
            "status_buttons": _status_buttons(),
            "next": request.get_full_path(),
        },
    )


def goal_create(request, pk):
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    require(request.user, EDIT, enrolment)
    form = GoalCreateForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST":
        goal = run_service(
            form, lambda: services.add_goal(enrolment, by=request.user, **form.cleaned_data)
        )
        if goal:
            messages.success(request, _("The goal is added. Now add its first action item."))
            return redirect(goal)
    return render(
        request,
        "workplans/goal_form.html",
        {"enrolment": enrolment, "form": form, "goal": None},
    )


def goal_edit(request, pk):
    goal = selectors.get_goal_for(request.user, pk)
    enrolment = goal.workplan.enrolment
    require(request.user, EDIT, enrolment)
    initial = {**_editable_values(goal, services.GOAL_FIELDS), "version": goal.version}
    form = GoalEditForm(request.POST or None, initial=initial, enrolment=enrolment)
    context = {"enrolment": enrolment, "form": form, "goal": goal}
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        try:
            saved = run_service(form, lambda: services.edit_goal(goal, by=request.user, **data))
        except EditConflict as conflict:
            context.update(_conflict_context(form, conflict.current, services.GOAL_FIELDS))
        else:
            if saved:
                messages.success(request, _("The goal is saved."))
                return redirect(saved)
    return render(request, "workplans/goal_form.html", context)


# Action items ---------------------------------------------------------------------------------


def action_create(request, pk):
    goal = selectors.get_goal_for(request.user, pk)
    enrolment = goal.workplan.enrolment
    require(request.user, EDIT, enrolment)
    form = ActionCreateForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST":
        item = run_service(
            form, lambda: services.add_action_item(goal, by=request.user, **form.cleaned_data)
        )
        if item:
            messages.success(request, _("The action item is added."))
            return redirect(goal)
    return render(
        request,
        "workplans/action_form.html",
        {"enrolment": enrolment, "goal": goal, "form": form, "item": None},
    )


def action_item(request, pk):
    """As on the workplan page, whether the person may edit is asked once, by the review
    include's `review_of` tag."""
    item = selectors.get_action_item_for(request.user, pk)
    enrolment = item.goal.workplan.enrolment
    selectors.mark_overdue(item, timezone.localdate())
    _with_links([item])
    return render(
        request,
        "workplans/action_item.html",
        {
            "enrolment": enrolment,
            "item": item,
            "status_buttons": _status_buttons(),
            "next": request.get_full_path(),
            "entries": selectors.timeline(item.updates.all()),
        },
    )


def action_edit(request, pk):
    item = selectors.get_action_item_for(request.user, pk)
    enrolment = item.goal.workplan.enrolment
    require(request.user, EDIT, enrolment)
    initial = {**_editable_values(item, services.ITEM_FIELDS), "version": item.version}
    form = ActionEditForm(request.POST or None, initial=initial, enrolment=enrolment)
    context = {"enrolment": enrolment, "goal": item.goal, "form": form, "item": item}
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        try:
            saved = run_service(
                form, lambda: services.edit_action_item(item, by=request.user, **data)
            )
        except EditConflict as conflict:
            context.update(_conflict_context(form, conflict.current, services.ITEM_FIELDS))
        else:
            if saved:
                messages.success(request, _("The action item is saved."))
                return redirect(saved)
    return render(request, "workplans/action_form.html", context)


def _back(request, item):
    """Where a plain one-click form returns to: the page it was on, or the workplan."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("workplans:workplan", args=[item.goal.workplan.enrolment_id]) + (
        f"#action-{item.pk}"
    )


def _row(request, item, *, message, form=None, stale=False):
    """The item's row after a click (htmx): its new status, any error beside the reason, and
    the message for the page's live region."""
    fresh = selectors.get_action_item_for(request.user, item.pk)
    selectors.mark_overdue(fresh, timezone.localdate())
    _with_links([fresh])
    context = {
        "item": fresh,
        "can_edit": True,
        "status_buttons": _status_buttons(),
        "single": request.POST.get("single") == "1",
        "status_form": form,
        "stale": stale,
        "message": message,
        "next": request.POST.get("next", "") or request.get_full_path(),
    }
    return render(request, "workplans/_action_row.html", context)


@require_POST
def action_status(request, pk):
    item = selectors.get_action_item_for(request.user, pk)
    enrolment = item.goal.workplan.enrolment
    require(request.user, EDIT, enrolment)
    form = StatusForm(request.POST, enrolment=enrolment)
    if not form.is_valid():
        if request.htmx:
            message = " ".join(" ".join(errors) for errors in form.errors.values())
            return _row(request, item, message=message, form=form)
        return render(request, "workplans/action_status.html", {"item": item, "form": form})
    data = form.cleaned_data
    try:
        saved, _update = services.set_status(
            item,
            by=request.user,
            status=data["status"],
            version=data["version"],
            reason=data["blocked_reason"],
        )
    except EditConflict as conflict:
        current = conflict.current
        message = _(
            "%(name)s changed this item since you loaded the page: it is %(status)s now. "
            "Nothing was changed; choose again if you still want to."
        ) % {
            "name": current.updated_by or _("Someone"),
            "status": current.get_status_display(),
        }
        if request.htmx:
            return _row(request, item, message=message, stale=True)
        messages.error(request, message)
        return redirect(_back(request, item))
    message = _("“%(title)s” is %(status)s.") % {
        "title": saved.title,
        "status": saved.get_status_display(),
    }
    if request.htmx:
        return _row(request, saved, message=message)
    messages.success(request, message)
    return redirect(_back(request, item))


# Timeline and export ------------------------------------------------------------------------


def timeline(request, pk):
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    plan = selectors.workplan_of(enrolment)
    page = None
    if plan.pk is not None:
        page = Paginator(plan.updates.all(), TIMELINE_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "workplans/timeline.html",
        {
            "enrolment": enrolment,
            "workplan": plan,
            "page": page,
            "entries": selectors.timeline(page.object_list) if page is not None else [],
        },
    )


def action_items_csv(request, pk):
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    plan = selectors.workplan_of(enrolment)
    today = timezone.localdate()
    items = selectors.action_items_to_export(plan) if plan.pk else ActionItem.objects.none()
    header = [
        _("Goal"),
        _("Action item"),
        _("Owner"),
        _("Due date"),
        _("Status"),
        _("Overdue"),
        _("Last change"),
    ]
    rows = (
        [
            item.goal.title,
            item.title,
            item.owner or "",
            item.due_on.isoformat() if item.due_on else "",
            item.get_status_display(),
            _("yes") if item.is_overdue(today) else _("no"),
            timezone.localtime(item.updated_at).isoformat(timespec="minutes"),
        ]
        for item in items.iterator()
    )
    name = f"workplan-{enrolment.organisation.name}-{today.isoformat()}.csv"
    return csv_response(_ascii_filename(name), header, rows)


def _ascii_filename(name):
    stem, _dot, suffix = name.rpartition(".")
    return f"{slugify(stem) or 'workplan'}.{suffix}"
