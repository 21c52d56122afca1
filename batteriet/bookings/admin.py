"""Site administrators configure resources and closures here; bookings go through the services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from batteriet.bookings.models import Closure, Resource


class PartInline(admin.TabularInline):
    model = Resource
    fk_name = "parent"
    fields = ["name", "kind", "capacity", "is_active"]
    extra = 0
    show_change_link = True
    verbose_name = _("part")
    verbose_name_plural = _("parts of this hall")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a part is added as a resource of its own, with this hall as "part of"


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "centre", "kind", "capacity", "stock", "parent", "requires_approval", "is_active"]
    list_filter = ["centre", "kind", "is_active", "requires_approval"]
    search_fields = ["name", "description"]
    list_select_related = ["centre", "parent"]
    autocomplete_fields = ["parent"]
    inlines = [PartInline]
    fieldsets = [
        (None, {"fields": ["centre", "kind", "name", "description", "parent", "is_active"]}),
        (_("Size"), {"fields": ["capacity", "stock"]}),
        (_("Accessibility"), {"fields": ["step_free", "hearing_loop", "accessible_toilet"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "requires_approval",
                    "min_notice_minutes",
                    "max_horizon_days",
                    "min_duration_minutes",
                    "max_duration_minutes",
                    "buffer_minutes",
                ]
            },
        ),
        (_("House rules"), {"fields": ["house_rules"]}),
    ]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["centre", "starts_on", "ends_on", "reason"]
    list_filter = ["centre"]
    date_hierarchy = "starts_on"
