from django.contrib import admin

from portal.admin import SecretFieldsAdmin, SuperuserChangesAdmin
from sessions_app.models import Attendance, CalendarFeed, LearningSession, Material, Reschedule


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0
    raw_id_fields = ["added_by"]


@admin.register(LearningSession)
class LearningSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "number", "starts_at", "status", "sequence"]
    list_filter = ["status", "cohort"]
    list_select_related = ["cohort"]
    filter_horizontal = ["facilitators"]
    inlines = [MaterialInline]


@admin.register(Reschedule)
class RescheduleAdmin(admin.ModelAdmin):
    list_display = ["session", "old_starts_at", "new_starts_at", "by", "at"]
    raw_id_fields = ["session", "by"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "person", "rsvp", "mark"]
    list_filter = ["mark", "rsvp"]
    raw_id_fields = ["session", "person", "enrolment", "marked_by"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "created_at"]
    raw_id_fields = ["session", "added_by"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SuperuserChangesAdmin, SecretFieldsAdmin):
    """A feed's address is its token: only a superuser sees it, and nobody opens it from here.
    A person makes their feed on their profile, so none is added here."""

    list_display = ["person", "created_at"]
    raw_id_fields = ["person"]
    readonly_fields = ["token"]
    secret_fields = ["token"]
    view_on_site = False

    def has_add_permission(self, request):
        return False
