from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = _("Learning sessions")

    def ready(self):
        from sessions_app import notices

        notices.register()
