import rules


@rules.predicate
def is_alliance_staff(user):
    return user.is_authenticated and user.is_alliance_staff


@rules.predicate
def is_cohort_facilitator(user, cohort):
    return user.is_authenticated and cohort.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def is_team_member(user, enrolment):
    return user.is_authenticated and enrolment.seats.current().filter(person=user).exists()


rules.add_perm("cohorts.manage_programs", is_alliance_staff)
rules.add_perm("cohorts.manage_cohort", is_alliance_staff)
rules.add_perm("cohorts.manage_team", is_alliance_staff)
rules.add_perm("cohorts.manage_organisations", is_alliance_staff)
rules.add_perm("accounts.invite_people", is_alliance_staff)
