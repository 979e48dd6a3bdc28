from allauth.account import admin as allauth_admin
from allauth.account.models import EmailAddress
from allauth.mfa import admin as allauth_mfa_admin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, User
from portal.admin import SecretFieldsAdmin, SuperuserChangesAdmin


class StaffUserChangeForm(UserChangeForm):
    """The change form for staff who are not superusers: no password field, not even its
    link to the password page."""

    password = None


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Staff who are not superusers edit a person's name, zone, language and whether the
    account is active; who is a superuser or in which group, and passwords, are a superuser's."""

    ordering = ["email"]
    list_display = ["email", "full_name", "time_zone", "language", "is_active"]
    list_filter = ["is_active", "is_superuser", "groups", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "time_zone", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]
    superuser_fields = {"email", "password", "is_superuser", "groups", "user_permissions"}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f not in self.superuser_fields],
                },
            )
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None and not request.user.is_superuser:
            kwargs["form"] = StaffUserChangeForm
        return super().get_form(request, obj, **kwargs)

    def has_add_permission(self, request):
        """A new account sets a password: staff invite people instead."""
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SuperuserChangesAdmin, DjangoGroupAdmin):
    """Membership of the staff group makes Alliance staff: only a superuser changes groups."""


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(SuperuserChangesAdmin, allauth_admin.EmailAddressAdmin):
    """A verified address is a way into an account (password reset): a superuser's to change."""


@admin.register(Invitation)
class InvitationAdmin(SecretFieldsAdmin):
    list_display = [
        "email",
        "kind",
        "organisation",
        "cohort",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["kind"]
    search_fields = ["email", "full_name"]
    raw_id_fields = ["organisation", "enrolment", "cohort", "invited_by", "accepted_by"]
    readonly_fields = ["key", "send_count"]
    secret_fields = ["key"]


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(SuperuserChangesAdmin, allauth_mfa_admin.AuthenticatorAdmin):
    """A person's authenticator app and recovery codes. Their data are the secrets themselves,
    shown to nobody. A superuser may delete one (a lost phone): the person then sets up anew."""

    exclude = ["data"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
