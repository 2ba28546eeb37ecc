"""The editor workspace: dashboard, article list and search, submission, and the article reader.

Every view: permission check (access.py), form validation, one service call, then
redirect (post/redirect/get), or JSON when the reader's script asks with
`Accept: application/json`. Triage forms work without JavaScript too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from factcheck.accounts.roles import Cap
from factcheck.articles.models import Article, ArticleKind
from factcheck.articles.services import article_create
from factcheck.claims import services as triage
from factcheck.claims.models import CandidateStatus, Claim, Quote
from factcheck.core.errors import StaleEdit
from factcheck.review import selectors
from factcheck.review.access import article_for, claim_for, quote_for, workspace_view
from factcheck.review.forms import (
    AddSpanForm,
    ArticleSubmitForm,
    DecisionForm,
    MergeForm,
    QuoteEditForm,
    SearchForm,
    SpanForm,
    SplitForm,
)

PAGE_SIZE = 50


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _reader_url(article: Article, anchor: str = "") -> str:
    return reverse("review:article", args=[article.pk]) + (f"#{anchor}" if anchor else "")


def _done(request, article: Article, message: str, *, anchor: str = "", data: dict | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"ok": True, "message": message, **(data or {})})
    messages.success(request, message)
    return redirect(_reader_url(article, anchor))


def _refused(request, article: Article, message: str, *, status: int = 400, anchor: str = "", data=None):
    if wants_json(request):
        return JsonResponse({"ok": False, "message": message, **(data or {})}, status=status)
    messages.error(request, message)
    return redirect(_reader_url(article, anchor))


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    text = str(value)
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


def stale_message(exc: StaleEdit) -> str:
    noun = exc.obj._meta.verbose_name
    parts = [
        f"{name}: {_show(seen)} → {_show(now)}"
        for name, (seen, now) in {k: (None, v) for k, v in exc.stored.items()}.items()
    ]
    changed = "; ".join(parts) if parts else "its version"
    return (
        f"Not saved: someone else changed this {noun} after you opened it ({changed}). "
        "Check the current version below; your own values are kept so you can save again."
    )


# --- Dashboard, lists, search -------------------------------------------------------------------


@require_GET
@workspace_view()
def dashboard(request):
    summary = selectors.dashboard_summary(request.user)
    return render(request, "review/dashboard.html", {"summary": summary, "charts": summary["charts"]})


def _sort_links(request, sorts: dict, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the query string that sorts by it (toggling direction) and aria-sort."""
    links = {}
    params = request.GET.copy()
    params.pop("page", None)
    for key in sorts:
        base = key.lstrip("-")
        if base in links:
            continue
        asc, desc = base, f"-{base}"
        target = desc if current == asc and desc in sorts else (asc if asc in sorts else desc)
        if current == desc and asc in sorts:
            target = asc
        params["sort"] = target
        state = "ascending" if current == asc else "descending" if current == desc else "none"
        links[base] = {"query": params.urlencode(), "aria": state}
    return links


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


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
        "review/article_list.html",
        {
            "form": form,
            "page": _page(request, articles),
            "sorts": _sort_links(request, selectors.ARTICLE_SORTS, sort),
            "qs": _querystring_without_page(request),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


SEARCH_SCOPES = {
    "claims": (selectors.claim_search, selectors.CLAIM_SORTS, "-score"),
    "quotes": (selectors.quote_search, selectors.QUOTE_SORTS, "-created"),
    "articles": (selectors.article_search, selectors.ARTICLE_SORTS, "-published"),
}
SEARCH_FIELDS = {
    "claims": [
        "q",
        "outlet",
        "date_from",
        "date_to",
        "speaker",
        "status",
        "checkworthy",
        "verdict",
        "score_min",
        "score_max",
    ],
    "quotes": ["q", "outlet", "date_from", "date_to", "speaker", "status"],
    "articles": ["q", "outlet", "date_from", "date_to", "state"],
}


@require_GET
@workspace_view()
def search(request):
    scope = request.GET.get("scope") or "claims"
    if scope not in SEARCH_SCOPES:
        scope = "claims"
    run, sorts, default_sort = SEARCH_SCOPES[scope]
    params = request.GET.copy()
    params["scope"] = scope
    form = SearchForm(params, sorts=sorts, fields=[*SEARCH_FIELDS[scope], "scope"])
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    results = run(request.user, data)
    sort = data.get("sort") or default_sort
    return render(
        request,
        "review/search.html",
        {
            "form": form,
            "scope": scope,
            "page": _page(request, results),
            "sorts": _sort_links(request, sorts, sort),
            "qs": _querystring_without_page(request),
        },
        status=200 if valid else 400,
    )


# --- Submitting an article ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@workspace_view(Cap.SUBMIT)
def article_submit(request):
    form = ArticleSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
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
        except ValueError as exc:
            form.add_error("text", str(exc))
        else:
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
                messages.success(request, "Article submitted; the extractor is looking for quotes and claims.")
            return redirect(article)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "max_bytes": settings.ARTICLE_MAX_BYTES}
    return render(request, "review/article_submit.html", context, status=status)


