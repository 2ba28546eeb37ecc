"""The reader's triage actions: accept, reject, edit, split, merge and add claims and quotes.

POST only. The reader's script asks with `Accept: application/json` and gets JSON; without
JavaScript each action redirects back to the candidate (post/redirect/get), or re-renders the
reader with the form and what the editor typed when it comes back with errors.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from factcheck.accounts.roles import Cap
from factcheck.articles.models import Article
from factcheck.claims import services
from factcheck.claims.models import CandidateStatus, Claim
from factcheck.core.errors import ApplicationError, StaleEdit
from factcheck.review.access import article_for, claim_for, quote_for
from factcheck.review.forms.triage import AddSpanForm, DecisionForm, MergeForm, QuoteEditForm, SpanForm, SplitForm
from factcheck.review.responses import (
    done,
    form_errors_text,
    invalid,
    refused,
    show,
    stale_changes,
    stale_message,
)
from factcheck.review.views.articles import reader_query, render_reader


def _reader_url(request, article: Article, anchor: str = "") -> str:
    """Back to the candidate in the reader, as the editor was reading it (`?show=all` kept:
    the reader's forms post to an address carrying the reader's own query)."""
    url = reverse("review:article", args=[article.pk]) + reader_query(request)
    return url + (f"#{anchor}" if anchor else "")


def _rerender(request, article: Article, form, bound_key: str):
    def page(*, status: int) -> HttpResponse:
        return render_reader(request, article, bound={bound_key: form}, status=status)

    return page


def _span_typed(body: str, start: int, end: int) -> dict[str, Any]:
    """The span fields an edit would write, as the service would store them."""
    with contextlib.suppress(ApplicationError):  # the service refuses a bad span itself
        start, end = services.span_clean(body=body, start=start, end=end)
    return {"start": start, "end": end, "text": body[start:end]}


def _refused(
    request,
    article: Article,
    exc: ApplicationError,
    *,
    typed: dict[str, Any],
    anchor: str,
    form=None,
    bound_key: str = "",
    field: str | None = None,
) -> HttpResponse:
    """A refusal on the reader. A stale save keeps what the editor typed, moved onto the stored
    version (so saving again is a deliberate choice), and says what differs: yours / stored."""
    if not isinstance(exc, StaleEdit):
        rerender = _rerender(request, article, form, bound_key) if form is not None else None
        return refused(
            request, exc, form=form, field=field, rerender=rerender, redirect_to=_reader_url(request, article, anchor)
        )
    changes = stale_changes(exc, typed)
    data = {
        "stale": True,
        "changes": {name: [show(yours, empty=""), show(stored, empty="")] for name, (yours, stored) in changes.items()},
        "version": exc.obj.version,
    }
    rerender = None
    if form is not None:
        posted = form.data.copy()
        posted[form.add_prefix("version")] = str(exc.obj.version)
        rebound = type(form)(posted, prefix=form.prefix)
        rebound.is_valid()
        rerender = _rerender(request, article, rebound, bound_key)
    message = stale_message(exc, changes)
    back = _reader_url(request, article, anchor)
    return refused(request, exc, message=message, data=data, rerender=rerender, redirect_to=back)


def _decide(request, pk: int, obj_pk: int, *, kind: str, decision: str):
    article = article_for(request.user, pk, Cap.REVIEW)
    obj = (claim_for if kind == "claim" else quote_for)(request.user, obj_pk, Cap.REVIEW, article=article)
    form = DecisionForm(request.POST)
    anchor = f"cand-{kind}-{obj.pk}"
    if not form.is_valid():
        return refused(
            request,
            ApplicationError("The request was malformed; reload the article."),
            redirect_to=_reader_url(request, article, anchor),
        )
    version = form.cleaned_data.get("version")
    service = {
        ("claim", "accept"): lambda: services.claim_accept(claim=obj, actor=request.user, expected_version=version),
        ("claim", "reject"): lambda: services.claim_reject(claim=obj, actor=request.user, expected_version=version),
        ("quote", "accept"): lambda: services.quote_accept(quote=obj, actor=request.user, expected_version=version),
        ("quote", "reject"): lambda: services.quote_reject(quote=obj, actor=request.user, expected_version=version),
    }[(kind, decision)]
    try:
        service()
    except ApplicationError as exc:
        status = CandidateStatus.ACCEPTED if decision == "accept" else CandidateStatus.REJECTED
        return _refused(request, article, exc, typed={"status": status.value}, anchor=anchor)
    verb = "accepted" if decision == "accept" else "rejected"
    return done(
        request,
        f"{kind.capitalize()} #{obj.pk} {verb}.",
        redirect_to=_reader_url(request, article, anchor),
        data={"status": obj.status, "version": obj.version, "key": f"{kind}-{obj.pk}"},
    )


@require_POST
def claim_accept(request, pk: int, claim_pk: int):
    return _decide(request, pk, claim_pk, kind="claim", decision="accept")


@require_POST
def claim_reject(request, pk: int, claim_pk: int):
    return _decide(request, pk, claim_pk, kind="claim", decision="reject")


@require_POST
def quote_accept(request, pk: int, quote_pk: int):
    return _decide(request, pk, quote_pk, kind="quote", decision="accept")


@require_POST
def quote_reject(request, pk: int, quote_pk: int):
    return _decide(request, pk, quote_pk, kind="quote", decision="reject")


@require_POST
def claim_edit(request, pk: int, claim_pk: int):
    article = article_for(request.user, pk, Cap.REVIEW)
    claim: Claim = claim_for(request.user, claim_pk, Cap.REVIEW, article=article)
    key = f"claim-{claim.pk}-edit"
    form = SpanForm(request.POST, prefix=key)
    anchor = f"cand-claim-{claim.pk}"
    if not form.is_valid():
        message = "The claim was not changed: check the offsets."
        return invalid(request, form, message=message, rerender=_rerender(request, article, form, key))
    data = form.cleaned_data
    try:
        services.claim_edit_span(
            claim=claim, start=data["start"], end=data["end"], actor=request.user, expected_version=data["version"]
        )
    except ApplicationError as exc:
        typed = _span_typed(article.body, data["start"], data["end"])
        return _refused(request, article, exc, typed=typed, anchor=anchor, form=form, bound_key=key)
    message = f"Claim #{claim.pk} now reads: {claim.text[:120]}"
    return done(request, message, redirect_to=_reader_url(request, article, anchor))


@require_POST
def quote_edit(request, pk: int, quote_pk: int):
    article = article_for(request.user, pk, Cap.REVIEW)
    quote = quote_for(request.user, quote_pk, Cap.REVIEW, article=article)
    key = f"quote-{quote.pk}-edit"
    form = QuoteEditForm(request.POST, prefix=key)
    anchor = f"cand-quote-{quote.pk}"
    if not form.is_valid():
        message = "The quote was not changed: check the form."
        return invalid(request, form, message=message, rerender=_rerender(request, article, form, key))
    data = form.cleaned_data
    speaker_name = data.get("speaker_name") or ""
    try:
        services.quote_edit(
            quote=quote,
            start=data["start"],
            end=data["end"],
            speaker_name=speaker_name,
            actor=request.user,
            expected_version=data["version"],
        )
    except ApplicationError as exc:
        typed = _span_typed(article.body, data["start"], data["end"])
        typed["speaker_text"] = " ".join(speaker_name.split())
        return _refused(request, article, exc, typed=typed, anchor=anchor, form=form, bound_key=key)
    return done(request, f"Quote #{quote.pk} saved.", redirect_to=_reader_url(request, article, anchor))


@require_POST
def claim_split(request, pk: int, claim_pk: int):
    article = article_for(request.user, pk, Cap.REVIEW)
    claim: Claim = claim_for(request.user, claim_pk, Cap.REVIEW, article=article)
    key = f"claim-{claim.pk}-split"
    form = SplitForm(request.POST, prefix=key)
    if not form.is_valid():
        message = "The claim was not split: check the offset."
        return invalid(request, form, message=message, rerender=_rerender(request, article, form, key))
    try:
        first, second = services.claim_split(
            claim=claim, at=form.cleaned_data["at"], actor=request.user, expected_version=form.cleaned_data["version"]
        )
    except ApplicationError as exc:
        anchor = f"cand-claim-{claim.pk}"
        return _refused(request, article, exc, typed={}, anchor=anchor, form=form, bound_key=key, field="at")
    message = f"Claim split into #{first.pk} and #{second.pk}."
    return done(request, message, redirect_to=_reader_url(request, article, f"cand-claim-{first.pk}"))


@require_POST
def claim_merge(request, pk: int):
    article = article_for(request.user, pk, Cap.REVIEW)
    ids = list(article.claims.values_list("pk", flat=True))
    form = MergeForm(request.POST, claim_ids=ids)
    if not form.is_valid():
        exc = ApplicationError(f"Nothing merged: {form_errors_text(form)}")
        return refused(request, exc, redirect_to=_reader_url(request, article))
    claims = list(Claim.objects.filter(article=article, pk__in=form.cleaned_data["claims"]))
    try:
        merged = services.claim_merge(claims=claims, actor=request.user)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=_reader_url(request, article))
    message = f"Merged into claim #{merged.pk}."
    key = f"claim-{merged.pk}"
    return done(request, message, redirect_to=_reader_url(request, article, f"cand-{key}"), data={"key": key})


def _add(request, pk: int, *, kind: str):
    article = article_for(request.user, pk, Cap.PROPOSE)
    form = AddSpanForm(request.POST)
    rerender = _rerender(request, article, form, "add")
    if not form.is_valid():
        return invalid(request, form, message=f"No {kind} added: check the selection.", rerender=rerender)
    data = form.cleaned_data
    try:
        if kind == "claim":
            obj = services.claim_add(article=article, start=data["start"], end=data["end"], actor=request.user)
        else:
            obj = services.quote_add(
                article=article,
                start=data["start"],
                end=data["end"],
                actor=request.user,
                speaker_name=data.get("speaker_name") or "",
            )
    except ApplicationError as exc:
        return refused(request, exc, form=form, rerender=rerender)
    return done(
        request,
        f"{kind.capitalize()} #{obj.pk} added: {obj.text[:120]}",
        redirect_to=_reader_url(request, article, f"cand-{kind}-{obj.pk}"),
        data={"key": f"{kind}-{obj.pk}"},
    )


@require_POST
def claim_add(request, pk: int):
    return _add(request, pk, kind="claim")


@require_POST
def quote_add(request, pk: int):
    return _add(request, pk, kind="quote")
