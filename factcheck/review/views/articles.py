"""Articles: the list, submission, and the reader (with its status.json and panels).

The reader's triage actions are in `triage`; they re-render the reader through
`render_reader` when a form comes back with errors.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from factcheck.accounts.roles import Cap, has_cap
from factcheck.articles.models import Article, ArticleKind, body_fingerprint
from factcheck.articles.services import article_create
from factcheck.claims.models import CandidateStatus, Quote
from factcheck.claims.states import claim_actions
from factcheck.core.errors import ApplicationError
from factcheck.ops.broker import BROKER_ERRORS
from factcheck.review import presenters, selectors
from factcheck.review.access import article_for, workspace_view
from factcheck.review.forms.articles import ArticleSubmitForm
from factcheck.review.forms.search import SearchForm
from factcheck.review.forms.triage import AddSpanForm, QuoteEditForm, SpanForm, SplitForm
from factcheck.review.responses import refused
from factcheck.review.views.common import page_of, querystring_without_page, sort_links

log = logging.getLogger(__name__)

DELAYED_MESSAGE = (
    "Article saved. Extraction is delayed: the task queue cannot be reached right now. "
    "The article will be queued again automatically within a few minutes; nothing needs resubmitting."
)


@require_GET
@workspace_view()
def article_list(request):
    form = SearchForm(
        request.GET or None,
        sorts=selectors.ARTICLE_SORTS,
        fields=["q", "outlet", "date_from", "date_to", "state"],
    )
    data = form.cleaned_data if form.is_valid() else {}
    articles = selectors.article_search(request.user, data).filter(kind=ArticleKind.NEWS)
    sort = data.get("sort") or "-published"
    return render(
        request,
        "review/articles/list.html",
        {
            "form": form,
            "page": page_of(request, articles),
            "sorts": sort_links(request, selectors.ARTICLE_SORTS, sort),
            "qs": querystring_without_page(request),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@require_http_methods(["GET", "POST"])
@workspace_view(Cap.SUBMIT)
def article_submit(request):
    form = ArticleSubmitForm(request.POST or None, request.FILES or None)

    def page(*, status: int) -> HttpResponse:
        context = {"form": form, "max_bytes": settings.ARTICLE_MAX_BYTES}
        return render(request, "review/articles/submit.html", context, status=status)

    if request.method != "POST":
        return page(status=200)
    if not form.is_valid():
        return page(status=400)
    data = form.cleaned_data
    upload = request.FILES.get("upload")
    try:
        result = article_create(
            body=data["body"],
            published=data.get("published"),
            outlet_name=data.get("outlet") or "",
            url=data.get("url") or "",
            headline=data.get("headline") or "",
            source_name=upload.name if upload else "pasted text",
            submitted_by=request.user,
        )
    except ApplicationError as exc:
        return refused(request, exc, form=form, field="text", rerender=page)
    except BROKER_ERRORS:
        # The article is committed; only queueing its extraction failed (the broker is down).
        # It stays pending, and the periodic sweep (extraction_requeue_stuck) queues it again.
        article = Article.objects.filter(fingerprint=body_fingerprint(data["body"])).first()
        if article is None:
            raise
        log.warning("article %s stored; extraction not queued: the broker is unreachable", article.pk)
        messages.warning(request, DELAYED_MESSAGE)
        return redirect(article)
    article = result.article
    if not result.created:
        messages.warning(
            request,
            format_html(
                'This text is already on the desk: <a href="{}">{}</a>. Nothing new was stored.',
                article.get_absolute_url(),
                article.headline or f"article #{article.pk}",
            ),
        )
    else:
        messages.success(request, submitted_message(article))
    return redirect(article)


def submitted_message(article: Article) -> str:
    """What the editor is told after a paste: the truth about its extraction right now."""
    return presenters.extraction_message(article, "submitted")


# --- The reader ----------------------------------------------------------------------------------

# The placeholder prefix of the reader's form templates; reader.js puts "claim-12-edit" in its place.
FORM_PREFIX = "__prefix__"
_SENTINEL = 2_147_483_647  # a primary key no row has, to reverse a URL once per page


def _url_maker(name: str, *args: int):
    """`reverse(name, args=[*args, pk])` as a function of pk, reversed once: the reader links every
    candidate to five URLs, and 2,000 reverse() calls were a tenth of a long article's time."""
    head, tail = reverse(name, args=[*args, _SENTINEL]).rsplit(str(_SENTINEL), 1)
    return lambda pk: f"{head}{pk}{tail}"


def quote_actions(quote: Quote, user) -> frozenset[str]:
    """The reader's buttons for a quote (quotes have triage only, no verdict workflow)."""
    if not has_cap(user, Cap.REVIEW):
        return frozenset()
    decisions = {"accept": CandidateStatus.ACCEPTED, "reject": CandidateStatus.REJECTED}
    return frozenset({"edit"} | {name for name, status in decisions.items() if quote.status != status})


