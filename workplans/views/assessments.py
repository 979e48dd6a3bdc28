"""Self-assessments (a team takes its program's rubric at the start and at the end of the
cohort; facilitators and staff read them and reopen a submitted one; everyone who may see the
team sees the start and the end side by side) and the rubric pages staff edit."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.selectors import get_program_for
from portal.forms import act_and_report, run_service
from portal.permissions import require
from workplans import selectors
from workplans.forms.assessments import SUBMIT, AssessmentForm, DimensionForm, RubricForm
from workplans.models import SelfAssessment
from workplans.services import assessments as services


def _phase(phase):
    if phase not in SelfAssessment.Phase.values:
        raise Http404
    return phase


def _phase_label(phase):
    return SelfAssessment.Phase(phase).label


# Taking a self-assessment --------------------------------------------------------------------


def assessment(request, pk, phase):
    user = request.user
    enrolment = selectors.get_assessment_team_for(user, pk)
    phase = _phase(phase)
    rubric = selectors.rubric_of(enrolment.cohort.program)
    dimensions = list(rubric.dimensions.all()) if rubric else []
    saved = selectors.assessment_of(enrolment, phase)
    can_take = services.is_the_teams_to_take(user, enrolment)
    is_open = selectors.phase_is_open(enrolment.cohort, phase)
    submitted = saved is not None and saved.is_submitted
    conflict = False
    form = None
    if request.method == "POST":
        if not can_take:
            raise PermissionDenied
        refused = services.already_submitted(saved) if submitted else None
        if not dimensions:
            refused = services.no_dimensions()
        if refused:
            messages.error(request, refused.messages[0])
            return redirect("workplans:assessment", pk=enrolment.pk, phase=phase)
        submitting = request.POST.get("action") == SUBMIT
        form = AssessmentForm(
            request.POST, dimensions=dimensions, assessment=saved, submitting=submitting
        )
        service = services.submit_assessment if submitting else services.save_draft
        result = run_service(
            form,
            lambda: service(
                (enrolment, phase),
                form.answers(),
                by=user,
                version=form.cleaned_data["version"],
            ),
        )
        if result is not None:
            messages.success(
                request,
                _("Your self-assessment is submitted. Thank you.")
                if submitting
                else _("Your answers are saved as a draft."),
            )
            return redirect(result)
        if form.has_error(NON_FIELD_ERRORS, "changed"):
            conflict = True
            form.start_from(selectors.assessment_of(enrolment, phase))
    elif can_take and is_open and not submitted and dimensions:
        form = AssessmentForm(dimensions=dimensions, assessment=saved)
    ratings = {rating.dimension_id: rating for rating in saved.ratings.all()} if saved else {}
    return render(
        request,
        "workplans/assessment_detail.html",
        {
            "enrolment": enrolment,
            "phase": phase,
            "phase_label": _phase_label(phase),
            "rubric": rubric,
            "assessment": saved,
            "form": form,
            "conflict": conflict,
            "answers": [(dimension, ratings.get(dimension.pk)) for dimension in dimensions],
            "can_take": can_take,
            "is_open": is_open,
            "opens_on": selectors.end_phase_opens_on(enrolment.cohort),
            "can_reopen": submitted and user.has_perm("workplans.reopen_assessment", saved),
            "can_edit_rubric": user.has_perm("workplans.edit_rubric", enrolment.cohort.program),
        },
    )


@require_POST
def assessment_reopen(request, pk, phase):
    user = request.user
    enrolment = selectors.get_assessment_team_for(user, pk)
    saved = selectors.assessment_of(enrolment, _phase(phase))
    if saved is None:
        raise Http404
    require(user, "workplans.reopen_assessment", saved)
    act_and_report(
        request,
        lambda: services.reopen_assessment(saved, by=user),
        _("The self-assessment is reopened: the team can change it and submit it again."),
    )
    return redirect("workplans:assessment", pk=enrolment.pk, phase=saved.phase)


# Start and end side by side ------------------------------------------------------------------

# Sized so that the chart's 16-unit text reads at about 12 px on a phone and 16 px on a desktop.
CHART_WIDTH = 400
BAR_LEFT = 56  # room for the "Start" and "End" labels
BAR_SPACE = 300  # the width of level 4
ROW_HEIGHT = 84


def _signed(number, digits=0):
    """+2, −1 (a real minus sign), in the reader's number format, rounded (number_format
    alone would cut −0.67 to −0.6)."""
    text = formats.number_format(round(abs(number), digits), digits)
    return f"+{text}" if number > 0 else f"−{text}" if number < 0 else text


def _change_label(change):
    if change is None:
        return _("not taken")
    return _signed(change) if change else _("no change")


def _bar(level, y):
    width = round(BAR_SPACE * level / 4) if level else 0
    return {"y": y, "width": width, "label_x": BAR_LEFT + width + 6, "level": level}


def _chart(rows):
    """Where each dimension's two bars go in the SVG (levels 0–4 across BAR_SPACE)."""
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        bars.append(
            {
                "row": row,
                "name_y": top + 18,
                "start": _bar(row.start, top + 26),
                "end": _bar(row.end, top + 50),
            }
        )
    return {
        "width": CHART_WIDTH,
        "height": max(len(rows), 1) * ROW_HEIGHT,
        "bar_left": BAR_LEFT,
        "ticks": [
            {"level": level, "x": BAR_LEFT + BAR_SPACE * level // 4} for level in range(1, 5)
        ],
        "bars": bars,
    }


def assessment_compare(request, pk):
    enrolment = selectors.get_assessment_team_for(request.user, pk)
    comparison = selectors.assessment_comparison(enrolment)
    for row in comparison.rows:
        row.change_label = _change_label(row.change)
    average = comparison.average_change
    return render(
        request,
        "workplans/assessment_compare.html",
        {
            "enrolment": enrolment,
            "comparison": comparison,
            "average": None if average is None else _signed(average, 1),
            "chart": _chart(comparison.rows),
        },
    )


# Rubrics -------------------------------------------------------------------------------------


def rubric_edit(request, pk):
    user = request.user
    program = get_program_for(user, pk)
    require(user, "workplans.edit_rubric", program)
    rubric = selectors.rubric_of(program)
    form = RubricForm(
        request.POST or None,
        instance=rubric,
        initial=None
        if rubric
        else {"title": _("%(program)s self-assessment") % {"program": program.name}},
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda: services.save_rubric(
                program,
                title=form.cleaned_data["title"],
                introduction=form.cleaned_data["introduction"],
                by=user,
            ),
        )
        if saved:
            messages.success(request, _("The rubric is saved."))
            return redirect("workplans:rubric_edit", pk=program.pk)
    answered = selectors.answered_dimensions(rubric) if rubric else {}
    return render(
        request,
        "workplans/rubric_edit.html",
        {
            "program": program,
            "rubric": rubric,
            "form": form,
            "dimensions": [
                (dimension, answered.get(dimension.pk, 0))
                for dimension in (rubric.dimensions.all() if rubric else [])
            ],
        },
    )


def rubric_dimension_add(request, pk):
    user = request.user
    program = get_program_for(user, pk)
    require(user, "workplans.edit_rubric", program)
    form = DimensionForm(request.POST or None)
    if request.method == "POST":
        dimension = run_service(
            form, lambda: services.add_dimension(program, by=user, **form.cleaned_data)
        )
        if dimension:
            messages.success(
                request, _("%(name)s is added to the rubric.") % {"name": dimension.name}
            )
            return redirect("workplans:rubric_edit", pk=program.pk)
    return render(
        request,
        "workplans/rubric_dimension_form.html",
        {"program": program, "form": form, "dimension": None},
    )


def rubric_dimension_edit(request, pk):
    user = request.user
    dimension = selectors.get_rubric_dimension_for(user, pk)
    program = dimension.rubric.program
    require(user, "workplans.edit_rubric", program)
    form = DimensionForm(
        request.POST or None, instance=selectors.get_rubric_dimension_for(user, pk)
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda: services.update_dimension(dimension, by=user, **form.cleaned_data),
        )
        if saved:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("workplans:rubric_edit", pk=program.pk)
    return render(
        request,
        "workplans/rubric_dimension_form.html",
        {
            "program": program,
            "form": form,
            "dimension": dimension,
            "answered": selectors.answered_dimensions(dimension.rubric).get(dimension.pk, 0),
        },
    )


@require_POST
def rubric_dimension_move(request, pk):
    user = request.user
    dimension = selectors.get_rubric_dimension_for(user, pk)
    program = dimension.rubric.program
    require(user, "workplans.edit_rubric", program)
    services.move_dimension(dimension, direction=request.POST.get("direction"), by=user)
    return redirect(
        reverse("workplans:rubric_edit", args=[program.pk]) + f"#dimension-{dimension.pk}"
    )


def rubric_dimension_delete(request, pk):
    user = request.user
    dimension = selectors.get_rubric_dimension_for(user, pk)
    program = dimension.rubric.program
    require(user, "workplans.edit_rubric", program)
    back = reverse("workplans:rubric_edit", args=[program.pk])
    if request.method == "POST":
        act_and_report(
            request,
            lambda: services.delete_dimension(dimension, by=user),
            _("%(name)s is deleted from the rubric.") % {"name": dimension.name},
        )
        return redirect(back)
    return render(
        request,
        "workplans/rubric_dimension_delete.html",
        {
            "program": program,
            "dimension": dimension,
            "answered": selectors.answered_dimensions(dimension.rubric).get(dimension.pk, 0),
            "back": back,
        },
    )
