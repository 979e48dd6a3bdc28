from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.models import KindPreference

DELIVERY_PREFIX = "delivery-"


class EmailChoicesForm(forms.Form):
    """Which kinds of email a person gets ("kinds": the ticked ones), and for each kind that
    may come in the daily digest, how ("delivery-<kind>": as it happens or in the digest).
    A digestible kind whose choice is not sent keeps the person's choice."""

    kinds = forms.MultipleChoiceField(
        label=_("Which emails you get"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "There is no kind of email called “%(value)s”. Tick only the emails listed."
            )
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = kinds.choices()
        for kind in digestible_kinds():
            self.fields[DELIVERY_PREFIX + kind.code] = forms.ChoiceField(
                label=_("How to get “%(kind)s”") % {"kind": kind.label},
                choices=KindPreference.Delivery.choices,
                initial=KindPreference.Delivery.AT_ONCE,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "invalid_choice": _("Choose “As it happens” or “In one daily digest”.")
                },
            )

    def delivery_field(self, code):
        return self[DELIVERY_PREFIX + code] if DELIVERY_PREFIX + code in self.fields else None

    def clean(self):
        unknown = sorted(
            name.removeprefix(DELIVERY_PREFIX)
            for name in self.data
            if name.startswith(DELIVERY_PREFIX) and name not in self.fields
        )
        if unknown:
            raise forms.ValidationError(
                _(
                    "There is no kind of email called “%(kind)s” that can come in the daily "
                    "digest. Choose only for the emails listed."
                ),
                params={"kind": unknown[0]},
                code="unknown_kind",
            )
        return self.cleaned_data

    def deliveries(self):
        """{kind: delivery} for the digestible kinds whose choice was sent."""
        return {
            name.removeprefix(DELIVERY_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(DELIVERY_PREFIX) and value
        }


def digestible_kinds():
    return [kind for kind in kinds.REGISTRY.values() if kind.digestible]
