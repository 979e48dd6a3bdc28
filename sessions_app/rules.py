import rules

from cohorts.models import TakingPart
from cohorts.rules import is_alliance_staff, is_cohort_facilitator


@rules.predicate
def is_invited(user, obj):
    """Asked to a session (or a cohort's sessions): on one of the cohort's teams, or a member
    of one of its planning partners. One query for both."""
    return getattr(obj, "cohort", obj).has_person(user, (TakingPart.TEAM, TakingPart.PARTNER))


can_schedule = is_alliance_staff | is_cohort_facilitator

rules.add_perm("sessions_app.schedule", can_schedule)
rules.add_perm("sessions_app.mark_attendance", can_schedule)
# Everyone invited answers whether they come: team members and planning partners alike, not
# those who run the session. A rule, not a permission: staff may do everything, but nobody
# asks them to come.
rules.add_rule("sessions_app.answers", ~can_schedule & is_invited)