# --- The article reader --------------------------------------------------------------------------


def _reader_context(request, article: Article, *, bound: dict[str, Any] | None = None) -> dict:
    """Everything the reader shows, with one edit/split form per candidate (or the bound one with errors)."""
    bound = bound or {}
    claims, quotes = selectors.article_claims(article), selectors.article_quotes(article)
    for claim in claims:
        key = f"claim-{claim.pk}"
        claim.cand_key, claim.cand_kind = key, "claim"
        initial = {"start": claim.start, "end": claim.end, "version": claim.version}
        initial.update(seen_start=claim.start, seen_end=claim.end)
        claim.edit_form = bound.get(f"{key}-edit") or SpanForm(prefix=f"{key}-edit", initial=initial)
        claim.split_form = bound.get(f"{key}-split") or SplitForm(
            prefix=f"{key}-split", initial={"version": claim.version}
        )
    for quote in quotes:
        key = f"quote-{quote.pk}"
        quote.cand_key, quote.cand_kind = key, "quote"
        speaker = quote.speaker.name if quote.speaker_id else quote.speaker_text
        initial = {"start": quote.start, "end": quote.end, "version": quote.version, "speaker_name": speaker}
        initial.update(seen_start=quote.start, seen_end=quote.end)
        quote.edit_form = bound.get(f"{key}-edit") or QuoteEditForm(prefix=f"{key}-edit", initial=initial)
    live = [c for c in [*claims, *quotes] if c.status != CandidateStatus.REJECTED]
    rejected = [c for c in [*claims, *quotes] if c.status == CandidateStatus.REJECTED]
    # One list in reading order, so j/k walk the candidates as the text runs.
    by_position = lambda c: (c.start, c.end, c.cand_kind, c.pk)  # noqa: E731
    return {
        "article": article,
        "body_html": selectors.body_html(article.body, claims=claims, quotes=quotes),
        "candidates": sorted(live, key=by_position),
        "rejected": sorted(rejected, key=by_position),
        "add_form": bound.get("add") or AddSpanForm(),
        "merge_error": bound.get("merge_error"),
        "status": selectors.article_status(article),
    }


def _render_reader(request, article: Article, *, bound: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "review/article_detail.html", _reader_context(request, article, bound=bound), status=status)


@require_GET
@workspace_view()
def article_detail(request, pk: int):
    return _render_reader(request, article_for(request.user, pk))


@require_GET
@workspace_view()
def article_panels(request, pk: int):
    """The body and the candidate list alone, for the reader's script to swap in after a change."""
    article = article_for(request.user, pk)
    return render(request, "review/_reader_panels.html", _reader_context(request, article))


@require_GET
@workspace_view()
def article_status(request, pk: int):
    article = article_for(request.user, pk)
    return JsonResponse(selectors.article_status(article))


# --- Triage actions ------------------------------------------------------------------------------


def _as_seen(obj: Claim | Quote, *, version: int | None, seen: dict[str, Any], body: str) -> None:
    """Give obj the values the editor saw (hidden form fields) when the row has moved on since.

    Only the refusal uses them: the service snapshots obj before saving, and a stale
    save then reports "what you saw -> what is stored now".
    """
    if version is None or version == obj.version:
        return
    if seen.get("status"):
        obj.status = seen["status"]
    start, end = seen.get("start"), seen.get("end")
    if start is not None and end is not None and 0 <= start < end <= len(body):
        obj.start, obj.end, obj.text = start, end, body[start:end]


def _form_errors_json(form) -> dict:
    errors = {}
    for name, errs in form.errors.items():
        field = form.add_prefix(name) if name != "__all__" else "__all__"
        errors[field] = [str(e) for e in errs]
    return errors


