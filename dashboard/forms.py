"""The progress pages' one input of their own: the day "what changed" counts from."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
