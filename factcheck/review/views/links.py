"""Cross-linking claims and quotes: the claim link search, creating a link from a result,
and confirming or dismissing a link (suggested by the system or proposed by a colleague).

A user who may review links directly; a reporter's link is a proposal (a suggestion).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from factcheck.accounts.roles import Cap, has_cap
from factcheck.claims.models import Claim, Quote
from factcheck.core.errors import ApplicationError
from factcheck.linking import services
from factcheck.linking.models import Relation
from factcheck.linking.selectors import claims_to_link, live_links_with
from factcheck.review.access import claim_for, link_for, quote_for
from factcheck.review.forms.links import LinkCreateForm, LinkDecisionForm, LinkSearchForm
from factcheck.review.responses import form_errors_text, refused
from factcheck.review.views.common import next_or


@require_GET
def claim_link_search(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk, Cap.PROPOSE)
    form = LinkSearchForm(request.GET)
    results: list[tuple[Claim, float]] = []
    status = 200
    if form.is_valid():
        results = claims_to_link(form.cleaned_data["q"], exclude=claim)
    elif request.GET:
        status = 400
    # Mark results already linked to this claim so the page says so instead of offering buttons.
    linked = live_links_with(claim, [c.pk for c, _ in results])
    rows = [{"claim": c, "score": score, "link": linked.get(c.pk)} for c, score in results]
    return render(
        request,
        "review/links/claim_search.html",
        {
            "claim": claim,
            "search_form": form,
            "rows": rows,
            "relations": Relation.choices,
            "searched": form.is_valid(),
        },
        status=status,
    )


def _link_create(request: HttpRequest, here: Claim | Quote, others, create, done) -> HttpResponse:
    """Link `here` to the posted target (one of `others`): confirmed for a reviewer, a
    proposal (a suggestion) for anyone else."""
    back = f"{here.get_absolute_url()}#links"
    form = LinkCreateForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    other = get_object_or_404(others.visible_to(request.user), pk=form.cleaned_data["target"])
    confirm = has_cap(request.user, Cap.REVIEW)
    try:
        link = create(a=here, b=other, relation=form.cleaned_data["relation"], actor=request.user, confirm=confirm)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=back)
    messages.success(request, done(link, other, confirm))
    return redirect(back)


@require_POST
def claim_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    def done(link, other, confirm):
        verb = "Linked" if confirm else "Link proposed"
        return f"{verb}: {link.get_relation_display().lower()} — claim {other.pk}."

    claim = claim_for(request.user, pk, Cap.PROPOSE)
    return _link_create(request, claim, Claim.objects, services.claim_link_create, done)


@require_POST
def quote_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    quote = quote_for(request.user, pk, Cap.PROPOSE)
    return _link_create(
        request,
        quote,
        Quote.objects,
        services.quote_link_create,
        lambda link, other, confirm: "Quotes linked." if confirm else "Link proposed.",
    )


def _decide(request: HttpRequest, link, default_url: str, *, confirm: bool) -> HttpResponse:
    back = next_or(request, default_url)
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        return refused(request, ApplicationError(form_errors_text(form)), redirect_to=back)
    try:
        if confirm:
            services.link_confirm(link=link, actor=request.user, relation=form.cleaned_data["relation"] or None)
        else:
            services.link_dismiss(link=link, actor=request.user)
    except ApplicationError as exc:
        return refused(request, exc, redirect_to=back)
    messages.success(request, "Link confirmed." if confirm else "Link dismissed.")
    return redirect(back)


@require_POST
def claim_link_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    link = link_for(request.user, pk, Cap.REVIEW)
    return _decide(request, link, f"{link.source.get_absolute_url()}#links", confirm=True)


@require_POST
def claim_link_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    link = link_for(request.user, pk, Cap.REVIEW)
    return _decide(request, link, f"{link.source.get_absolute_url()}#links", confirm=False)


@require_POST
def quote_link_confirm(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    quote = quote_for(request.user, pk)
    link = link_for(request.user, link_pk, Cap.REVIEW, quote=quote)
    return _decide(request, link, f"{quote.get_absolute_url()}#links", confirm=True)


@require_POST
def quote_link_dismiss(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    quote = quote_for(request.user, pk)
    link = link_for(request.user, link_pk, Cap.REVIEW, quote=quote)
    return _decide(request, link, f"{quote.get_absolute_url()}#links", confirm=False)
