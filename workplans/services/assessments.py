"""What people do with self-assessments and rubrics: a team saves its answers as a draft and
submits them once; a facilitator (or staff) reopens a submitted one; staff edit a program's
rubric.

Answers are {dimension id: {"level": 1–4 or None, "note": text}} for the rubric's dimensions
(others are ignored). Every save names the version it started from: a save that started from
an older version than the one stored is refused (code "changed"), so two team members saving
at once never overwrite each other silently.
"""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Enrolment, Program
from portal.permissions import require
from workplans.models import LEVELS, Dimension, Rating, Rubric, SelfAssessment
from workplans.selectors import end_phase_opens_on, phase_is_open

# The version a form carries before anything is saved.
UNSAVED = 0


def _locked(target):
    """The enrolment and phase of `target` (a self-assessment or an (enrolment, phase) pair),
    with the enrolment row locked so two first saves cannot both create it, and the stored
    self-assessment locked (None when nothing is saved yet)."""
    if isinstance(target, SelfAssessment):
        enrolment_pk, phase = target.enrolment_id, target.phase
    else:
        enrolment, phase = target
        enrolment_pk = enrolment.pk
    enrolment = (
        Enrolment.objects.select_for_update().select_related("cohort__program").get(pk=enrolment_pk)
    )
    assessment = (
        SelfAssessment.objects.select_for_update().filter(enrolment=enrolment, phase=phase).first()
    )
    return enrolment, phase, assessment


def already_submitted(assessment):
    when = formats.date_format(timezone.localtime(assessment.submitted_at), "DATETIME_FORMAT")
    return ValidationError(
        _(
            "This self-assessment was already submitted (%(when)s), so nothing was changed. "
            "A facilitator can reopen it if it needs a change."
        )
        % {"when": when},
        code="submitted",
    )


def is_the_teams_to_take(person, enrolment):
    """Only the team answers its self-assessment: the rule itself, not Django's permission
    check, which lets Alliance staff do everything (accounts.backends); staff and the
    facilitators read it, and reopen it."""
    return rules.has_perm("workplans.take_assessment", person, enrolment)


def _check_can_write(enrolment, phase, assessment, *, by, version):
    if not is_the_teams_to_take(by, enrolment):
        raise PermissionDenied
    if not phase_is_open(enrolment.cohort, phase):
        raise ValidationError(
            _("The end-of-cohort self-assessment opens on %(date)s.")
            % {"date": formats.date_format(end_phase_opens_on(enrolment.cohort), "DATE_FORMAT")},
            code="not_open",
        )
    if assessment is not None and assessment.is_submitted:
        raise already_submitted(assessment)
    stored = assessment.version if assessment else UNSAVED
    if version != stored:
        raise ValidationError(
            _(
                "Someone on your team saved this self-assessment after you opened it. Your "
                "answers are still here, next to what is saved now: check them and save again."
            ),
            code="changed",
        )


def no_dimensions():
    return ValidationError(_("This program's rubric has no dimensions yet."), code="empty")


def _dimensions(enrolment):
    return list(Dimension.objects.filter(rubric__program=enrolment.cohort.program_id))


def _write(enrolment, phase, assessment, answers, *, dimensions):
    """Store the answers (one rating per answered dimension; an emptied answer goes)."""
    now = timezone.now()
    if assessment is None:
        assessment = SelfAssessment.objects.create(
            enrolment=enrolment, phase=phase, created_at=now, updated_at=now
        )
    else:
        assessment.version += 1
        assessment.updated_at = now
    kept = {rating.dimension_id: rating for rating in assessment.ratings.all()}
    changed, created, emptied = [], [], []
    for dimension in dimensions:
        answer = answers.get(dimension.pk) or {}
        level, note = answer.get("level"), (answer.get("note") or "").strip()
        if level is not None and level not in LEVELS:
            raise ValidationError(_("A level is a number from 1 to 4."), code="level")
        rating = kept.get(dimension.pk)
        if level is None and not note:
            if rating is not None:
                emptied.append(rating.pk)
        elif rating is None:
            created.append(
                Rating(assessment=assessment, dimension=dimension, level=level, note=note)
            )
        elif (rating.level, rating.note) != (level, note):
            rating.level, rating.note = level, note
            changed.append(rating)
    Rating.objects.filter(pk__in=emptied).delete()
    Rating.objects.bulk_create(created)
    Rating.objects.bulk_update(changed, ["level", "note"])
    return assessment


@transaction.atomic
def save_draft(target, answers, *, by, version):
    """Keep the team's answers as they are, levels missing or not. Creates the self-assessment
    on its first save. Returns it."""
    enrolment, phase, assessment = _locked(target)
    _check_can_write(enrolment, phase, assessment, by=by, version=version)
    dimensions = _dimensions(enrolment)
    if not dimensions:
        raise no_dimensions()
    assessment = _write(enrolment, phase, assessment, answers, dimensions=dimensions)
    assessment.save()
    return assessment


