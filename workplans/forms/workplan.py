"""Forms of the workplan: a goal, an action item, a one-click status. The rules about an action
item's values (an owner on the team, a date after the cohort started, a reason when blocked)
are the services' (workplans.services.workplan.item_errors); the forms show them next to
their fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import DateField, PortalFormMixin, SubmitOnceMixin
from workplans.choices import ActionStatus, GoalFocus
from workplans.services.workplan import date_errors, item_errors, team_members

OUT_OF_DATE = _("This page was out of date. Open the item again and make your change.")


def _version_field():
    """The version the form was opened at: a save from an older one is told, not applied."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def _add_errors(form, errors):
    for name, message in errors.items():
        if name not in form.errors:
            form.add_error(name, message)


class GoalForm(PortalFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title for the goal.")},
        help_text=_("What the team wants to change, in a short sentence."),
    )
    focus_area = forms.ChoiceField(
        label=_("Focus area"),
        choices=[("", _("Choose a focus area")), *GoalFocus.choices],
        error_messages={"required": _("Choose the goal's focus area.")},
    )
    target_date = DateField(label=_("Target date"), required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why it matters and how you will know it is reached."),
    )

    def __init__(self, *args, enrolment, **kwargs):
        self.enrolment = enrolment
        super().__init__(*args, **kwargs)

    def clean_target_date(self):
        value = self.cleaned_data["target_date"]
        _add_errors(self, date_errors(self.enrolment, "target_date", value))
        return value


class GoalCreateForm(SubmitOnceMixin, GoalForm):
    pass


class GoalEditForm(GoalForm):
    version = _version_field()


class ActionForm(PortalFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title for the action item.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("Someone on the team now."),
        error_messages={"invalid_choice": _("Choose someone who is on the team now.")},
    )
    due_on = DateField(label=_("Due date"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    blocked_reason = forms.CharField(
        label=_("Why it is blocked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only for a blocked item: what stands in the way, and who could help."),
    )
    note = forms.CharField(
        label=_("Note for the timeline (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown in the timeline beside this change: the why behind it."),
    )

    def __init__(self, *args, enrolment, **kwargs):
        self.enrolment = enrolment
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_members(enrolment)

    def clean(self):
        data = super().clean()
        if "owner" in data and "due_on" in data and "status" in data:
            _add_errors(
                self,
                item_errors(
                    self.enrolment,
                    owner=data["owner"],
                    due_on=data["due_on"],
                    status=data["status"],
                    blocked_reason=data.get("blocked_reason", ""),
                ),
            )
        return data


class ActionCreateForm(SubmitOnceMixin, ActionForm):
    pass


class ActionEditForm(ActionForm):
    version = _version_field()


class StatusForm(PortalFormMixin, forms.Form):
    """One click: the new status (and the reason, for blocked) from the version shown."""

    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    blocked_reason = forms.CharField(
        label=_("Why it is blocked"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What stands in the way, and who could help."),
    )
    version = _version_field()

    def __init__(self, *args, enrolment, **kwargs):
        self.enrolment = enrolment
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "status" in data:
            _add_errors(
                self,
                item_errors(
                    self.enrolment,
                    owner=None,
                    due_on=None,
                    status=data["status"],
                    blocked_reason=data.get("blocked_reason", ""),
                ),
            )
        return data
