"""Find stored claims like a text: one engine for link suggestions, the claim page's link
box and `manage.py similar`.

Two retrievers, then one re-ranker (factcheck.linking.engine.score):
- lexical: on PostgreSQL, full-text search over a GIN index on to_tsvector('english', text)
  (migration linking 0003), asking for claims that share at least two content words
  (an OR of pairwise ANDs, which keeps the matched set small at a million claims);
  on SQLite, a Python scan of stemmed content words over the most recent claims.
- dense: MiniLM sentence embeddings (ClaimEmbedding rows) in an in-process numpy index,
  scanned exactly while it holds at most LINK_DENSE_MAX_SCAN vectors. Above that the
  scan would be too slow for a request, and embeddings only re-rank the lexical
  candidates (see docs/linking.md for the measured trade-off).
The union of both candidate sets is scored pairwise with the claims' figures, dates and
names, and sorted by that score.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import CandidateStatus, Claim, Workflow
from factcheck.linking.engine import embed
from factcheck.linking.engine.score import ClaimFeatures, Match, claim_features, score_claims
from factcheck.linking.engine.text import STOPWORDS, content_terms, words
from factcheck.linking.models import ClaimEmbedding, ClaimLink, LinkState, Relation

log = logging.getLogger(__name__)

__all__ = [
    "Candidate",
    "checked_matches",
    "claim_search",
    "embeddings_backfill",
    "embeddings_ensure",
    "features_for_claim",
    "features_for_text",
    "rank_candidates",
    "review_url_for",
]

LEXICAL_K = 60
DENSE_K = 40
MAX_QUERY_TERMS = 8


def _setting(name: str, default):
    return getattr(settings, name, default)


def embeddings_enabled() -> bool:
    return bool(_setting("LINK_EMBEDDINGS", True)) and embed.available()


# Quantities -----------------------------------------------------------------------------


def find_quantities(text: str, ref_date: datetime.date | None = None) -> list[dict]:
    """Quantities of a text with none stored, from the extraction engine when it is there."""
    try:
        from factcheck.extraction.engine.quantities import find_quantities as _find
    except ImportError:  # pragma: no cover - the engines ship together
        return []
    from dataclasses import asdict

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


# The in-process vector index ------------------------------------------------------------


class _IndexHolder:
    """One VectorIndex per process, brought up to date from ClaimEmbedding.updated_at."""

    def __init__(self) -> None:
        self.index = embed.VectorIndex()
        self.synced_to: datetime.datetime | None = None
        self.alias: str | None = None
        self.overlap_at = 0.0
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.index = embed.VectorIndex()
            self.synced_to = None

    def sync(self) -> embed.VectorIndex:
        with self.lock:
            db_name = str(connection.settings_dict.get("NAME"))
            if self.alias != db_name:  # tests and benchmarks switch databases
                self.index, self.synced_to, self.alias = embed.VectorIndex(), None, db_name
            rows = ClaimEmbedding.objects.filter(model=embed.MODEL_NAME)
            now = time.monotonic()
            if self.synced_to is not None:
                since = self.synced_to
                if now - self.overlap_at > 60:
                    # Once a minute, re-read the last 30 s: a transaction that started before the
                    # last sync may have committed rows stamped earlier than it.
                    since -= datetime.timedelta(seconds=30)
                    self.overlap_at = now
                rows = rows.filter(updated_at__gt=since)
            else:
                self.overlap_at = now
            latest = None
            ids: list[int] = []
            vectors: list[np.ndarray] = []
            for pk, vector, updated in rows.values_list("claim_id", "vector", "updated_at").iterator(chunk_size=5000):
                ids.append(pk)
                vectors.append(np.frombuffer(bytes(vector), dtype=np.float16))
                latest = updated if latest is None or updated > latest else latest
                if len(ids) >= 50_000:
                    self.index.upsert(ids, np.stack(vectors))
                    ids, vectors = [], []
            if ids:
                self.index.upsert(ids, np.stack(vectors))
            if latest is not None:
                self.synced_to = latest
            return self.index


_holder = _IndexHolder()


def index_reset() -> None:
    """Forget the in-process index (tests, benchmarks)."""
    _holder.reset()


def embeddings_ensure(claims: Sequence[Claim]) -> dict[int, np.ndarray]:
    """Vectors for these claims, computing and storing those missing or out of date."""
    if not claims or not embeddings_enabled():
        return {}
    stored = {
        row.claim_id: row
        for row in ClaimEmbedding.objects.filter(claim_id__in=[c.pk for c in claims], model=embed.MODEL_NAME)
    }
    out: dict[int, np.ndarray] = {}
    todo: list[Claim] = []
    for claim in claims:
        row = stored.get(claim.pk)
        if row is not None and row.text_hash == embed.text_hash(claim.text):
            out[claim.pk] = embed.from_bytes(row.vector)
        else:
            todo.append(claim)
    if todo:
        vectors = embed.encode([c.text for c in todo])
        rows = [
            ClaimEmbedding(
                claim_id=c.pk, model=embed.MODEL_NAME, text_hash=embed.text_hash(c.text), vector=embed.to_bytes(v)
            )
            for c, v in zip(todo, vectors, strict=True)
        ]
        with transaction.atomic():
            ClaimEmbedding.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["claim"],
                update_fields=["model", "text_hash", "vector", "updated_at"],
            )
        for c, v in zip(todo, vectors, strict=True):
            out[c.pk] = v
    return out


def embeddings_backfill(*, limit: int = 5000, batch: int = 256) -> int:
    """Embed up to `limit` live claims that have no vector yet; returns how many."""
    if not embeddings_enabled():
        return 0
    done = 0
    while done < limit:
        claims = list(
            Claim.objects.live()
            .filter(embedding__isnull=True)
            .only("id", "text")
            .order_by("-id")[: min(batch, limit - done)]
        )
        if not claims:
            break
        embeddings_ensure(claims)
        done += len(claims)
    return done


# Retrieval -------------------------------------------------------------------------------


def _query_terms(text: str) -> list[str]:
    seen: list[str] = []
    for w in words(text):
        if w in STOPWORDS or (len(w) < 3 and not w.isdigit()) or w in seen:
            continue
        seen.append(w)
    # Longer words and figures are the more selective ones.
    seen.sort(key=lambda w: (not w.isdigit(), -len(w)))
    return seen[:MAX_QUERY_TERMS]


def _tsquery(text: str) -> str:
    terms = _query_terms(text)
    if not terms:
        return ""
    if len(terms) == 1:
        return terms[0]
    return " | ".join(f"({a} & {b})" for a, b in combinations(terms, 2))


def lexical_candidates(
    text: str, *, k: int = LEXICAL_K, exclude_article_id: int | None = None, exclude_ids: Iterable[int] = ()
) -> list[tuple[int, float]]:
    exclude = list(exclude_ids)
    if connection.vendor == "postgresql":
        query = _tsquery(text)
        if not query:
            return []
        sql = (
            "SELECT c.id, ts_rank_cd(to_tsvector('english'::regconfig, c.text), q) AS rank "
            "FROM claims_claim c, to_tsquery('english'::regconfig, %s) q "
            "WHERE to_tsvector('english'::regconfig, c.text) @@ q AND c.status <> %s"
        )
        params: list = [query, CandidateStatus.REJECTED]
        if exclude_article_id is not None:
            sql += " AND c.article_id <> %s"
            params.append(exclude_article_id)
        if exclude:
            sql += " AND NOT (c.id = ANY(%s))"
            params.append(exclude)
        sql += " ORDER BY rank DESC, c.id DESC LIMIT %s"
        params.append(k)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]
    # SQLite: a scan of the most recent claims, scored by shared content words.
    terms = set(content_terms(text))
    if not terms:
        return []
    qs = Claim.objects.live().exclude(pk__in=exclude)
    if exclude_article_id is not None:
        qs = qs.exclude(article_id=exclude_article_id)
    limit = int(_setting("LINK_SQLITE_SCAN_LIMIT", 50_000))
    scored = []
    for pk, other in qs.order_by("-id").values_list("pk", "text")[:limit]:
        other_terms = set(content_terms(other))
        shared = len(terms & other_terms)
        if shared:
            scored.append((pk, 2 * shared / (len(terms) + len(other_terms))))
    scored.sort(key=lambda x: -x[1])
    return scored[:k]


def _dense_scan_allowed(index: embed.VectorIndex) -> bool:
    return len(index) <= int(_setting("LINK_DENSE_MAX_SCAN", 250_000))


def _stored_vectors(ids: Iterable[int]) -> dict[int, np.ndarray]:
    return {
        pk: embed.from_bytes(vector)
        for pk, vector in ClaimEmbedding.objects.filter(claim_id__in=list(ids), model=embed.MODEL_NAME).values_list(
            "claim_id", "vector"
        )
    }


@dataclass(slots=True)
class Candidate:
    claim: Claim
    match: Match


def rank_candidates(
    queries: Sequence[tuple[ClaimFeatures, np.ndarray | None]],
    *,
    exclude_article_id: int | None = None,
    exclude_ids: Iterable[int] = (),
    lexical_k: int = LEXICAL_K,
    dense_k: int = DENSE_K,
) -> list[list[Candidate]]:
    """For each query (features, vector or None), the stored claims scored against it, best first."""
    exclude = set(exclude_ids)
    per_query_ids: list[set[int]] = []
    for features, _vector in queries:
        found = lexical_candidates(
            features.text, k=lexical_k, exclude_article_id=exclude_article_id, exclude_ids=exclude
        )
        per_query_ids.append({pk for pk, _ in found})

    vectors = [v for _, v in queries]
    have_vectors = all(v is not None for v in vectors) and bool(vectors) and embeddings_enabled()
    index = _holder.sync() if have_vectors else None
    scan = index is not None and _dense_scan_allowed(index)
    if scan:
        hits = index.search(np.stack(vectors), dense_k + 50)
        for ids, row in zip(per_query_ids, hits, strict=True):
            ids.update(pk for pk, _ in row if pk not in exclude)

    all_ids = set().union(*per_query_ids) if per_query_ids else set()
    claims = Claim.objects.live().select_related("article__outlet", "verdict").in_bulk(list(all_ids))
    if exclude_article_id is not None:
        claims = {pk: c for pk, c in claims.items() if c.article_id != exclude_article_id}
    stored = {}
    if have_vectors:
        if scan:
            stored = {pk: index.matrix[index._pos[pk]].astype(np.float32) for pk in claims if pk in index._pos}
        else:
            stored = _stored_vectors(claims)
        missing = [c for pk, c in claims.items() if pk not in stored]
        if missing:
            # Claims stored before embeddings were on, or by another path: embed them now.
            stored.update(embeddings_ensure(missing))
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
    return results


def claim_search(text: str, *, top: int = 10, exclude_ids: Iterable[int] = ()) -> list[tuple[Claim, float]]:
    """Stored claims (imported fact-checks included) most like `text`, best first, with a
    score in [0, 1]."""
    text = " ".join(text.split())
    if not text or top <= 0:
        return []
    vector = embed.encode([text])[0] if embeddings_enabled() else None
    ranked = rank_candidates(
        [(features_for_text(text, datetime.date.today()), vector)],
        exclude_ids=exclude_ids,
        lexical_k=max(LEXICAL_K, top * 3),
        dense_k=max(DENSE_K, top * 3),
    )[0]
    return [(c.claim, c.match.score) for c in ranked[:top]]


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


def checked_matches(claim: Claim) -> list[tuple[Claim, ClaimLink]]:
    """The previously checked claims this claim is linked to as the same claim (live links),
    best first: what the claim page shows as "already fact-checked"."""
    links = list(
        ClaimLink.objects.involving(claim.pk)
        .live()
        .filter(relation=Relation.SAME)
        .select_related("source__verdict", "target__verdict", "source__article__outlet", "target__article__outlet")
    )
    out = []
    for link in links:
        other = link.target if link.source_id == claim.pk else link.source
        if is_checked(other):
            out.append((other, link))
    out.sort(key=lambda x: (x[1].state != LinkState.CONFIRMED, -(x[1].score or 0)))
    return out


def latest_embedding_time() -> datetime.datetime | None:
    return ClaimEmbedding.objects.aggregate(m=Max("updated_at"))["m"]


def claims_missing_embeddings() -> int:
    return Claim.objects.live().filter(Q(embedding__isnull=True)).count()
