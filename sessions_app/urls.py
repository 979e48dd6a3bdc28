from django.urls import path

from sessions_app import views

app_name = "sessions_app"

urlpatterns = [
    path("cohorts/<int:pk>/sessions/", views.schedule, name="schedule"),
    path("cohorts/<int:pk>/sessions/series/", views.series_create, name="series_create"),
    path("cohorts/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/reschedule/", views.session_reschedule, name="session_reschedule"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/undo/", views.session_undo, name="session_undo"),
    path("sessions/<int:pk>/rsvp/", views.session_rsvp, name="session_rsvp"),
    path("sessions/answer/<str:token>/", views.rsvp_from_email, name="rsvp_from_email"),
    path("sessions/<int:pk>/attendance/", views.attendance_mark_rest, name="attendance_mark_rest"),
    path(
        "sessions/<int:pk>/attendance/<int:person_pk>/",
        views.attendance_mark,
        name="attendance_mark",
    ),
    path("sessions/<int:pk>/wrap-up/", views.session_wrap_up, name="session_wrap_up"),
    path("sessions/<int:pk>/materials/new/", views.material_add, name="material_add"),
    path(
        "sessions/<int:pk>/materials/<int:material_pk>/",
        views.material_download,
        name="material_download",
    ),
    path(
        "sessions/<int:pk>/materials/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("sessions/<int:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("calendar/<slug:token>.ics", views.feed, name="feed"),
    path("profile/calendar/", views.feed_manage, name="feed_manage"),
]
