from django.urls import path

from workplans.views import assessments, checkins, review, support
from workplans.views import workplan as workplan_views

app_name = "workplans"

urlpatterns = [
    # Self-assessments and rubrics
    path(
        "teams/<int:pk>/self-assessment/compare/",
        assessments.assessment_compare,
        name="assessment_compare",
    ),
    path("teams/<int:pk>/self-assessment/<str:phase>/", assessments.assessment, name="assessment"),
    path(
        "teams/<int:pk>/self-assessment/<str:phase>/reopen/",
        assessments.assessment_reopen,
        name="assessment_reopen",
    ),
    path("programs/<int:pk>/rubric/", assessments.rubric_edit, name="rubric_edit"),
    path(
        "programs/<int:pk>/rubric/dimensions/new/",
        assessments.rubric_dimension_add,
        name="rubric_dimension_add",
    ),
    path(
        "rubrics/dimensions/<int:pk>/",
        assessments.rubric_dimension_edit,
        name="rubric_dimension_edit",
    ),
    path(
        "rubrics/dimensions/<int:pk>/move/",
        assessments.rubric_dimension_move,
        name="rubric_dimension_move",
    ),
    path(
        "rubrics/dimensions/<int:pk>/delete/",
        assessments.rubric_dimension_delete,
        name="rubric_dimension_delete",
    ),
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
    path("teams/<int:pk>/support/", support.support_list, name="support_list"),
    path("teams/<int:pk>/support/new/", support.support_create, name="support_create"),
    path("support/", support.support_inbox, name="support_inbox"),
    path("support/<int:pk>/", support.support_request, name="support_request"),
    path("support/<int:pk>/assign/", support.support_assign, name="support_assign"),
    path("support/<int:pk>/accept/", support.support_accept, name="support_accept"),
    path("support/<int:pk>/help/", support.support_help, name="support_help"),
    path("support/<int:pk>/close/", support.support_close, name="support_close"),
    path("support/<int:pk>/reopen/", support.support_reopen, name="support_reopen"),
    # Check-ins
    path("teams/<int:pk>/checkins/", checkins.checkin_list, name="checkin_list"),
    path("checkins/<int:pk>/", checkins.checkin, name="checkin"),
    path("checkins/<int:pk>/review/", checkins.checkin_review, name="checkin_review"),
    path("checkins/<int:pk>/reopen/", checkins.checkin_reopen, name="checkin_reopen"),
    path("checkins/<int:pk>/extend/", checkins.checkin_extend, name="checkin_extend"),
    path("checkins/link/<str:token>/", checkins.checkin_link, name="checkin_link"),
    path("cohorts/<int:pk>/community/", checkins.community, name="community"),
]
