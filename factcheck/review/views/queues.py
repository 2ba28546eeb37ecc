"""The queue pages: claims to triage, claims being checked, awaiting approval, assigned to
me (each with bulk actions), and the suggested-links queue (confirm or dismiss in place,
from the keyboard: static/js/queues.js).

Each list is the queryset of `factcheck.review.queues`, the one the dashboard counts.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from factcheck.accounts.roles import Cap, has_cap
from factcheck.claims import services
from factcheck.claims.models import Claim, Quote
from factcheck.claims.services.bulk import BULK_ACTIONS
from factcheck.core.errors import ApplicationError
from factcheck.linking import services as link_services
from factcheck.linking.models import ClaimLink, QuoteLink
from factcheck.review import queues
from factcheck.review.access import require_cap, workspace_view
from factcheck.review.forms.queues import BulkForm, LinkDecideForm
from factcheck.review.responses import done, form_errors_text, refused
from factcheck.review.views import common
from factcheck.review.views.common import next_or, querystring_without_page

KEYS = [("j", "next link"), ("k", "previous link"), ("c", "confirm the link"), ("d", "dismiss the link")]


def _tabs(user, current: str) -> tuple[list[dict], dict[str, int]]:
    """Every queue with its length (one query), for the tabs above each list; and the lengths."""
    sets = {slug: q.queryset(user) for slug, q in queues.CLAIM_QUEUES.items()}
    sets["links"] = queues.suggested_claim_links(user)
    sets["quote_links"] = queues.suggested_quote_links(user)
    numbers = queues.counts(sets)
    numbers["links"] += numbers.pop("quote_links")
    tabs = [
        {"slug": slug, "title": q.title, "url": q.url(), "n": numbers[slug], "current": slug == current}
        for slug, q in queues.CLAIM_QUEUES.items()
    ]
    tabs.append(
        {
            "slug": "links",
            "title": "Suggested links",
            "url": reverse("review:queue_links"),
            "n": numbers["links"],
            "current": current == "links",
        }
    )
    return tabs, numbers


def _page(request: HttpRequest, queryset, count: int | None):
    """The requested page of `queryset`; `count`, when known, is its length (the tabs'
    statement has just counted it: no second COUNT of the same queue)."""
    paginator = Paginator(queryset, common.PAGE_SIZE)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page"))


def _article_filter(request: HttpRequest) -> int | None:
    raw = request.GET.get("article", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else None


def _claim_queue(request: HttpRequest, queue: queues.ClaimQueue) -> HttpResponse:
    article_id = _article_filter(request)
    tabs, numbers = _tabs(request.user, queue.slug)
    count = numbers[queue.slug] if article_id is None else None
    page = _page(request, queue.queryset(request.user, article_id=article_id), count)
    can_act = has_cap(request.user, queue.cap)
    form = BulkForm() if can_act else None
    return render(
        request,
        "review/queues/claims.html",
        {
            "queue": queue,
            "page": page,
            "qs": querystring_without_page(request),
            "tabs": tabs,
            "article_id": article_id,
            "actions": [(name, BULK_ACTIONS[name]["label"]) for name in queue.actions if can_act],
            "assign_form": form,
        },
    )


@require_GET
@workspace_view()
def queue_triage(request):
    return _claim_queue(request, queues.TRIAGE)


@require_GET
@workspace_view()
def queue_drafts(request):
    return _claim_queue(request, queues.DRAFTS)


@require_GET
@workspace_view()
def queue_approval(request):
    return _claim_queue(request, queues.APPROVAL)


@require_GET
@workspace_view()
def queue_mine(request):
    return _claim_queue(request, queues.MINE)


@require_POST
@workspace_view(Cap.REVIEW)
def queue_bulk(request):
    """One action on the selected claims, each through its single service; a summary after."""
    back = next_or(request, reverse("review:queue_triage"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    data = form.cleaned_data
    try:
        result = services.claims_bulk(
            action=data["action"],
            claim_ids=data["claim"],
            versions=data["versions"],
            assignee=data["assignee"],
            actor=request.user,
        )
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=back)
    (messages.warning if result.refused else messages.success)(request, result.summary())
    return redirect(back)


@require_GET
@workspace_view()
def queue_links(request):
    tabs, numbers = _tabs(request.user, "links")
    page = _page(request, queues.suggested_links(request.user), numbers["links"])
    return render(
        request,
        "review/queues/links.html",
        {
            "page": page,
            "links": queues.links_of_page(page.object_list),
            "qs": querystring_without_page(request),
            "tabs": tabs,
            "can_decide": has_cap(request.user, Cap.REVIEW),
            "keys": KEYS,
            "decisions": [("confirm", "Confirm"), ("dismiss", "Dismiss")],
        },
    )


def _suggested_link(user, kind: str, pk: int) -> ClaimLink | QuoteLink:
    """A link whose two ends the user may see (404 otherwise), for a role that may decide (403)."""
    model, spans = (ClaimLink, Claim) if kind == "claim" else (QuoteLink, Quote)
    visible = spans.objects.visible_to(user)
    link = get_object_or_404(
        model.objects.select_related("source", "target").filter(source__in=visible, target__in=visible), pk=pk
    )
    require_cap(user, Cap.REVIEW)
    return link


@require_POST
@workspace_view(Cap.REVIEW)
def queue_link_decide(request):
    """Confirm or dismiss a link through the link services: JSON for the queue's script,
    else a message and back to the queue."""
    back = next_or(request, reverse("review:queue_links"))
    form = LinkDecideForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    data = form.cleaned_data
    link = _suggested_link(request.user, data["kind"], data["link"])
    try:
        if data["decision"] == "confirm":
            link_services.link_confirm(link=link, actor=request.user)
        else:
            link_services.link_dismiss(link=link, actor=request.user)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=back)
    noun = "Claim" if data["kind"] == "claim" else "Quote"
    verb = "confirmed" if data["decision"] == "confirm" else "dismissed"
    relation = link.get_relation_display().lower()
    message = f"{noun} link #{link.pk} {verb}: {relation}, #{link.source_id} and #{link.target_id}."
    return done(request, message, redirect_to=back, data={"state": link.state})
