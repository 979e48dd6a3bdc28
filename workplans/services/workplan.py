"""Writes to a team's workplan: its goals and their action items. One function per thing a
person does; each runs in one transaction and records every change of an action item's status,
owner or due date (and its creation) as a ProgressUpdate in it.

A save names the version it started from. When someone saved since, the save is refused with
EditConflict, which carries the item as it is stored now: the page shows both versions and the
person's typed values, and a second save (from the new version) applies theirs.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Seat
from portal.permissions import require
from workplans import notices
from workplans.choices import ActionStatus, ChangedField
from workplans.models import ActionItem, Goal, ProgressUpdate, Workplan

GOAL_FIELDS = ("title", "description", "focus_area", "target_date")
ITEM_FIELDS = ("title", "owner", "due_on", "status", "blocked_reason")
# The fields whose every change is a progress update, as the update names them.
TRACKED = {
    "status": ChangedField.STATUS,
    "owner": ChangedField.OWNER,
    "due_on": ChangedField.DUE_ON,
}


class EditConflict(Exception):
    """A save started from a version that is no longer the stored one."""

    def __init__(self, current):
        super().__init__(f"{type(current).__name__} {current.pk} changed since it was opened")
        self.current = current


def team_members(enrolment):
    """The people who may own the team's action items: its current seats' holders."""
    return get_user_model().objects.filter(
        pk__in=Seat.objects.current().filter(enrolment=enrolment).values("person")
    )


def date_errors(enrolment, name, value):
    """A due or target date before the cohort started is a slip."""
    starts_on = enrolment.cohort.starts_on
    if value is not None and value < starts_on:
        return {
            name: _("Choose a date on or after %(start)s, when the cohort started.")
            % {"start": formats.date_format(starts_on, "DATE_FORMAT")}
        }
    return {}


def item_errors(enrolment, *, owner, due_on, status, blocked_reason):
    """What is wrong with an action item's values, by field (empty when nothing is): the one
    rule, which the forms show next to their fields and the services enforce."""
    errors = date_errors(enrolment, "due_on", due_on)
    if owner is not None and not team_members(enrolment).filter(pk=owner.pk).exists():
        errors["owner"] = _("Choose someone who is on the team now.")
    if status == ActionStatus.BLOCKED and not (blocked_reason or "").strip():
        errors["blocked_reason"] = _("Say why it is blocked, so others can help.")
    return errors


def _check(errors):
    if errors:
        raise ValidationError(errors)


def _stored(value):
    """A tracked value as a progress update stores it: a status code, a person's id, an ISO
    date, or empty."""
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _record(item, field, old, new, *, by, note="", at):
    return ProgressUpdate.objects.create(
        workplan_id=item.goal.workplan_id,
        action_item=item,
        field=field,
        old_value=_stored(old),
        new_value=_stored(new),
        note=note,
        by=by,
        at=at,
    )


def _locked(model, obj, version):
    """The stored row, locked until the transaction ends; EditConflict when `version` is not
    its version any more."""
    current = model.objects.select_for_update().get(pk=obj.pk)
    if current.version != version:
        raise EditConflict(current)
    return current


# Goals ---------------------------------------------------------------------------------------


@transaction.atomic
def add_goal(enrolment, *, by, title, focus_area, description="", target_date=None):
    """The team's first goal also starts its workplan."""
    require(by, "workplans.edit_workplan", enrolment)
    _check(date_errors(enrolment, "target_date", target_date))
    workplan, _created = Workplan.objects.get_or_create(enrolment=enrolment)
    Workplan.objects.select_for_update().filter(pk=workplan.pk).first()
    last = workplan.goals.aggregate(last=Max("position"))["last"]
    now = timezone.now()
    return Goal.objects.create(
        workplan=workplan,
        position=0 if last is None else last + 1,
        title=title,
        description=description,
        focus_area=focus_area,
        target_date=target_date,
        created_by=by,
        updated_by=by,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def edit_goal(goal, *, by, version, **values):
    """Save a goal's title, description, focus area and target date."""
    enrolment = goal.workplan.enrolment
    require(by, "workplans.edit_workplan", enrolment)
    _check(date_errors(enrolment, "target_date", values.get("target_date")))
    current = _locked(Goal, goal, version)
    for name in GOAL_FIELDS:
        if name in values:
            setattr(current, name, values[name])
    current.version += 1
    current.updated_by = by
    current.updated_at = timezone.now()
    current.save()
    return current


# Action items ---------------------------------------------------------------------------------


def _status_side_effects(item, status, *, at):
    """Done remembers when; only a blocked item keeps a reason."""
    if status == ActionStatus.DONE and item.done_at is None:
        item.done_at = at
    elif status != ActionStatus.DONE:
        item.done_at = None
    if status != ActionStatus.BLOCKED:
        item.blocked_reason = ""


@transaction.atomic
def add_action_item(
    goal,
    *,
    by,
    title,
    owner=None,
    due_on=None,
    status=ActionStatus.NOT_STARTED,
    blocked_reason="",
    note="",
):
    enrolment = goal.workplan.enrolment
    require(by, "workplans.edit_workplan", enrolment)
    _check(
        item_errors(
            enrolment, owner=owner, due_on=due_on, status=status, blocked_reason=blocked_reason
        )
    )
    now = timezone.now()
    item = ActionItem(
        goal=goal,
        title=title,
        owner=owner,
        due_on=due_on,
        status=status,
        blocked_reason=blocked_reason,
        created_by=by,
        updated_by=by,
        created_at=now,
        updated_at=now,
    )
    _status_side_effects(item, status, at=now)
    item.save()
    _record(item, ChangedField.CREATED, "", status, by=by, note=note or blocked_reason, at=now)
    return item


@transaction.atomic
def edit_action_item(item, *, by, version, note="", **values):
    """Save an action item's title, owner, due date, status and reason: each change of
    status, owner or due date becomes a progress update (the note goes with the first)."""
    enrolment = item.goal.workplan.enrolment
    require(by, "workplans.edit_workplan", enrolment)
    current = _locked(ActionItem, item, version)
    merged = {name: values.get(name, getattr(current, name)) for name in ITEM_FIELDS}
    _check(item_errors(enrolment, **{n: merged[n] for n in ITEM_FIELDS if n != "title"}))
    now = timezone.now()
    changes = [
        (field, getattr(current, name), merged[name])
        for name, field in TRACKED.items()
        if _stored(getattr(current, name)) != _stored(merged[name])
    ]
    if merged["status"] != current.status:
        _status_side_effects(current, merged["status"], at=now)
    for name in ITEM_FIELDS:
        if name == "blocked_reason" and merged["status"] != ActionStatus.BLOCKED:
            continue
        setattr(current, name, merged[name])
    current.version += 1
    current.updated_by = by
    current.updated_at = now
    current.save()
    reason = current.blocked_reason if merged["status"] == ActionStatus.BLOCKED else ""
    for index, (field, old, new) in enumerate(changes):
        first_note = note or (reason if field == ChangedField.STATUS else "")
        update = _record(
            current, field, old, new, by=by, note=first_note if index == 0 else "", at=now
        )
        if field == ChangedField.STATUS:
            notices.status_changed(current, update, by=by)
    return current


@transaction.atomic
def set_status(item, *, by, status, version, reason="", note=""):
    """One click: the item's new status (blocked with its reason). Returns the item and its
    progress update (None when the status was already that)."""
    enrolment = item.goal.workplan.enrolment
    require(by, "workplans.edit_workplan", enrolment)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    current = _locked(ActionItem, item, version)
    _check(
        item_errors(
            enrolment,
            owner=None,
            due_on=None,
            status=status,
            blocked_reason=reason,
        )
    )
    if current.status == status and status != ActionStatus.BLOCKED:
        return current, None
    now = timezone.now()
    old = current.status
    _status_side_effects(current, status, at=now)
    current.status = status
    if status == ActionStatus.BLOCKED:
        current.blocked_reason = reason.strip()
    current.version += 1
    current.updated_by = by
    current.updated_at = now
    current.save()
    update = _record(current, ChangedField.STATUS, old, status, by=by, note=note or reason, at=now)
    notices.status_changed(current, update, by=by)
    return current, update