@transaction.atomic
def submit_assessment(target, answers, *, by, version):
    """Save the answers and submit them, once: every dimension needs a level."""
    enrolment, phase, assessment = _locked(target)
    _check_can_write(enrolment, phase, assessment, by=by, version=version)
    dimensions = _dimensions(enrolment)
    if not dimensions:
        raise no_dimensions()
    missing = [d.name for d in dimensions if (answers.get(d.pk) or {}).get("level") is None]
    if missing:
        raise ValidationError(
            ngettext(
                "Choose a level for %(names)s before you submit.",
                "Choose a level for each of these before you submit: %(names)s.",
                len(missing),
            )
            % {"names": ", ".join(missing)},
            code="incomplete",
        )
    assessment = _write(enrolment, phase, assessment, answers, dimensions=dimensions)
    assessment.status = SelfAssessment.Status.SUBMITTED
    assessment.submitted_at = assessment.updated_at
    assessment.submitted_by = by
    assessment.save()
    return assessment


@transaction.atomic
def reopen_assessment(assessment, *, by):
    """Send a submitted self-assessment back to the team as a draft."""
    require(by, "workplans.reopen_assessment", assessment)
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_submitted:
        raise ValidationError(
            _("This self-assessment is not submitted, so there is nothing to reopen."),
            code="not_submitted",
        )
    now = timezone.now()
    assessment.status = SelfAssessment.Status.DRAFT
    assessment.reopened_at = now
    assessment.reopened_by = by
    assessment.updated_at = now
    assessment.version += 1
    assessment.save()
    return assessment


# Rubrics ---------------------------------------------------------------------------------------


def _rubric(program):
    """The program's rubric, locked; created (with a title from the program) when missing."""
    Program.objects.select_for_update().filter(pk=program.pk).first()
    rubric = Rubric.objects.select_for_update().filter(program=program).first()
    if rubric is None:
        rubric = Rubric.objects.create(
            program=program,
            title=_("%(program)s self-assessment") % {"program": program.name},
        )
    return rubric


@transaction.atomic
def save_rubric(program, *, title, introduction, by):
    require(by, "workplans.edit_rubric", program)
    rubric = _rubric(program)
    rubric.title, rubric.introduction = title, introduction
    rubric.updated_at = timezone.now()
    rubric.save()
    return rubric


def _check_name_free(rubric, name, dimension=None):
    taken = rubric.dimensions.filter(name__iexact=name)
    if dimension is not None:
        taken = taken.exclude(pk=dimension.pk)
    if taken.exists():
        raise ValidationError(
            {"name": _("This rubric already has a dimension called %(name)s.") % {"name": name}}
        )


@transaction.atomic
def add_dimension(program, *, by, name, description, level_1, level_2, level_3, level_4):
    """A new dimension at the end of the program's rubric."""
    require(by, "workplans.edit_rubric", program)
    rubric = _rubric(program)
    _check_name_free(rubric, name)
    last = rubric.dimensions.aggregate(last=Max("position"))["last"]
    rubric.updated_at = timezone.now()
    rubric.save(update_fields=["updated_at"])
    return Dimension.objects.create(
        rubric=rubric,
        position=0 if last is None else last + 1,
        name=name,
        description=description,
        level_1=level_1,
        level_2=level_2,
        level_3=level_3,
        level_4=level_4,
    )


@transaction.atomic
def update_dimension(dimension, *, by, **fields):
    require(by, "workplans.edit_rubric", dimension.rubric.program)
    rubric = _rubric(dimension.rubric.program)
    dimension = Dimension.objects.select_for_update().get(pk=dimension.pk)
    _check_name_free(rubric, fields["name"], dimension)
    for name, value in fields.items():
        setattr(dimension, name, value)
    dimension.save()
    rubric.updated_at = timezone.now()
    rubric.save(update_fields=["updated_at"])
    return dimension


UP, DOWN = "up", "down"


@transaction.atomic
def move_dimension(dimension, *, direction, by):
    """Swap the dimension with the one before (up) or after (down) it; at either end of the
    rubric nothing moves. Positions are renumbered 0, 1, 2… on the way."""
    require(by, "workplans.edit_rubric", dimension.rubric.program)
    rubric = _rubric(dimension.rubric.program)
    order = list(rubric.dimensions.select_for_update().order_by("position", "pk"))
    index = next(i for i, d in enumerate(order) if d.pk == dimension.pk)
    other = index - 1 if direction == UP else index + 1
    if direction not in (UP, DOWN) or not 0 <= other < len(order):
        return
    order[index], order[other] = order[other], order[index]
    for position, each in enumerate(order):
        each.position = position
    Dimension.objects.bulk_update(order, ["position"])
    rubric.updated_at = timezone.now()
    rubric.save(update_fields=["updated_at"])


@transaction.atomic
def delete_dimension(dimension, *, by):
    """Remove a dimension nobody has answered yet: an answered one keeps teams' answers
    meaningful, so it stays (its wording can still be edited)."""
    require(by, "workplans.edit_rubric", dimension.rubric.program)
    rubric = _rubric(dimension.rubric.program)
    answered = Rating.objects.filter(dimension=dimension).values("assessment").distinct().count()
    if answered:
        raise ValidationError(
            ngettext(
                "%(name)s cannot be deleted: a team has already answered it in %(count)s "
                "self-assessment, and its answer would lose its meaning. Edit its wording "
                "instead.",
                "%(name)s cannot be deleted: teams have already answered it in %(count)s "
                "self-assessments, and their answers would lose their meaning. Edit its "
                "wording instead.",
                answered,
            )
            % {"name": dimension.name, "count": answered},
            code="answered",
        )
    Dimension.objects.filter(pk=dimension.pk).delete()
    rubric.updated_at = timezone.now()
    rubric.save(update_fields=["updated_at"])
