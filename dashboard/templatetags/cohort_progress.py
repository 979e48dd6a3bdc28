"""Whether the person may open a cohort's progress page: the page's own check
(dashboard.progress.progress_cohorts_for), so a link to it shows exactly when it opens."""

from django import template

from dashboard.progress import progress_cohorts_for

register = template.Library()


@register.simple_tag(takes_context=True)
def reads_progress(context, cohort):
    """One small query: staff read every cohort, a facilitator the cohorts they lead."""
    return progress_cohorts_for(context["request"].user).filter(pk=cohort.pk).exists()
