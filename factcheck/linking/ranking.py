"""Ranking: the retrieved candidates scored against each query with the engine's re-ranker
(factcheck.linking.engine.score: meaning, shared words, figures, dates, places and names),
best first. `claim_search` is the whole path for one text: retrieval, then this ranking; it
serves `manage.py similar` and the claim page's link box, and `suggest` runs the same steps
for an article's claims at once.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import wait
from dataclasses import asdict
from functools import partial

import numpy as np

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import Claim
from factcheck.linking import embeddings, retrieval
from factcheck.linking.engine import fusion
from factcheck.linking.engine.figures import compare_figures
from factcheck.linking.engine.score import ClaimFeatures, Match, claim_features, score_claims

log = logging.getLogger(__name__)

__all__ = [
    "Candidate",
    "fused_probabilities",
    "fused_probabilities_counted",
    "document_of",
    "claim_search",
    "features_for_claim",
    "features_for_text",
    "find_quantities",
    "quantities_for_claim",
    "rank_candidates",
]


# Features ---------------------------------------------------------------------------------


def find_quantities(text: str, ref_date: datetime.date | None = None) -> list[dict]:
    """Quantities of a text with none stored, by the extraction engine's parser."""
    from factcheck.extraction.engine.quantities import find_quantities as _find

    try:
        return [asdict(q) for q in _find(text, ref_date=ref_date)]
    except Exception:  # noqa: BLE001 - a parsing bug must not stop matching
        log.exception("find_quantities failed")
        return []


def features_for_text(text: str, ref_date: datetime.date | None = None) -> ClaimFeatures:
    """A typed text's features; `ref_date` (today, for a search) resolves "this year" and the like."""
    return claim_features(text, quantities=find_quantities(text, ref_date), ref_date=ref_date)


def features_for_claim(claim: Claim, quantities: list | None = None) -> ClaimFeatures:
    """A stored claim's features; its article's publication date resolves its relative periods
    ("this year", "last month"): without one they stay unknown. `quantities`: the claim's
    `quantities_for_claim`, when the caller already has them."""
    published = claim.article.published if claim.article_id else None
    if quantities is None:
        quantities = quantities_for_claim(claim)
    return claim_features(claim.text, quantities=quantities, entities=claim.entities or (), ref_date=published)


def quantities_for_claim(claim: Claim) -> list:
    """The quantities a stored claim is compared on."""
    quantities = claim.quantities
    # An extracted claim's stored quantities are authoritative (empty means none); parse only
    # claims that never went through the extractor (imports, editors' claims, typed text).
    if not quantities and not claim.extractor_version:
        quantities = find_quantities(claim.text, claim.article.published if claim.article_id else None)
    return quantities


# Ranking ----------------------------------------------------------------------------------


class Candidate:
    """A stored claim scored against a query. `probability`: the blend's calibrated chance that
    it is a match (what the candidates are ordered by and the thresholds compare); `match`: the
    engine's comparison (relation same/conflicts/related, its reason, figures).

    rank_candidates computes `match` on first use (`compare`): the comparison (periods, figures,
    names of both claims) only labels, and most candidates are never shown with a label (the
    `similar` command reads none; suggestions read those that can be kept)."""

    __slots__ = ("_compare", "_conflict", "_match", "claim", "probability")

    def __init__(
        self,
        claim: Claim,
        match: Match | None = None,
        probability: float = 0.0,
        *,
        compare: Callable[[], Match] | None = None,
        conflict: Callable[[], bool] | None = None,
    ) -> None:
        if match is None and compare is None:
            raise TypeError("a Candidate needs its match or a way to compute it")
        self.claim = claim
        self.probability = probability
        self._match = match
        self._compare = compare
        self._conflict = conflict

    @property
    def match(self) -> Match:
        if self._match is None:
            self._match = self._compare()
            self._compare = None
        return self._match

    @match.setter
    def match(self, value: Match) -> None:
        self._match, self._compare = value, None

    @property
    def score(self) -> float:
        return self.probability

    def figures_conflict(self) -> bool:
        """Whether the two claims' figures conflict (the first condition of relation
        "conflicts"), without the rest of the comparison when it has not run yet."""
        if self._match is None and self._conflict is not None:
            return self._conflict()
        return self.match.figures.state == "conflict"

    def __repr__(self) -> str:
        return f"Candidate(claim={self.claim.pk}, probability={self.probability!r})"


def document_of(claim: Claim) -> str:
    """The text a stored claim is matched on (a fact-check's claim with its review's headline
    and description): what BM25 reads; the stored vector is the claim's own."""
    article = claim.article if claim.article_id else None
    if article is not None and article.kind == ArticleKind.FACTCHECK:
        return fusion.document_text(claim.text, article.headline, article.summary)
    return claim.text


