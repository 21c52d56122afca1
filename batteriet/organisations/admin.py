from django.contrib import admin

from batteriet.organisations.models import TargetGroup


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["code"]
