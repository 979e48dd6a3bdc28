from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # The progress pages' cache learns of every write to what they read
        # (dashboard/freshness.py).
        from dashboard import freshness

        connection_created.connect(freshness.watch, dispatch_uid="dashboard.freshness")
