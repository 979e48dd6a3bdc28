from django.contrib.auth.backends import BaseBackend


class AllianceStaffBackend(BaseBackend):
    """Alliance staff may use every staff fallback screen (Django admin) — they see everything."""

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and getattr(user_obj, "is_alliance_staff", False)

    def has_module_perms(self, user_obj, app_label):
        return self.has_perm(user_obj, app_label)
