"""API tokens in the admin site: listed, created through the service (the secret shown
once, on the page that answers the form, never in a message or a cookie), revoked by an
admin action through the service. Nothing edits a token; nothing deletes one (revoking
keeps the row and its audit trail)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse

from factcheck.api.models import ApiToken, Scope
from factcheck.api.services import api_token_create, api_token_revoke
from factcheck.core.admin import run_for_each
from factcheck.core.errors import ApplicationError


class ApiTokenAddForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        label="Scopes", choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")
        self.request = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.new = api_token_create(
                actor=self.request.user,
                user=data["user"],
                name=data["name"],
                scopes=data["scope_choices"],
                expires_at=data.get("expires_at"),
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "display", "scopes", "status", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scopes", "revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "display", "scopes", "created_at", "created_by", "expires_at"]
    readonly_fields += ["last_used_at", "revoked_at", "revoked_by"]
    fields = readonly_fields
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            form = ApiTokenAddForm

            class WithRequest(form):
                def __init__(self, *args, **kw):
                    super().__init__(*args, **kw)
                    self.request = request

            return WithRequest
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["user", "name", "scope_choices", "expires_at"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The service saved it (in the form's clean, so a refusal shows on the form).
        form.instance = form.new.token
        obj.pk = form.new.token.pk
        request._api_token_secret = form.new.secret

    def save_related(self, request, form, formsets, change):
        pass

    def response_add(self, request, obj, post_url_continue=None):
        token = ApiToken.objects.select_related("user").get(pk=obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "API token created",
            "token": token,
            "secret": request._api_token_secret,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "api/admin_token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def log_addition(self, request, obj, message):
        pass  # audited by the service

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        run_for_each(
            request,
            queryset.select_related("user"),
            lambda token: api_token_revoke(actor=request.user, token=token, reason="revoked in the admin site"),
            done="Tokens revoked",
        )
