from django.contrib import admin

from cohorts.models import Cohort, Enrolment, Membership, Organisation, Program, Seat


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state", "focus_area"]
    list_filter = ["kind", "state", "focus_area"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["person__email", "person__full_name", "organisation__name"]
    raw_id_fields = ["person", "organisation"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "months",
        "session_count",
        "min_organisations",
        "max_organisations",
        "team_size",
    ]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "status", "starts_on", "ends_on"]
    list_filter = ["status", "program"]
    search_fields = ["name"]
    filter_horizontal = ["facilitators", "partners"]


class SeatInline(admin.TabularInline):
    model = Seat
    fk_name = "enrolment"
    raw_id_fields = ["person", "ended_by"]
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["organisation", "cohort", "created_at"]
    list_filter = ["cohort"]
    list_select_related = ["organisation", "cohort"]
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["person", "enrolment", "role", "started_at", "ended_at"]
    list_filter = ["role"]
    list_select_related = ["person", "enrolment__organisation", "enrolment__cohort"]
    raw_id_fields = ["person", "enrolment", "ended_by"]
