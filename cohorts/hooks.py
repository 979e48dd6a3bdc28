"""What cohorts announce to the apps above them (see portal/hooks.py)."""

from portal.hooks import Hook

people_changed = Hook(
    name="cohorts.people_changed",
    description="Who takes part in a cohort changed: a seat began or ended, facilitators or "
    "planning partners were set, a partner organisation gained a member.",
    arguments=("cohort",),
)

cohort_saved = Hook(
    name="cohorts.cohort_saved",
    description="A cohort's details were saved: its dates, reminder times, facilitators or "
    "planning partners may have changed.",
    arguments=("cohort",),
)

program_saved = Hook(
    name="cohorts.program_saved",
    description="A program was saved: its reminder times or check-in cadence may have changed "
    "for the cohorts that follow it.",
    arguments=("program",),
)

cohort_completed = Hook(
    name="cohorts.cohort_completed",
    description="A cohort was marked completed.",
    arguments=("cohort",),
)
