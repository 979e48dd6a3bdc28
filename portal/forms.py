"""The form behaviour every page shares.

Django 5.2 already ties each error to its field (aria-describedby, aria-invalid); the
templates add the GOV.UK error summary (components/error_summary.html).
"""

from crispy_forms.helper import FormHelper


class PortalFormMixin:
    """Crispy renders the fields; the page template renders the <form> and its buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
