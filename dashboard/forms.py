"""The progress pages' one input of their own: the day "what changed" counts from."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.choices import CohortStatus
from portal.forms import PortalFormMixin


class SinceForm(PortalFormMixin, forms.Form):
    """Read from the query string (a GET form): an empty or missing date means the default
    (dashboard.progress.SINCE_DAYS ago); a bad one is said on the page and the default used."""

    since = forms.DateField(
        label=_("Changes since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the “what changed” figures count from."),
    )

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("Pick a day that is not in the future."))
        return since

    def picked(self):
        """The date picked, or None (the default) when none was or it was not valid."""
        return self.cleaned_data.get("since") if self.is_valid() else None


class NationalFiltersForm(PortalFormMixin, forms.Form):
    """The national view's filters, read from the query string: a program, a start year (of
    those cohorts exist for) and a cohort status. A value that is not one of the choices is
    said on the page and that filter left off."""

    program = forms.TypedChoiceField(
        label=_("Program"), required=False, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(
        label=_("Year the cohort starts"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Cohort status"), required=False)

    def __init__(self, *args, programs=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Every program")), *programs]
        self.fields["year"].choices = [("", _("Every year")), *((y, str(y)) for y in years)]
        self.fields["status"].choices = [("", _("Any status")), *CohortStatus.choices]

    def kept(self):
        """{field: value} of the filters that are valid and chosen; a bad one is left off."""
        self.is_valid()
        return {
            name: self.cleaned_data[name]
            for name in ("program", "year", "status")
            if name not in self.errors and self.cleaned_data.get(name) not in (None, "")
        }
