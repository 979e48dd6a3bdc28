"""Check-ins after the cohort: the signed link from the emails, the team's list, the check-in
form (drafts, submit once, reopen), the facilitator's review and extension, and the cohort's
community-of-practice page. Every object comes through the scoped selectors (404 for anyone
else's), every write is checked by its rule here and again in the service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.choices import CohortStatus
from portal.forms import act_and_report, run_service
from portal.permissions import require
from workplans import checkin_ladder, checkin_links, selectors
from workplans.choices import ActionStatus, Confidence
from workplans.forms.checkins import (
    ASK_FOR_SUPPORT,
    SUBMIT,
    CheckInForm,
    ExtendForm,
    ReviewForm,
)
from workplans.services import checkins as services
from workplans.services.checkins import CheckInConflict

REVIEW = "workplans.review_checkin"


# The link in the emails ------------------------------------------------------------------------


@login_not_required
def checkin_link(request, token):
    """The link in a check-in's emails. A GET changes nothing: it sends the person it was made
    for to the form (through the login page, and back, when they are signed out). A link that
    was tampered with, has expired or is another person's gets a page that says so."""
    link = checkin_links.read(token)
    if link.checkin_pk is None:
        return _link_refused(request, "tampered", status=400)
    if link.expired:
        return _link_refused(request, "expired", checkin_pk=link.checkin_pk, status=400)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.user.pk != link.person_pk:
        return _link_refused(request, "another_person", status=403)
    try:
        checkin = selectors.get_checkin_for(request.user, link.checkin_pk)
    except Http404:
        return _link_refused(request, "gone", status=404)
    return redirect(checkin)


def _link_refused(request, reason, *, checkin_pk=None, status):
    return render(
        request,
        "workplans/checkin_link.html",
        {
            "reason": reason,
            "checkin_pk": checkin_pk,
            "max_age_days": checkin_links.LINK_MAX_AGE.days,
        },
        status=status,
    )


# The team's check-ins --------------------------------------------------------------------------


def checkin_list(request, pk):
    team = selectors.get_checkin_team_for(request.user, pk)
    checkins = list(selectors.checkins_for(request.user).filter(enrolment=team).order_by("number"))
    today = timezone.localdate()
    told = checkin_ladder.told_ids(checkins)
    rows = [
        {
            "checkin": checkin,
            "stage": selectors.checkin_stage(checkin, today),
            "days_overdue": checkin.days_overdue(today),
            "told": checkin.pk in told,
        }
        for checkin in checkins
    ]
    return render(
        request,
        "workplans/checkin_list.html",
        {
            "team": team,
            "rows": rows,
            "has_members": selectors.team_has_members(team),
            "cohort_completed": team.cohort.status == CohortStatus.COMPLETED,
        },
    )


# One check-in: the form, the answers, the review ------------------------------------------


def _checkin_or_gone(request, pk):
    """The check-in in the person's scope; for someone who was on its team and no longer is,
    a page saying so (nothing changes); a 404 for anyone else."""
    try:
        return selectors.get_checkin_for(request.user, pk), None
    except Http404:
        former = selectors.former_members_checkin(request.user, pk)
        if former is None:
            raise
        return None, render(request, "workplans/checkin_gone.html", {"checkin": former}, status=404)


def checkin(request, pk):
    user = request.user
    checkin, gone = _checkin_or_gone(request, pk)
    if gone:
        return gone
    prefetch_related_objects([checkin], "goals")
    snapshot = selectors.snapshot_of(checkin.enrolment)
    goals = services.goals_of(snapshot)
    can_fill = services.is_the_teams_to_fill(user, checkin)
    form, conflict = None, None
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied
        if checkin.is_submitted:
            messages.error(request, services.already_submitted(checkin).messages[0])
            return redirect(checkin)
        action = request.POST.get("action")
        submitting = action == SUBMIT
        form = CheckInForm(request.POST, goals=goals, checkin=checkin, submitting=submitting)
        service = services.submit_checkin if submitting else services.save_draft
        try:
            result = run_service(
                form,
                lambda: service(
                    checkin, form.answers(), by=user, version=form.cleaned_data["version"]
                ),
            )
        except CheckInConflict as error:
            result, conflict = None, _conflict(form, error.current)
        if result is not None and action == ASK_FOR_SUPPORT:
            messages.success(
                request,
                _("Your check-in is saved as a draft. Now send your request to a partner."),
            )
            url = reverse("workplans:support_create", args=[result.enrolment_id])
            return redirect(f"{url}?{urlencode({'need': result.support_needed})}")
        if result is not None:
            messages.success(
                request,
                _("Your check-in is submitted. Thank you: your facilitators will read it.")
                if submitting
                else _("Your check-in is saved as a draft."),
            )
            return redirect(result)
        if form.stale:
            form.start_from(checkin)
    elif can_fill and not checkin.is_submitted:
        form = CheckInForm(goals=goals, checkin=checkin)
    return _page(
        request, checkin, form=form, conflict=conflict, can_fill=can_fill, snapshot=snapshot
    )


