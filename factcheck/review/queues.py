"""The desk's queues: one definition of each, used for its count and for its list.

A queue is a queryset of what someone has to do next (claims to triage, drafts being
checked, claims awaiting approval, claims assigned to me, suggested links, failed
extractions). The dashboard's numbers, its short previews, the article rows' counts and
the queue pages all read the same queryset, so a number on the dashboard is always the
length of the list its link opens (tests/review/test_queues.py builds a mixed desk and
follows every link to check it).

The counts are one SQL statement of scalar subqueries (`counts`), one per queue, each of
which PostgreSQL answers from that queue's own index (claim_awaiting_review_idx,
claim_workflow_idx, claim_assigned_idx, claimlink_state_idx; the drafts through
claim_queue_idx and the rows): a single conditional aggregate (`COUNT(*) FILTER (WHERE
...)`) over the claims table reads every claim instead, 0.5 s at 300,000 claims on a busy
two-core machine, where each indexed count reads only its queue (benchmarks/queues.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from factcheck.accounts.roles import Cap
from factcheck.articles.models import Article, ArticleKind, ExtractionState
from factcheck.audit.models import AuditEvent
from factcheck.claims.models import CandidateStatus, Claim, ClaimQuerySet, Quote, Rating, Workflow
from factcheck.linking.models import ClaimLink, QuoteLink
from factcheck.review.count_cache import cached_counts, cached_value

# --- The claim queues -----------------------------------------------------------------------


def _claims(user) -> QuerySet[Claim]:
    return Claim.objects.visible_to(user).with_related().defer("article__body")


@dataclass(frozen=True)
class ClaimQueue:
    """One queue of claims: what it holds (`select`), in which order, and which bulk
    actions its page offers (each the same service as the single action)."""

    slug: str
    url_name: str
    title: str
    noun: str  # "claims to triage": what the dashboard writes after the number
    noun_one: str  # the same for one claim
    empty: str
    # The queue's rows out of the claims the user may see: a ClaimQuerySet method where the
    # model has one (awaiting_review, awaiting_approval), so there is one definition.
    select: Callable[[ClaimQuerySet, object], ClaimQuerySet]
    ordering: tuple[str, ...]
    actions: tuple[str, ...]
    cap: Cap = Cap.REVIEW  # what the bulk actions need (the page itself is for every member)

    def queryset(self, user, *, article_id: int | None = None) -> QuerySet[Claim]:
        qs = self.select(_claims(user), user)
        if article_id is not None:
            qs = qs.filter(article_id=article_id)
        return qs.order_by(*self.ordering)

    def url(self) -> str:
        return reverse(f"review:{self.url_name}")


# Check-worthy candidates: the claims an editor must accept or reject. The article rows of
# the dashboard count exactly these (not every candidate the extractor found).
TRIAGE = ClaimQueue(
    slug="triage",
    url_name="queue_triage",
    title="Claims to triage",
    noun="check-worthy claims to triage",
    noun_one="check-worthy claim to triage",
    empty="Nothing to triage: every check-worthy claim has been accepted or rejected.",
    select=lambda claims, user: claims.awaiting_review(),
    ordering=("-score", "-id"),
    actions=("accept", "reject", "assign"),
)
# Accepted, not yet submitted: a verdict is being written.
DRAFTS = ClaimQueue(
    slug="drafts",
    url_name="queue_drafts",
    title="Claims being checked",
    noun="claims being checked",
    noun_one="claim being checked",
    empty="No accepted claim is waiting for a verdict.",
    select=lambda claims, user: claims.filter(status=CandidateStatus.ACCEPTED, workflow=Workflow.DRAFT),
    ordering=("-updated_at", "-id"),
    actions=("submit", "reject", "assign"),
)
APPROVAL = ClaimQueue(
    slug="approval",
    url_name="queue_approval",
    title="Awaiting approval",
    noun="claims awaiting approval",
    noun_one="claim awaiting approval",
    empty="Nothing is awaiting approval.",
    select=lambda claims, user: claims.awaiting_approval(),
    ordering=("updated_at", "id"),  # the longest waiting first
    actions=("assign",),
)
# My open work: assigned to me, neither rejected nor published.
MINE = ClaimQueue(
    slug="mine",
    url_name="queue_mine",
    title="Assigned to me",
    noun="claims assigned to me",
    noun_one="claim assigned to me",
    empty="Nothing is assigned to you.",
    select=lambda claims, user: claims.filter(assigned_to=user.pk).live().exclude(workflow=Workflow.PUBLISHED),
    ordering=("workflow", "-updated_at", "-id"),
    actions=("accept", "reject", "submit", "assign"),
)
CLAIM_QUEUES: dict[str, ClaimQueue] = {q.slug: q for q in (TRIAGE, DRAFTS, APPROVAL, MINE)}


# --- Suggested links ------------------------------------------------------------------------


def _both_ends_visible(links: QuerySet, spans: QuerySet) -> QuerySet:
    """Links whose two ends the user may see. `visible_to` is all or nothing today; the
    join is only written when it filters something, so the common case reads no claims."""
    if spans.query.is_empty():
        return links.none()
    if not spans.query.where:
        return links
    return links.filter(source__in=spans, target__in=spans)


def suggested_claim_links(user) -> QuerySet[ClaimLink]:
    return _both_ends_visible(ClaimLink.objects.suggested(), Claim.objects.visible_to(user))


def suggested_quote_links(user) -> QuerySet[QuoteLink]:
    return _both_ends_visible(QuoteLink.objects.suggested(), Quote.objects.visible_to(user))


def suggested_links(user) -> QuerySet:
    """Every suggested link, claim and quote links together, newest first: rows of
    {kind, id, created_at}, so one paginator counts and slices both kinds."""
    claims = suggested_claim_links(user).order_by().annotate(kind=Value("claim"))
    quotes = suggested_quote_links(user).order_by().annotate(kind=Value("quote"))
    fields = ("kind", "id", "created_at")
    return claims.values_list(*fields).union(quotes.values_list(*fields), all=True).order_by("-created_at", "-id")


def links_of_page(rows) -> list[ClaimLink | QuoteLink]:
    """The links of one page of `suggested_links`, with both ends (and their articles) loaded:
    one query per kind, whatever the page size."""
    rows = list(rows)
    wanted = {"claim": [r[1] for r in rows if r[0] == "claim"], "quote": [r[1] for r in rows if r[0] == "quote"]}
    loaded: dict[str, dict[int, object]] = {"claim": {}, "quote": {}}
    ends = ("source__article__outlet", "target__article__outlet")
    if wanted["claim"]:
        loaded["claim"] = (
            ClaimLink.objects.select_related(*ends, "source__claimant", "target__claimant", "created_by")
            .defer("source__article__body", "target__article__body")
            .in_bulk(wanted["claim"])
        )
    if wanted["quote"]:
        loaded["quote"] = (
            QuoteLink.objects.select_related(*ends, "source__speaker", "target__speaker", "created_by")
            .defer("source__article__body", "target__article__body")
            .in_bulk(wanted["quote"])
        )
    out = []
    for kind, pk, _ in rows:
        link = loaded[kind].get(pk)
        if link is not None:  # decided and gone between the two queries: skip it
            link.kind = kind
            link.ends = (link.source, link.target)
            out.append(link)
    return out


# --- Articles -------------------------------------------------------------------------------


def failed_articles(user) -> QuerySet[Article]:
    """What the articles list shows for state=failed (news articles whose extraction failed)."""
    return (
        Article.objects.visible_to(user)
        .with_outlet()
        .defer("body")
        .filter(kind=ArticleKind.NEWS, extraction_state=ExtractionState.FAILED)
        .order_by("-extraction_finished_at", "-id")
    )


def quotes_to_triage(user) -> QuerySet[Quote]:
    return Quote.objects.visible_to(user).filter(status=CandidateStatus.CANDIDATE)


def count_per_article(qs: QuerySet) -> Coalesce:
    """The number of rows of `qs` in the outer query's article, as a subquery (0 when none)."""
    rows = qs.order_by().filter(article=OuterRef("pk")).order_by().values("article").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def articles_to_triage(user, *, limit: int) -> list[Article]:
    """The `limit` newest extracted articles with something to triage, each with
    `open_claims` (its claims in the triage queue) and `open_quotes` (its candidate quotes).

    Three small queries rather than one: PostgreSQL answers "has a claim to triage OR has
    a quote to triage" by hashing every claim to triage (0.7 s at 200,000 claims), but each
    half alone as a semi-join read in `created_at` order, stopping after `limit` rows."""
    claims = TRIAGE.queryset(user).order_by()
    quotes = quotes_to_triage(user)
    done = Article.objects.visible_to(user).filter(extraction_state=ExtractionState.DONE)
    newest: set[tuple] = set()
    for spans in (claims, quotes):
        with_spans = done.filter(Exists(spans.filter(article=OuterRef("pk"))))
        newest.update(with_spans.order_by("-created_at", "-id").values_list("created_at", "pk")[:limit])
    ids = [pk for _, pk in sorted(newest, reverse=True)[:limit]]
    if not ids:
        return []
    return list(
        Article.objects.filter(pk__in=ids)
        .with_outlet()
        .defer("body")
        .annotate(open_claims=count_per_article(claims), open_quotes=count_per_article(quotes))
        .order_by("-created_at", "-id")
    )


