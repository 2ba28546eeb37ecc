"""Reads of the search page: claims and quotes filtered by text, workflow stage, assignee,
link state, verdict, outlet, dates, speaker and score, in one query per page whatever the
page size (every join is a `select_related`, every "has a link" an EXISTS subquery).

`data` is the cleaned data of `factcheck.review.forms.search.SearchForm`; an empty value
means "any". Articles are searched by `selectors.article_search`, which the article list
shares.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import CandidateStatus, Claim, ClaimState, Quote, Workflow
from factcheck.linking.models import ClaimLink, LinkState, QuoteLink, Relation
from factcheck.review.selectors import _common, _text_filter


class Assignee:
    ME = "me"
    SOMEONE = "someone"
    NOBODY = "nobody"
    CHOICES = [(ME, "Me"), (SOMEONE, "Someone"), (NOBODY, "Nobody")]


class Links:
    NONE = "none"
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    CHECKED = "checked"
    CLAIM_CHOICES = [
        (NONE, "No links"),
        (SUGGESTED, "Suggested, to confirm"),
        (CONFIRMED, "Confirmed"),
        (CHECKED, "Already checked elsewhere"),
    ]
    QUOTE_CHOICES = CLAIM_CHOICES[:3]


CLAIM_SORTS = {
    "-score": ("-score", "-id"),
    "score": ("score", "id"),
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "published": ("article__published", "start"),
    "-published": ("-article__published", "start"),
    "status": ("status", "-id"),
    "verdict": ("verdict__order", "-id"),
}
QUOTE_SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "speaker": ("speaker__name", "id"),
    "published": ("article__published", "start"),
    "-published": ("-article__published", "start"),
    "status": ("status", "-id"),
}

# Each stage as stored columns (the claim's one state is derived from `status` and
# `workflow`, factcheck.claims.states); written so the indexes on either column serve.
STAGE_FILTERS = {
    ClaimState.CANDIDATE: Q(status=CandidateStatus.CANDIDATE),
    ClaimState.REJECTED: Q(status=CandidateStatus.REJECTED),
    ClaimState.DRAFT: Q(status=CandidateStatus.ACCEPTED, workflow=Workflow.DRAFT),
    ClaimState.IN_REVIEW: Q(workflow=Workflow.IN_REVIEW),
    ClaimState.APPROVED: Q(workflow=Workflow.APPROVED),
    ClaimState.PUBLISHED: Q(workflow=Workflow.PUBLISHED),
}


def linked(model, **where) -> Q:
    """The row is at either end of a link matching `where` (links are stored source < target).

    Written as two `pk IN (...)`, not two EXISTS: PostgreSQL cannot turn an OR of EXISTS
    into a join and runs them once per claim (10 s at 200,000 claims), while an IN list
    becomes a hashed subplan built once (benchmarks/search_pages.py, docs/benchmarks.md).
    """
    links = model.objects.filter(**where).order_by()
    return Q(pk__in=links.values("source_id")) | Q(pk__in=links.values("target_id"))


def link_filter(qs: QuerySet, model, value: str) -> QuerySet:
    """One of `Links` (none / suggested / confirmed / checked); the API uses it too."""
    if value == Links.NONE:
        # No live link: dismissed suggestions do not count (the editor said "not the same").
        live = model.objects.exclude(state=LinkState.DISMISSED).order_by()
        return qs.exclude(pk__in=live.values("source_id")).exclude(pk__in=live.values("target_id"))
    if value == Links.SUGGESTED:
        return qs.filter(linked(model, state=LinkState.SUGGESTED))
    if value == Links.CONFIRMED:
        return qs.filter(linked(model, state=LinkState.CONFIRMED))
    if value == Links.CHECKED:
        # Matched to an imported fact-check: a live "same claim" link whose other end is a
        # claim of an imported fact-check article (what the claim page lists as "Already checked").
        same = model.objects.filter(relation=Relation.SAME).exclude(state=LinkState.DISMISSED).order_by()
        out = same.filter(target__article__kind=ArticleKind.FACTCHECK).values("source_id")
        into = same.filter(source__article__kind=ArticleKind.FACTCHECK).values("target_id")
        return qs.filter(Q(pk__in=out) | Q(pk__in=into))
    return qs


def _assignee_filter(qs: QuerySet, user, value: str) -> QuerySet:
    if value == Assignee.ME:
        return qs.filter(assigned_to=user)
    if value == Assignee.SOMEONE:
        return qs.filter(assigned_to__isnull=False)
    if value == Assignee.NOBODY:
        return qs.filter(assigned_to__isnull=True)
    return qs


def claim_search(user, data: dict) -> QuerySet[Claim]:
    qs = _common(
        Claim.objects.visible_to(user).with_related().defer("article__body", "search_vector"),
        data,
        prefix="article__",
    )
    qs = _text_filter(qs, data.get("q") or "", ["text"], stored="search_vector")
    if data.get("speaker"):
        qs = qs.filter(Q(claimant__name__icontains=data["speaker"]) | Q(claimant_text__icontains=data["speaker"]))
    if data.get("stage"):
        qs = qs.filter(STAGE_FILTERS[ClaimState(data["stage"])])
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("assignee"):
        qs = _assignee_filter(qs, user, data["assignee"])
    if data.get("links"):
        qs = link_filter(qs, ClaimLink, data["links"])
    if data.get("checkworthy"):
        qs = qs.filter(checkworthy=data["checkworthy"] == "yes")
    if data.get("verdict"):
        qs = qs.filter(verdict=data["verdict"])
    if data.get("score_min") is not None:
        qs = qs.filter(score__gte=data["score_min"])
    if data.get("score_max") is not None:
        qs = qs.filter(score__lte=data["score_max"])
    return qs.order_by(*CLAIM_SORTS.get(data.get("sort") or "", CLAIM_SORTS["-score"]))


def quote_search(user, data: dict) -> QuerySet[Quote]:
    qs = _common(
        Quote.objects.visible_to(user).select_related("article__outlet", "speaker").defer("article__body"),
        data,
        prefix="article__",
    )
    qs = _text_filter(qs, data.get("q") or "", ["text"])
    if data.get("speaker"):
        qs = qs.filter(Q(speaker__name__icontains=data["speaker"]) | Q(speaker_text__icontains=data["speaker"]))
    if data.get("status"):
        qs = qs.filter(status=data["status"])
    if data.get("links"):
        qs = link_filter(qs, QuoteLink, data["links"])
    return qs.order_by(*QUOTE_SORTS.get(data.get("sort") or "", QUOTE_SORTS["-created"]))
