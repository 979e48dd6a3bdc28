"""What the check-in tests share: a completed cohort's team with its workplan snapshot and a
check-in, and the POST a team member's browser sends."""

from cohorts.choices import CohortStatus
from tests.workplans.factories import CheckInFactory, WorkplanFactory
from workplans.models import WorkplanSnapshot


def snapshot_goal(key, title, done=1, total=2):
    return {
        "id": key,
        "title": title,
        "action_items": [
            {"id": key * 100 + n, "title": f"Step {n}", "status": "done" if n < done else "todo"}
            for n in range(total)
        ],
    }


def with_snapshot(enrolment, goals=2):
    """The team's workplan frozen at the cohort's end with `goals` goals (keys 1, 2, …)."""
    cohort = enrolment.cohort
    cohort.status = CohortStatus.COMPLETED
    cohort.save(update_fields=["status"])
    workplan = WorkplanFactory(enrolment=enrolment)
    WorkplanSnapshot.objects.create(
        workplan=workplan,
        data={"goals": [snapshot_goal(key, f"Goal {key}") for key in range(1, goals + 1)]},
    )
    return workplan


def checkin_of(enrolment, goals=2, **kwargs):
    with_snapshot(enrolment, goals)
    return CheckInFactory(enrolment=enrolment, **kwargs)


def answers(checkin, action="draft", **changes):
    """A whole form's worth: every goal in progress with a note, and every question answered."""
    keys = range(1, len(checkin.enrolment.workplan.snapshot.data["goals"]) + 1)
    data = {
        "version": str(checkin.version),
        "action": action,
        "what_changed": "We ran the first disaggregated report.",
        "whats_next": "Share it with the advisory board.",
        "support_needed": "",
        "confidence": "4",
        **{f"status_{key}": "in_progress" for key in keys},
        **{f"note_{key}": f"Note on goal {key}" for key in keys},
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}
