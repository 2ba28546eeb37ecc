"""Reads for the editor workspace: querysets with their joins built in, and the highlighted body."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from factcheck.articles.models import Article, ExtractionState
from factcheck.claims.models import CandidateStatus, Claim, Quote
from factcheck.review import queues

# --- Article reader -------------------------------------------------------------------------


def article_claims(article: Article) -> list[Claim]:
    return list(article.claims.select_related("claimant", "verdict").order_by("start", "-end", "id"))


def article_quotes(article: Article) -> list[Quote]:
    return list(article.quotes.select_related("speaker").order_by("start", "-end", "id"))


@dataclass
class _Span:
    start: int
    end: int
    kind: str  # "claim" or "quote"
    obj: Claim | Quote
    order: int = field(default=0)
    opened: bool = field(default=False)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"

    def open_tag(self) -> str:
        # Only the first piece of a candidate carries the status glyph that CSS draws (::before).
        first = "" if self.opened else " hl-first"
        self.opened = True
        label = f"{self.kind} #{self.obj.pk}, {self.obj.get_status_display().lower()}"
        return (
            f'<mark class="hl hl-{self.kind} is-{escape(self.obj.status)}{first}" data-cand="{self.key}" '
            f'title="{escape(label.capitalize())}">'
        )


def _text(piece: str) -> str:
    # HTML parsing turns CR and CRLF into LF; a character reference keeps the CR, so the
    # DOM text (from which the browser computes selection offsets) is exactly the body.
    return escape(piece).replace("\r", "&#13;")


def body_html(body: str, *, claims: list[Claim], quotes: list[Quote]) -> SafeString:
    """The article body with every candidate wrapped in <mark>, every text piece escaped.

    Spans may nest (a claim containing a quote) or cross: the marks are kept well nested
    by closing and reopening the inner ones at a crossing, so one candidate may be drawn
    as several <mark> pieces that share its data-cand key. The text content of the result
    equals `body` character for character.
    """
    spans = [_Span(c.start, c.end, "claim", c) for c in claims if 0 <= c.start < c.end <= len(body)]
    spans += [_Span(q.start, q.end, "quote", q) for q in quotes if 0 <= q.start < q.end <= len(body)]
    # Outer spans first: earlier start, then longer.
    spans.sort(key=lambda s: (s.start, -s.end, s.kind))
    for number, span in enumerate(spans):
        span.order = number
    bounds = sorted({0, len(body), *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[_Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)

    out: list[str] = []
    stack: list[_Span] = []
    for here, nxt in zip(bounds, bounds[1:], strict=False):
        # Close what ends here; reopen what was above it but goes on.
        if any(s.end <= here for s in stack):
            keep = [s for s in stack if s.end > here]
            out.append("</mark>" * len(stack))
            stack = keep
            out.extend(s.open_tag() for s in stack)
        for span in starting.get(here, []):
            out.append(span.open_tag())
            stack.append(span)
        out.append(_text(body[here:nxt]))
    out.append("</mark>" * len(stack))
    return mark_safe("".join(out))  # noqa: S308 - every text piece and attribute above is escaped


def article_status(article: Article) -> dict:
    counts = {
        "claims": article.claims.exclude(status=CandidateStatus.REJECTED).count(),
        "quotes": article.quotes.exclude(status=CandidateStatus.REJECTED).count(),
    }
    return {
        "state": article.extraction_state,
        "label": article.get_extraction_state_display(),
        "error": article.extraction_error,
        "finished": article.extraction_state in (ExtractionState.DONE, ExtractionState.FAILED),
        "finished_at": article.extraction_finished_at.isoformat() if article.extraction_finished_at else None,
        "extractor_version": article.extractor_version,
        **counts,
    }


# --- Dashboard ------------------------------------------------------------------------------


def articles_with_counts(user) -> QuerySet[Article]:
    """Articles with `open_claims` (their claims in the triage queue: check-worthy candidates)
    and `open_quotes` (their candidate quotes), as subqueries (one query per page, whatever its
    size). The definitions are the queues' (`factcheck.review.queues`), so the articles list,
    the dashboard's article rows and the triage queue filtered by article agree."""
    return (
        Article.objects.visible_to(user)
        .with_outlet()
        .defer("body")
        .annotate(
            open_claims=queues.count_per_article(queues.TRIAGE.queryset(user)),
            open_quotes=queues.count_per_article(queues.quotes_to_triage(user)),
        )
    )


# --- Search ---------------------------------------------------------------------------------


def _text_filter(qs: QuerySet, q: str, fields: list[str], *, stored: str | None = None) -> QuerySet:
    """Rows matching the words of `q`: on PostgreSQL by full-text search, on the stored
    `tsvector` column `stored` when the model has one (claims: GIN-indexed, claims 0007),
    else on `fields` (matching the expression indexes of claims 0005); on SQLite by LIKE."""
    q = q.strip()
    if not q:
        return qs
    if settings.USING_POSTGRES:
        query = SearchQuery(q, config="english", search_type="websearch")
        if stored:
            return qs.filter(**{stored: query})
        return qs.annotate(_search=SearchVector(*fields, config="english")).filter(_search=query)
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    return qs.filter(cond)


ARTICLE_SORTS = {
    "published": ("published", "id"),
    "-published": ("-published", "-id"),
    "outlet": ("outlet__name", "-published", "-id"),
    "headline": ("headline", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "open": ("open_claims", "id"),
    "-open": ("-open_claims", "-id"),
}


def _common(qs: QuerySet, data: dict, prefix: str = "") -> QuerySet:
    if data.get("outlet"):
        qs = qs.filter(**{f"{prefix}outlet": data["outlet"]})
    if data.get("date_from"):
        qs = qs.filter(**{f"{prefix}published__gte": data["date_from"]})
    if data.get("date_to"):
        qs = qs.filter(**{f"{prefix}published__lte": data["date_to"]})
    return qs


def article_search(user, data: dict) -> QuerySet[Article]:
    qs = _common(articles_with_counts(user), data)
    qs = _text_filter(qs, data.get("q") or "", ["headline", "body"])
    if data.get("state"):
        qs = qs.filter(extraction_state=data["state"])
    return qs.order_by(*ARTICLE_SORTS.get(data.get("sort") or "", ARTICLE_SORTS["-published"]))
