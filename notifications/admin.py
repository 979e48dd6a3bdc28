from django.contrib import admin

from notifications.models import DigestItem, KindPreference, MutedKind, Notification
from portal.admin import SuperuserChangesAdmin


@admin.register(Notification)
class NotificationAdmin(SuperuserChangesAdmin):
    """The ledger changes through its services (the Outbox sends a row again): an edit here
    could readdress a message, an invitation's link with it, so staff only look. Its state
    and next attempt are read-only even for a superuser: the claim's queue follows them
    through the services (QueueEntry)."""

    list_display = ["kind", "to_email", "state", "due_at", "sent_at", "attempts"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email"]
    raw_id_fields = ["recipient", "cohort"]
    readonly_fields = ["state", "not_before", "revision", "created_at", "updated_at"]


@admin.register(MutedKind)
class MutedKindAdmin(admin.ModelAdmin):
    list_display = ["email", "kind", "created_at"]
    search_fields = ["email"]


@admin.register(KindPreference)
class KindPreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["person__email", "person__full_name"]
    raw_id_fields = ["person"]


@admin.register(DigestItem)
class DigestItemAdmin(SuperuserChangesAdmin):
    """What happened, waiting for (or listed in) a person's daily digest: written by
    services.notify and claimed by the digest that lists it, so staff only look."""

    list_display = ["recipient", "kind", "created_at", "digest"]
    list_filter = ["kind"]
    search_fields = ["recipient__email"]
    raw_id_fields = ["recipient", "cohort", "digest"]
