from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from dashboard.views import pages as dashboard_views
from portal import views

handler403 = "portal.views.forbidden"
handler404 = "portal.views.not_found"
handler500 = "portal.views.server_error"

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("language/", account_views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("", include("dashboard.urls")),
    path("", include("accounts.urls")),
    path("", include("cohorts.urls")),
    path("", include("sessions_app.urls")),
    path("", include("workplans.urls")),
    path("", include("notifications.urls")),
    path("admin/", admin.site.urls),
]
