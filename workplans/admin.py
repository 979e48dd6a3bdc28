"""Staff fallback screens for a team's working space.

Staff edit the rubrics here (it is theirs to do: workplans.edit_rubric). Everything else a
team writes is looked at, not changed: its workplan, self-assessments and requests change
through the portal's pages, which record each change on the timeline, check the version a
person started from and tell the other side through the ledger — an edit here would skip all
three. A superuser can still put a row right.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import SuperuserChangesAdmin
from workplans.models import (
    ActionItem,
    Comment,
    Dimension,
    Goal,
    ProgressUpdate,
    Rating,
    Rubric,
    SelfAssessment,
    SupportEvent,
    SupportRequest,
    Workplan,
    WorkplanSnapshot,
)

TEAM = "enrolment__organisation"
COHORT = "enrolment__cohort"


class LookOnlyInline:
    """An inline under a look-only admin: shown to staff, changed by a superuser only."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class DimensionInline(admin.StackedInline):
    model = Dimension
    extra = 0


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "updated_at"]
    list_select_related = ["program"]
    inlines = [DimensionInline]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "rubric", "position"]
    list_filter = ["rubric"]
    list_select_related = ["rubric"]
    search_fields = ["name"]


class RatingInline(LookOnlyInline, admin.TabularInline):
    model = Rating
    extra = 0
    fields = ["dimension", "level", "note"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(SuperuserChangesAdmin):
    list_display = ["enrolment", "phase", "status", "submitted_at"]
    list_filter = ["phase", "status", COHORT]
    list_select_related = [TEAM, COHORT]
    search_fields = [f"{TEAM}__name"]
    raw_id_fields = ["enrolment", "submitted_by", "reopened_by"]
    inlines = [RatingInline]


@admin.register(Workplan)
class WorkplanAdmin(SuperuserChangesAdmin):
    list_display = ["enrolment", "status", "shared", "submitted_at", "reviewed_at"]
    list_filter = ["status", "shared", COHORT]
    list_select_related = [TEAM, COHORT]
    search_fields = [f"{TEAM}__name"]
    raw_id_fields = ["enrolment", "submitted_by", "reviewed_by"]


@admin.register(Goal)
class GoalAdmin(SuperuserChangesAdmin):
    list_display = ["title", "workplan", "focus_area", "target_date"]
    list_filter = ["focus_area"]
    list_select_related = [f"workplan__{TEAM}", f"workplan__{COHORT}"]
    search_fields = ["title", f"workplan__{TEAM}__name"]
    raw_id_fields = ["workplan", "reviewed_by", "created_by", "updated_by"]


@admin.register(ActionItem)
class ActionItemAdmin(SuperuserChangesAdmin):
    """The screen staff would otherwise use to follow action items: the bench's baseline
    for the workplan pages (bench/pages.py), so it reads its page in a fixed few queries."""

    list_display = ["title", "team", "owner", "due_on", "status"]
    list_filter = ["status", "goal__focus_area", f"goal__workplan__{COHORT}"]
    list_select_related = ["owner", f"goal__workplan__{TEAM}"]
    list_per_page = 100
    search_fields = ["title", "owner__email", "owner__full_name", f"goal__workplan__{TEAM}__name"]
    raw_id_fields = ["goal", "owner", "reviewed_by", "created_by", "updated_by"]

    @admin.display(description=_("team"), ordering=f"goal__workplan__{TEAM}__name")
    def team(self, item):
        return item.goal.workplan.enrolment.organisation


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SuperuserChangesAdmin):
    """The timeline is history: nobody adds to it here."""

    list_display = ["action_item", "field", "old_value", "new_value", "by", "at"]
    list_filter = ["field"]
    list_select_related = ["action_item", "by"]
    raw_id_fields = ["workplan", "action_item", "by"]

    def has_add_permission(self, request):
        return False


@admin.register(Comment)
class CommentAdmin(SuperuserChangesAdmin):
    list_display = ["__str__", "workplan", "author", "created_at"]
    list_select_related = [f"workplan__{TEAM}", f"workplan__{COHORT}", "author"]
    search_fields = ["body"]
    raw_id_fields = ["workplan", "goal", "action_item", "author"]


@admin.register(WorkplanSnapshot)
class WorkplanSnapshotAdmin(SuperuserChangesAdmin):
    """Frozen at the cohort's end, for later check-ins to be compared with."""

    list_display = ["workplan", "taken_at"]
    list_select_related = [f"workplan__{TEAM}", f"workplan__{COHORT}"]
    raw_id_fields = ["workplan"]

    def has_add_permission(self, request):
        return False


class SupportEventInline(LookOnlyInline, admin.TabularInline):
    model = SupportEvent
    extra = 0
    fields = ["step", "by", "at", "given_on", "hours", "note"]
    raw_id_fields = ["by"]


@admin.register(SupportRequest)
class SupportRequestAdmin(SuperuserChangesAdmin):
    list_display = ["enrolment", "focus_area", "partner", "assignee", "status", "created_at"]
    list_filter = ["status", "focus_area", "partner"]
    list_select_related = [TEAM, COHORT, "partner", "assignee"]
    search_fields = [f"{TEAM}__name", "need"]
    raw_id_fields = ["enrolment", "goal", "partner", "assignee", "requested_by"]
    inlines = [SupportEventInline]
