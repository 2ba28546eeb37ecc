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
from collections.abc import Iterable, Sequence
from concurrent.futures import wait
from dataclasses import asdict, dataclass

import numpy as np

from factcheck.claims.models import Claim
from factcheck.linking import embeddings, retrieval
from factcheck.linking.engine.score import ClaimFeatures, Match, claim_features, score_claims

log = logging.getLogger(__name__)

__all__ = [
    "Candidate",
    "claim_search",
    "features_for_claim",
    "features_for_text",
    "find_quantities",
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
    return claim_features(text, quantities=find_quantities(text, ref_date))


def features_for_claim(claim: Claim) -> ClaimFeatures:
    quantities = claim.quantities
    # An extracted claim's stored quantities are authoritative (empty means none); parse only
    # claims that never went through the extractor (imports, editors' claims, typed text).
    if not quantities and not claim.extractor_version:
        published = claim.article.published if claim.article_id else None
        quantities = find_quantities(claim.text, published)
    return claim_features(claim.text, quantities=quantities, entities=claim.entities or ())


# Ranking ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Candidate:
    claim: Claim
    match: Match


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
    features = {pk: features_for_claim(c) for pk, c in claims.items()}

    results: list[list[Candidate]] = []
    for (query, vector), ids in zip(queries, per_query_ids, strict=True):
        ranked = []
        for pk in ids:
            if pk not in claims:
                continue
            cosine = float(np.dot(vector, stored[pk])) if vector is not None and pk in stored else None
            ranked.append(Candidate(claims[pk], score_claims(query, features[pk], cosine)))
        ranked.sort(key=lambda c: (-c.match.score, -c.claim.pk))
        results.append(ranked)
    clock.lap("score")
    return results


def claim_search(text: str, *, top: int = 10, exclude_ids: Iterable[int] = ()) -> list[tuple[Claim, float]]:
    """Stored claims (imported fact-checks included) most like `text`, best first, with a
    score in [0, 1]."""
    text = " ".join(text.split())
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
    return [(c.claim, c.match.score) for c in ranked[:top]]
