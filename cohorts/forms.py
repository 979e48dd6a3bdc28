import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cohorts.choices import OrganisationKind, TeamRole
from cohorts.models import (
    OFFSET_UNITS,
    Cohort,
    Organisation,
    Program,
    default_reminder_offsets,
    format_offsets,
)
from portal.forms import DateField, PortalFormMixin, SubmitOnceMixin


class ReminderOffsetsField(forms.CharField):
    """Reminder times before a session, typed as "7d, 1d" or "2h", stored as minutes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Session reminders"))
        kwargs.setdefault(
            "help_text",
            _(
                "How long before each session reminders go, separated by commas: "
                "d for days, h for hours, m for minutes (e.g. 7d, 1d, 2h). "
                "Whole days keep the session's local time."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return format_offsets(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value).strip()
        if not text:
            return None
        offsets = []
        for part in text.replace(";", ",").split(","):
            token = part.strip().lower().replace(" ", "")
            number, unit = token[:-1], token[-1:]
            if (
                unit not in OFFSET_UNITS
                or not re.fullmatch(r"[0-9]{1,6}", number)
                or int(number) < 1
            ):
                raise ValidationError(
                    _("“%(part)s” isn't a reminder time. Write a number and d, h or m, like 7d.")
                    % {"part": part.strip()}
                )
            offsets.append(int(number) * OFFSET_UNITS[unit])
        if len(offsets) > 5:
            raise ValidationError(_("At most five reminders per session."))
        if any(minutes > 60 * 24 * 60 for minutes in offsets):
            raise ValidationError(_("A reminder can go at most 60 days before a session."))
        return sorted(set(offsets), reverse=True)


class ProgramForm(SubmitOnceMixin, PortalFormMixin, forms.ModelForm):
    reminder_offsets = ReminderOffsetsField(required=False)

    required_roles = forms.MultipleChoiceField(
        label=_("Required team roles"),
        choices=TeamRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A cohort can't start until every team has someone in each of these roles."),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "short_name",
            "summary",
            "learning_goals",
            "months",
            "session_count",
            "min_organisations",
            "max_organisations",
            "team_size",
            "required_roles",
            "checkin_every_months",
            "checkin_count",
            "reminder_offsets",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "learning_goals": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_reminder_offsets(self):
        """Empty means the usual: a week and a day before."""
        return self.cleaned_data["reminder_offsets"] or default_reminder_offsets()

    def clean(self):
        data = super().clean()
        low, high = data.get("min_organisations"), data.get("max_organisations")
        if low is not None and high is not None and high < low:
            self.add_error(
                "max_organisations",
                _("The most organisations can't be fewer than the fewest (%(low)s).")
                % {"low": low},
            )
        size, roles = data.get("team_size"), data.get("required_roles") or []
        if size is not None and len(roles) > size:
            self.add_error(
                "required_roles",
                _("A team of %(size)s can't fill %(count)s required roles.")
                % {"size": size, "count": len(roles)},
            )
        return data


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} <{obj.email}>"


class CohortForm(SubmitOnceMixin, PortalFormMixin, forms.ModelForm):
    reminder_offsets = ReminderOffsetsField(
        required=False,
        label=_("Session reminders for this cohort"),
        help_text=_("Leave empty to use the program's. Otherwise as there: e.g. 7d, 1d, 2h."),
    )

    facilitators = PersonChoiceField(
        label=_("Facilitators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People not in the portal yet can be invited as facilitators afterwards."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Planning partners"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.PLANNING_PARTNER),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Cohort
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "shares_workplans",
            "reminder_offsets",
            "facilitators",
            "partners",
        ]
        field_classes = {"starts_on": DateField, "ends_on": DateField}
        help_texts = {
            "ends_on": _("Leave empty to use the program's length."),
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["ends_on"].required = False
        self.fields["facilitators"].queryset = (
            User.objects.filter(is_active=True)
            .filter(
                Q(pk__in=Cohort.facilitators.through.objects.values("user"))
                | Q(pk__in=User.objects.staff().values("pk"))
            )
            .order_by("full_name")
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and not end:
            data["ends_on"] = Cohort.default_end(self.instance.program, start)
            self.instance.ends_on = data["ends_on"]
        elif start and end and end <= start:
            self.add_error("ends_on", _("The cohort must end after it starts."))
        return data

    def validate_unique(self):
        # The program is set on the instance, not on the form, so check the name here.
        super().validate_unique()
        name = self.cleaned_data.get("name")
        if name and "name" not in self.errors:
            clash = Cohort.objects.filter(program=self.instance.program, name__iexact=name)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("This program already has a cohort with that name."))


class EnrolForm(SubmitOnceMixin, PortalFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("State grantee organisation"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.STATE_GRANTEE),
        empty_label=_("Choose an organisation"),
    )

    def __init__(self, *args, cohort, choices, elsewhere, **kwargs):
        """`choices`: the grantees not yet in the cohort; `elsewhere`: {organisation:
        [cohort, …]} for those already in another planned or active cohort of the program,
        named in their option so the warning is there when the choice is made."""
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.elsewhere = {organisation.pk: cohorts for organisation, cohorts in elsewhere.items()}
        field = self.fields["organisation"]
        field.queryset = choices
        field.error_messages["invalid_choice"] = _(
            "Choose an organisation from the list. One already in this cohort isn't offered."
        )
        field.label_from_instance = self.label_for

    def label_for(self, organisation):
        cohorts = self.elsewhere.get(organisation.pk)
        if not cohorts:
            return organisation.name
        return _("%(name)s (also in %(cohorts)s)") % {
            "name": organisation.name,
            "cohorts": ", ".join(cohort.name for cohort in cohorts),
        }


class SeatForm(SubmitOnceMixin, PortalFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        help_text=_("People of this organisation. Invite someone new from the invitations page."),
    )
    role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices)

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = User.objects.filter(
            memberships__organisation=enrolment.organisation, is_active=True
        ).order_by("full_name")
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} <{p.email}>"

    def created_url(self, result):
        return reverse("cohorts:enrolment_seats", args=[result.enrolment_id])


class OrganisationForm(SubmitOnceMixin, PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "state", "focus_area"]
        help_texts = {
            "state": _("Required for a state grantee."),
            "focus_area": _("Required for a planning partner."),
        }

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == OrganisationKind.STATE_GRANTEE and not data.get("state"):
            self.add_error("state", _("Choose the state or territory of this grantee."))
        if kind == OrganisationKind.PLANNING_PARTNER and not data.get("focus_area"):
            self.add_error("focus_area", _("Choose what this partner helps with."))
        return data
