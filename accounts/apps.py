from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and invitations")

    def ready(self):
        from accounts import receivers
        from accounts.models import User

        pre_save.connect(receivers.remember_email, sender=User, dispatch_uid="remember_email")
        post_save.connect(
            receivers.announce_email_change, sender=User, dispatch_uid="announce_email_change"
        )
