from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo seed: it sits above every app, so it may use them all."""

    name = "demo"
    verbose_name = _("Demo data")
