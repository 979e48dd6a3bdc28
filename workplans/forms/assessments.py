from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalFormMixin, SubmitOnceMixin
from workplans.models import LEVELS, Dimension, Rubric
from workplans.services.assessments import UNSAVED

NOTE_LENGTH = 4000

DRAFT, SUBMIT = "draft", "submit"


@dataclass
class Question:
    """One dimension of the form: its level choices, its note, and what is saved now."""

    dimension: Dimension
    level: forms.BoundField
    note: forms.BoundField
    saved_level: int | None
    saved_note: str


def _saved(assessment):
    """{dimension id: (level, note)} as stored."""
    if assessment is None:
        return {}
    return {rating.dimension_id: (rating.level, rating.note) for rating in assessment.ratings.all()}


class AssessmentForm(forms.Form):
    """A team's answers: for each dimension of the rubric a level (its four descriptors as
    choices) and a note. A draft keeps whatever is answered; a submission needs every level.
    The version is the one the page was opened at (0 before the first save)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=UNSAVED)

    def __init__(self, data=None, *, dimensions, assessment=None, submitting=False):
        self.dimensions = dimensions
        self.submitting = submitting
        self.saved = _saved(assessment)
        initial = {"version": assessment.version if assessment else UNSAVED}
        for pk, (level, note) in self.saved.items():
            initial[f"level_{pk}"] = level
            initial[f"note_{pk}"] = note
        super().__init__(data, initial=initial)
        for dimension in dimensions:
            self.fields[f"level_{dimension.pk}"] = forms.TypedChoiceField(
                label=dimension.name,
                choices=dimension.levels,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{dimension.pk}"] = forms.CharField(
                label=format_lazy(_("Why this level? ({name}, optional)"), name=dimension.name),
                required=False,
                max_length=NOTE_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self):
        data = super().clean()
        if self.errors.pop("version", None):
            # A page without a version it could have been sent with is treated as out of date.
            self.add_error(
                None,
                ValidationError(
                    _("This page was out of date. Check your answers and save again."),
                    code="changed",
                ),
            )
        if self.submitting:
            for dimension in self.dimensions:
                name = f"level_{dimension.pk}"
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Choose the level that describes you today."))
        return data

    def answers(self):
        data = self.cleaned_data
        return {
            dimension.pk: {
                "level": data.get(f"level_{dimension.pk}"),
                "note": data.get(f"note_{dimension.pk}", ""),
            }
            for dimension in self.dimensions
        }

    def questions(self):
        return [
            Question(
                dimension,
                self[f"level_{dimension.pk}"],
                self[f"note_{dimension.pk}"],
                *self.saved.get(dimension.pk, (None, "")),
            )
            for dimension in self.dimensions
        ]

    def start_from(self, assessment):
        """After a refused save: keep what was typed, and let the next save start from the
        version stored now, whose answers are shown beside it."""
        self.data = self.data.copy()
        self.data["version"] = assessment.version if assessment else UNSAVED
        self.saved = _saved(assessment)


class RubricForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["title", "introduction"]
        help_texts = {
            "introduction": _("What teams read before they answer: how to choose a level."),
        }
        error_messages = {"title": {"required": _("Give the self-assessment a title.")}}


LEVEL_HELP = {
    1: _("Where an organisation starts."),
    2: _("Beginning: some practice, not yet the organisation's way of working."),
    3: _("Growing: regular, shared practice."),
    4: _("The fullest practice the rubric describes."),
}


class DimensionForm(SubmitOnceMixin, PortalFormMixin, forms.ModelForm):
    """A dimension of a rubric: each of its four levels needs a descriptor."""

    class Meta:
        model = Dimension
        fields = ["name", "description", "level_1", "level_2", "level_3", "level_4"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            **{f"level_{n}": forms.Textarea(attrs={"rows": 2}) for n in LEVELS},
        }
        labels = {f"level_{n}": format_lazy(_("Level {n}"), n=n) for n in LEVELS}
        help_texts = {
            "description": _("What this dimension is about, in a sentence."),
            **{f"level_{n}": LEVEL_HELP[n] for n in LEVELS},
        }
        error_messages = {
            "name": {"required": _("Give the dimension a name.")},
            **{
                f"level_{n}": {
                    "required": _("Describe what an organisation at this level looks like.")
                }
                for n in LEVELS
            },
        }

    def created_url(self, result):
        return reverse("workplans:rubric_edit", args=[result.rubric.program_id]) if result else ""