def fused_probabilities(
    query_text: str,
    docs: Sequence[str],
    cosines: Sequence[float | None],
    stats: retrieval.DocStats,
) -> list[float]:
    """One query's candidates: the ranking score (cosine with the stored claim + BM25 against
    the whole document, engine.fusion.rank_scores) turned into a calibrated match probability
    (engine.fusion.match_probabilities), in the order of `docs`."""
    return fused_probabilities_counted(query_text, [fusion.term_counts(fusion.terms(d)) for d in docs], cosines, stats)


def fused_probabilities_counted(
    query_text: str,
    docs: Sequence[fusion.TermCounts],
    cosines: Sequence[float | None],
    stats: retrieval.DocStats,
) -> list[float]:
    """`fused_probabilities` of documents whose terms are already counted (once per candidate
    for all the queries of an article: `_Pool`)."""
    qterms = fusion.terms(query_text)
    bm25 = fusion.bm25_scores_counted(qterms, docs, stats.df, stats.total, stats.avgdl)
    if any(c is None for c in cosines):
        # Without a vector (embeddings off) the Dice overlap of content words stands in for
        # the cosine, scaled as the engine scales it (score.score_claims).
        qset = set(qterms)
        dice = [2 * len(qset & d.counts.keys()) / max(len(qset) + len(d.counts), 1) for d in docs]
        cosines = [c if c is not None else (0.25 + 0.9 * d if d else 0.0) for c, d in zip(cosines, dice, strict=True)]
    ceiling = fusion.bm25_ceiling(qterms, stats.df, stats.total, stats.avgdl)
    return fusion.match_probabilities(fusion.rank_scores(cosines, bm25, ceiling))


class _Pool:
    """The candidates of one call of rank_candidates, each read once however many queries it
    is scored against: its document's BM25 terms when first scored, its quantities and
    features only when a comparison needs them."""

    def __init__(self, claims: dict[int, Claim]) -> None:
        self.claims = claims
        self._counts: dict[int, fusion.TermCounts] = {}
        self._quantities: dict[int, list] = {}
        self._features: dict[int, ClaimFeatures] = {}

    def counts(self, pk: int) -> fusion.TermCounts:
        counted = self._counts.get(pk)
        if counted is None:
            counted = self._counts[pk] = fusion.term_counts(fusion.terms(document_of(self.claims[pk])))
        return counted

    def quantities(self, pk: int) -> list:
        if pk not in self._quantities:
            self._quantities[pk] = quantities_for_claim(self.claims[pk])
        return self._quantities[pk]

    def features(self, pk: int) -> ClaimFeatures:
        found = self._features.get(pk)
        if found is None:
            found = self._features[pk] = features_for_claim(self.claims[pk], self.quantities(pk))
        return found

    def match(self, query: ClaimFeatures, pk: int, cosine: float | None) -> Match:
        return score_claims(query, self.features(pk), cosine)

    def figures_conflict(self, query: ClaimFeatures, pk: int) -> bool:
        return compare_figures(query.quantities, self.quantities(pk)).state == "conflict"


