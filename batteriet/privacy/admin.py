from django.contrib import admin

from batteriet.privacy.models import PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """New versions are added; a published version is never edited (consents point to it)."""

    list_display = ["version", "published_on"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.consents.exists()