def _shown(name, value):
    if name == "confidence":
        return str(Confidence(value).label) if value in Confidence.values else ""
    if name == "shared":
        return _("Yes") if value else _("No")
    if name.startswith("status_"):
        return str(ActionStatus(value).label) if value in ActionStatus.values else ""
    return value or ""


def _conflict(form, current):
    """After a refused stale save: who saved in between, their answers beside the typed ones,
    and the form ready to save the typed ones over the stored version."""
    form.start_from(current)
    form.add_error(
        None,
        _("%(name)s changed this check-in since you opened it. Check both versions below.")
        % {"name": current.updated_by or _("Someone on your team")},
    )
    typed = form.cleaned_data
    theirs = {name: getattr(current, name) for name in services.ANSWER_FIELDS}
    for row in current.goals.all():
        theirs[f"status_{row.goal_key}"] = row.status
        theirs[f"note_{row.goal_key}"] = row.note
    names = [
        *[name for key, _title in form.goals for name in (f"status_{key}", f"note_{key}")],
        *services.ANSWER_FIELDS,
    ]
    rows = [
        {
            "label": form.fields[name].label,
            "theirs": _shown(name, theirs.get(name)),
            "yours": _shown(name, typed.get(name)),
        }
        for name in names
    ]
    return {"by": current.updated_by, "at": current.updated_at, "rows": rows}


def _page(request, checkin, *, form=None, conflict=None, can_fill=None, snapshot=None, **forms):
    """The check-in's page: the team's form (or its answers), the facilitator's review and
    extension, and beside them the team's previous check-ins and its workplan snapshot."""
    user = request.user
    enrolment = checkin.enrolment
    today = timezone.localdate()
    stage = selectors.checkin_stage(checkin, today)
    can_review = user.has_perm(REVIEW, checkin)
    if can_fill is None:
        can_fill = services.is_the_teams_to_fill(user, checkin)
    if snapshot is None:
        snapshot = selectors.snapshot_of(enrolment)
    context = {
        "checkin": checkin,
        "enrolment": enrolment,
        "form": form,
        "conflict": conflict,
        "can_fill": can_fill,
        "can_review": can_review,
        "stage": stage,
        "days_overdue": checkin.days_overdue(today),
        "told": stage == "overdue" and checkin_ladder.facilitator_told(checkin),
        "answers": checkin.goals.all(),
        "previous": selectors.previous_checkins(checkin),
        "snapshot_goals": _goals_done(snapshot),
        "snapshot": snapshot,
        "has_members": selectors.team_has_members(enrolment),
    }
    if can_review:
        context["review_form"] = forms.get("review_form") or ReviewForm(
            initial={"review_comment": checkin.review_comment}
        )
        context["extend_form"] = forms.get("extend_form") or ExtendForm(today=today)
    return render(request, "workplans/checkin.html", context)


def _goals_done(snapshot):
    """The snapshot's goals, each with how many of its action items were done."""
    goals = snapshot.data.get("goals", []) if snapshot else []
    return [
        {
            "title": goal["title"],
            "total": len(goal.get("action_items", [])),
            "done": sum(
                item.get("status") == ActionStatus.DONE for item in goal.get("action_items", [])
            ),
        }
        for goal in goals
    ]


@require_POST
def checkin_review(request, pk):
    user = request.user
    checkin = selectors.get_checkin_for(user, pk)
    require(user, REVIEW, checkin)
    form = ReviewForm(request.POST)
    result = run_service(
        form,
        lambda: services.review_checkin(
            checkin, by=user, comment=form.cleaned_data["review_comment"]
        ),
    )
    if result is not None:
        messages.success(request, _("The check-in is marked reviewed, and the team is told."))
        return redirect(result)
    if list(form.errors) == [NON_FIELD_ERRORS]:
        # Refused for the check-in's state (already reviewed, reopened meanwhile): say so.
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect(checkin)
    prefetch_related_objects([checkin], "goals")
    return _page(request, checkin, review_form=form)


@require_POST
def checkin_reopen(request, pk):
    user = request.user
    checkin = selectors.get_checkin_for(user, pk)
    require(user, REVIEW, checkin)
    act_and_report(
        request,
        lambda: services.reopen_checkin(checkin, by=user),
        _("The check-in is reopened: the team can change it and submit it again."),
    )
    return redirect(checkin)


@require_POST
def checkin_extend(request, pk):
    user = request.user
    checkin = selectors.get_checkin_for(user, pk)
    require(user, REVIEW, checkin)
    form = ExtendForm(request.POST, today=timezone.localdate())
    result = run_service(
        form, lambda: services.extend_checkin(checkin, by=user, **form.cleaned_data)
    )
    if result is not None:
        messages.success(request, _("The check-in has its new due date, and the team is told."))
        return redirect(result)
    prefetch_related_objects([checkin], "goals")
    return _page(request, checkin, extend_form=form)


# The cohort's community of practice -------------------------------------------------------


def community(request, pk):
    cohort = selectors.get_community_cohort_for(request.user, pk)
    return render(
        request,
        "workplans/checkin_community.html",
        {"community": selectors.community_of(request.user, cohort), "cohort": cohort},
    )
