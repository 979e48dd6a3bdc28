import rules

from cohorts.rules import is_alliance_staff


@rules.predicate
def facilitates_session_cohort(user, obj):
    """obj is a cohort or a learning session."""
    cohort = getattr(obj, "cohort", obj)
    return user.is_authenticated and cohort.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def sits_on_session_team(user, session):
    return (
        user.is_authenticated
        and session.cohort.enrolments.filter(
            seats__person=user, seats__ended_at__isnull=True
        ).exists()
    )


can_schedule = is_alliance_staff | facilitates_session_cohort

rules.add_perm("sessions_app.schedule", can_schedule)
rules.add_perm("sessions_app.mark_attendance", can_schedule)
rules.add_perm("sessions_app.rsvp", sits_on_session_team)
