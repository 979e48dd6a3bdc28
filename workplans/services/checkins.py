"""What people do with a check-in: the team saves its answers as a draft and submits them
once; a facilitator (or staff) reviews a submitted one (the team is told), reopens it, or
gives an open one a new due date (the ladder of reminders is planned from it, and the team is
told the new date). The ladder itself is workplans/checkin_ladder.py.

Answers are {"goals": {goal key: {"status": ActionStatus value or "", "note": text}},
"what_changed", "whats_next", "support_needed": text, "confidence": 1–5 or None,
"shared": bool}. The goal keys are those of the team's workplan snapshot; any other is
refused. Every save names the version it started from: a save from an older version than the
stored one is refused with CheckInConflict (carrying the check-in as stored now), so two team
members saving at once never overwrite each other silently.
"""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.permissions import require
from workplans import checkin_ladder, notices
from workplans.choices import ActionStatus, CheckInStatus, Confidence
from workplans.models import CheckIn, CheckInGoal
from workplans.selectors import snapshot_of

TEXT_FIELDS = ("what_changed", "whats_next", "support_needed")
ANSWER_FIELDS = (*TEXT_FIELDS, "confidence", "shared")


class CheckInConflict(Exception):
    """A save started from a version that is no longer the stored one."""

    def __init__(self, current):
        super().__init__(f"check-in {current.pk} changed since it was opened")
        self.current = current


def goals_of(snapshot):
    """[(goal key, title)] of a workplan snapshot (None: no goals)."""
    goals = snapshot.data.get("goals", []) if snapshot else []
    return [(goal["id"], goal["title"]) for goal in goals]


def snapshot_goals(enrolment):
    """[(goal key, title)] of the team's workplan as it stood when the cohort ended."""
    return goals_of(snapshot_of(enrolment))


def is_the_teams_to_fill(person, checkin):
    """Only the team answers its check-in: the rule itself, not Django's permission check,
    which lets Alliance staff do everything (accounts.backends); staff and the facilitators
    read it, review it and reopen it."""
    return rules.has_perm("workplans.fill_checkin", person, checkin)


def already_submitted(checkin):
    when = formats.date_format(timezone.localtime(checkin.submitted_at), "DATETIME_FORMAT")
    return ValidationError(
        _(
            "This check-in was already submitted (%(when)s), so nothing was changed. "
            "A facilitator can reopen it if it needs a change."
        )
        % {"when": when},
        code="submitted",
    )


def _locked(checkin):
    """The stored check-in, locked until the transaction ends."""
    return (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("enrolment__cohort", "enrolment__organisation", "updated_by")
        .get(pk=checkin.pk)
    )


def _check_answers(answers, keys):
    problems = {}
    forged = set(answers.get("goals", {})) - set(keys)
    if forged:
        problems["__all__"] = _(
            "The check-in names a goal that is not in the team's workplan snapshot. "
            "Reload the page and try again."
        )
    for key, answer in answers.get("goals", {}).items():
        if answer.get("status") not in ("", None, *ActionStatus.values):
            problems[f"status_{key}"] = _("Choose one of the statuses listed.")
    confidence = answers.get("confidence")
    if confidence is not None and confidence not in Confidence.values:
        problems["confidence"] = _("Choose how confident you are, from 1 to 5.")
    if problems:
        raise ValidationError(problems, code="invalid")


def missing_for_submission(answers, keys):
    """What a submission still needs, by field (the form shows each beside its field)."""
    problems = {}
    goals = answers.get("goals", {})
    for key in keys:
        if not (goals.get(key) or {}).get("status"):
            problems[f"status_{key}"] = _("Choose where this goal stands now.")
    if not (answers.get("what_changed") or "").strip():
        problems["what_changed"] = _("Say what changed since the last check-in.")
    if not (answers.get("whats_next") or "").strip():
        problems["whats_next"] = _("Say what the team will do next.")
    if answers.get("confidence") is None:
        problems["confidence"] = _("Choose how confident the team is.")
    return problems


def _write(checkin, answers, *, by, goals):
    """Store the answers and each goal's row (an emptied goal keeps its row, emptied)."""
    for name in TEXT_FIELDS:
        setattr(checkin, name, (answers.get(name) or "").strip())
    checkin.confidence = answers.get("confidence")
    checkin.shared = bool(answers.get("shared"))
    now = timezone.now()
    checkin.version += 1
    checkin.updated_by = by
    checkin.updated_at = now
    kept = {row.goal_key: row for row in checkin.goals.all()}
    created, changed = [], []
    for key, title in goals:
        answer = answers.get("goals", {}).get(key) or {}
        status, note = answer.get("status") or "", (answer.get("note") or "").strip()
        row = kept.get(key)
        if row is None:
            if status or note:
                created.append(
                    CheckInGoal(
                        checkin=checkin, goal_key=key, title=title, status=status, note=note
                    )
                )
        elif (row.status, row.note) != (status, note):
            row.status, row.note = status, note
            changed.append(row)
    CheckInGoal.objects.bulk_create(created)
    CheckInGoal.objects.bulk_update(changed, ["status", "note"])


