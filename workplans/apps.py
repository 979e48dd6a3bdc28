from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplansConfig(AppConfig):
    name = "workplans"
    verbose_name = _("Workplans")

    def ready(self):
        from cohorts import hooks
        from workplans import checkin_ladder, notices
        from workplans.services import review

        notices.register()
        # Check-ins after a completed cohort, and their reminders (subscribes to the cohort's
        # hooks: completion, saves, team changes, the program's cadence).
        checkin_ladder.register()
        # A person who leaves a team stops owning its action items (and, by the send-time
        # re-check in notices.py, stops getting its messages).
        hooks.people_changed.subscribe(review.release_items_of_leavers)
        # The cohort's end freezes every team's workplan for the check-ins that follow.
        hooks.cohort_completed.subscribe(review.freeze_workplans)