def _invalid(request, article: Article, form, *, bound_key: str, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"ok": False, "message": message, "errors": _form_errors_json(form)}, status=400)
    messages.error(request, message)
    return _render_reader(request, article, bound={bound_key: form}, status=400)


def _stale(request, article: Article, exc: StaleEdit, *, form=None, bound_key: str = "") -> HttpResponse:
    message = stale_message(exc)
    changes = {k: [str(v[0]), str(v[1])] for k, v in {k: (None, v) for k, v in exc.stored.items()}.items()}
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "stale": True, "message": message, "changes": changes, "version": exc.obj.version},
            status=409,
        )
    messages.error(request, message)
    if form is None:
        return redirect(_reader_url(article, f"cand-{type(exc.obj).__name__.lower()}-{exc.obj.pk}"))
    # Keep what the editor typed, now based on the current version: saving again is a deliberate choice.
    data = form.data.copy()
    data[form.add_prefix("version")] = str(exc.obj.version)
    if "seen_start" in form.fields:
        data[form.add_prefix("seen_start")] = str(exc.obj.start)
        data[form.add_prefix("seen_end")] = str(exc.obj.end)
    rebound = type(form)(data, prefix=form.prefix)
    rebound.is_valid()
    return _render_reader(request, article, bound={bound_key: rebound}, status=409)


def _decide(request, pk: int, obj_pk: int, *, kind: str, decision: str):
    article = article_for(request.user, pk)
    obj = (claim_for if kind == "claim" else quote_for)(request.user, article=article, pk=obj_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, article, "The request was malformed; reload the article.")
    service = {
        ("claim", "accept"): lambda: triage.claim_accept(claim=obj, actor=request.user, expected_version=version),
        ("claim", "reject"): lambda: triage.claim_reject(claim=obj, actor=request.user, expected_version=version),
        ("quote", "accept"): lambda: triage.quote_accept(quote=obj, actor=request.user, expected_version=version),
        ("quote", "reject"): lambda: triage.quote_reject(quote=obj, actor=request.user, expected_version=version),
    }[(kind, decision)]
    version = form.cleaned_data.get("version")
    _as_seen(obj, version=version, seen={"status": form.cleaned_data.get("seen_status")}, body=article.body)
    anchor = f"cand-{kind}-{obj.pk}"
    try:
        service()
    except StaleEdit as exc:
        return _stale(request, article, exc)
    except triage.TriageError as exc:
        return _refused(request, article, str(exc), anchor=anchor)
    verb = "accepted" if decision == "accept" else "rejected"
    return _done(
        request,
        article,
        f"{kind.capitalize()} #{obj.pk} {verb}.",
        anchor=anchor,
        data={"status": obj.status, "version": obj.version, "key": f"{kind}-{obj.pk}"},
    )


@require_POST
@workspace_view(Cap.REVIEW)
def claim_accept(request, pk: int, claim_pk: int):
    return _decide(request, pk, claim_pk, kind="claim", decision="accept")


@require_POST
@workspace_view(Cap.REVIEW)
def claim_reject(request, pk: int, claim_pk: int):
    return _decide(request, pk, claim_pk, kind="claim", decision="reject")


@require_POST
@workspace_view(Cap.REVIEW)
def quote_accept(request, pk: int, quote_pk: int):
    return _decide(request, pk, quote_pk, kind="quote", decision="accept")


@require_POST
@workspace_view(Cap.REVIEW)
def quote_reject(request, pk: int, quote_pk: int):
    return _decide(request, pk, quote_pk, kind="quote", decision="reject")


@require_POST
@workspace_view(Cap.REVIEW)
def claim_edit(request, pk: int, claim_pk: int):
    article = article_for(request.user, pk)
    claim: Claim = claim_for(request.user, article=article, pk=claim_pk)
    key = f"claim-{claim.pk}-edit"
    form = SpanForm(request.POST, prefix=key)
    if not form.is_valid():
        return _invalid(request, article, form, bound_key=key, message="The claim was not changed: check the offsets.")
    data = form.cleaned_data
    seen = {"start": data.get("seen_start"), "end": data.get("seen_end")}
    _as_seen(claim, version=data["version"], seen=seen, body=article.body)
    try:
        triage.claim_edit_span(
            claim=claim, start=data["start"], end=data["end"], actor=request.user, expected_version=data["version"]
        )
    except StaleEdit as exc:
        return _stale(request, article, exc, form=form, bound_key=key)
    except triage.TriageError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, article, form, bound_key=key, message=str(exc))
    return _done(request, article, f"Claim #{claim.pk} now reads: {claim.text[:120]}", anchor=f"cand-claim-{claim.pk}")


