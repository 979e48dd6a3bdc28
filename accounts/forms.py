import re

from django import forms
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User
from accounts.services import _validate_target
from accounts.timezones import find_zone, validate_time_zone, zone_label, zone_labels
from cohorts.choices import OrganisationKind, TeamRole
from cohorts.models import Cohort, Enrolment, Organisation
from portal.forms import PortalFormMixin, SubmitOnceMixin, SuggestInput


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


# The fields each role needs beyond the address, the name and the language of the email.
ROLE_FIELDS = {
    Invitation.Kind.TEAM: ("organisation", "team_role", "enrolment"),
    Invitation.Kind.FACILITATOR: ("cohort",),
    Invitation.Kind.PARTNER: ("organisation",),
    Invitation.Kind.STAFF: (),
}


class InvitationForm(SubmitOnceMixin, PortalFormMixin, forms.ModelForm):
    """Only the fields of the chosen role; the team list holds the chosen organisation's teams.

    The page shows the form again as the role or the organisation changes: with htmx as soon
    as the choice is made, or with a plain button (`refresh`) that sends nothing."""

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
            "cohort": _("The cohort this person will facilitate."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = self._chosen("kind")
        if self.role not in Invitation.Kind.values:
            self.role = ""
        role_fields = ROLE_FIELDS.get(self.role, ())
        for name in ("organisation", "team_role", "enrolment", "cohort"):
            if name not in role_fields:
                del self.fields[name]
        if "organisation" in self.fields:
            self._organisations()
        if "team_role" in self.fields:
            field = self.fields["team_role"]
            field.choices = [("", _("Choose a team role")), *TeamRole.choices]
            field.required = True
            field.error_messages["required"] = _("Choose the person's role on the team.")
        if "enrolment" in self.fields:
            self._teams()
        if "cohort" in self.fields:
            field = self.fields["cohort"]
            field.queryset = Cohort.objects.order_by("-starts_on")
            field.empty_label = _("Choose a cohort")
            field.required = True
            field.error_messages["required"] = _("Choose the cohort this person will facilitate.")
        self.fields["kind"].choices = [("", _("Choose a role")), *Invitation.Kind.choices]
        self._ask_htmx("kind", "#invitation-fields", swap="innerHTML")
        if "enrolment" in self.fields:
            # Only the team list changes, so nothing chosen beside it is replaced.
            self._ask_htmx("organisation", "#div_id_enrolment", swap="outerHTML", select=True)

    def _ask_htmx(self, name, target, *, swap, select=False):
        """A change of this select asks for the form again (htmx), to swap into `target`."""
        attrs = {
            "hx-post": reverse("accounts:invitation_create"),
            "hx-trigger": "change",
            "hx-target": target,
            "hx-swap": swap,
        }
        if select:
            attrs["hx-select"] = target
        self.fields[name].widget.attrs.update(attrs)

    def _chosen(self, name):
        """What the person chose in a select, as typed: from the data sent, or the initial."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name), "")
        else:
            value = self.initial.get(name, "")
        return str(getattr(value, "pk", value) or "")

    def _organisations(self):
        field = self.fields["organisation"]
        if self.role == Invitation.Kind.TEAM:
            field.label = _("State grantee organisation")
            field.queryset = Organisation.objects.filter(kind=OrganisationKind.STATE_GRANTEE)
            field.error_messages["invalid_choice"] = _(
                "Team members join a state grantee organisation."
            )
            field.error_messages["required"] = _(
                "Choose the state grantee organisation for this person."
            )
        else:
            field.label = _("Planning partner organisation")
            field.queryset = Organisation.objects.filter(kind=OrganisationKind.PLANNING_PARTNER)
            field.error_messages["invalid_choice"] = _("Choose the planning-partner organisation.")
            field.error_messages["required"] = _("Choose the planning-partner organisation.")
        field.required = True
        field.queryset = field.queryset.order_by("name")
        field.empty_label = _("Choose an organisation")

    def _teams(self):
        """The chosen organisation's teams, named by their cohort."""
        field = self.fields["enrolment"]
        organisation = self._chosen("organisation")
        field.queryset = Enrolment.objects.none()
        if re.fullmatch(r"[0-9]{1,9}", organisation):
            field.queryset = (
                Enrolment.objects.filter(organisation_id=int(organisation))
                .select_related("cohort")
                .order_by("-cohort__starts_on")
            )
        field.label_from_instance = lambda team: (
            _("%(cohort)s (%(status)s)")
            % {
                "cohort": team.cohort.name,
                "status": team.cohort.get_status_display().lower(),
            }
        )
        field.empty_label = _("No team for now")
        if not organisation:
            field.help_text = _("Choose the organisation first: its teams are listed here.")
        else:
            field.help_text = _(
                "Optional: the person takes this seat when they accept. Teams of the "
                "organisation chosen above."
            )

    def created_url(self, result):
        return reverse("accounts:invitation_list")

    @property
    def role_label(self):
        return dict(Invitation.Kind.choices).get(self.role, "")

    @property
    def role_fields(self):
        """The bound fields of the chosen role, in the form's order."""
        return [self[name] for name in ROLE_FIELDS.get(self.role, ())]

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
            # A field already refused (a choice not on its list) keeps its one message.
            for name, errors in error.error_dict.items():
                if name not in self.errors:
                    self.add_error(name, errors)
        return data

    def validate_unique(self):
        """Open invitations are checked by the service, with a message that says what to do."""
