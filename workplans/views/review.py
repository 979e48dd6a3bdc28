"""The workplan's review: submit, comment, mark reviewed, share, and the cohort's-end snapshot.

Every object comes through the scoped selectors (another team's is a 404); a person who can
see it but may not act (a team marking its own goal reviewed, another team reading a shared
workplan) is refused with PermissionDenied before any write.
"""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.forms import act_and_report, run_service
from portal.permissions import require
from workplans import selectors
from workplans.choices import ActionStatus, GoalFocus
from workplans.forms.review import CommentForm, SharingForm
from workplans.services import review as services

# Submit and review ---------------------------------------------------------------------------


def _to_workplan(enrolment):
    return redirect("workplans:workplan", pk=enrolment.pk)


@require_POST
def workplan_submit(request, pk):
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    require(request.user, "workplans.edit_workplan", enrolment)
    act_and_report(
        request,
        lambda: services.submit_workplan(enrolment, by=request.user),
        _("The workplan is submitted for review. Your facilitators are told."),
    )
    return _to_workplan(enrolment)


@require_POST
def workplan_reviewed(request, pk):
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    require(request.user, "workplans.review_workplan", enrolment)
    act_and_report(
        request,
        lambda: services.mark_workplan_reviewed(selectors.workplan_of(enrolment), by=request.user),
        _("The workplan is marked reviewed. The team is told."),
    )
    return _to_workplan(enrolment)


@require_POST
def goal_reviewed(request, pk):
    goal = selectors.get_goal_for(request.user, pk)
    require(request.user, "workplans.review_workplan", goal.workplan)
    act_and_report(
        request,
        lambda: services.mark_goal_reviewed(goal, by=request.user),
        _("The goal “%(title)s” is marked reviewed.") % {"title": goal.title},
    )
    return redirect(goal)


@require_POST
def action_reviewed(request, pk):
    item = selectors.get_action_item_for(request.user, pk)
    require(request.user, "workplans.review_workplan", item.goal.workplan)
    act_and_report(
        request,
        lambda: services.mark_item_reviewed(item, by=request.user),
        _("The action item “%(title)s” is marked reviewed.") % {"title": item.title},
    )
    return redirect(item)


# Comments ------------------------------------------------------------------------------------


def _comment_page(request, *, subject, workplan, comments, back_url, service):
    """A comment's own page: the comments so far and the form. The workplan and action item
    pages carry the same form; a comment with a problem comes back here, with what was
    typed and the message beside the field."""
    require(request.user, "workplans.comment_on_workplan", workplan)
    rights = selectors.review_rights(request.user, workplan.enrolment)
    form = CommentForm(request.POST or None, label=_("Your answer") if rights.on_the_team else None)
    if request.method == "POST":
        comment = run_service(form, lambda: service(body=form.cleaned_data["body"]))
        if comment:
            messages.success(
                request,
                _("Your answer is posted. Your facilitators are told.")
                if rights.on_the_team
                else _("Your comment is posted. The team is told."),
            )
            return redirect(f"{back_url}#comment-{comment.pk}")
    return render(
        request,
        "workplans/review_comment.html",
        {
            "subject": subject,
            "enrolment": workplan.enrolment,
            "comments": comments.select_related("author"),
            "form": form,
            "back_url": back_url,
            "rights": rights,
        },
    )


def goal_comment(request, pk):
    goal = selectors.get_goal_for(request.user, pk)
    return _comment_page(
        request,
        subject=goal,
        workplan=goal.workplan,
        comments=goal.comments.all(),
        back_url=goal.get_absolute_url().split("#")[0],
        service=lambda body: services.comment_on_goal(goal, body=body, by=request.user),
    )


def action_comment(request, pk):
    item = selectors.get_action_item_for(request.user, pk)
    return _comment_page(
        request,
        subject=item,
        workplan=item.goal.workplan,
        comments=item.comments.all(),
        back_url=item.get_absolute_url(),
        service=lambda body: services.comment_on_item(item, body=body, by=request.user),
    )


# Sharing -------------------------------------------------------------------------------------


@require_POST
def workplan_sharing(request, pk):
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    require(request.user, "workplans.edit_workplan", enrolment)
    form = SharingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _to_workplan(enrolment)
    shared = form.cleaned_data["shared"]
    services.set_sharing(enrolment, shared=shared, by=request.user)
    if not shared:
        done = _("Your workplan is not shared: only your team, your facilitators and staff see it.")
    elif enrolment.cohort.shares_workplans:
        done = _("Your workplan is shared: the other teams of your cohort can read it.")
    else:
        done = _(
            "Your choice is saved. Your cohort does not share workplans at the moment, so no "
            "other team sees it until Alliance staff turn sharing on for the cohort."
        )
    messages.success(request, done)
    return _to_workplan(enrolment)


# The cohort's end ----------------------------------------------------------------------------


def _day(value):
    return date.fromisoformat(value) if value else None


def _as_shown(goals):
    """The snapshot's JSON with its dates as dates and its codes in words."""
    statuses, focus_areas = dict(ActionStatus.choices), dict(GoalFocus.choices)
    return [
        {
            **goal,
            "target_date": _day(goal.get("target_date")),
            "focus_label": focus_areas.get(goal.get("focus_area"), goal.get("focus_area")),
            "action_items": [
                {
                    **item,
                    "due_on": _day(item.get("due_on")),
                    "status_label": statuses.get(item.get("status"), item.get("status")),
                }
                for item in goal.get("action_items", [])
            ],
        }
        for goal in goals
    ]


def snapshot(request, pk):
    """The workplan as it stood when the cohort ended (an empty state before)."""
    enrolment = selectors.get_workplan_team_for(request.user, pk)
    frozen = selectors.snapshot_of(enrolment)
    return render(
        request,
        "workplans/snapshot.html",
        {
            "enrolment": enrolment,
            "snapshot": frozen,
            "goals": _as_shown(frozen.data.get("goals", [])) if frozen else [],
        },
    )
