from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.urls import path
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

    def get_urls(self):
        shortcut = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        others = [url for url in super().get_urls() if getattr(url, "name", None) != shortcut.name]
        return [shortcut, *others]

    def view_on_site(self, request, content_type_id, object_id):
        """The admin's "view on site" shortcut, only for models whose admin shows that link
        (a calendar feed's address is its secret token)."""
        from django.contrib.contenttypes import views as contenttype_views
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model_admin = self._registry.get(content_type.model_class()) if content_type else None
        if model_admin is None or not model_admin.view_on_site:
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)


class SuperuserChangesAdmin(admin.ModelAdmin):
    """Staff may look; only a superuser adds, changes or deletes. For records whose change
    in the admin would skip the rules the portal keeps: the ledger, login addresses, groups."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        return super().get_actions(request) if request.user.is_superuser else {}


class SecretFieldsAdmin(admin.ModelAdmin):
    """Fields only a superuser sees (an invitation's key, a calendar feed's token): for
    anyone else they are left out of the form, the list, the filters and the search."""

    secret_fields = ()

    def hides_secrets(self, request):
        return request is None or not request.user.is_superuser

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self.hides_secrets(request):
            exclude += self.secret_fields
        return exclude

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.hides_secrets(request):
            return [name for name in fields if name not in self.secret_fields]
        return fields

    def get_list_display(self, request):
        fields = super().get_list_display(request)
        if self.hides_secrets(request):
            return [name for name in fields if name not in self.secret_fields]
        return fields

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if self.hides_secrets(request):
            return [name for name in fields if name.lstrip("^=@") not in self.secret_fields]
        return fields

    def lookup_allowed(self, lookup, value, request=None):
        """No ?token__startswith=… in the list's address: that would spell a secret out."""
        if lookup.split(LOOKUP_SEP)[0] in self.secret_fields and self.hides_secrets(request):
            return False
        return super().lookup_allowed(lookup, value, request)
