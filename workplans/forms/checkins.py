"""The check-in's forms: the team's answers (a draft keeps anything, a submission needs every
goal's status, what changed, what's next and the confidence), the facilitator's review and the
extension of a due date."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.forms import DateField, PortalFormMixin
from workplans.choices import ActionStatus, Confidence
from workplans.services.checkins import extension_problems, missing_for_submission

TEXT_LENGTH = 4000
TOO_LONG = _("Keep this under %(limit_value)s characters (it has %(show_value)s).")

# The buttons: save a draft, submit, or save a draft and open a support request with the need.
DRAFT, SUBMIT, ASK_FOR_SUPPORT = "draft", "submit", "support"


@dataclass
class GoalQuestion:
    """One goal of the snapshot in the form: its status and note fields."""

    key: int
    title: str
    status: forms.BoundField
    note: forms.BoundField


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": TOO_LONG},
    )


class CheckInForm(forms.Form):
    """A team's answers. For each goal of the workplan snapshot (`goals`: [(key, title)]) a
    status and a note; then what changed, what's next, the support needed, the confidence and
    whether to share the highlights. The version is the one the page was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    what_changed = _text(
        _("What changed since the last check-in?"),
        _("What moved forward, what got stuck, what you learned."),
    )
    whats_next = _text(_("What's next?"), _("What the team will do before the next check-in."))
    support_needed = _text(
        _("Support needed (optional)"),
        _("What would help: from your facilitators, a planning partner or another team."),
    )
    confidence = forms.TypedChoiceField(
        label=_("How confident is the team of reaching its goals by the next check-in?"),
        choices=Confidence.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose how confident you are, from 1 to 5.")},
    )
    shared = forms.BooleanField(
        label=_("Share what changed and what's next with the other teams of the cohort"),
        help_text=_(
            "They appear on the cohort's community page once you submit, for the teams that "
            "share theirs too. Your goals, notes, support needed and confidence stay private."
        ),
        required=False,
    )

    def __init__(self, data=None, *, goals, checkin, submitting=False):
        self.goals = goals
        self.submitting = submitting
        self.stale = False
        saved = {row.goal_key: row for row in checkin.goals.all()}
        initial = {
            "version": checkin.version,
            **{name: getattr(checkin, name) for name in ("what_changed", "whats_next")},
            "support_needed": checkin.support_needed,
            "confidence": checkin.confidence,
            "shared": checkin.shared,
        }
        for key, row in saved.items():
            initial[f"status_{key}"] = row.status
            initial[f"note_{key}"] = row.note
        super().__init__(data, initial=initial)
        for key, title in goals:
            self.fields[f"status_{key}"] = forms.ChoiceField(
                label=format_lazy(_("Where “{title}” stands now"), title=title),
                choices=[("", _("Choose a status")), *ActionStatus.choices],
                required=False,
                error_messages={"invalid_choice": _("Choose one of the statuses listed.")},
            )
            self.fields[f"note_{key}"] = forms.CharField(
                label=_("Note (optional)"),
                required=False,
                max_length=TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": TOO_LONG},
            )
        # The goals come first on the page, and so in the error summary.
        goal_fields = [f"{part}_{key}" for key, _title in goals for part in ("status", "note")]
        self.order_fields(["version", *goal_fields])

    def clean(self):
        data = super().clean()
        if self.errors.pop("version", None):
            # A page without a version it could have been sent with is treated as out of date.
            self.stale = True
            self.add_error(
                None,
                ValidationError(
                    _("This page was out of date. Check your answers and save again."),
                    code="changed",
                ),
            )
            return data
        if self.submitting and not self.errors:
            for name, message in missing_for_submission(
                self.answers(), [key for key, _title in self.goals]
            ).items():
                self.add_error(name, message)
        return data

    def answers(self):
        data = self.cleaned_data
        return {
            "goals": {
                key: {"status": data.get(f"status_{key}", ""), "note": data.get(f"note_{key}", "")}
                for key, _title in self.goals
            },
            **{
                name: data.get(name)
                for name in ("what_changed", "whats_next", "support_needed", "confidence")
            },
            "shared": bool(data.get("shared")),
        }

    def questions(self):
        return [
            GoalQuestion(key, title, self[f"status_{key}"], self[f"note_{key}"])
            for key, title in self.goals
        ]

    def start_from(self, checkin):
        """After a refused save: keep what was typed, and let the next save start from the
        version stored now."""
        self.data = self.data.copy()
        self.data["version"] = checkin.version


class ReviewForm(PortalFormMixin, forms.Form):
    review_comment = forms.CharField(
        label=_("Your comment for the team (optional)"),
        help_text=_("The team reads it with the check-in, and in the email that tells them."),
        required=False,
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )


class ExtendForm(PortalFormMixin, forms.Form):
    due_on = DateField(label=_("New due date"))
    reason = forms.CharField(
        label=_("Why the team gets more time"),
        help_text=_("The team is told the new date and this reason."),
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say why the check-in gets more time: the team reads it."),
            "max_length": TOO_LONG,
        },
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        problems = extension_problems(due_on, self.today)
        if problems:
            raise ValidationError(problems["due_on"])
        return due_on
