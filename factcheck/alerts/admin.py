"""Repeat alerts in the admin site: read-only rows, acknowledged through the same service as the
pages (capability check, audit)."""

from __future__ import annotations

from django.contrib import admin

from factcheck.alerts import services
from factcheck.alerts.models import RepeatAlert
from factcheck.core.admin import run_for_each


@admin.register(RepeatAlert)
class RepeatAlertAdmin(admin.ModelAdmin):
    list_display = ["id", "claim", "checked_claim", "probability", "state", "created_at", "acknowledged_by"]
    list_filter = ["state"]
    search_fields = ["claim__text", "checked_claim__text"]
    raw_id_fields = ["claim", "checked_claim", "link"]
    readonly_fields = [
        "claim",
        "checked_claim",
        "link",
        "probability",
        "state",
        "acknowledged_by",
        "acknowledged_at",
        "note",
        "created_at",
    ]
    actions = ["acknowledge"]

    def has_add_permission(self, request) -> bool:
        return False  # alerts are raised by link suggestions only

    @admin.action(description="Acknowledge the selected alerts")
    def acknowledge(self, request, queryset) -> None:
        run_for_each(
            request,
            queryset,
            lambda alert: services.repeat_alert_acknowledge(alert=alert, actor=request.user),
            done="Alerts acknowledged",
        )
