import rules

from cohorts.models import Seat, TakingPart


@rules.predicate
def is_alliance_staff(user):
    return user.is_authenticated and user.is_alliance_staff


def _cohort_of(obj):
    """A cohort, or anything that belongs to one (a learning session, an enrolment)."""
    return getattr(obj, "cohort", obj)


@rules.predicate
def is_cohort_facilitator(user, obj):
    return _cohort_of(obj).has_person(user, (TakingPart.FACILITATOR,))


@rules.predicate
def is_on_a_cohort_team(user, obj):
    """Holds a current seat on one of the cohort's teams."""
    return _cohort_of(obj).has_person(user, (TakingPart.TEAM,))


@rules.predicate
def is_team_member(user, enrolment):
    return user.is_authenticated and Seat.objects.held_by(user).filter(enrolment=enrolment).exists()


rules.add_perm("cohorts.manage_programs", is_alliance_staff)
rules.add_perm("cohorts.manage_cohort", is_alliance_staff)
rules.add_perm("cohorts.manage_team", is_alliance_staff)
rules.add_perm("cohorts.manage_organisations", is_alliance_staff)
rules.add_perm("accounts.invite_people", is_alliance_staff)
