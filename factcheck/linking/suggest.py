"""Suggest links for an article's new claims and quotes against everything already stored.

Idempotent: a link is keyed by its ordered pair (source_id < target_id, a unique
constraint), created with ON CONFLICT DO NOTHING, and refreshed only while it is still a
system suggestion. Links an editor made, confirmed or dismissed are never touched, so a
dismissed suggestion does not come back.

A link confirmed here (LINK_AUTOCONFIRM, at or above its threshold) is an editorial write
like an editor's: it is audited as the system's `link_confirm` on both ends
(`linking.services.links_autoconfirmed_record`), so webhooks (link.confirmed), repeat alerts
and the cached counts hear it. Only the run that inserted the row, or moved it from
suggested, records it: a re-run records nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.articles.models import Article
from factcheck.claims.models import Claim, Quote
from factcheck.extraction.services import checkworthiness_refine
from factcheck.linking import embeddings, ranking, retrieval, selectors
from factcheck.linking.engine.score import _surname, compare_quotes, same_speaker
from factcheck.linking.models import ClaimLink, LinkOrigin, LinkState, QuoteLink
from factcheck.linking.services import links_autoconfirmed_record

log = logging.getLogger(__name__)

__all__ = ["LinkProposal", "links_upsert", "suggest_links_for_article"]

MAX_LINKS_PER_CLAIM = 10
SCORE_EPSILON = 0.01
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


@dataclass(frozen=True, slots=True)
class LinkProposal:
    a: int
    b: int
    relation: str
    score: float
    reason: str
    # False for a match that needs an editor whatever its score (same claim, different period).
    confirmable: bool = True

    @property
    def pair(self) -> tuple[int, int]:
        return (self.a, self.b) if self.a < self.b else (self.b, self.a)


def _thresholds() -> tuple[float, float, bool]:
    return (
        float(settings.LINK_SUGGEST_THRESHOLD),
        float(settings.LINK_AUTOCONFIRM_THRESHOLD),
        bool(settings.LINK_AUTOCONFIRM),
    )


def links_upsert(model: type[ClaimLink] | type[QuoteLink], proposals: Iterable[LinkProposal]) -> dict[str, int]:
    """Create new system suggestions; refresh those still suggested by the system; leave the rest."""
    _suggest, autoconfirm_at, autoconfirm = _thresholds()
    if model is QuoteLink:  # a quote's score is its own (speaker, shared words), not a probability
        autoconfirm_at = float(settings.LINK_QUOTE_AUTOCONFIRM_THRESHOLD)
    best: dict[tuple[int, int], LinkProposal] = {}
    for p in proposals:
        if p.a == p.b:
            continue
        if p.pair not in best or p.score > best[p.pair].score:
            best[p.pair] = p
    counts = {"created": 0, "updated": 0, "kept": 0}
    if not best:
        return counts
    now = timezone.now()
    with transaction.atomic():
        sources = {s for s, _ in best}
        targets = {t for _, t in best}
        existing = {
            (link.source_id, link.target_id): link
            for link in model.objects.select_for_update().filter(source_id__in=sources, target_id__in=targets)
            if (link.source_id, link.target_id) in best
        }
        new_rows = []
        confirmed: dict[int, str | None] = {}  # link id -> what it was before (None: new)
        for pair, p in best.items():
            # Only a match is confirmed: a `related` pair stays a suggestion however sure.
            # Nor a claim about another period ("same claim, different period: re-check").
            confirm = autoconfirm and p.score >= autoconfirm_at and p.relation != "related" and p.confirmable
            state = LinkState.CONFIRMED if confirm else LinkState.SUGGESTED
            score = round(min(1.0, max(0.0, p.score)), 4)
            link = existing.get(pair)
            if link is None:
                row = model(
                    source_id=pair[0],
                    target_id=pair[1],
                    relation=p.relation,
                    origin=LinkOrigin.SYSTEM,
                    state=state,
                    score=score,
                    reason=p.reason[:500],
                    decided_at=now if confirm else None,
                )
                if not confirm:
                    new_rows.append(row)
                elif _insert_once(row):
                    # One by one (they are few) to learn which rows this run inserted: only
                    # those are audited, so a concurrent run cannot record the same decision.
                    confirmed[row.pk] = None
                    counts["created"] += 1
            elif link.origin == LinkOrigin.SYSTEM and link.state == LinkState.SUGGESTED:
                # Scored from the other end the reason may list things in another order;
                # only a new relation, state or a real change of score is worth a write.
                if (
                    link.relation != p.relation
                    or link.state != state
                    or link.score is None
                    or abs(link.score - score) >= SCORE_EPSILON
                ):
                    moved = model.objects.filter(
                        pk=link.pk, state=LinkState.SUGGESTED, origin=LinkOrigin.SYSTEM
                    ).update(
                        relation=p.relation,
                        score=score,
                        reason=p.reason[:500],
                        state=state,
                        decided_at=now if confirm else None,
                        updated_at=now,
                    )
                    if moved and confirm:
                        confirmed[link.pk] = f"suggested {link.get_relation_display().lower()} link to"
                    counts["updated"] += 1
                else:
                    counts["kept"] += 1
            else:
                counts["kept"] += 1
        created = model.objects.bulk_create(new_rows, ignore_conflicts=True)
        counts["created"] += len(created)
        links_autoconfirmed_record(model, confirmed=confirmed, threshold=autoconfirm_at)
    return counts


def _insert_once(row: ClaimLink | QuoteLink) -> bool:
    """Insert `row`; False if its pair is already stored (another run inserted it meanwhile)."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        return False
    return True


