"""Sources in the admin site: added, changed and switched through the same services as the pages
(capability check, the address rule, audit); their health and fetched items are read-only."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages

from factcheck.core.admin import run_for_each
from factcheck.core.errors import ApplicationError
from factcheck.core.validators import validate_web_url
from factcheck.sources import services
from factcheck.sources.models import FetchedItem, Source

HEALTH = [
    "last_polled_at",
    "last_success_at",
    "last_new_item_at",
    "last_error",
    "consecutive_failures",
    "failing_since",
    "next_poll_at",
    "poll_started_at",
    "etag",
    "last_modified",
    "version",
    "created_by",
    "created_at",
    "updated_at",
]


class SourceAdminForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "kind", "url", "outlet", "interval_minutes", "enabled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["url"].validators.append(validate_web_url)

    def _post_clean(self):
        # The service decides (and says why); the model's own unique check would only repeat it.
        pass


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    list_display = [
        "name",
        "kind",
        "outlet",
        "enabled",
        "interval_minutes",
        "last_polled_at",
        "last_new_item_at",
        "consecutive_failures",
        "last_error",
    ]
    list_filter = ["enabled", "kind"]
    search_fields = ["name", "url"]
    list_select_related = ["outlet"]
    readonly_fields = HEALTH
    actions = ["switch_on", "switch_off", "poll_now"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "url": data["url"],
            "outlet_name": data["outlet"].name if data.get("outlet") else "",
            "interval_minutes": data["interval_minutes"],
            "enabled": data.get("enabled", False),
        }
        try:
            if change:
                saved = services.source_update(actor=request.user, source=obj, version=None, **fields)
            else:
                saved = services.source_create(actor=request.user, **fields)
        except ApplicationError as exc:
            # The admin has no hook to re-show the form from save_model; the message says why.
            raise forms.ValidationError(exc.message) from None
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class Checked(form):
            def clean(self):
                # The rules the service applies, checked here too, so a refusal shows on the form.
                data = super().clean()
                url = data.get("url")
                if url and Source.objects.filter(url=url).exclude(pk=getattr(obj, "pk", None)).exists():
                    self.add_error("url", "This address is already registered as a source.")
                low = settings.SOURCES_MIN_INTERVAL_MINUTES
                if data.get("interval_minutes") is not None and data["interval_minutes"] < low:
                    self.add_error("interval_minutes", f"Poll every {low} minutes at the least.")
                return data

        return Checked

    @admin.action(description="Switch polling on")
    def switch_on(self, request, queryset):
        run_for_each(
            request,
            queryset,
            lambda s: services.source_set_enabled(actor=request.user, source=s, enabled=True),
            done="Switched on",
        )

    @admin.action(description="Switch polling off")
    def switch_off(self, request, queryset):
        run_for_each(
            request,
            queryset,
            lambda s: services.source_set_enabled(actor=request.user, source=s, enabled=False),
            done="Switched off",
        )

    @admin.action(description="Poll now")
    def poll_now(self, request, queryset):
        from factcheck.sources.tasks import poll_source

        for source in queryset:
            poll_source.delay(source.pk, force=True)
        messages.success(request, f"Polls queued: {queryset.count()}.")


@admin.register(FetchedItem)
class FetchedItemAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "state", "url", "article", "attempts"]
    list_filter = ["state", "source"]
    search_fields = ["url", "title", "error"]
    list_select_related = ["source", "article"]
    raw_id_fields = ["article", "requested_by", "source"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
