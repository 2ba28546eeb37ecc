"""The rows of an export: the web search's own querysets (factcheck/review/search_selectors.py,
one filter definition for the page, the export and the API), read as `values()` tuples
through a server-side cursor (`.iterator(chunk_size=...)`), so a million rows stream through
in chunks and no model instance is built.

The claims export leads with the columns of Duke Reporters' Lab's Fact-Check Insights
ClaimReview CSV, in its order, then adds the desk's own. The column list is the one its
code writes: `ClaimReview.csv_headers` in TechAndCheck/zenodotus (the application behind
factcheckinsights.org), app/models/claim_review.rb at commit e87bce1bbffb69f80839c8c1456945e0873681a0
(27 columns, then `itemReviewed.appearance.<n>.url` / `.@type` for n = 1..15); the Reporters'
Lab's guide "What exactly is the Fact-Check Insights dataset?" (2024-06-20) describes the
same fields. A claim that is not published has no ClaimReview yet: its review columns
(url, datePublished, author) stay empty, and the claim, rating and claimant are filled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import CharField, DateTimeField, Func, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from factcheck.claims.models import Correction, PersonKind, Rating
from factcheck.linking.models import ClaimLink, QuoteLink
from factcheck.review import search_selectors

CHUNK_SIZE = 2000
APPEARANCES = 15

FACT_CHECK_INSIGHTS_COLUMNS = [
    "id",
    "@context",
    "@type",
    "claimReviewed",
    "datePublished",
    "url",
    "author.@type",
    "author.name",
    "author.url",
    "itemReviewed.@type",
    "itemReviewed.author.name",
    "itemReviewed.author.@type",
    "itemReviewed.author.sameAs",
    "reviewRating.@type",
    "reviewRating.ratingValue",
    "reviewRating.alternateName",
    "author.image",
    "itemReviewed.name",
    "itemReviewed.datePublished",
    "itemReviewed.firstAppearance.url",
    "itemReviewed.firstAppearance.type",
    "itemReviewed.author.image",
    "reviewRating.ratingExplanation",
    "itemReviewed.author.jobTitle",
    "reviewRating.bestRating",
    "reviewRating.worstRating",
    "reviewRating.image",
    *[f"itemReviewed.appearance.{n}.{key}" for n in range(1, APPEARANCES + 1) for key in ("url", "@type")],
]
# The desk's own columns, after Fact-Check Insights'.
CLAIM_OWN_COLUMNS = [
    "dateModified",
    "desk.url",
    "stage",
    "status",
    "workflow",
    "verdict.slug",
    "verdict.summary",
    "claimant_text",
    "score",
    "checkworthy",
    "kind",
    "origin",
    "assigned_to",
    "article.id",
    "article.headline",
    "article.outlet",
    "article.published",
    "created_at",
    "updated_at",
    "review_url",
    "review_rating_text",
]
CLAIM_COLUMNS = FACT_CHECK_INSIGHTS_COLUMNS + CLAIM_OWN_COLUMNS

_CLAIM_VALUES = (
    "id",
    "text",
    "status",
    "workflow",
    "claimant_text",
    "claimant__name",
    "claimant__kind",
    "score",
    "checkworthy",
    "kind",
    "origin",
    "review_url",
    "review_rating_text",
    "verdict_summary",
    "verdict__label",
    "verdict__slug",
    "verdict__value",
    "verdict__scale_id",
    "assigned_to__username",
    "article_id",
    "article__url",
    "article__headline",
    "article__outlet__name",
    "published_at_day",
    "published_at_iso",
    "created_at_iso",
    "updated_at_iso",
    "article_published_iso",
    "date_modified",
)

QUOTE_COLUMNS = [
    "id",
    "text",
    "speaker",
    "speaker_text",
    "speaker_confidence",
    "status",
    "origin",
    "desk.url",
    "article.id",
    "article.url",
    "article.headline",
    "article.outlet",
    "article.published",
    "created_at",
    "updated_at",
]
_QUOTE_VALUES = (
    "id",
    "text",
    "speaker__name",
    "speaker_text",
    "speaker_confidence",
    "status",
    "origin",
    "article_id",
    "article__url",
    "article__headline",
    "article__outlet__name",
    "article_published_iso",
    "created_at_iso",
    "updated_at_iso",
)

LINK_COLUMNS = [
    "id",
    "source.id",
    "source.text",
    "target.id",
    "target.text",
    "relation",
    "state",
    "origin",
    "score",
    "reason",
    "created_at",
    "decided_at",
    "updated_at",
]
_LINK_VALUES = (
    "id",
    "source_id",
    "source__text",
    "target_id",
    "target__text",
    "relation",
    "state",
    "origin",
    "score",
    "reason",
    "created_at_iso",
    "decided_at_iso",
    "updated_at_iso",
)

CLAIM_SAFE = frozenset(
    {
        "id",
        "@context",
        "@type",
        "datePublished",
        "author.@type",
        "itemReviewed.@type",
        "itemReviewed.author.@type",
        "reviewRating.@type",
        "reviewRating.ratingValue",
        "itemReviewed.datePublished",
        "itemReviewed.firstAppearance.type",
        "reviewRating.bestRating",
        "reviewRating.worstRating",
        "dateModified",
        "stage",
        "status",
        "workflow",
        "score",
        "checkworthy",
        "kind",
        "origin",
        "article.id",
        "article.published",
        "created_at",
        "updated_at",
        *[f"itemReviewed.appearance.{n}.@type" for n in range(1, APPEARANCES + 1)],
    }
)
QUOTE_SAFE = frozenset(
    {"id", "speaker_confidence", "status", "origin", "article.id", "article.published", "created_at", "updated_at"}
)
LINK_SAFE = frozenset(
    {"id", "source.id", "target.id", "relation", "state", "origin", "score", "created_at", "decided_at", "updated_at"}
)

# What each export reads, and the search scope whose filters apply to it.
KINDS = {
    "claims": "claims",
    "quotes": "quotes",
    "claim-links": "claims",
    "quote-links": "quotes",
}


@dataclass(frozen=True)
class Export:
    kind: str
    columns: list[str]
    rows: Iterator[tuple]  # one tuple per row, in `columns` order; values typed (None when empty)
    # Columns that never hold text people typed (numbers, dates, our constants): the CSV
    # writer skips its formula guard on them.
    safe: frozenset[str] = frozenset()


class IsoText(Func):
    """A timestamp or date as ISO 8601 text, formatted by PostgreSQL: parsing a million
    timestamps into Python datetimes and back would cost more than the rest of a row.
    `day=True`: only the (UTC) date of a timestamp."""

    output_field = CharField()

    def __init__(self, expression, *, day: bool = False):
        super().__init__(expression)
        self.day = day

    def as_postgresql(self, compiler, connection, **extra):
        if isinstance(self.source_expressions[0].output_field, DateTimeField):
            shape = "YYYY-MM-DD" if self.day else 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'
            template = f"to_char(%(expressions)s AT TIME ZONE 'UTC', '{shape}')"
        else:
            template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_sql(self, compiler, connection, **extra):
        # SQLite (no to_char): its stored text, which is ISO already.
        if self.day:
            return super().as_sql(compiler, connection, template="substr(%(expressions)s, 1, 10)", **extra)
        return super().as_sql(compiler, connection, template="CAST(%(expressions)s AS TEXT)", **extra)


def _iso_fields(*names: str) -> dict[str, IsoText]:
    return {f"{name.replace('__', '_')}_iso": IsoText(name) for name in names}


def _ordered(qs: QuerySet, data: dict, sorts: dict) -> QuerySet:
    # The search's sort when the address carries one; otherwise the primary key, which a
    # server-side cursor reads in index order without sorting a million rows first.
    sort = data.get("sort") or ""
    return qs.order_by(*sorts[sort]) if sort in sorts else qs.order_by("id")


def _scales() -> dict[int, tuple[int | None, int | None]]:
    """(bestRating, worstRating) per rating scale: its highest and lowest numeric value."""
    rows = Rating.objects.filter(value__isnull=False).values("scale_id").annotate(best=Max("value"), worst=Min("value"))
    return {r["scale_id"]: (r["best"], r["worst"]) for r in rows.order_by()}


def _claim_row(site: str, newsroom: str, scales: dict, public: Callable[[int], str], desk: Callable[[int], str]):
    # The appearance columns beyond the first: always empty (a claim appears in one article).
    blank_appearances = (None,) * (2 * (APPEARANCES - 1))

    def row(v: dict[str, Any]) -> tuple:
        published = v["workflow"] == "published"
        claimant = v["claimant__name"] or v["claimant_text"] or v["article__outlet__name"]
        if v["claimant__name"]:
            claimant_type = "Organization" if v["claimant__kind"] == PersonKind.ORGANISATION else "Person"
        elif v["claimant_text"]:
            claimant_type = "Person"
        elif v["article__outlet__name"]:
            claimant_type = "Organization"  # no claimant: the outlet made the claim in its own voice
        else:
            claimant_type = None
        rated = v["verdict__label"] is not None
        best, worst = (
            scales.get(v["verdict__scale_id"], (None, None)) if v["verdict__value"] is not None else (None, None)
        )
        article_url = v["article__url"] or None
        return (
            v["id"],
            "https://schema.org",
            "ClaimReview",
            v["text"],
            v["published_at_day"] if published else None,
            site + public(v["id"]) if published else None,
            "Organization" if published else None,
            newsroom if published else None,
            site if published else None,
            "Claim",
            claimant,
            claimant_type,
            None,  # itemReviewed.author.sameAs
            "Rating" if rated else None,
            v["verdict__value"],
            v["verdict__label"],
            None,  # author.image
            None,  # itemReviewed.name
            v["article_published_iso"],
            article_url,  # firstAppearance: the article the claim was found in
            "CreativeWork" if article_url else None,
            None,  # itemReviewed.author.image
            v["verdict_summary"] or None,  # reviewRating.ratingExplanation
            None,  # itemReviewed.author.jobTitle
            best,
            worst,
            None,  # reviewRating.image
            article_url,
            "CreativeWork" if article_url else None,
            *blank_appearances,
            # The desk's own.
            v["date_modified"],
            site + desk(v["id"]),
            _stage(v["status"], v["workflow"]),
            v["status"],
            v["workflow"],
            v["verdict__slug"],
            v["verdict_summary"] or None,
            v["claimant_text"] or None,
            v["score"],
            v["checkworthy"],
            v["kind"],
            v["origin"],
            v["assigned_to__username"],
            v["article_id"],
            v["article__headline"] or None,
            v["article__outlet__name"],
            v["article_published_iso"],
            v["created_at_iso"],
            v["updated_at_iso"],
            v["review_url"] or None,
            v["review_rating_text"] or None,
        )

    return row


def _stage(status: str, workflow: str) -> str:
    # Claim.state from the two stored columns (factcheck/claims/models.py), without a model.
    if status == "rejected":
        return "rejected"
    if workflow == "draft":
        return "candidate" if status == "candidate" else "draft"
    return workflow


def _url_maker(name: str) -> Callable[[int], str]:
    """reverse() once, then string formatting per row (reverse per row costs ~20 µs)."""
    marker = 2147483647
    template = reverse(name, args=[marker]).replace(str(marker), "{}")
    return template.format


def claims_export(user, data: dict) -> Export:
    latest_correction = Correction.objects.filter(claim=OuterRef("pk")).order_by("-made_at").values("made_at")[:1]
    qs = _ordered(search_selectors.claim_search(user, data), data, search_selectors.CLAIM_SORTS)
    qs = qs.annotate(
        date_modified=IsoText(Subquery(latest_correction, output_field=DateTimeField())),
        published_at_day=IsoText("published_at", day=True),
        **_iso_fields("published_at", "created_at", "updated_at", "article__published"),
    ).values(*_CLAIM_VALUES)
    row = _claim_row(
        settings.SITE_URL,
        settings.NEWSROOM_NAME,
        _scales(),
        _url_maker("publishing:detail"),
        _url_maker("review:claim"),
    )
    return Export("claims", CLAIM_COLUMNS, (row(v) for v in qs.iterator(chunk_size=CHUNK_SIZE)), CLAIM_SAFE)


def quotes_export(user, data: dict) -> Export:
    qs = _ordered(search_selectors.quote_search(user, data), data, search_selectors.QUOTE_SORTS)
    desk = _url_maker("review:quote")
    site = settings.SITE_URL

    def row(v: tuple) -> tuple:
        (
            pk,
            text,
            speaker,
            speaker_text,
            confidence,
            status,
            origin,
            article,
            url,
            headline,
            outlet,
            day,
            made,
            changed,
        ) = v
        return (
            pk,
            text,
            speaker,
            speaker_text or None,
            confidence,
            status,
            origin,
            site + desk(pk),
            article,
            url or None,
            headline or None,
            outlet,
            day,
            made,
            changed,
        )

    qs = qs.annotate(**_iso_fields("article__published", "created_at", "updated_at"))
    rows = qs.values_list(*_QUOTE_VALUES).iterator(chunk_size=CHUNK_SIZE)
    return Export("quotes", QUOTE_COLUMNS, (row(v) for v in rows), QUOTE_SAFE)


def _links_export(kind: str, link_model, spans: QuerySet) -> Export:
    """The links with at least one end among the search's results (`pk IN`, built once:
    see search_selectors.linked)."""
    ids = spans.order_by().values("pk")
    qs = (
        link_model.objects.filter(Q(source__in=ids) | Q(target__in=ids))
        .annotate(**_iso_fields("created_at", "decided_at", "updated_at"))
        .order_by("id")
        .values_list(*_LINK_VALUES)
    )
    return Export(kind, LINK_COLUMNS, qs.iterator(chunk_size=CHUNK_SIZE), LINK_SAFE)


def claim_links_export(user, data: dict) -> Export:
    return _links_export("claim-links", ClaimLink, search_selectors.claim_search(user, data))


def quote_links_export(user, data: dict) -> Export:
    return _links_export("quote-links", QuoteLink, search_selectors.quote_search(user, data))


EXPORTS: dict[str, Callable[[Any, dict], Export]] = {
    "claims": claims_export,
    "quotes": quotes_export,
    "claim-links": claim_links_export,
    "quote-links": quote_links_export,
}


def export_for(kind: str, user, data: dict) -> Export:
    """The export `kind` (one of KINDS) of what `user` may see, filtered by the search's
    cleaned data."""
    return EXPORTS[kind](user, data)
