"""What the person looking at a workplan may do in its review, for the review includes
(templates/workplans/_workplan_review.html, _goal_review.html, _item_review.html).

Asked once per workplan and request, however many goals the page shows: the includes are
rendered once per goal, and each asking would cost the rules' queries again.
"""

from django import template

from portal.forms import new_submission_token
from workplans.selectors import comments_on_item, review_rights

register = template.Library()


@register.simple_tag(takes_context=True)
def review_of(context, workplan):
    request = context["request"]
    asked = request.__dict__.setdefault("_workplan_review", {})
    if workplan.enrolment_id not in asked:
        asked[workplan.enrolment_id] = review_rights(request.user, workplan.enrolment)
    return asked[workplan.enrolment_id]


@register.simple_tag
def submission_token():
    """A fresh one-time token for a create form written out in a template (a comment form
    beside each goal): portal.forms.SubmitOnceMixin reads it."""
    return new_submission_token()


@register.simple_tag
def item_comments(item):
    """An action item's comments with their authors (one query, however many comments)."""
    return comments_on_item(item)
