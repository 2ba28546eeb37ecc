"""The account's "API tokens" page: a desk member's own tokens, created (the secret shown
once, on the answer to the POST, never stored) and revoked, through the token services."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from factcheck.api.forms import ApiTokenForm
from factcheck.api.models import ApiToken
from factcheck.api.services import api_token_create, api_token_revoke
from factcheck.core.errors import ApplicationError
from factcheck.review.access import workspace_view
from factcheck.review.responses import refused


@require_http_methods(["GET", "POST"])
@workspace_view()
def tokens(request):
    form = ApiTokenForm(request.POST or None, user=request.user)
    created = None

    def page(*, status: int = 200):
        context = {
            "form": form,
            "created": created,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id"),
        }
        response = render(request, "api/tokens.html", context, status=status)
        # The page that shows a new secret must not be stored by the browser or a proxy.
        response["Cache-Control"] = "no-store"
        return response

    if request.method == "POST":
        if not form.is_valid():
            return page(status=400)
        data = form.cleaned_data
        try:
            created = api_token_create(
                actor=request.user,
                user=request.user,
                name=data["name"],
                scopes=data["scopes"],
                expires_at=data.get("expires"),
            )
        except ApplicationError as exc:
            return refused(request, exc, form=form, rerender=page)
        form = ApiTokenForm(user=request.user)  # a fresh form under the new secret
    return page()


@require_POST
@workspace_view()
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    try:
        api_token_revoke(actor=request.user, token=token, reason="revoked on the API tokens page")
    except ApplicationError as exc:
        return refused(request, exc, redirect_to="api:tokens")
    messages.success(request, f"Token “{token.name}” revoked: it no longer opens the API.")
    return redirect("api:tokens")
