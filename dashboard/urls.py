from django.urls import path

from dashboard.views import pages as views

app_name = "dashboard"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("partner/teams/", views.partner_teams, name="partner_teams"),
    path("teams/<int:pk>/home/", views.team_home, name="team_home"),
    path("review/", views.review_queue, name="review_queue"),
]
