"""Reads for cross-linking: a claim's or quote's links, the cluster of connected claims,
the "search all claims to link" box, and what counts as previously fact-checked."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import Claim, Origin, Quote, Workflow
from factcheck.linking.models import ClaimLink, LinkState, QuoteLink, Relation

logger = logging.getLogger(__name__)

# Suggested links worth showing in a cluster; confirmed links of any relation count.
CLUSTER_MAX_DEPTH = 3
CLUSTER_MAX_CLAIMS = 40


def claim_links_for(claim: Claim) -> QuerySet[ClaimLink]:
    """Live (not dismissed) links of a claim, suggestions first, with both ends loaded."""
    return (
        ClaimLink.objects.involving(claim.pk)
        .live()
        .select_related(
            "source__article__outlet",
            "target__article__outlet",
            "source__verdict",
            "target__verdict",
            "created_by",
            "decided_by",
        )
        .order_by("-state", "-score", "-id")  # "suggested" > "confirmed": suggestions first
    )


def claim_links_list(claim: Claim) -> list[ClaimLink]:
    """What `claim_links_for(claim)` gives, as a list in the same order, read in two narrow
    statements instead of one wide one.

    Why: the one statement joined both ends with their articles, outlets and verdicts and the
    two users (about 120 columns); Django spent a quarter of the claim page's CPU compiling it,
    and with an ORDER BY it also hashes every selected column to match the ordering (Django
    5.2). Here the links come with their users, unordered; the ends, when there are links,
    with one more query; and the sort is done here (a claim has a handful of links), in
    PostgreSQL's order: state descending ("suggested" before "confirmed"), score descending
    with no score first, id descending (docs/benchmarks.md, "Page costs")."""
    links = list(ClaimLink.objects.involving(claim.pk).live().select_related("created_by", "decided_by").order_by())
    if links:
        ids = ({link.source_id for link in links} | {link.target_id for link in links}) - {claim.pk}
        others = Claim.objects.select_related("article__outlet", "verdict").defer("article__body")
        ends = {claim.pk: claim, **others.order_by().in_bulk(ids)}
        for link in links:
            if link.source_id in ends:
                link.source = ends[link.source_id]
            if link.target_id in ends:
                link.target = ends[link.target_id]
    links.sort(key=lambda link: (link.state, link.score is None, link.score or 0.0, link.pk), reverse=True)
    return links


def quote_links_for(quote: Quote) -> QuerySet[QuoteLink]:
    return (
        QuoteLink.objects.involving(quote.pk)
        .live()
        .select_related(
            "source__article__outlet",
            "target__article__outlet",
            "source__speaker",
            "target__speaker",
            "created_by",
            "decided_by",
        )
        .order_by("-state", "-score", "-id")
    )


@dataclass
class ClusterMember:
    claim: Claim
    depth: int
    relation: str = ""  # the relation of the link that reached it
    state: str = ""


@dataclass
class Cluster:
    root: Claim
    members: list[ClusterMember] = field(default_factory=list)  # root included, by article date
    by_outlet: list[tuple[str, list[ClusterMember]]] = field(default_factory=list)
    truncated: bool = False

    @property
    def others(self) -> list[ClusterMember]:
        return [m for m in self.members if m.claim.pk != self.root.pk]


def claim_cluster(
    claim: Claim,
    *,
    max_depth: int = CLUSTER_MAX_DEPTH,
    max_claims: int = CLUSTER_MAX_CLAIMS,
    links: list[ClaimLink] | None = None,
) -> Cluster:
    """The claims connected to `claim` through confirmed links, followed transitively up
    to `max_depth` hops and `max_claims` claims. Suggestions are not followed: a claim two
    unconfirmed suggestions away is not "the same claim in another outlet" until an editor
    says so (the links panel lists suggestions as suggestions). One query per hop plus one
    for the claims: bounded, whatever the number of links.

    `links`, the claim's live links when the caller has them (the claim page does): without a
    confirmed one among them the cluster is the claim alone, and no query is needed."""
    if links is not None and max_depth > 0 and not any(link.state == LinkState.CONFIRMED for link in links):
        return Cluster(root=claim)
    reached: dict[int, ClusterMember] = {}
    depth_of = {claim.pk: 0}
    frontier = {claim.pk}
    truncated = False
    edge_filter = Q(state=LinkState.CONFIRMED)
    for depth in range(1, max_depth + 1):
        if not frontier:
            break
        rows = (
            ClaimLink.objects.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier))
            .filter(edge_filter)
            .order_by("-state", "-score")
            .values_list("source_id", "target_id", "relation", "state")[: max_claims * 4]
        )
        next_frontier: set[int] = set()
        for source_id, target_id, relation, state in rows:
            for here, there in ((source_id, target_id), (target_id, source_id)):
                if here in frontier and there not in depth_of:
                    if len(depth_of) >= max_claims:
                        truncated = True
                        continue
                    depth_of[there] = depth
                    reached[there] = ClusterMember(claim=None, depth=depth, relation=relation, state=state)  # type: ignore[arg-type]
                    next_frontier.add(there)
        frontier = next_frontier
    if frontier and depth_of and max_depth > 0:
        # Claims at the last hop may have further links that were not followed.
        truncated = (
            truncated
            or ClaimLink.objects.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier))
            .filter(edge_filter)
            .exclude(source_id__in=depth_of, target_id__in=depth_of)
            .exists()
        )
    cluster = Cluster(root=claim, truncated=truncated)
    if not reached:
        return cluster
    claims = Claim.objects.filter(pk__in=list(depth_of)).select_related("article__outlet", "verdict", "claimant")
    for member_claim in claims:
        member = reached.get(member_claim.pk) or ClusterMember(claim=member_claim, depth=0)
        member.claim = member_claim
        cluster.members.append(member)
    cluster.members.sort(key=lambda m: (m.claim.article.published is None, m.claim.article.published, m.claim.pk))
    outlets: dict[str, list[ClusterMember]] = {}
    for member in cluster.members:
        outlet = member.claim.article.outlet
        outlets.setdefault(outlet.name if outlet else "Unknown outlet", []).append(member)
    cluster.by_outlet = sorted(outlets.items(), key=lambda item: item[0].lower())
    return cluster


def claims_to_link(text: str, *, exclude: Claim, top: int = 10) -> list[tuple[Claim, float]]:
    """Claims matching `text`, for the link box on a claim page: the same engine as link
    suggestions and `manage.py similar` (factcheck.linking.ranking), with what the page shows
    loaded in one query."""
    from factcheck.linking.ranking import claim_search

    text = " ".join(text.split())[:300]
    if not text:
        return []
    results = claim_search(text, top=top, exclude_ids=(exclude.pk,))
    loaded = Claim.objects.select_related("article__outlet", "verdict").in_bulk([c.pk for c, _ in results])
    return [(loaded[c.pk], float(score)) for c, score in results if c.pk in loaded]


def quotes_to_link(text: str, *, exclude: Quote, top: int = 10) -> list[Quote]:
    """Quotes whose words or speaker match `text`, for the link box on a quote page."""
    words = [w for w in " ".join(text.split())[:300].split() if len(w) > 2][:8]
    if not words:
        return []
    condition = Q()
    for word in words:
        condition |= Q(text__icontains=word) | Q(speaker_text__icontains=word) | Q(speaker__name__icontains=word)
    return list(
        Quote.objects.live()
        .exclude(pk=exclude.pk)
        .filter(condition)
        .select_related("article__outlet", "speaker")
        .order_by("-id")[:top]
    )


def live_links_with(claim: Claim, other_ids: list[int]) -> dict[int, ClaimLink]:
    """The live (suggested or confirmed) links between `claim` and each of `other_ids`,
    by the other claim's id: one query."""
    if not other_ids:
        return {}
    pairs = Q(source_id=claim.pk, target_id__in=other_ids) | Q(target_id=claim.pk, source_id__in=other_ids)
    return {
        link.target_id if link.source_id == claim.pk else link.source_id: link
        for link in ClaimLink.objects.live().filter(pairs)
    }


