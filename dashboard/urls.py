from django.urls import path

from dashboard.views import dossier, exports, national
from dashboard.views import pages as views
from dashboard.views import progress as progress_views

app_name = "dashboard"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("partner/teams/", views.partner_teams, name="partner_teams"),
    path("teams/<int:pk>/home/", views.team_home, name="team_home"),
    path("review/", views.review_queue, name="review_queue"),
    path("cohorts/<int:pk>/progress/", progress_views.cohort_progress, name="cohort_progress"),
    path(
        "cohorts/<int:pk>/progress.csv",
        progress_views.cohort_progress_csv,
        name="cohort_progress_csv",
    ),
    path("progress/", national.national_view, name="national"),
    path("states/<str:code>/", dossier.state_dossier_page, name="state_dossier"),
    path("exports/", exports.exports_page, name="exports"),
    path("exports/action-items.csv", exports.action_items_csv, name="export_actions"),
    path("exports/attendance.csv", exports.attendance_csv, name="export_attendance"),
    path("exports/check-ins.csv", exports.checkins_csv, name="export_checkins"),
]