class _Clock:
    """Adds the time since the last lap to `timings[name]` (when asked for timings)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + (now - self.last)
        self.last = now


def rank_candidates(
    queries: Sequence[tuple[ClaimFeatures, np.ndarray | None]],
    *,
    exclude_article_id: int | None = None,
    exclude_ids: Iterable[int] = (),
    lexical_k: int = retrieval.LEXICAL_K,
    dense_k: int = retrieval.DENSE_K,
    timings: dict[str, float] | None = None,
    lexical: list[list[tuple[int, float]]] | None = None,
) -> list[list[Candidate]]:
    """For each query (features, vector or None), the stored claims scored against it, best
    first. `lexical`: the lexical candidates when the caller already fetched them (with the
    same k and exclusions), e.g. while the query vectors were being computed."""
    exclude = set(exclude_ids)
    clock = _Clock(timings)
    found = lexical
    if found is None:
        found = retrieval.lexical_candidates_batch(
            [f.text for f, _ in queries], k=lexical_k, exclude_article_id=exclude_article_id, exclude_ids=exclude
        )
    per_query_ids: list[set[int]] = [{pk for pk, _ in row} for row in found]
    clock.lap("lexical")

    vectors = [v for _, v in queries]
    have_vectors = bool(vectors) and all(v is not None for v in vectors) and embeddings.embeddings_enabled()
    mode = retrieval.dense_mode() if have_vectors else "none"
    dense, index = retrieval.dense_candidates(vectors, mode=mode, k=dense_k, exclude=exclude)
    for ids, row in zip(per_query_ids, dense, strict=True):
        ids.update(row)
    clock.lap("dense")

    all_ids = set().union(*per_query_ids) if per_query_ids else set()
    # Not the articles' bodies: scoring and the reasons use the claim and its article's kind,
    # date and outlet, and an article holds many claims.
    claims = (
        Claim.objects.live()
        .select_related("article__outlet", "verdict")
        .defer("article__body", "article__extraction_error")
        .in_bulk(list(all_ids))
    )
    if exclude_article_id is not None:
        claims = {pk: c for pk, c in claims.items() if c.article_id != exclude_article_id}
    stored: dict[int, np.ndarray] = {}
    if have_vectors:
        if index is not None:
            stored = {pk: v for pk in claims if (v := index.vector(pk)) is not None}
        missing = [pk for pk in claims if pk not in stored]
        if missing:
            stored.update(embeddings.stored_vectors(missing))
        unembedded = [c for pk, c in claims.items() if pk not in stored]
        if unembedded:
            # Claims stored before embeddings were on, imported ones whose embedding failed,
            # or edited since: embed them now.
            stored.update(embeddings.embeddings_ensure(unembedded))
    clock.lap("load")
    pool = _Pool(claims)
    stats = retrieval.doc_stats() if claims else None

    results: list[list[Candidate]] = []
    for (query, vector), ids in zip(queries, per_query_ids, strict=True):
        pks = sorted(pk for pk in ids if pk in claims)
        cosines = [float(np.dot(vector, stored[pk])) if vector is not None and pk in stored else None for pk in pks]
        probs = fused_probabilities_counted(query.text, [pool.counts(pk) for pk in pks], cosines, stats) if pks else []
        # The figures/dates/names comparison labels the relation (same, conflicts, related)
        # and explains it; the order and the probability come from the fusion. It runs when a
        # caller reads the label (Candidate.match).
        by_pk = {
            pk: Candidate(
                claims[pk],
                probability=probability,
                compare=partial(pool.match, query, pk, cosine),
                conflict=partial(pool.figures_conflict, query, pk),
            )
            for pk, cosine, probability in zip(pks, cosines, probs, strict=True)
        }
        order = sorted(by_pk, key=lambda pk: (-by_pk[pk].probability, pk))
        results.append(_grouped([by_pk[pk] for pk in order], stored))
    clock.lap("score")
    return results


def _grouped(ranked: list[Candidate], stored: dict[int, np.ndarray]) -> list[Candidate]:
    """Near-duplicate stored claims (the same claim reviewed again: a copy, an update, another
    organisation's review) shown together at the best one's place, stored first first, each
    with the group's best probability (engine.fusion.duplicate_groups)."""
    keys = [c.claim.pk for c in ranked]
    same = fusion.duplicate_test(keys, stored, fusion.DUPLICATE_COSINE)
    by_pk = {c.claim.pk: c for c in ranked}
    out = []
    for group in fusion.duplicate_groups(keys, same):
        best = by_pk[group[0]].probability  # the group's first member in `ranked` order is its best
        for pk in sorted(group):
            by_pk[pk].probability = best
            out.append(by_pk[pk])
    return out


def claim_search(text: str, *, top: int = 10, exclude_ids: Iterable[int] = ()) -> list[tuple[Claim, float]]:
    """Stored claims (imported fact-checks included) most like `text`, best first, with the
    blend's match probability."""
    # A pasted social post is matched as a claim: links, handles, hashtags and the embed
    # trailer cleaned (engine.fusion.clean_query); ordinary text passes unchanged.
    text = fusion.clean_query(text)
    if not text or top <= 0:
        return []
    lexical_k = max(retrieval.LEXICAL_K, top * 3)
    # As for an article's claims: the text is encoded in the background while PostgreSQL runs
    # the full-text query.
    pending = embeddings.encode_in_background([text]) if embeddings.embeddings_enabled() else None
    try:
        lexical = retrieval.lexical_candidates_batch([text], k=lexical_k, exclude_ids=exclude_ids)
    except BaseException:
        if pending is not None:
            wait([pending])  # leave the encoder idle for the next caller
        raise
    vector = pending.result()[0] if pending is not None else None
    ranked = rank_candidates(
        [(features_for_text(text, datetime.date.today()), vector)],
        exclude_ids=exclude_ids,
        lexical_k=lexical_k,
        dense_k=max(retrieval.DENSE_K, top * 3),
        lexical=lexical,
    )[0]
    return [(c.claim, c.probability) for c in ranked[:top]]
