"""Notifications in the admin site: read-only rows (they are made by the events), with an
action that queues a failed or stuck email again; each person's email choice is editable."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from factcheck.notifications.models import EmailState, Notification, NotificationSettings
from factcheck.notifications.services import enqueue_emails


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "text", "created_at", "read_at", "email_state", "email_attempts"]
    list_filter = ["kind", "email_state", "email_digest"]
    search_fields = ["recipient__username", "text", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send the email again (failed or stuck ones)")
    def send_again(self, request, queryset):
        rows = queryset.filter(email_state__in=[EmailState.FAILED, EmailState.PENDING])
        ids = list(rows.filter(email_digest=False).values_list("pk", flat=True))
        count = rows.update(email_state=EmailState.PENDING, email_next_at=timezone.now(), email_attempts=0)
        transaction.on_commit(lambda: enqueue_emails(ids))
        self.message_user(request, f"{count:,} email{'s' if count != 1 else ''} queued again.", messages.SUCCESS)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "email", "updated_at"]
    list_filter = ["email"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]
