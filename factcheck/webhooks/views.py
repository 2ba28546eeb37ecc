"""The webhook pages (administrators): endpoints listed, registered, changed, their secret
rotated (shown once), deleted; each endpoint's deliveries with their attempts, replayed or
a test event sent. Thin: look up (404 before 403), validate, call a service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.core.errors import ApplicationError
from factcheck.review.access import require_member
from factcheck.review.responses import refused
from factcheck.webhooks import selectors, services
from factcheck.webhooks.forms import EndpointForm
from factcheck.webhooks.models import DeliveryState, Endpoint, EventType


def _require_admin(user) -> None:
    if not services.may_manage_webhooks(user):
        raise PermissionDenied("Webhooks are for the desk's administrators.")


def _endpoint_for(user, pk: int) -> Endpoint:
    require_member(user)
    endpoint = get_object_or_404(Endpoint, pk=pk)
    _require_admin(user)
    return endpoint


def _secret_page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # A page that shows a secret must not be stored by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


def _fields(data: dict) -> dict:
    return {
        "url": data["url"],
        "description": data.get("description") or "",
        "events": data["events"],
        "active": bool(data.get("active")),
    }


@require_GET
def endpoint_list(request):
    require_member(request.user)
    _require_admin(request.user)
    return render(
        request,
        "webhooks/list.html",
        {"endpoints": selectors.endpoints_with_health(), "event_types": EventType.choices},
    )


@require_http_methods(["GET", "POST"])
def endpoint_create(request):
    require_member(request.user)
    _require_admin(request.user)
    form = EndpointForm(request.POST or None, submit_label="Register endpoint")

    def page(*, status: int = 200) -> HttpResponse:
        return render(request, "webhooks/form.html", {"form": form, "endpoint": None}, status=status)

    if request.method != "POST":
        return page()
    if not form.is_valid():
        return page(status=400)
    try:
        created = services.endpoint_create(actor=request.user, **_fields(form.cleaned_data))
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    return _secret_page(request, "webhooks/secret.html", {"endpoint": created.endpoint, "secret": created.secret})


@require_http_methods(["GET", "POST"])
def endpoint_detail(request, pk: int):
    endpoint = _endpoint_for(request.user, pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    initial["active"] = endpoint.active
    form = EndpointForm(request.POST or None, initial=initial)
    state = request.GET.get("state", "")
    if state and state not in DeliveryState.values:
        state = ""
        messages.error(request, "Unknown delivery state in the filter; showing them all.")
    deliveries = Paginator(selectors.endpoint_deliveries(endpoint, state=state), 50)
    try:
        page_number = int(request.GET.get("page") or 1)
    except ValueError:
        page_number = 1

    def page(*, status: int = 200) -> HttpResponse:
        context = {
            "endpoint": endpoint,
            "form": form,
            "deliveries": deliveries.get_page(page_number),
            "state": state,
            "states": DeliveryState.choices,
        }
        return render(request, "webhooks/endpoint.html", context, status=status)

    if request.method != "POST":
        return page()
    if not form.is_valid():
        return page(status=400)
    try:
        services.endpoint_update(actor=request.user, endpoint=endpoint, **_fields(form.cleaned_data))
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    messages.success(request, "Endpoint saved.")
    return redirect(endpoint)


@require_POST
def endpoint_rotate(request, pk: int):
    endpoint = _endpoint_for(request.user, pk)
    try:
        created = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=endpoint.get_absolute_url())
    context = {"endpoint": created.endpoint, "secret": created.secret, "rotated": True}
    return _secret_page(request, "webhooks/secret.html", context)


@require_POST
def endpoint_delete(request, pk: int):
    endpoint = _endpoint_for(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick “Yes, delete it” to delete the endpoint and its delivery log.")
        return redirect(endpoint)
    try:
        services.endpoint_delete(actor=request.user, endpoint=endpoint)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=endpoint.get_absolute_url())
    messages.success(request, f"Endpoint {endpoint.url} deleted; nothing more is sent to it.")
    return redirect("webhooks:list")


@require_POST
def endpoint_test(request, pk: int):
    endpoint = _endpoint_for(request.user, pk)
    try:
        delivery = services.endpoint_send_test(actor=request.user, endpoint=endpoint)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=endpoint.get_absolute_url())
    messages.success(request, "Test event queued; its attempt shows here in a moment.")
    return redirect(delivery)


@require_GET
def delivery_detail(request, pk: int):
    require_member(request.user)
    delivery = selectors.delivery_with_attempts(pk)
    if delivery is None:
        raise Http404("No such delivery.")
    _require_admin(request.user)
    return render(request, "webhooks/delivery.html", {"delivery": delivery, "endpoint": delivery.endpoint})


@require_POST
def delivery_replay(request, pk: int):
    require_member(request.user)
    delivery = selectors.delivery_with_attempts(pk)
    if delivery is None:
        raise Http404("No such delivery.")
    _require_admin(request.user)
    try:
        services.delivery_replay(actor=request.user, delivery=delivery)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=delivery.get_absolute_url())
    messages.success(request, f"Event {delivery.event.event_id} queued again (same id, same body).")
    return redirect(delivery)
