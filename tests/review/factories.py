"""Data factories for the claim, linking and publishing tests (plain functions: each
makes one row with sensible defaults, and every argument can be overridden)."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from factcheck.articles.models import Article, Outlet
from factcheck.claims.models import CandidateStatus, Claim, Evidence, Quote, Rating, Workflow
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink, Relation

_seq = itertools.count(1)

HOSTILE = '<script>alert(1)</script>" onmouseover="alert(1)'


def outlet_make(name: str | None = None) -> Outlet:
    name = name or f"Outlet {next(_seq)}"
    return Outlet.objects.get_or_create(name=name)[0]


def article_make(
    *, text: str = "", outlet: str | None = None, published: datetime.date | None = None, url: str = ""
) -> Article:
    """An article whose body holds `text` as its second sentence (so it has context)."""
    n = next(_seq)
    body = f"Report number {n} opens here. {text} It closes with a last sentence {n}.\n"
    return Article.objects.create(
        body=body,
        outlet=outlet_make(outlet) if outlet is not False else None,
        published=published or datetime.date(2024, 8, 1) + datetime.timedelta(days=n % 28),
        headline=f"Headline {n}",
        url=url or f"https://news.example/{n}",
    )


def rating(slug: str = "false") -> Rating:
    return Rating.objects.get(scale__is_default=True, slug=slug)


def claim_make(
    text: str = "Troops captured 2km of the region on Wednesday.",
    *,
    article: Article | None = None,
    outlet: str | None = None,
    published: datetime.date | None = None,
    **fields,
) -> Claim:
    article = article or article_make(text=text, outlet=outlet, published=published)
    start = article.body.index(text)
    return Claim.objects.create(article=article, start=start, end=start + len(text), text=text, **fields)


def claim_labelled(text: str = "Unemployment fell to 3% last year.", *, by=None, workflow=Workflow.DRAFT, **kw):
    fields = {
        "verdict": rating("mostly-true"),
        "verdict_summary": "Close, but the figure was 3.2%.",
        "verdict_explanation": "The statistics office says 3.2%.",
        "verdict_by": by,
        "workflow": workflow,
        "status": CandidateStatus.ACCEPTED,  # a labelled claim has been accepted
    }
    if workflow == Workflow.PUBLISHED:
        fields["published_at"] = timezone.now()
    fields.update(kw)
    return claim_make(text, **fields)


def quote_make(text: str = "We are advancing on every front", *, speaker_text: str = "the president", **kw) -> Quote:
    article = article_make(text=f"“{text},” {speaker_text} said.", **kw)
    start = article.body.index(text)
    return Quote.objects.create(
        article=article, start=start, end=start + len(text), text=text, speaker_text=speaker_text
    )


def link_make(a, b, *, relation=Relation.SAME, state=LinkState.SUGGESTED, score=0.8, reason="same numbers"):
    model = ClaimLink if isinstance(a, Claim) else QuoteLink
    source, target = (a, b) if a.pk < b.pk else (b, a)
    return model.objects.create(
        source=source,
        target=target,
        relation=relation,
        state=state,
        score=score,
        reason=reason,
        origin=LinkOrigin.SYSTEM,
    )


def evidence_make(claim: Claim, n: int = 1, **kw) -> Evidence:
    fields = {"url": f"https://stats.example/{n}", "title": f"Source {n}", "note": f"Note {n}"}
    fields.update(kw)
    return Evidence.objects.create(claim=claim, **fields)
