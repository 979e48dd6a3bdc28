"""The form behaviour every page shares.

Django 5.2 already ties each error to its field (aria-describedby, aria-invalid); the
templates add the GOV.UK error summary (components/error_summary.html).
"""

from datetime import date

from crispy_forms.helper import FormHelper
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PortalFormMixin:
    """Crispy renders the fields; the page template renders the <form> and its buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def validate_plausible_date(value):
    """Programs run in this century: a year like 0001 or 9999 is a typing slip, and would
    overflow the time arithmetic further on."""
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(
            _("Choose a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST.year, "latest": LATEST.year},
            code="implausible_date",
        )


def attach_errors(form, error):
    """Put a service's ValidationError on the form: on its field when the form has that
    field, else at the top of the form — never a crash for a field the form lacks."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def run_service(form, action):
    """Call a service for a valid form. Its ValidationError lands on the form, so the page
    shows it and nothing typed is lost. Returns the service's result, or None."""
    if not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        attach_errors(form, error)
        return None


def act_and_report(request, action, done_message):
    """Run a one-click action (a POST without a form) and say how it went."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, done_message)
    return result
