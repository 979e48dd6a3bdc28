from datetime import date, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.forms import TimeZoneField
from portal.forms import DateField, PortalFormMixin, SubmitOnceMixin
from sessions_app.models import Attendance, LearningSession
from sessions_app.timing import MONTHLY_WEEKDAY, WEEKLY, plan_series, to_utc

MAX_SERIES = 52
MAX_MINUTES = 720  # the model's session_length_sensible constraint


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class PlaceFieldsMixin:
    """Where the session happens: the detail that goes with the choice is required."""

    def clean_place(self, data):
        where = data.get("where")
        needed = {
            LearningSession.Where.VIDEO: ("video_url", _("Paste the video link people join with.")),
            LearningSession.Where.IN_PERSON: ("address", _("Give the address of the meeting.")),
            LearningSession.Where.PHONE: ("phone", _("Give the phone number and access code.")),
        }
        if where in needed:
            name, message = needed[where]
            if not data.get(name) and name not in self.errors:
                self.add_error(name, message)


class LocalStartMixin:
    """A date, start and end time typed in a time zone, checked and turned into UTC."""

    def clean_times(self, data):
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The session must end after it starts."))
        elif start and end:
            day = date(2000, 1, 1)
            length = datetime.combine(day, end) - datetime.combine(day, start)
            minutes = int(length / timedelta(minutes=1))
            if minutes > MAX_MINUTES:
                self.add_error("end_time", _("A session lasts at most 12 hours."))
            else:
                data["duration_minutes"] = minutes


PLACE_FIELDS = ["where", "video_url", "address", "phone"]


class SeriesForm(SubmitOnceMixin, PortalFormMixin, PlaceFieldsMixin, LocalStartMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=190,
        initial=_("Learning session"),
        help_text=_("Each session gets its number after the title."),
    )
    first_date = DateField(label=_("Date of the first session"))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    time_zone = TimeZoneField(
        label=_("In time zone"),
        help_text=_("Every session keeps this local time, across daylight-saving changes."),
    )
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[
            (MONTHLY_WEEKDAY, _("Monthly, on the same weekday (e.g. the first Tuesday)")),
            (WEEKLY, _("Every few weeks")),
        ],
        initial=MONTHLY_WEEKDAY,
        widget=forms.RadioSelect,
    )
    every_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        min_value=1,
        max_value=12,
        initial=2,
        required=False,
        help_text=_("Only for “every few weeks”."),
    )
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=MAX_SERIES,
        error_messages={
            "max_value": _("A series can have at most %(limit_value)s sessions."),
            "min_value": _("A series needs at least one session."),
        },
    )
    where = forms.ChoiceField(label=_("Where"), choices=LearningSession.Where.choices)
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a full link, starting with https://")},
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phone = forms.CharField(label=_("Phone number and code"), required=False, max_length=120)

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.fields["count"].initial = cohort.program.session_count
        self.planned = []

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        self.clean_times(data)
        if data.get("repeat") == WEEKLY and not data.get("every_weeks"):
            self.add_error("every_weeks", _("Say how many weeks apart the sessions are."))
        needed = ("first_date", "start_time", "time_zone", "repeat", "count")
        if self.errors or not all(data.get(name) for name in needed):
            return data
        try:
            self.planned = plan_series(
                data["first_date"],
                data["start_time"],
                data["time_zone"],
                data["repeat"],
                data["count"],
                data.get("every_weeks") or 1,
            )
        except ValidationError as error:
            self.add_error("start_time", error)
        return data

    def created_url(self, result):
        return reverse("sessions_app:schedule", args=[self.cohort.pk])

    def session_details(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "duration_minutes": data["duration_minutes"],
            "time_zone": data["time_zone"],
            **{name: data[name] for name in PLACE_FIELDS},
        }


class SessionForm(SubmitOnceMixin, PortalFormMixin, PlaceFieldsMixin, LocalStartMixin, forms.Form):
    """One extra session."""

    title = forms.CharField(label=_("Title"), max_length=200)
    date = DateField(label=_("Date"))
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Ends at"), widget=TimeInput())
    time_zone = TimeZoneField(label=_("In time zone"))
    where = SeriesForm.base_fields["where"]
    video_url = SeriesForm.base_fields["video_url"]
    address = SeriesForm.base_fields["address"]
    phone = SeriesForm.base_fields["phone"]
    agenda = forms.CharField(
        label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        self.clean_times(data)
        if (
            not self.errors
            and data.get("date")
            and data.get("start_time")
            and data.get("time_zone")
        ):
            try:
                data["starts_at"] = to_utc(data["date"], data["start_time"], data["time_zone"])
            except ValidationError as error:
                self.add_error("start_time", error)
        return data


class DetailsForm(PortalFormMixin, PlaceFieldsMixin, forms.ModelForm):
    """What a session is about. Its time changes through “Reschedule”."""

    video_url = SeriesForm.base_fields["video_url"]

    class Meta:
        model = LearningSession
        fields = ["title", "duration_minutes", "where", "video_url", "address", "phone", "agenda"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "duration_minutes": {"min_value": _("A session lasts at least one minute.")},
        }

    def clean_duration_minutes(self):
        value = self.cleaned_data["duration_minutes"]
        if value is not None and value < 1:
            raise ValidationError(_("A session lasts at least one minute."))
        if value is not None and value > 720:
            raise ValidationError(_("A session lasts at most 12 hours (720 minutes)."))
        return value

    def clean(self):
        data = super().clean()
        self.clean_place(data)
        return data


class RescheduleForm(PortalFormMixin, forms.Form):
    date = DateField(label=_("New date"))
    start_time = forms.TimeField(label=_("New start time"), widget=TimeInput())
    time_zone = TimeZoneField(label=_("In time zone"))
    reason = forms.CharField(
        label=_("Why it moves"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone in the cohort sees this with the new time."),
        error_messages={"required": _("Say why the session moves: everyone is told.")},
    )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["starts_at"] = to_utc(data["date"], data["start_time"], data["time_zone"])
            except ValidationError as error:
                self.add_error("start_time", error)
        return data


class CancelForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why it is cancelled"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone in the cohort sees this."),
        error_messages={"required": _("Say why the session is cancelled: everyone is told.")},
    )


class MaterialForm(SubmitOnceMixin, PortalFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(
        label=_("Or a link"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a full link, starting with https://")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ", ".join(sorted(settings.MATERIAL_EXTENSIONS))
        self.fields["file"].help_text = _("Up to %(size)s. Allowed: %(types)s.") % {
            "size": filesizeformat(settings.MATERIAL_MAX_BYTES),
            "types": allowed,
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{ext}" for ext in sorted(settings.MATERIAL_EXTENSIONS)
        )

    def created_url(self, result):
        return result.session.get_absolute_url()

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("url")):
            self.add_error("file", _("Attach a file or give a link (one of the two)."))
        return data


class RsvpForm(PortalFormMixin, forms.Form):
    rsvp = forms.ChoiceField(
        label=_("Will you attend?"),
        choices=Attendance.Rsvp.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you will attend.")},
    )
    note = forms.CharField(label=_("Note for the facilitators"), max_length=300, required=False)


class WrapUpForm(PortalFormMixin, forms.Form):
    notes = forms.CharField(
        label=_("What the session covered"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("A few lines for the people who missed it: what was shared and what's next."),
        error_messages={"required": _("Write a few lines on what the session covered.")},
    )
    recording_url = forms.URLField(
        label=_("Recording link"),
        required=False,
        assume_scheme="https",
        help_text=_("Optional. Where the recording can be watched."),
        error_messages={"invalid": _("Enter a full link, starting with https://")},
    )