def review_url_for(claim: Claim) -> str | None:
    """Where the verdict on this claim can be read: an imported fact-check's ClaimReview url,
    or our own public page once published; None otherwise."""
    if claim.review_url:
        return claim.review_url
    if claim.workflow == Workflow.PUBLISHED:
        return settings.SITE_URL + claim.get_public_url()
    return None


def is_checked(claim: Claim) -> bool:
    """Has this claim a verdict (ours, or an imported fact-check's)?"""
    return claim.verdict_id is not None or bool(claim.review_url) or claim.article.kind == ArticleKind.FACTCHECK


def checked_matches(claim: Claim, *, links: list[ClaimLink] | None = None) -> list[tuple[Claim, ClaimLink]]:
    """The previously checked claims this claim is linked to as the same claim (live links),
    best first: what the claim page shows as "already fact-checked". `links`: the claim's live
    links as `claim_links_for` loads them, when the caller has them already (the claim page: one
    query fewer, and that query's compilation is a tenth of the page's server time)."""
    if links is None:
        links = list(
            ClaimLink.objects.involving(claim.pk)
            .live()
            .filter(relation=Relation.SAME)
            .select_related("source__verdict", "target__verdict", "source__article__outlet", "target__article__outlet")
        )
    else:
        links = [link for link in links if link.relation == Relation.SAME]
    out = []
    for link in links:
        other = link.target if link.source_id == claim.pk else link.source
        if is_checked(other):
            out.append((other, link))
    out.sort(key=lambda x: (x[1].state != LinkState.CONFIRMED, -(x[1].score or 0)))
    return out


