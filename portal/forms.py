"""The form behaviour every page shares.

Django 5.2 already ties each error to its field (aria-describedby, aria-invalid); the
templates add the GOV.UK error summary (components/error_summary.html).
"""

import re
import secrets
import unicodedata
from datetime import date

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.dates import MONTHS, MONTHS_3, MONTHS_ALT, MONTHS_AP
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.models import UsedSubmission


class SuggestInput(forms.TextInput):
    """A text field with suggestions (a <datalist>): as a person types, the browser offers the
    suggestions that contain what they typed — a search through hundreds of names with no
    JavaScript. `suggestions()` gives them; `display(value)` shows a stored value the way it
    is suggested. The options are written out in Python, not one template each: hundreds
    cost a millisecond."""

    def __init__(self, *, suggestions, display=None, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.suggestions = suggestions
        self.display = display

    def format_value(self, value):
        value = super().format_value(value)
        return self.display(value) if value and self.display else value

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-suggestions"
        attrs["list"] = list_id
        options = format_html_join(
            "", '<option value="{}"></option>', ((text,) for text in self.suggestions())
        )
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            super().render(name, value, attrs, renderer),
            list_id,
            options,
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
            # One message, not also one for a hidden field ("Null characters are not allowed").
            self._errors.pop(SUBMISSION_FIELD, None)
            self.add_error(None, _("This page was out of date. Check the form and send it again."))
            # The page shown again carries a good token, so sending it again works.
            self.data = self.data.copy()
            self.data[self.add_prefix(SUBMISSION_FIELD)] = new_submission_token()
        elif UsedSubmission.objects.filter(token=self.submission).exists():
            # Sent again: what the first send created can make the same data look wrong (a
            # name now taken, an organisation now enrolled). Say what happened, not that.
            self._errors.clear()
            self.add_error(None, _already_submitted(self.submission))

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


EXAMPLE_DATE = date(2027, 2, 2)


def _with_example(message):
    """`message` with the example date written in the reader's language, when it is read."""
    return lazy(
        lambda: str(message) % {"example": formats.date_format(EXAMPLE_DATE, "DATE_FORMAT")},
        str,
    )()


def _fold(text):
    """Lower case, without accents or dots: "Sept." and "sept", "Mié" and "mie" compare equal."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower().replace(".", ""))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _month_names():
    """Month names and their abbreviations, in the reader's language and in English."""
    names = {}
    for language in dict.fromkeys([translation.get_language() or "en", "en"]):
        with translation.override(language):
            for table in (MONTHS, MONTHS_3, MONTHS_AP, MONTHS_ALT):
                names.update({_fold(name): month for month, name in table.items()})
    return names


# Words around a written date: "2 de febrero de 2027", "the 2nd of February".
FILLER = frozenset({"de", "del", "of", "the", "st", "nd", "rd", "th"})


def parse_written_date(text):
    """A date written with its month's name, day and month in either order and a four-digit
    year ("2 February 2027", "February 2, 2027", "2 de febrero de 2027", "2 feb 2027");
    None when it is not one."""
    words = [word for word in re.findall(r"[^\W\d_]+|\d+", _fold(text)) if word not in FILLER]
    numbers = [word for word in words if word.isdigit()]
    names = [word for word in words if not word.isdigit()]
    month = _month_names().get(names[0]) if len(names) == 1 else None
    years = [number for number in numbers if len(number) == 4]
    if month is None or len(numbers) != 2 or len(years) != 1:
        return None
    day = next(number for number in numbers if len(number) != 4)
    try:
        return date(int(years[0]), month, int(day))
    except (ValueError, OverflowError):
        return None


class DateInput(forms.TextInput):
    """A date typed as people write it, shown the same way ("2 February 2027"). Not the
    browser's date picker: its format follows the browser's language, not the page's, and a
    half-typed date reaches the server empty, so the person is told it is missing."""

    def format_value(self, value):
        if isinstance(value, date):
            return formats.date_format(value, "DATE_FORMAT")
        return super().format_value(value)


class DateField(forms.DateField):
    """Every date field of the portal: says what it expects, reads a date written out in the
    reader's language or in numbers (their locale's order, or 2027-02-02), refuses an
    implausible year, and says "Enter a real date, for example 2 February 2027" when what
    was typed is none."""

    widget = DateInput
    default_validators = [validate_plausible_date]
    default_error_messages = {
        "required": _with_example(_("Enter a date, for example %(example)s.")),
        "invalid": _with_example(_("Enter a real date, for example %(example)s.")),
    }

    def __init__(self, **kwargs):
        example = _with_example(_("For example %(example)s."))
        given = kwargs.get("help_text")
        kwargs["help_text"] = format_lazy("{} {}", given, example) if given else example
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str) and re.search(r"[^\W\d_]", value):
            written = parse_written_date(value)
            if written is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return written
        return super().to_python(value)


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