# --- Counting -------------------------------------------------------------------------------


def counts(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The length of each queryset, in one statement: SELECT (SELECT COUNT(*) FROM (q1)), ...

    Each subquery is the queryset's own SQL (with its parameters), so it is exactly what
    its list shows; each is planned on its own and uses its own index."""
    if not querysets:
        return {}
    parts, params = [], []
    db = None
    for qs in querysets.values():
        if qs.query.is_empty():
            parts.append("0")
            continue
        db = db or router.db_for_read(qs.model)
        sql, qs_params = qs.order_by().values("pk").query.sql_with_params()
        # The SQL is Django's own compilation of the queryset; every value is in qs_params.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q)")  # noqa: S608
        params.extend(qs_params)
    statement = "SELECT " + ", ".join(parts)

    def count() -> tuple:
        with connections[db or "default"].cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchone()

    row = cached_counts(statement, params, count)  # shared for a few seconds (count_cache.py)
    return {name: int(n) for name, n in zip(querysets, row, strict=True)}


# --- The dashboard --------------------------------------------------------------------------

PREVIEW = 5  # rows of each queue the dashboard shows; the count links to the whole list
ARTICLE_ROWS = 10


@dataclass(frozen=True)
class DashCount:
    """One number of the dashboard and the list it links to."""

    key: str
    n: int
    nouns: tuple[str, str]  # for one, for any other number
    url: str

    @property
    def noun(self) -> str:
        return self.nouns[0] if self.n == 1 else self.nouns[1]


def dashboard_summary(user) -> dict:
    queues = {slug: q.queryset(user) for slug, q in CLAIM_QUEUES.items()}
    numbers = counts(
        {
            **queues,
            "links": suggested_claim_links(user),
            "quote_links": suggested_quote_links(user),
            "failed": failed_articles(user),
        }
    )
    numbers["links"] += numbers.pop("quote_links")
    cards = [
        *(DashCount(q.slug, numbers[q.slug], (q.noun_one, q.noun), q.url()) for q in CLAIM_QUEUES.values()),
        DashCount(
            "links",
            numbers["links"],
            ("suggested link to confirm", "suggested links to confirm"),
            reverse("review:queue_links"),
        ),
        DashCount(
            "failed",
            numbers["failed"],
            ("failed extraction", "failed extractions"),
            reverse("review:articles") + "?state=failed",
        ),
    ]
    shared = _visibility(user)
    with_failed = bool(numbers["failed"])

    def compute() -> dict:
        return _shared_summary(user, with_failed=with_failed)

    if shared is None:  # sees nothing: nothing to share
        rows = compute()
    else:  # the same for every member who sees the same rows, for a few seconds (count_cache)
        rows = cached_value(("dashboard", shared, timezone.localdate().isoformat(), with_failed), compute)
    return {
        "counts": cards,
        "numbers": numbers,
        "cards": {card.key: card for card in cards},
        "mine": list(queues["mine"][:PREVIEW]),
        **rows,
    }


def _visibility(user) -> tuple | None:
    """What decides which rows `user` sees, as SQL (the key of the dashboard's shared rows):
    the same for every member today (`visible_to` is all or nothing); None when nothing."""
    parts = []
    for model in (Claim, Quote, Article):
        qs = model.objects.visible_to(user)
        if qs.query.is_empty():
            return None
        parts.append(qs.order_by().values("pk").query.sql_with_params())
    return tuple(parts)


def _shared_summary(user, *, with_failed: bool) -> dict:
    """The dashboard's rows that are not the user's own: new articles, the triage and approval
    previews, failed extractions, recent activity and the two charts (plain data and model
    instances, so they can be cached; times such as "3 minutes ago" are written when drawn)."""
    claims = Claim.objects.visible_to(user)
    since = timezone.now() - datetime.timedelta(days=14)
    # Counted per rating (an index-only count on the claims' verdict index for each of a
    # handful of ratings), not by joining every labelled claim to its rating and grouping:
    # 47 ms against 325 ms at 30,000 labelled claims.
    # COUNT(*) written out: an aggregate would add a GROUP BY, and COUNT(id) reads the id,
    # with either of which PostgreSQL scans the labelled claims once per rating instead.
    count_all = Func(template="COUNT(*)", output_field=IntegerField())
    per_rating = claims.filter(verdict=OuterRef("pk")).order_by().annotate(c=count_all).values("c")
    ratings = (
        Rating.objects.annotate(n=Subquery(per_rating, output_field=IntegerField()))
        .order_by("order", "pk")
        .values("n", verdict__label=F("label"), verdict__colour=F("colour"), verdict__order=F("order"))
    )
    by_verdict = [row for row in ratings if row["n"]]
    per_day = list(
        claims.filter(verdict__isnull=False, updated_at__gte=since)
        .annotate(day=TruncDate("updated_at"))
        .values("day")
        .annotate(n=Count("*"))  # COUNT(*): an index-only scan of claim_labelled_idx
        .order_by("day")
    )
    days = [(timezone.localdate() - datetime.timedelta(days=d)) for d in range(13, -1, -1)]
    done = {row["day"]: row["n"] for row in per_day}
    return {
        "new_articles": articles_to_triage(user, limit=ARTICLE_ROWS),
        "review_queue": list(TRIAGE.queryset(user)[:PREVIEW]),
        "approval_queue": list(APPROVAL.queryset(user)[:PREVIEW]),
        "failed": list(failed_articles(user)[:PREVIEW]) if with_failed else [],
        "activity": list(AuditEvent.objects.recent()[:15]),
        "verdict_rows": by_verdict,
        "charts": {
            "verdicts": {
                "labels": [row["verdict__label"] for row in by_verdict],
                "colours": [row["verdict__colour"] for row in by_verdict],
                "counts": [row["n"] for row in by_verdict],
            },
            "per_day": {
                "labels": [d.isoformat() for d in days],
                "counts": [done.get(d, 0) for d in days],
            },
        },
    }
