"""Webhooks in the admin site: endpoints registered through the service (the secret shown
once, on the page that answers the form), changed through the service, secrets rotated by
an admin action; deliveries and their attempts read-only, replayed by an admin action."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse

from factcheck.core.admin import ReadOnlyInline, run_for_each
from factcheck.core.errors import ApplicationError
from factcheck.webhooks import services
from factcheck.webhooks.models import Attempt, Delivery, Endpoint, EventType


class EndpointAdminForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=EventType.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "active"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        fields = {k: data.get(k) for k in ("url", "description", "events")}
        fields["description"] = fields["description"] or ""
        try:
            if self.instance.pk is None:
                self.result = services.endpoint_create(actor=self.request.user, active=data.get("active"), **fields)
            else:
                services.endpoint_update(
                    actor=self.request.user, endpoint=self.instance, active=data.get("active"), **fields
                )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "events", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "description"]
    form = EndpointAdminForm
    actions = ["rotate_secret"]

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)

        class WithRequest(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.request = request

        return WithRequest

    def save_model(self, request, obj, form, change):
        # The service saved it (in the form's clean, so a refusal shows on the form).
        if not change:
            obj.pk = form.result.endpoint.pk
            request._webhook_secret = form.result.secret
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": "Webhook endpoint registered",
            "endpoint": obj,
            "secret": request._webhook_secret,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "webhooks/admin_secret.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def log_addition(self, request, obj, message):
        pass  # audited by the service

    def log_change(self, request, obj, message):
        pass  # audited by the service

    def delete_model(self, request, obj):
        services.endpoint_delete(actor=request.user, endpoint=obj)

    def delete_queryset(self, request, queryset):
        for endpoint in queryset:
            services.endpoint_delete(actor=request.user, endpoint=endpoint)

    @admin.action(description="Rotate the secret (one endpoint; the new secret is shown once)")
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one endpoint: its new secret is shown once.", level="error")
            return None
        try:
            result = services.endpoint_rotate_secret(actor=request.user, endpoint=queryset.get())
        except ApplicationError as exc:
            self.message_user(request, exc.message, level="error")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Webhook secret rotated",
            "endpoint": result.endpoint,
            "secret": result.secret,
            "rotated": True,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "webhooks/admin_secret.html", context)
        response["Cache-Control"] = "no-store"
        return response


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ["number", "started_at", "duration_ms", "status_code", "error", "response_excerpt", "replay"]
    readonly_fields = fields


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "state", "attempts", "last_status_code", "next_attempt_at", "created_at"]
    list_filter = ["state", "endpoint"]
    search_fields = ["event__event_id", "endpoint__url"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = ["endpoint", "event", "state", "attempts", "next_attempt_at", "last_status_code"]
    readonly_fields += ["delivered_at", "created_at"]
    fields = readonly_fields
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Replay the selected deliveries (same event id)")
    def replay(self, request, queryset):
        run_for_each(
            request,
            queryset.select_related("event", "endpoint"),
            lambda delivery: services.delivery_replay(actor=request.user, delivery=delivery),
            done="Deliveries queued again",
        )
