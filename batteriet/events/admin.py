"""Site administrators can look at events here; registrations change through the services."""

from django.contrib import admin

from batteriet.events.models import Event, Registration, Session


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "capacity", "is_published"]
    list_filter = ["kind", "audience", "is_published"]
    search_fields = ["title"]
    inlines = [SessionInline]
    # The number of places changes through the staff pages, which recount and offer freed places.
    readonly_fields = ["capacity"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "position_at", "offer_expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["registered_by", "organisation"]
    readonly_fields = [
        "event",
        "person",
        "status",
        "position_at",
        "offer_expires_at",
        "group_key",
        "cancelled_at",
    ]
