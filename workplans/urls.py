from django.urls import path

from workplans.views import review
from workplans.views import workplan as workplan_views

app_name = "workplans"

urlpatterns = [
    # Self-assessments and rubrics
    # Workplans: goals, action items, progress
    path("teams/<int:pk>/workplan/", workplan_views.workplan, name="workplan"),
    path("teams/<int:pk>/workplan/goals/new/", workplan_views.goal_create, name="goal_create"),
    path("teams/<int:pk>/workplan/timeline/", workplan_views.timeline, name="timeline"),
    path(
        "teams/<int:pk>/workplan/actions.csv",
        workplan_views.action_items_csv,
        name="action_items_csv",
    ),
    path("goals/<int:pk>/edit/", workplan_views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/actions/new/", workplan_views.action_create, name="action_create"),
    path("actions/<int:pk>/", workplan_views.action_item, name="action_item"),
    path("actions/<int:pk>/edit/", workplan_views.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", workplan_views.action_status, name="action_status"),
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
