from django.contrib import admin

from batteriet.centres.models import AgreementText, Centre, OpeningHours, StaffAssignment


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline]


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "role"]
    list_filter = ["role", "centre"]
    autocomplete_fields = ["user"]


@admin.register(AgreementText)
class AgreementTextAdmin(admin.ModelAdmin):
    """Read-only: centre leads publish new versions from the staff pages."""

    list_display = ["centre", "version", "created_at", "created_by"]
    list_filter = ["centre"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
