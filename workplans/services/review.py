"""The workplan's review: the team submits it, facilitators (and staff) comment and mark it
reviewed, the team answers; the team shares it with its cohort or not; the cohort's end
freezes it; a person who leaves a team stops owning its action items.

Each function is one thing a person (or a hook) does, in one transaction, with its messages
planned through the ledger in that transaction (workplans/notices.py).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrolment, Seat
from portal.permissions import require
from workplans import notices
from workplans.models import (
    ActionItem,
    Comment,
    Goal,
    ProgressUpdate,
    Workplan,
    WorkplanSnapshot,
)

# Stored in the progress update, as the timeline shows it.
LEFT_THE_TEAM = "left the team"


def _locked_workplan(enrolment):
    """The team's workplan, locked; created (empty, a draft) when it has none yet."""
    Workplan.objects.get_or_create(enrolment=enrolment)
    return (
        Workplan.objects.select_for_update(of=("self",))
        .select_related("enrolment__cohort", "enrolment__organisation")
        .get(enrolment=enrolment)
    )


# Submit and review ---------------------------------------------------------------------------


@transaction.atomic
def submit_workplan(enrolment, *, by):
    """The team asks its facilitators to review the workplan: from a draft, or again after a
    review (the team changed it since). Needs at least one goal."""
    require(by, "workplans.edit_workplan", enrolment)
    workplan = _locked_workplan(enrolment)
    if workplan.status == Workplan.Status.SUBMITTED:
        raise ValidationError(_("The workplan is already waiting for review."))
    if not workplan.goals.exists():
        raise ValidationError(_("Add at least one goal before you submit the workplan for review."))
    now = timezone.now()
    workplan.status = Workplan.Status.SUBMITTED
    workplan.submitted_at = now
    workplan.submitted_by = by
    workplan.updated_at = now
    workplan.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    notices.workplan_submitted(workplan, by=by)
    return workplan


@transaction.atomic
def mark_workplan_reviewed(workplan, *, by):
    """A facilitator (or staff) has reviewed the submitted workplan: the team is told."""
    require(by, "workplans.review_workplan", workplan)
    workplan = _locked_workplan(workplan.enrolment)
    if workplan.status != Workplan.Status.SUBMITTED:
        raise ValidationError(
            _("Only a workplan submitted for review can be marked reviewed.")
            if workplan.status == Workplan.Status.DRAFT
            else _("The workplan is already marked reviewed.")
        )
    now = timezone.now()
    workplan.status = Workplan.Status.REVIEWED
    workplan.reviewed_at = now
    workplan.reviewed_by = by
    workplan.updated_at = now
    workplan.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    notices.workplan_reviewed(workplan, by=by)
    return workplan


def _mark_reviewed(model, obj, workplan, by):
    require(by, "workplans.review_workplan", workplan)
    obj = model.objects.select_for_update().get(pk=obj.pk)
    if obj.reviewed_at is None:
        obj.reviewed_at = timezone.now()
        obj.reviewed_by = by
        obj.save(update_fields=["reviewed_at", "reviewed_by"])
    return obj


@transaction.atomic
def mark_goal_reviewed(goal, *, by):
    """A goal is reviewed (marking it again keeps the first mark)."""
    return _mark_reviewed(Goal, goal, goal.workplan, by)


@transaction.atomic
def mark_item_reviewed(item, *, by):
    """An action item is reviewed (marking it again keeps the first mark)."""
    return _mark_reviewed(ActionItem, item, item.goal.workplan, by)


# Comments ------------------------------------------------------------------------------------


def _comment(workplan, *, by, body, goal=None, action_item=None):
    require(by, "workplans.comment_on_workplan", workplan)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write your comment.")})
    comment = Comment.objects.create(
        workplan=workplan, goal=goal, action_item=action_item, author=by, body=body
    )
    notices.comment_added(comment, by=by)
    return comment


@transaction.atomic
def comment_on_goal(goal, *, body, by):
    """A facilitator comments on a goal (the team is told), or the team answers (the
    facilitators are told)."""
    return _comment(goal.workplan, goal=goal, body=body, by=by)


@transaction.atomic
def comment_on_item(item, *, body, by):
    """The same, on an action item."""
    return _comment(item.goal.workplan, action_item=item, body=body, by=by)


# Sharing -------------------------------------------------------------------------------------


@transaction.atomic
def set_sharing(enrolment, *, shared, by):
    """The team opts in (or out) to let the other teams of its cohort read its workplan. It
    shows only while the cohort shares workplans (staff's setting), but the choice is kept."""
    require(by, "workplans.edit_workplan", enrolment)
    workplan = _locked_workplan(enrolment)
    if workplan.shared != shared:
        workplan.shared = shared
        workplan.updated_at = timezone.now()
        workplan.save(update_fields=["shared", "updated_at"])
    return workplan


# The cohort's end: a snapshot of every team's workplan -----------------------------------------


def snapshot_data(workplan):
    """The workplan as it stands: its goals and their action items, with statuses (the shape
    WorkplanSnapshot.data documents). Owners are kept by name: a person may leave later."""
    goals = workplan.goals.prefetch_related(
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related("owner").order_by("due_on", "pk"),
        )
    )
    return {
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "focus_area": goal.focus_area,
                "target_date": goal.target_date.isoformat() if goal.target_date else None,
                "action_items": [
                    {
                        "id": item.pk,
                        "title": item.title,
                        "owner": item.owner.get_full_name() if item.owner else "",
                        "owner_id": item.owner_id,
                        "due_on": item.due_on.isoformat() if item.due_on else None,
                        "status": item.status,
                    }
                    for item in goal.action_items.all()
                ],
            }
            for goal in goals
        ]
    }


def freeze_workplans(*, cohort):
    """Subscribed to cohorts.hooks.cohort_completed, in the completing transaction: freeze
    every team's workplan as it stands (a team with none gets an empty one), once. A snapshot
    already taken is never overwritten."""
    for enrolment in Enrolment.objects.filter(cohort=cohort):
        workplan, _created = Workplan.objects.get_or_create(enrolment=enrolment)
        WorkplanSnapshot.objects.get_or_create(
            workplan=workplan, defaults={"data": snapshot_data(workplan)}
        )


# Membership: who left stops owning -------------------------------------------------------------


def release_items_of_leavers(*, cohort):
    """Subscribed to cohorts.hooks.people_changed: the action items of this cohort's
    workplans whose owner no longer holds a current seat on that team become nobody's, each
    change recorded in the timeline (by nobody: the portal did it, because they left)."""
    current_seat = Seat.objects.current().filter(
        enrolment=OuterRef("goal__workplan__enrolment"), person=OuterRef("owner")
    )
    orphaned = list(
        ActionItem.objects.select_for_update(of=("self",))
        .filter(goal__workplan__enrolment__cohort=cohort, owner__isnull=False)
        .exclude(Exists(current_seat))
        .select_related("goal")
    )
    if not orphaned:
        return
    now = timezone.now()
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            workplan_id=item.goal.workplan_id,
            action_item=item,
            field=ProgressUpdate.Field.OWNER,
            old_value=str(item.owner_id),
            new_value="",
            note=LEFT_THE_TEAM,
            by=None,
            at=now,
        )
        for item in orphaned
    )
    for item in orphaned:
        item.owner = None
        item.version += 1
        item.updated_at = now
    ActionItem.objects.bulk_update(orphaned, ["owner", "version", "updated_at"])
