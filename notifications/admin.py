from django.contrib import admin

from notifications.models import MutedKind, Notification
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