def _checked_note(claim: Claim) -> str:
    if not selectors.is_checked(claim):
        return ""
    label = claim.verdict.label if claim.verdict_id else (claim.review_rating_text or "rated")
    who = claim.article.outlet.name if claim.article.outlet_id else "us"
    return f"previously checked by {who}: {label}"


def _worth_suggesting(cand: ranking.Candidate, suggest_at: float, autoconfirm_at: float) -> bool:
    """The match probability ranks and gates; the engine's comparison (figures, dates, places,
    names) labels. Kept: a `same` at or above the suggest threshold; a `conflicts` whatever its
    probability (figures that disagree on one subject make a different claim, which the match
    probability rightly rates low, but a conflict is worth an editor's look); a `related` only
    at the auto-confirm level (two claims on one topic are not a match; seed pair:
    docs/benchmarks.md).

    Below both thresholds only a conflict is kept, and a conflict needs conflicting figures
    first: a candidate without them is dropped before the full comparison runs (periods,
    places, names), which most candidates never need."""
    if cand.probability < min(suggest_at, autoconfirm_at) and not cand.figures_conflict():
        return False
    relation = cand.match.relation
    if relation == "conflicts":
        return True
    if relation == "same":
        return cand.probability >= suggest_at
    return cand.probability >= autoconfirm_at


def _claim_proposals(article: Article) -> list[LinkProposal]:
    claims = list(Claim.objects.live().filter(article=article).select_related("article"))
    if not claims:
        return []
    suggest_at, autoconfirm_at, _ = _thresholds()
    # The new claims are encoded in a background thread while PostgreSQL runs the full-text
    # query (which needs only their text): the fixed encoding cost overlaps the lexical one.
    pending = embeddings.embeddings_start(claims, background=True)
    features = [ranking.features_for_claim(c) for c in claims]
    try:
        lexical = retrieval.lexical_candidates_batch([f.text for f in features], exclude_article_id=article.pk)
    except BaseException:
        pending.discard()
        raise
    vectors = pending.result()
    # The vectors are here anyway: a better check-worthiness score comes with them.
    checkworthiness_refine(claims, vectors)
    queries = [(f, vectors.get(c.pk)) for f, c in zip(features, claims, strict=True)]
    ranked = ranking.rank_candidates(queries, exclude_article_id=article.pk, lexical=lexical)
    proposals = []
    for claim, candidates in zip(claims, ranked, strict=True):
        # Lazily: the comparison of a candidate runs only until the claim has its links.
        kept = (c for c in candidates if _worth_suggesting(c, suggest_at, autoconfirm_at))
        for cand in islice(kept, MAX_LINKS_PER_CLAIM):
            reason = cand.match.reason
            note = _checked_note(cand.claim)
            if note and cand.match.relation == "same":
                reason = f"{note}; {reason}"
            confirmable = cand.match.details.get("period") != "differ"
            proposals.append(
                LinkProposal(claim.pk, cand.claim.pk, cand.match.relation, cand.probability, reason, confirmable)
            )
    return proposals


def _speaker_name(quote: Quote) -> str:
    return quote.speaker.name if quote.speaker_id else quote.speaker_text


def _quote_proposals(article: Article) -> list[LinkProposal]:
    quotes = list(Quote.objects.live().filter(article=article).select_related("speaker"))
    suggest_at = float(settings.LINK_QUOTE_SUGGEST_THRESHOLD)
    proposals = []
    for quote in quotes:
        name = _speaker_name(quote)
        surname = _surname(name) if name else ""
        if not quote.speaker_id and not surname:
            continue
        cond = Q()
        if quote.speaker_id:
            cond |= Q(speaker_id=quote.speaker_id)
        if surname and len(surname) > 2:
            cond |= Q(speaker__name__iendswith=surname) | Q(speaker_text__iendswith=surname)
        others = Quote.objects.live().exclude(article=article).filter(cond).select_related("speaker")[:500]
        for other in others:
            if not (
                (quote.speaker_id and quote.speaker_id == other.speaker_id) or same_speaker(name, _speaker_name(other))
            ):
                continue
            match = compare_quotes(quote.text, other.text)
            if match is None or match.score < suggest_at:
                continue
            who = name or "the same speaker"
            reason = f"{match.reason}; speaker {who}"
            proposals.append(LinkProposal(quote.pk, other.pk, match.relation, match.score, reason))
    return proposals


def suggest_links_for_article(article_id: int) -> dict[str, int]:
    """Suggest claim and quote links for one article; returns counts. Safe to re-run."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return {}
    claim_counts = links_upsert(ClaimLink, _claim_proposals(article))
    quote_counts = links_upsert(QuoteLink, _quote_proposals(article))
    counts = {f"claim_{k}": v for k, v in claim_counts.items()} | {f"quote_{k}": v for k, v in quote_counts.items()}
    log.info("link suggestions for article %s: %s", article_id, counts)
    return counts
