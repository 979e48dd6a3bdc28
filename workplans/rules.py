"""Who may change what in a team's working space. Reads are scoped in selectors.py."""

import rules

from cohorts.rules import is_alliance_staff, is_cohort_facilitator, is_team_member


def _enrolment_of(obj):
    """An enrolment, or anything of a team's (a workplan, a self-assessment, a request)."""
    return getattr(obj, "enrolment", obj)


@rules.predicate
def is_on_the_team(user, obj):
    """Holds a current seat on the team the object belongs to."""
    return is_team_member(user, _enrolment_of(obj))


@rules.predicate
def facilitates_the_team(user, obj):
    return is_cohort_facilitator(user, _enrolment_of(obj).cohort)


@rules.predicate
def is_assigned_partner(user, support_request):
    """The person the request is assigned to, or a member of the partner organisation it
    went to (who may assign it within the organisation)."""
    if not user.is_authenticated:
        return False
    if support_request.assignee_id == user.pk:
        return True
    return (
        support_request.partner_id is not None
        and support_request.partner.memberships.filter(person=user).exists()
    )


# The team keeps its own workplan, self-assessments and requests.
rules.add_perm("workplans.edit_workplan", is_on_the_team)
rules.add_perm("workplans.take_assessment", is_on_the_team)
rules.add_perm("workplans.ask_for_support", is_on_the_team)
# Facilitators (and staff) review, comment and reopen.
rules.add_perm("workplans.review_workplan", is_alliance_staff | facilitates_the_team)
rules.add_perm("workplans.reopen_assessment", is_alliance_staff | facilitates_the_team)
# The conversation on a workplan: its reviewers, and the team answering them.
rules.add_perm(
    "workplans.comment_on_workplan", is_alliance_staff | facilitates_the_team | is_on_the_team
)
# Staff edit the rubrics.
rules.add_perm("workplans.edit_rubric", is_alliance_staff)
# Staff, or the partner organisation the request went to, assign it; the partner answers.
rules.add_perm("workplans.assign_support", is_alliance_staff | is_assigned_partner)
rules.add_perm("workplans.answer_support", is_assigned_partner)
# Check-ins: the team fills in its own; facilitators (and staff) review, reopen and extend.
rules.add_perm("workplans.fill_checkin", is_on_the_team)
rules.add_perm("workplans.review_checkin", is_alliance_staff | facilitates_the_team)