def reader_context(request, article: Article, *, bound: dict[str, Any] | None = None) -> dict:
    """Everything the reader shows, and the triage buttons each candidate offers this user
    (`actions`).

    The edit and split forms are not drawn per candidate: a 400-candidate article drew 800
    forms (about 1.2 MB of its 1.9 MB of HTML). The page carries one empty form of each kind
    (`edit_templates`), which reader.js copies into a candidate's "Edit" or "Split" when it
    is opened, filled from the candidate's data attributes. Without the script the same
    disclosure links to `?form=<key>-edit`, which draws that one candidate's form here; a form
    that came back with errors (`bound`) is drawn the same way.

    By default the claims below the check-worthiness threshold are left out (their number is
    shown, with a link to `?show=all`); quotes are always shown."""
    bound = dict(bound or {})
    show_all = request.GET.get("show") == "all"
    threshold = settings.READER_CLAIM_THRESHOLD
    every_claim, quotes = selectors.article_claims(article), selectors.article_quotes(article)
    worth = [c for c in every_claim if presenters.claim_worth_showing(c, threshold)]
    claims = every_claim if show_all else worth
    asked = request.GET.get("form", "")  # the no-JS path: one candidate's form, drawn here
    url = {
        kind: {action: _url_maker(f"review:triage_{kind}_{action}", article.pk) for action in actions}
        for kind, actions in (("claim", ("accept", "reject", "edit", "split")), ("quote", ("accept", "reject", "edit")))
    }
    query = reader_query(request)  # the actions come back to this view (?show=all) without JS
    url["claim"]["open"], url["quote"]["open"] = _url_maker("review:claim"), _url_maker("review:quote")
    for claim in claims:
        key = f"claim-{claim.pk}"
        claim.cand_key, claim.cand_kind = key, "claim"
        claim.urls = {
            action: make(claim.pk) + ("" if action == "open" else query) for action, make in url["claim"].items()
        }
        claim.actions = claim_actions(claim, request.user)
        claim.edit_form = bound.get(f"{key}-edit")
        if claim.edit_form is None and asked == f"{key}-edit":
            initial = {"start": claim.start, "end": claim.end, "version": claim.version}
            claim.edit_form = SpanForm(prefix=asked, initial=initial)
        claim.split_form = bound.get(f"{key}-split")
        if claim.split_form is None and asked == f"{key}-split":
            claim.split_form = SplitForm(prefix=asked, initial={"version": claim.version})
    for quote in quotes:
        key = f"quote-{quote.pk}"
        quote.cand_key, quote.cand_kind = key, "quote"
        quote.urls = {
            action: make(quote.pk) + ("" if action == "open" else query) for action, make in url["quote"].items()
        }
        quote.actions = quote_actions(quote, request.user)
        quote.speaker_label = quote.speaker.name if quote.speaker_id else quote.speaker_text
        quote.edit_form = bound.get(f"{key}-edit")
        if quote.edit_form is None and asked == f"{key}-edit":
            initial = {"start": quote.start, "end": quote.end, "version": quote.version}
            quote.edit_form = QuoteEditForm(prefix=asked, initial={**initial, "speaker_name": quote.speaker_label})
    live = [c for c in [*claims, *quotes] if c.status != CandidateStatus.REJECTED]
    rejected = [c for c in [*claims, *quotes] if c.status == CandidateStatus.REJECTED]
    # One list in reading order, so j/k walk the candidates as the text runs.
    by_position = lambda c: (c.start, c.end, c.cand_kind, c.pk)  # noqa: E731
    below = len(every_claim) - len(worth)
    return {
        "article": article,
        "show_all": show_all,
        "reader_query": reader_query(request),  # appended to the forms' actions
        # Claims under the threshold: hidden now, or (with ?show=all) shown as well.
        "hidden_claims": below,
        "threshold": threshold,
        "body_html": presenters.hide_intake_header(
            article.body,
            selectors.body_html(article.body, claims=claims, quotes=quotes),
            first_span_start=min((c.start for c in [*claims, *quotes]), default=None),
        ),
        "candidates": sorted(live, key=by_position),
        "rejected": sorted(rejected, key=by_position),
        "add_form": bound.get("add") or AddSpanForm(),
        # The one empty form of each kind that reader.js fills in (see above).
        "edit_templates": {
            "claim": SpanForm(prefix=FORM_PREFIX),
            "quote": QuoteEditForm(prefix=FORM_PREFIX),
            "split": SplitForm(prefix=FORM_PREFIX),
        },
        "status": selectors.article_status(article),
    }


# The reader's own query parameters and the values it understands: kept through its forms'
# POST/redirect/GET (no JavaScript), and nothing else is carried.
READER_PARAMS = {"show": ("all",)}


def reader_query(request) -> str:
    """`?show=all` (the reader's parameters on this request, known values only), or ""."""
    kept = {name: request.GET[name] for name, values in READER_PARAMS.items() if request.GET.get(name) in values}
    return "?" + urlencode(kept) if kept else ""


def render_reader(request, article: Article, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    context = reader_context(request, article, bound=bound)
    return render(request, "review/articles/detail.html", context, status=status)


@require_GET
def article_detail(request, pk: int):
    return render_reader(request, article_for(request.user, pk))


@require_GET
def article_panels(request, pk: int):
    """The body and the candidate list alone, for the reader's script to swap in after a change."""
    article = article_for(request.user, pk)
    return render(request, "review/articles/_panels.html", reader_context(request, article))


@require_GET
def article_status(request, pk: int):
    article = article_for(request.user, pk)
    return JsonResponse(selectors.article_status(article))
