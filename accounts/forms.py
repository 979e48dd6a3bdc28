from django import forms
from django.contrib.auth import password_validation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User
from accounts.services import _validate_target
from accounts.timezones import find_zone, validate_time_zone, zone_label, zone_labels
from cohorts.choices import OrganisationKind, TeamRole
from cohorts.models import Cohort, Enrolment, Organisation
from portal.forms import PortalFormMixin, SuggestInput


class TimeZoneField(forms.CharField):
    """A time zone, typed and found: the US zones by plain names first, then every other by
    its IANA name, suggested as the person types (accounts/timezones.py). Stores the IANA
    name."""

    default_validators = [validate_time_zone]

    def __init__(self, **kwargs):
        hint = _("Type a city or a region, for example Denver or Madrid, and choose from the list.")
        given = kwargs.get("help_text")
        kwargs["help_text"] = format_lazy("{} {}", given, hint) if given else hint
        widget = SuggestInput(suggestions=zone_labels, display=zone_label)
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value):
        typed = super().to_python(value)
        # What names no zone stays as typed, and validate_time_zone says so.
        return find_zone(typed) or typed


class ProfileForm(PortalFormMixin, forms.ModelForm):
    time_zone = TimeZoneField(
        label=_("Time zone"),
        help_text=_("Session times and reminders are shown in this zone."),
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone", "language"]


class AcceptInvitationForm(PortalFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    time_zone = TimeZoneField(label=_("Your time zone"))
    language = forms.ChoiceField(
        label=_("Language"), choices=User._meta.get_field("language").choices
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords don't match."))
        elif first:
            probe = User(email=self.invitation.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class InvitationForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = [
            "email",
            "full_name",
            "kind",
            "organisation",
            "team_role",
            "enrolment",
            "cohort",
            "language",
        ]
        help_texts = {
            "organisation": _("For a team member or a planning partner."),
            "team_role": _("For a team member."),
            "enrolment": _("Optional: seat the person on this team when they accept."),
            "cohort": _("For a facilitator."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            kind=OrganisationKind.FUNDER
        ).order_by("name")
        self.fields["enrolment"].queryset = Enrolment.objects.select_related(
            "organisation", "cohort"
        ).order_by("organisation__name", "cohort__name")
        self.fields["cohort"].queryset = Cohort.objects.order_by("-starts_on")
        self.fields["team_role"].choices = [("", _("Choose a role")), *TeamRole.choices]

    def clean(self):
        # The same checks as the service, so each message lands on its field before the
        # model's check constraints answer with their generic "Constraint … is violated".
        data = super().clean()
        try:
            _validate_target(
                kind=data.get("kind"),
                organisation=data.get("organisation"),
                team_role=data.get("team_role"),
                enrolment=data.get("enrolment"),
                cohort=data.get("cohort"),
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data

    def validate_unique(self):
        """Open invitations are checked by the service, with a message that says what to do."""
