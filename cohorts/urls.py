from django.urls import path

from cohorts import views

app_name = "cohorts"

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:pk>/cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/start/", views.cohort_start, name="cohort_start"),
    path("cohorts/<int:pk>/complete/", views.cohort_complete, name="cohort_complete"),
    path("cohorts/<int:pk>/enrol/", views.cohort_enrol, name="cohort_enrol"),
    path("teams/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path("teams/<int:pk>/seats/", views.enrolment_seats, name="enrolment_seats"),
    path("teams/<int:pk>/seats/<int:seat_pk>/end/", views.seat_end, name="seat_end"),
    path("teams/<int:pk>/seats/<int:seat_pk>/replace/", views.seat_replace, name="seat_replace"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
