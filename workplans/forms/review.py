"""The review's forms: a comment (on a goal or an action item) and the team's sharing choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PortalFormMixin, SubmitOnceMixin

MAX_COMMENT = 5000


class CommentForm(SubmitOnceMixin, PortalFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_COMMENT,
        error_messages={
            "required": _("Write your comment."),
            "max_length": _(
                "Keep the comment under %(limit_value)s characters (it has %(show_value)s)."
            ),
        },
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label


class SharingForm(PortalFormMixin, forms.Form):
    shared = forms.TypedChoiceField(
        label=_("Share your workplan with the other teams of your cohort?"),
        choices=[
            ("yes", _("Yes: the other teams can read it (never change it)")),
            ("no", _("No: only your team, your facilitators and Alliance staff see it")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to share your workplan."),
            "invalid_choice": _("Choose yes or no: share your workplan or not."),
        },
    )
