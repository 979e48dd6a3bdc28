from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """The staff fallback screens: only Alliance staff may enter, through allauth's login."""

    site_header = _("Equity Cohort Portal administration")
    site_title = _("Portal admin")

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.is_alliance_staff

    def login(self, request, extra_context=None):
        return secure_admin_login(super().login)(request, extra_context)
