from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from accounts import hooks
        from notifications import (
            checks,  # noqa: F401 — registers the send-limits check
            digest,
            invitations,
            services,
        )

        invitations.register()
        digest.register()
        hooks.email_changed.subscribe(services.readdress)
