"""The form behaviour every page shares.

Django 5.2 already ties each error to its field (aria-describedby, aria-invalid); the
templates add the GOV.UK error summary (components/error_summary.html).
"""

import secrets
from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from portal.models import UsedSubmission


class QuickSelect(forms.Select):
    """A <select> whose options are written out in Python instead of one template each: a
    list of hundreds (the time zones) costs a millisecond, not a fifth of a second."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], " selected" if option["selected"] else "", option["label"])
                    for option in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),  # noqa: S308 — each part was escaped by format_html
        )


class PortalFormMixin:
    """Crispy renders the fields; the page template renders the <form> and its buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


SUBMISSION_FIELD = "submission"
TOKEN_LENGTH = UsedSubmission._meta.get_field("token").max_length


def new_submission_token():
    return secrets.token_urlsafe(24)


class SubmitOnceMixin:
    """A form that creates something, once per submission.

    The blank form carries a fresh one-time token in a hidden field. `run_service` records
    the token in the same transaction as the service's writes, so the same form sent again
    (the browser's Back button, a second click) creates nothing and says so, with a link to
    what the first submission created. A model form editing a saved object carries no token:
    the same edit saved twice changes nothing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.submission = ""
        if self.creates:
            self.fields[SUBMISSION_FIELD] = forms.CharField(
                widget=forms.HiddenInput, initial=new_submission_token, required=False
            )

    @property
    def creates(self):
        instance = getattr(self, "instance", None)
        return instance is None or instance._state.adding

    def full_clean(self):
        super().full_clean()
        if not self.creates or not hasattr(self, "cleaned_data"):
            return
        # The token is no data for the service: it leaves cleaned_data.
        self.submission = self.cleaned_data.pop(SUBMISSION_FIELD, "")
        if not self.submission or len(self.submission) > TOKEN_LENGTH:
            self.submission = ""
            self.add_error(None, _("This page was out of date. Check the form and send it again."))
            # The page shown again carries a good token, so sending it again works.
            self.data = self.data.copy()
            self.data[self.add_prefix(SUBMISSION_FIELD)] = new_submission_token()

    def created_url(self, result):
        """Where a second submission is pointed to: what the first one created."""
        get_url = getattr(result, "get_absolute_url", None)
        return get_url() if get_url else ""


def _already_submitted(token):
    url = UsedSubmission.objects.filter(token=token).values_list("created_url", flat=True).first()
    message = _("This form was already submitted, so nothing new was created.")
    if not url:
        return message
    return format_html('{} <a href="{}">{}</a>', message, url, _("See what it created."))


def _run_once(form, action):
    """Record the form's token and run the service in one transaction: a second submission
    of the same token (even one arriving at the same moment) waits for the first and is
    refused; a first one the service refuses leaves the token unused."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                used = UsedSubmission.objects.create(token=form.submission)
        except IntegrityError:
            raise ValidationError(_already_submitted(form.submission)) from None
        result = action()
        used.created_url = form.created_url(result)[:300]
        used.save(update_fields=["created_url"])
    return result


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
    shows it and nothing typed is lost. Returns the service's result, or None.

    A SubmitOnceMixin form runs its service at most once per token."""
    if not form.is_valid():
        return None
    try:
        if isinstance(form, SubmitOnceMixin) and form.creates:
            return _run_once(form, action)
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
