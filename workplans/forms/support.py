"""The forms of a support request's life: the team asks, staff or the partner assign, the
partner accepts, logs help and closes, the team reopens. Each step after asking carries the
version of the request the person saw, so a step taken on a request that changed meanwhile is
refused (workplans.services.support), not applied over the other person's."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cohorts.choices import FocusArea
from cohorts.models import Membership
from portal.forms import DateField, PortalFormMixin, SubmitOnceMixin
from workplans.models import Goal
from workplans.services.support import help_problems, needed_by_problem

NEED_MAX = 4000
NOTE_MAX = 4000


class VersionMixin:
    """The version of the request the page was drawn from, sent back with the step."""

    def __init__(self, *args, support_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.support_request = support_request
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=support_request.version, required=False
        )


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_focus_area_display()})"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class SupportRequestForm(SubmitOnceMixin, PortalFormMixin, forms.Form):
    focus_area = forms.ChoiceField(
        label=_("Area you need help with"),
        choices=FocusArea.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the area you need help with.")},
    )
    need = forms.CharField(
        label=_("What you need"),
        max_length=NEED_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you are working on, what is in the way, and what help would look like."),
        error_messages={"required": _("Say what you need help with.")},
    )
    needed_by = DateField(
        label=_("Needed by"),
        help_text=_("When you need the help by."),
        error_messages={"required": _("Enter the date you need the help by.")},
    )
    goal = forms.ModelChoiceField(
        label=_("Goal of your workplan (optional)"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Not about one goal"),
        error_messages={"invalid_choice": _("Choose one of your team's goals.")},
    )
    partner = PartnerChoiceField(
        label=_("Planning partner"),
        queryset=None,
        required=False,
        empty_label=_("The cohort's partner for the area you chose (recommended)"),
        help_text=_(
            "Leave this as it is and the request goes to the cohort's planning partner for the "
            "area you chose; Alliance staff pass it on when there is none."
        ),
        error_messages={"invalid_choice": _("Choose one of your cohort's planning partners.")},
    )

    def __init__(self, *args, enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(workplan__enrolment=enrolment)
        self.fields["partner"].queryset = enrolment.cohort.partners.order_by("name")

    def clean_needed_by(self):
        needed_by = self.cleaned_data["needed_by"]
        if problem := needed_by_problem(needed_by):
            raise forms.ValidationError(problem)
        return needed_by


class AssignForm(VersionMixin, PortalFormMixin, forms.Form):
    """Staff choose the partner and its person; a partner member chooses among their own
    organisation's people."""

    partner = PartnerChoiceField(
        label=_("Planning partner"),
        queryset=None,
        error_messages={
            "required": _("Choose the planning partner that will help."),
            "invalid_choice": _("Choose one of the cohort's planning partners."),
        },
    )
    assignee = PersonChoiceField(
        label=_("Assign to"),
        queryset=None,
        help_text=_("A person of the planning partner. They are told by email."),
        error_messages={
            "required": _("Choose the person who will help."),
            "invalid_choice": _("Choose a person of the planning partner."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, choose_partner, **kwargs):
        super().__init__(*args, **kwargs)
        support_request = self.support_request
        partners = support_request.enrolment.cohort.partners.order_by("name")
        if choose_partner:
            self.fields["partner"].queryset = partners
            self.fields["partner"].initial = support_request.partner_id
            organisations = partners.values("pk")
        else:
            del self.fields["partner"]
            organisations = [support_request.partner_id]
        members = Membership.objects.filter(organisation__in=organisations).values("person")
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(pk__in=members, is_active=True)
            .order_by("full_name", "email")
        )
        self.fields["assignee"].initial = support_request.assignee_id

    def clean(self):
        data = super().clean()
        partner = data.get("partner", self.support_request.partner)
        assignee = data.get("assignee")
        if partner and assignee and not partner.memberships.filter(person=assignee).exists():
            self.add_error(
                "assignee",
                _("%(person)s is not a member of %(partner)s.")
                % {"person": assignee.full_name or assignee.email, "partner": partner.name},
            )
        return data


class AcceptForm(VersionMixin, forms.Form):
    pass


class HelpForm(VersionMixin, PortalFormMixin, forms.Form):
    given_on = DateField(
        label=_("Date of the help"),
        error_messages={"required": _("Enter the date you gave the help.")},
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        help_text=_("For example 1.5 for an hour and a half."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Enter how many hours the help took."),
            "invalid": _("Enter the hours as a number, for example 1.5."),
            "max_digits": _("One entry can be at most 24 hours: log longer help day by day."),
            "max_whole_digits": _("One entry can be at most 24 hours: log longer help day by day."),
            "max_decimal_places": _("Round the hours to at most two decimals, for example 1.25."),
        },
    )
    note = forms.CharField(
        label=_("What you did"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The team reads this on their request's timeline."),
        error_messages={"required": _("Say what help you gave.")},
    )

    def clean(self):
        data = super().clean()
        problems = help_problems(given_on=data.get("given_on"), hours=data.get("hours"))
        for field, message in problems.items():
            self.add_error(field, message)
        return data


class CloseForm(VersionMixin, PortalFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Closing note (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and anything the team should do next."),
    )


class ReopenForm(VersionMixin, PortalFormMixin, forms.Form):
    note = forms.CharField(
        label=_("What do you still need?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what you still need, so the partner can pick it up.")},
    )
