import rules

from cohorts.rules import is_alliance_staff, is_cohort_facilitator, is_on_a_cohort_team

can_schedule = is_alliance_staff | is_cohort_facilitator

rules.add_perm("sessions_app.schedule", can_schedule)
rules.add_perm("sessions_app.mark_attendance", can_schedule)
rules.add_perm("sessions_app.rsvp", is_on_a_cohort_team)
