from django.urls import path

from workplans.views import review

app_name = "workplans"

urlpatterns = [
    # Self-assessments and rubrics
    # Workplans: goals, action items, progress
    # Workplans: review, comments, sharing, snapshot
    path("teams/<int:pk>/workplan/submit/", review.workplan_submit, name="workplan_submit"),
    path("teams/<int:pk>/workplan/reviewed/", review.workplan_reviewed, name="workplan_reviewed"),
    path("teams/<int:pk>/workplan/sharing/", review.workplan_sharing, name="workplan_sharing"),
    path("teams/<int:pk>/workplan/snapshot/", review.snapshot, name="snapshot"),
    path("goals/<int:pk>/comments/", review.goal_comment, name="goal_comment"),
    path("goals/<int:pk>/reviewed/", review.goal_reviewed, name="goal_reviewed"),
    path("actions/<int:pk>/comments/", review.action_comment, name="action_comment"),
    path("actions/<int:pk>/reviewed/", review.action_reviewed, name="action_reviewed"),
    # Support requests
]
