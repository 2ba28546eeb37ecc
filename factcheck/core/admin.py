"""What the admin site may do with editorial data: look, and act through the services.

Editorial rows (claims, quotes, evidence, comments, corrections, links) are read-only in
the admin site: a verdict, a status or a link changed there would skip the rules, the
corrections notice and the audit trail. Administrators act on them with admin actions
that call the same services as the pages (so the same capability checks, locking and
audit), or on the desk's own pages, which the change form links to.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.utils.html import format_html

from factcheck.core.errors import ApplicationError


class EditorialAdmin(admin.ModelAdmin):
    """View-only change forms (nothing saves from them), no adding; admin actions that
    call services. Deleting is left to each admin class to decide."""

    readonly_fields = ["on_the_desk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="On the desk")
    def on_the_desk(self, obj):
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        return format_html('<a href="{}">Open it on the desk to change it</a>', url) if url else "—"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return list(self.fields or [])

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def run_for_each(request, queryset, service: Callable, *, done: str) -> None:
    """Call `service(obj)` for each selected row; one refusal does not stop the rest, and
    each is reported with its reason."""
    ok = 0
    for obj in queryset:
        try:
            service(obj)
        except ApplicationError as exc:
            messages.error(request, f"{obj._meta.verbose_name.capitalize()} #{obj.pk}: {exc.message}")
        else:
            ok += 1
    if ok:
        messages.success(request, f"{done}: {ok}.")
