"""The form behaviour every page shares.

Django 5.2 already ties each error to its field (aria-describedby, aria-invalid); the
templates add the GOV.UK error summary (components/error_summary.html).
"""

from crispy_forms.helper import FormHelper
from django.contrib import messages
from django.core.exceptions import ValidationError


class PortalFormMixin:
    """Crispy renders the fields; the page template renders the <form> and its buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def run_service(form, action):
    """Call a service for a valid form. Its ValidationError lands on the form, so the page
    shows it and nothing typed is lost. Returns the service's result, or None."""
    if not form.is_valid():
        return None
    try:
        return action()
    except ValidationError as error:
        form.add_error(None, error)
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
