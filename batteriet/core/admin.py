"""Django admin is for site administrators only (configuration), never the staff UI.

Logging in goes through allauth, so the admin gets the same two-factor check.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpRequest

from batteriet.core.models import AuditEntry


def _site_admin_only(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _site_admin_only
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Batteriet – site administration"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_repr"]
    list_filter = ["action"]
    search_fields = ["object_repr", "scope"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
