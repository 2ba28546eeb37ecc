"""The admin site shows saved filters read-only: they are each person's own, changed on the
search page through factcheck.review.services."""

from __future__ import annotations

from django.contrib import admin

from factcheck.review.models import SavedFilter


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "query", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "query", "created_at", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