SAVED_FIELDS = [*ANSWER_FIELDS, "version", "updated_by", "updated_at"]


def _save_answers(checkin, answers, *, by, version, submitting):
    checkin = _locked(checkin)
    if not is_the_teams_to_fill(by, checkin):
        raise PermissionDenied
    if checkin.is_submitted:
        raise already_submitted(checkin)
    if checkin.version != version:
        raise CheckInConflict(checkin)
    goals = snapshot_goals(checkin.enrolment)
    keys = [key for key, _title in goals]
    _check_answers(answers, keys)
    if submitting:
        missing = missing_for_submission(answers, keys)
        if missing:
            raise ValidationError(missing, code="incomplete")
    _write(checkin, answers, by=by, goals=goals)
    return checkin


@transaction.atomic
def save_draft(checkin, answers, *, by, version):
    """Keep the team's answers as they are, finished or not."""
    checkin = _save_answers(checkin, answers, by=by, version=version, submitting=False)
    checkin.save(update_fields=SAVED_FIELDS)
    return checkin


@transaction.atomic
def submit_checkin(checkin, answers, *, by, version):
    """Save the answers and submit them, once: every goal needs a status, and what changed,
    what's next and the confidence are needed. Every reminder still planned stops."""
    checkin = _save_answers(checkin, answers, by=by, version=version, submitting=True)
    checkin.status = CheckInStatus.SUBMITTED
    checkin.submitted_at = checkin.updated_at
    checkin.submitted_by = by
    checkin.save(update_fields=[*SAVED_FIELDS, "status", "submitted_at", "submitted_by"])
    checkin_ladder.stop_ladder(checkin)
    return checkin


@transaction.atomic
def reopen_checkin(checkin, *, by):
    """Send a submitted (or reviewed) check-in back to the team as a draft; its reminders
    that are still ahead are planned again."""
    require(by, "workplans.review_checkin", checkin)
    checkin = _locked(checkin)
    if not checkin.is_submitted:
        raise ValidationError(
            _("This check-in is not submitted, so there is nothing to reopen."),
            code="not_submitted",
        )
    now = timezone.now()
    checkin.status = CheckInStatus.OPEN
    checkin.reopened_at = now
    checkin.reopened_by = by
    checkin.updated_at = now
    checkin.version += 1
    checkin.save(update_fields=["status", "reopened_at", "reopened_by", "updated_at", "version"])
    checkin_ladder.plan_ladder(checkin)
    return checkin


@transaction.atomic
def review_checkin(checkin, *, by, comment=""):
    """A facilitator (or staff) has read a submitted check-in: their comment is kept and the
    team is told."""
    require(by, "workplans.review_checkin", checkin)
    checkin = _locked(checkin)
    if checkin.status != CheckInStatus.SUBMITTED:
        raise ValidationError(
            _("The check-in is already marked reviewed.")
            if checkin.status == CheckInStatus.REVIEWED
            else _("Only a submitted check-in can be marked reviewed: the team has not sent it."),
            code="not_submitted",
        )
    now = timezone.now()
    checkin.status = CheckInStatus.REVIEWED
    checkin.reviewed_at = now
    checkin.reviewed_by = by
    checkin.review_comment = comment.strip()
    checkin.updated_at = now
    checkin.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"]
    )
    notices.checkin_reviewed(checkin, by=by)
    return checkin


def extension_problems(due_on, today):
    """What is wrong with a new due date (the form shows it beside the field)."""
    if due_on is not None and due_on <= today:
        return {
            "due_on": _("Choose a date after today (%(today)s): an extension can't be in the past.")
            % {"today": formats.date_format(today, "DATE_FORMAT")}
        }
    return {}


@transaction.atomic
def extend_checkin(checkin, *, by, due_on, reason):
    """A facilitator (or staff) gives an open check-in a new due date, with the reason: its
    reminders are planned from the new date and the team is told it."""
    require(by, "workplans.review_checkin", checkin)
    checkin = _locked(checkin)
    if checkin.is_submitted:
        raise ValidationError(
            _("This check-in is already submitted, so it needs no new date."), code="submitted"
        )
    problems = extension_problems(due_on, timezone.localdate())
    if not reason.strip():
        problems["reason"] = _("Say why the check-in gets more time: the team reads it.")
    if problems:
        raise ValidationError(problems, code="invalid")
    now = timezone.now()
    checkin.due_on = due_on
    checkin.extension_reason = reason.strip()
    checkin.extended_at = now
    checkin.extended_by = by
    checkin.updated_at = now
    checkin.save(
        update_fields=["due_on", "extension_reason", "extended_at", "extended_by", "updated_at"]
    )
    checkin_ladder.tell_extension(checkin, by=by)
    return checkin