@dataclass(frozen=True)
class PreviousCheck:
    """One organisation's check of this claim, as the claim page lists it."""

    claim: Claim
    by: str  # the organisation (NEWSROOM_NAME for our own)
    rating: str  # their words, else our verdict's label
    url: str | None
    published: object  # date or None
    how: str  # "same text" or the link's state ("suggested" / "confirmed")


def _checked_by(claim: Claim) -> str:
    if claim.origin == Origin.IMPORTED or claim.article.kind == ArticleKind.FACTCHECK:
        return claim.article.outlet.name if claim.article.outlet else "another organisation"
    return settings.NEWSROOM_NAME


def previous_checks(claim: Claim, *, links: list[ClaimLink] | None = None) -> list[PreviousCheck]:
    """Every check of this claim we know of, one per organisation's review (so "checked by
    A: False; by B: Misleading"): imported fact-checks of exactly the same text, then the
    checked claims linked to it as the same claim, confirmed links first."""
    same_text = (
        Claim.objects.filter(article__kind=ArticleKind.FACTCHECK, article__fingerprint=claim.article.fingerprint)
        .exclude(pk=claim.pk)
        .select_related("article__outlet", "verdict")
        .order_by("-article__published", "id")
        if claim.article.kind == ArticleKind.FACTCHECK
        else Claim.objects.none()
    )
    found = [(other, "same text") for other in same_text]
    seen = {c.pk for c, _ in found} | {claim.pk}
    for other, link in checked_matches(claim, links=links):
        if other.pk not in seen:
            seen.add(other.pk)
            found.append((other, link.get_state_display().lower()))
    return [
        PreviousCheck(
            claim=other,
            by=_checked_by(other),
            rating=other.review_rating_text or (other.verdict.label if other.verdict else "no rating"),
            url=review_url_for(other),
            published=other.article.published,
            how=how,
        )
        for other, how in found
    ]