@require_POST
@workspace_view(Cap.REVIEW)
def quote_edit(request, pk: int, quote_pk: int):
    article = article_for(request.user, pk)
    quote: Quote = quote_for(request.user, article=article, pk=quote_pk)
    key = f"quote-{quote.pk}-edit"
    form = QuoteEditForm(request.POST, prefix=key)
    if not form.is_valid():
        return _invalid(request, article, form, bound_key=key, message="The quote was not changed: check the form.")
    data = form.cleaned_data
    seen = {"start": data.get("seen_start"), "end": data.get("seen_end")}
    _as_seen(quote, version=data["version"], seen=seen, body=article.body)
    try:
        triage.quote_edit(
            quote=quote,
            start=data["start"],
            end=data["end"],
            speaker_name=data.get("speaker_name") or "",
            actor=request.user,
            expected_version=data["version"],
        )
    except StaleEdit as exc:
        return _stale(request, article, exc, form=form, bound_key=key)
    except triage.TriageError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, article, form, bound_key=key, message=str(exc))
    return _done(request, article, f"Quote #{quote.pk} saved.", anchor=f"cand-quote-{quote.pk}")


@require_POST
@workspace_view(Cap.REVIEW)
def claim_split(request, pk: int, claim_pk: int):
    article = article_for(request.user, pk)
    claim: Claim = claim_for(request.user, article=article, pk=claim_pk)
    key = f"claim-{claim.pk}-split"
    form = SplitForm(request.POST, prefix=key)
    if not form.is_valid():
        return _invalid(request, article, form, bound_key=key, message="The claim was not split: check the offset.")
    try:
        first, second = triage.claim_split(
            claim=claim, at=form.cleaned_data["at"], actor=request.user, expected_version=form.cleaned_data["version"]
        )
    except StaleEdit as exc:
        return _stale(request, article, exc, form=form, bound_key=key)
    except triage.TriageError as exc:
        form.add_error("at", str(exc))
        return _invalid(request, article, form, bound_key=key, message=str(exc))
    return _done(request, article, f"Claim split into #{first.pk} and #{second.pk}.", anchor=f"cand-claim-{first.pk}")


@require_POST
@workspace_view(Cap.REVIEW)
def claim_merge(request, pk: int):
    article = article_for(request.user, pk)
    ids = list(article.claims.values_list("pk", flat=True))
    form = MergeForm(request.POST, claim_ids=ids)
    if not form.is_valid():
        message = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return _refused(request, article, f"Nothing merged: {message}")
    claims = list(Claim.objects.filter(article=article, pk__in=form.cleaned_data["claims"]))
    try:
        merged = triage.claim_merge(claims=claims, actor=request.user)
    except triage.TriageError as exc:
        return _refused(request, article, str(exc))
    return _done(request, article, f"Merged into claim #{merged.pk}.", anchor=f"cand-claim-{merged.pk}")


def _add(request, pk: int, *, kind: str):
    article = article_for(request.user, pk)
    form = AddSpanForm(request.POST)
    if not form.is_valid():
        return _invalid(request, article, form, bound_key="add", message=f"No {kind} added: check the selection.")
    data = form.cleaned_data
    try:
        if kind == "claim":
            obj = triage.claim_add(article=article, start=data["start"], end=data["end"], actor=request.user)
        else:
            obj = triage.quote_add(
                article=article,
                start=data["start"],
                end=data["end"],
                actor=request.user,
                speaker_name=data.get("speaker_name") or "",
            )
    except triage.TriageError as exc:
        form.add_error(None, str(exc))
        return _invalid(request, article, form, bound_key="add", message=str(exc))
    return _done(
        request,
        article,
        f"{kind.capitalize()} #{obj.pk} added: {obj.text[:120]}",
        anchor=f"cand-{kind}-{obj.pk}",
        data={"key": f"{kind}-{obj.pk}"},
    )


@require_POST
@workspace_view(Cap.PROPOSE)
def claim_add(request, pk: int):
    return _add(request, pk, kind="claim")


@require_POST
@workspace_view(Cap.PROPOSE)
def quote_add(request, pk: int):
    return _add(request, pk, kind="quote")
