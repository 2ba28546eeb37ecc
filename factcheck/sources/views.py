"""The source pages (the list with each source's health, create, edit, on/off, poll now) and the
submit page's "paste a link" box with the page that follows its fetch."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.accounts.roles import Cap, has_cap
from factcheck.core.errors import ApplicationError
from factcheck.ops.broker import BROKER_ERRORS
from factcheck.review import presenters
from factcheck.review.access import require_cap, require_member, workspace_view
from factcheck.review.forms.articles import ArticleSubmitForm
from factcheck.review.responses import refused
from factcheck.sources import selectors, services
from factcheck.sources.forms import LinkForm, SourceForm
from factcheck.sources.models import ItemState, Source

log = logging.getLogger(__name__)


def source_for(user, pk: int, cap: Cap | None = None) -> Source:
    """404 for a missing source, 403 without `cap` (the house's order: member, object, capability)."""
    require_member(user)
    source = get_object_or_404(Source.objects.select_related("outlet"), pk=pk)
    if cap is not None:
        require_cap(user, cap)
    return source


@require_GET
@workspace_view()
def source_list(request):
    return render(
        request,
        "sources/list.html",
        {
            "sources": selectors.sources_with_health(),
            "failing": selectors.failing_sources(),
            "can_manage": has_cap(request.user, Cap.SOURCES),
        },
    )


def _fields(data: dict) -> dict:
    return {
        "name": data["name"],
        "kind": data["kind"],
        "url": data["url"],
        "outlet_name": data.get("outlet") or "",
        "interval_minutes": data["interval_minutes"],
        "enabled": bool(data.get("enabled")),
    }


@require_http_methods(["GET", "POST"])
@workspace_view(Cap.SOURCES)
def source_create(request):
    form = SourceForm(request.POST or None, submit_label="Add source")

    def page(*, status: int) -> HttpResponse:
        return render(request, "sources/form.html", {"form": form, "source": None}, status=status)

    if request.method != "POST":
        return page(status=200)
    if not form.is_valid():
        return page(status=400)
    try:
        source = services.source_create(actor=request.user, **_fields(form.cleaned_data))
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    messages.success(request, f"Source “{source.name}” added; it is polled within a minute.")
    return redirect("sources:list")


@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int):
    source = source_for(request.user, pk, Cap.SOURCES)
    initial = {
        "name": source.name,
        "kind": source.kind,
        "url": source.url,
        "outlet": source.outlet.name if source.outlet_id else "",
        "interval_minutes": source.interval_minutes,
        "enabled": source.enabled,
        "version": source.version,
    }
    form = SourceForm(request.POST or None, initial=initial)

    def page(*, status: int) -> HttpResponse:
        context = {"form": form, "source": source, "items": selectors.recent_items(source)}
        return render(request, "sources/form.html", context, status=status)

    if request.method != "POST":
        return page(status=200)
    if not form.is_valid():
        return page(status=400)
    try:
        services.source_update(
            actor=request.user, source=source, version=form.cleaned_data.get("version"), **_fields(form.cleaned_data)
        )
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    messages.success(request, f"Source “{source.name}” saved.")
    return redirect("sources:list")


@require_POST
def source_toggle(request, pk: int):
    source = source_for(request.user, pk, Cap.SOURCES)
    enabled = request.POST.get("enabled") == "on"
    try:
        services.source_set_enabled(actor=request.user, source=source, enabled=enabled)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to="sources:list")
    state = "on: it is polled within a minute" if enabled else "off"
    messages.success(request, f"Polling of “{source.name}” is {state}.")
    return redirect("sources:list")


@require_POST
def source_poll_now(request, pk: int):
    """Queue a poll now, whatever the schedule or the backoff says."""
    source = source_for(request.user, pk, Cap.SOURCES)
    from factcheck.sources.tasks import poll_source

    try:
        poll_source.delay(source.pk, force=True)
    except BROKER_ERRORS:
        messages.warning(request, "The task queue cannot be reached right now; the source is polled on schedule.")
        return redirect("sources:list")
    messages.success(request, f"“{source.name}” is being polled; reload this page in a moment.")
    return redirect("sources:list")


# --- Paste a link ---------------------------------------------------------------------------------


@require_POST
@workspace_view(Cap.SUBMIT)
def link_submit(request):
    form = LinkForm(request.POST)

    def page(*, status: int) -> HttpResponse:
        context = {"form": ArticleSubmitForm(), "link_form": form, "max_bytes": settings.ARTICLE_MAX_BYTES}
        return render(request, "review/articles/submit.html", context, status=status)

    if not form.is_valid():
        return page(status=400)
    try:
        item = services.link_request(actor=request.user, url=form.cleaned_data["url"])
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=page)
    except BROKER_ERRORS:
        # The request is stored; only queueing its fetch failed. The beat sweep queues it again.
        log.warning("link fetch not queued: the broker is unreachable")
        messages.warning(request, "The link is saved; fetching it is delayed while the task queue is unreachable.")
        return redirect("review:article_submit")
    return redirect("sources:link", pk=item.pk)


@require_GET
@workspace_view(Cap.SUBMIT)
def link_status(request, pk: int):
    item = selectors.pasted_link(pk)
    if item is None:
        raise Http404("No such link.")
    if request.headers.get("Accept") == "application/json":
        # The waiting page's script (static/js/link_wait.js) asks; no message is spent here.
        return JsonResponse({"pending": item.state == ItemState.PENDING})
    if item.state in (ItemState.IMPORTED, ItemState.DUPLICATE) and item.article_id:
        if item.state == ItemState.IMPORTED:
            messages.success(request, presenters.extraction_message(item.article, "fetched"))
        else:
            messages.warning(request, "This article's text is already on the desk; nothing new was stored.")
        return redirect(item.article)
    form = LinkForm(initial={"url": item.url})
    status = 200
    return render(request, "sources/link.html", {"item": item, "link_form": form}, status=status)
