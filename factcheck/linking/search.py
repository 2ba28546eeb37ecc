"""Find stored claims like a text: one engine for link suggestions, the claim page's link
box and `manage.py similar`.

Two retrievers, then one re-ranker (factcheck.linking.engine.score):
- lexical: on PostgreSQL, one batched full-text query per article (a LATERAL join over the
  claims' queries) on the stored tsvector of linking's index rows (linking 0005), and for
  claims without one on the workspace's GIN index `claim_text_fts_idx` (claims 0005; the
  expression below is exactly its expression, so the planner uses it). Each claim's query is
  built from its rarest lexemes: document frequencies are sampled with ts_stat and cached
  per process, and the query's clauses are the rare single terms and the cheapest pairs of
  terms until the expected number of matches reaches LEXICAL_BUDGET, so the work per claim
  is bounded however large the store grows (a hard inner LIMIT caps correlated pairs). The
  matches are ordered by the Dice overlap of lexemes (LINK_LEXICAL_RANK) and the top
  LEXICAL_K go to the re-ranker. On SQLite, a Python scan of stemmed content words over the
  most recent claims.
- dense: MiniLM sentence embeddings (ClaimEmbedding rows) in an in-process numpy index,
  scanned exactly while the store holds at most LINK_DENSE_MAX_SCAN vectors. Above that,
  by default, embeddings only re-rank the lexical candidates (their stored vectors are read
  from the table, so the process never loads a million vectors); with LINK_DENSE_IVF_NPROBE
  set, an IVF-partitioned index is scanned instead (see docs/benchmarks.md (Cross-linking) for why
  that is not the default).
The union of both candidate sets is scored pairwise with the claims' figures, dates and
names, and sorted by that score.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Q

from factcheck.articles.models import ArticleKind
from factcheck.claims.models import CandidateStatus, Claim, Workflow
from factcheck.linking.engine import embed
from factcheck.linking.engine.score import ClaimFeatures, Match, claim_features, score_claims
from factcheck.linking.engine.text import content_terms
from factcheck.linking.models import ClaimEmbedding, ClaimLink, LinkState, Relation

log = logging.getLogger(__name__)

__all__ = [
    "Candidate",
    "checked_matches",
    "claim_search",
    "embeddings_backfill",
    "embeddings_ensure",
    "embeddings_start",
    "features_for_claim",
    "features_for_text",
    "rank_candidates",
    "review_url_for",
    "search_vectors_backfill",
]

LEXICAL_K = 30
DENSE_K = 30
MAX_QUERY_TERMS = 8
# Expected matches per claim the lexical query may touch (ranking reads each matched row),
# and a hard cap on rows ranked per claim for pairs of words that go together more than
# their frequencies suggest.
LEXICAL_BUDGET = 400
LEXICAL_HARD_CAP = 2000
TERM_SAMPLE_ROWS = 20_000
TERM_STATS_TTL = 3600.0
# The expression of claims 0005's claim_text_fts_idx (what SearchVector("text", config="english")
# compiles to): written the same way, or PostgreSQL would not use the index.
FTS_EXPR = "to_tsvector('english'::regconfig, COALESCE({col}, ''::text))"


def embeddings_enabled() -> bool:
    return bool(settings.LINK_EMBEDDINGS) and embed.available()


# Quantities -----------------------------------------------------------------------------


def find_quantities(text: str, ref_date: datetime.date | None = None) -> list[dict]:
    """Quantities of a text with none stored, by the extraction engine's parser."""
    from dataclasses import asdict

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
    """Forget the in-process index and indexed watermarks (tests, benchmarks)."""
    _holder.reset()
    watermark_reset()


def embeddings_ensure(claims: Sequence[Claim]) -> dict[int, np.ndarray]:
    """Vectors for these claims, computing and storing those missing or out of date (with
    their stored search vector)."""
    return embeddings_start(claims).result()


_encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linking-encode")


class PendingEmbeddings:
    """Vectors being computed: `result()` waits for the encoder, stores the new rows (in the
    calling thread: the encoder thread never touches the database) and returns all vectors."""

    def __init__(self, out: dict[int, np.ndarray], todo: list[Claim], future: Future | None) -> None:
        self.out, self.todo, self.future = out, todo, future

    def discard(self) -> None:
        """Wait for the encoder (so it is idle for the next caller) and drop its work."""
        if self.future is not None:
            wait([self.future])
            self.future = None

    def result(self) -> dict[int, np.ndarray]:
        if self.future is None:
            return self.out
        vectors, self.future = self.future.result(), None
        rows = [
            ClaimEmbedding(
                claim_id=c.pk, model=embed.MODEL_NAME, text_hash=embed.text_hash(c.text), vector=embed.to_bytes(v)
            )
            for c, v in zip(self.todo, vectors, strict=True)
        ]
        with transaction.atomic():
            ClaimEmbedding.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["claim"],
                update_fields=["model", "text_hash", "vector", "updated_at"],
            )
            _store_search_vectors([c.pk for c in self.todo], [c.text for c in self.todo])
        for c, v in zip(self.todo, vectors, strict=True):
            self.out[c.pk] = v
        return self.out


def embeddings_start(claims: Sequence[Claim], *, background: bool = False) -> PendingEmbeddings:
    """Start computing the vectors `embeddings_ensure` returns. With `background`, the model
    runs in a worker thread (torch releases the GIL), so the caller can run its full-text
    query meanwhile: PostgreSQL and the encoder then use both cores."""
    if not claims or not embeddings_enabled():
        return PendingEmbeddings({}, [], None)
    stored = {
        pk: (text_hash, vector)
        for pk, text_hash, vector in ClaimEmbedding.objects.filter(
            claim_id__in=[c.pk for c in claims], model=embed.MODEL_NAME
        ).values_list("claim_id", "text_hash", "vector")
    }
    out: dict[int, np.ndarray] = {}
    todo: list[Claim] = []
    for claim in claims:
        row = stored.get(claim.pk)
        if row is not None and row[0] == embed.text_hash(claim.text):
            out[claim.pk] = embed.from_bytes(row[1])
        else:
            todo.append(claim)
    if not todo:
        return PendingEmbeddings(out, [], None)
    texts = [c.text for c in todo]
    if background:
        future = _encoder.submit(embed.encode, texts)
    else:
        future = Future()
        try:
            future.set_result(embed.encode(texts))
        except Exception as exc:  # noqa: BLE001 - re-raised by result()
            future.set_exception(exc)
    return PendingEmbeddings(out, todo, future)


def _store_search_vectors(ids: Sequence[int], texts: Sequence[str]) -> None:
    """Set the index rows' stored tsvector from the texts just embedded (the same texts their
    text_hash describes). PostgreSQL only."""
    if not ids or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE linking_claimembedding e SET search_vector = "  # noqa: S608 - constants only
            + FTS_EXPR.format(col="t.text")
            + " FROM unnest(%s::bigint[], %s::text[]) AS t(id, text) WHERE e.claim_id = t.id",
            [list(ids), list(texts)],
        )


_FILL_SEARCH_VECTORS = (
    "UPDATE linking_claimembedding e SET search_vector = "  # noqa: S608 - constants only
    + FTS_EXPR.format(col="c.text")
    + " FROM claims_claim c WHERE c.id = e.claim_id AND e.claim_id = ANY(%s) AND e.text_hash = md5(c.text)"
)


def search_vectors_backfill(*, batch: int = 20_000) -> int:
    """Fill the stored tsvector of index rows that have none (rows written before linking
    0005, or by a path that skipped it) and whose text is still current; returns how many.
    Finds them through linking 0005's partial index (rows with no search vector), so it costs
    nothing when there are none. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return 0
    filled, last = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT claim_id FROM linking_claimembedding WHERE search_vector IS NULL AND claim_id > %s "
                "ORDER BY claim_id LIMIT %s",
                [last, batch],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return filled
            cursor.execute(_FILL_SEARCH_VECTORS, [ids])
            filled += max(cursor.rowcount, 0)
            last = ids[-1]


def embeddings_backfill(*, limit: int = 5000, batch: int = 256) -> int:
    """Embed up to `limit` live claims that have no vector yet (which stores their search
    vector too), and fill missing search vectors of rows already embedded; returns how many
    claims were embedded."""
    if not embeddings_enabled():
        return 0
    search_vectors_backfill()
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


@dataclass(slots=True)
class TermStats:
    """Document frequencies of lexemes in a sample of stored claims, for choosing each
    claim's most selective query terms."""

    total: float  # claims stored (planner estimate)
    sample: int  # claims in the sample
    ndoc: dict[str, int]
    fetched_at: float = 0.0
    alias: str = ""

    def expected(self, *lexemes: str) -> float:
        """Expected number of stored claims holding all these lexemes (assumed independent)."""
        est = self.total
        for lexeme in lexemes:
            est *= (self.ndoc.get(lexeme, 0) + 0.5) / max(self.sample, 1)
        return est


_term_stats: TermStats | None = None
_term_stats_lock = threading.Lock()


def _claims_estimate(cursor) -> float:
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'claims_claim'::regclass")
    row = cursor.fetchone()
    total = float(row[0]) if row else -1.0
    if total < 0:  # never analysed (a new database): count, which is cheap while it is small
        cursor.execute("SELECT count(*) FROM claims_claim")
        total = float(cursor.fetchone()[0])
    return total


def term_stats(*, refresh: bool = False) -> TermStats:
    """Cached per process for TERM_STATS_TTL seconds, or until the store grows by a fifth."""
    global _term_stats
    alias = str(connection.settings_dict.get("NAME"))
    with _term_stats_lock, connection.cursor() as cursor:
        total = _claims_estimate(cursor)
        cached = _term_stats
        if (
            not refresh
            and cached is not None
            and cached.alias == alias
            and time.monotonic() - cached.fetched_at < TERM_STATS_TTL
            and total <= cached.total * 1.2 + 100
        ):
            return cached
        pct = 100.0 if total <= TERM_SAMPLE_ROWS else max(0.01, 100.0 * TERM_SAMPLE_ROWS / total)
        # Built from constants only (pct is a float we computed).
        source = f"SELECT {FTS_EXPR.format(col='text')} FROM claims_claim"  # noqa: S608
        if pct < 100:
            # SYSTEM sampling reads whole pages: fast, and claims are not clustered by wording.
            # REPEATABLE, so the count and ts_stat read the same pages.
            source += f" TABLESAMPLE SYSTEM ({pct:.4f}) REPEATABLE (7)"
        cursor.execute("SELECT count(*) FROM (" + source + ") s")  # noqa: S608
        sample = int(cursor.fetchone()[0])
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [source])
        ndoc = {word: int(n) for word, n in cursor.fetchall()}
        _term_stats = TermStats(
            total=max(total, sample), sample=sample, ndoc=ndoc, fetched_at=time.monotonic(), alias=alias
        )
        return _term_stats


def _lexemes(texts: Sequence[str]) -> list[list[str]]:
    """PostgreSQL's english lexemes of each text, in order of first appearance."""
    out: list[list[str]] = [[] for _ in texts]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.i, l.lexeme, l.positions[1] FROM unnest(%s::text[]) WITH ORDINALITY AS t(s, i), "
            "unnest(to_tsvector('english'::regconfig, t.s)) AS l ORDER BY t.i, l.positions[1]",
            [list(texts)],
        )
        for i, lexeme, _pos in cursor.fetchall():
            out[int(i) - 1].append(lexeme)
    return out


def _quote_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def query_clauses(lexemes: Sequence[str], stats: TermStats, budget: float = LEXICAL_BUDGET) -> list[str]:
    """The clauses (tsquery texts) of a claim's query, over its most selective lexemes: first
    the terms rare enough to match on their own (names, unusual figures), then pairs of the
    other terms, cheapest first, until the expected matches reach `budget`. Always at least
    one clause, so a claim made only of common words still finds the stored claims sharing
    its two rarest. A stored claim matches if it matches any clause."""
    terms = [lx for lx in dict.fromkeys(lexemes) if len(lx) > 1 or lx.isdigit()]
    terms.sort(key=lambda lx: stats.expected(lx))
    terms = terms[:MAX_QUERY_TERMS]
    if not terms:
        return []
    clauses: list[str] = []
    spent = 0.0
    rest = []
    for term in terms:
        est = stats.expected(term)
        if spent + est <= budget / 2:
            clauses.append(_quote_lexeme(term))
            spent += est
        else:
            rest.append(term)
    pairs = sorted(combinations(rest, 2), key=lambda p: stats.expected(*p))
    for a, b in pairs:
        est = stats.expected(a, b)
        if clauses and spent + est > budget:
            break
        clauses.append(f"({_quote_lexeme(a)} & {_quote_lexeme(b)})")
        spent += est
    if not clauses:  # a single very common word
        clauses.append(_quote_lexeme(terms[0]))
    return clauses


def build_tsquery(lexemes: Sequence[str], stats: TermStats, budget: float = LEXICAL_BUDGET) -> str:
    """The claim's query as one tsquery text: its clauses ORed."""
    return " | ".join(query_clauses(lexemes, stats, budget))


# Per claim (one LATERAL row per query): the claims matching any of its clauses that have an
# index row are found by linking 0005's GIN index on ClaimEmbedding.search_vector (one bitmap
# scan per clause, ORed), ordered on their stored tsvector, and then checked against their
# claim (status, exclusions) in that order until k pass. The check is a scalar subquery so
# the planner cannot turn it into a join of every matched row (~480 per claim at 1M claims)
# before the sort; the result is the same as filtering first. Claims with no index row yet,
# all above the indexed watermark (see indexed_watermark), are the fallback. Both branches
# are capped (LIMIT), so the rows read per claim stay bounded. `q` is materialised so each
# claim's clauses and tsvector are built once, not once per matched row.
_LEXICAL_SQL = """
WITH q AS MATERIALIZED (
    SELECT t.i, to_tsvector('english'::regconfig, t.text) AS qv, u.clauses, u.query
    FROM unnest(%s::int[], %s::text[]) AS t(i, text)
    CROSS JOIN LATERAL (
        SELECT array_agg(c.clause::tsquery) AS clauses, string_agg(c.clause, ' | ')::tsquery AS query
        FROM unnest(%s::int[], %s::text[]) AS c(i, clause) WHERE c.i = t.i
    ) u
){pending}
SELECT q.i, m.id, m.rank
FROM q
CROSS JOIN LATERAL (
    SELECT s.id, s.rank FROM (
        (
            SELECT x.id, x.rank
            FROM (
                SELECT e.claim_id AS id, {rank_e} AS rank
                FROM (
                    SELECT claim_id, search_vector AS sv FROM linking_claimembedding
                    WHERE search_vector @@ ANY(q.clauses)
                    LIMIT %s
                ) e
                ORDER BY rank DESC, id DESC
            ) x
            WHERE (SELECT c.status <> %s {extra} FROM claims_claim c WHERE c.id = x.id)
            LIMIT %s
        )
        UNION ALL
        SELECT y.id, {rank_y}
        FROM (
            {fallback}
            LIMIT %s
        ) y
    ) s
    ORDER BY s.rank DESC, s.id DESC
    LIMIT %s
) m
"""
# Fallback with a watermark: the claims above it that have no index row (the last minutes'
# claims) are parsed once for all the article's queries, then matched in memory.
_PENDING_CTE = """,
pending AS MATERIALIZED (
    SELECT c.id, {fts_c} AS sv FROM claims_claim c
    WHERE c.id > %s AND c.status <> %s {extra}
      AND NOT EXISTS (
          SELECT 1 FROM linking_claimembedding e WHERE e.claim_id = c.id AND e.search_vector IS NOT NULL
      )
)"""
_PENDING_FALLBACK = "SELECT p.id, p.sv FROM pending p WHERE p.sv @@ ANY(q.clauses)"
# Fallback with no watermark (nothing indexed, e.g. embeddings off): the previous query, on the
# workspace's GIN index claim_text_fts_idx.
_TEXT_FALLBACK = """SELECT c.id, {fts_c} AS sv FROM claims_claim c
            WHERE {fts_c} @@ ANY(q.clauses) AND c.status <> %s {extra}
              AND NOT EXISTS (
                  SELECT 1 FROM linking_claimembedding e WHERE e.claim_id = c.id AND e.search_vector IS NOT NULL
              )"""

# How the matched rows are ordered to keep the top LEXICAL_K per claim for the re-ranker
# (engine.score), which scores every row kept. `{sv}` is a matched claim's tsvector, `q.qv`
# the new claim's.
# - "dice" (default): the Dice overlap of their lexemes, 2|A ∩ B| / (|A| + |B|), from
#   tsvector lengths alone (|A ∪ B| = length(A || B), a merge of two short sorted arrays): no
#   positions, nearly free, and the measure the re-ranker's own lexical term uses (Dice of
#   stemmed content words). At 1M generated claims its top 30 kept 91 % of the links the
#   re-ranker suggests when it scores every matched row, where ts_rank_cd's kept 46 %.
# - "cover" (ts_rank_cd, the previous ranking): cover density, 2-3x the query's time at 1M
#   claims (docs/benchmarks.md (Cross-linking)).
_RANK_EXPRESSIONS = {
    "dice": (
        "2 * (length({sv}) + length(q.qv) - length({sv} || q.qv))::float4 / greatest(length({sv}) + length(q.qv), 1)"
    ),
    "cover": "ts_rank_cd({sv}, q.query)",
}

# The watermark never passes claims created in the last SETTLE: a transaction still open
# (an extraction storing an article's claims) may commit lower ids than claims already
# visible, and those must stay above it. Unindexed claims older than SETTLE are indexed
# (embedded) by the watermark check, at most HEAL_BATCH per call; younger ones belong to
# articles whose own suggestion run embeds them.
SETTLE = datetime.timedelta(minutes=10)
HEAL_BATCH = 32
_watermarks: dict[str, int] = {}
_watermark_lock = threading.Lock()


_UNINDEXED = (
    "SELECT c.id FROM claims_claim c WHERE c.id > %s AND NOT EXISTS ("
    " SELECT 1 FROM linking_claimembedding e WHERE e.claim_id = c.id AND e.search_vector IS NOT NULL)"
)


def _first_unindexed(cursor, after: int, settled: datetime.datetime) -> tuple[int | None, int, int]:
    """(the first claim above `after` with no index row or None, the highest claim id created
    before `settled`, the highest claim id)."""
    cursor.execute(
        f"SELECT ({_UNINDEXED} ORDER BY c.id LIMIT 1), "  # noqa: S608 - constants only
        "(SELECT coalesce(max(id), 0) FROM claims_claim WHERE created_at < %s), "
        "(SELECT coalesce(max(id), 0) FROM claims_claim)",
        [after, settled],
    )
    first, top_settled, top = cursor.fetchone()
    return (None if first is None else int(first)), int(top_settled), int(top)


def _watermark_key(cursor) -> str:
    """Cache key of this database's watermark: its name and oid (a re-created database, as in
    tests, starts again)."""
    alias = str(connection.settings_dict.get("NAME"))
    key = _watermark_keys.get(alias)
    if key is None:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        key = _watermark_keys[alias] = f"linking:indexed-watermark:{alias}:{cursor.fetchone()[0]}"
    return key


_watermark_keys: dict[str, str] = {}


def indexed_watermark(*, heal: bool = True) -> int:
    """The highest claim id W such that every claim with id <= W has an index row with a
    stored search vector. Claim ids only grow and a row never loses its search vector, so W
    stays true once found: it is kept in the process and in the cache (Redis in production,
    shared by the workers), and each call moves it up from there (a primary-key range over
    the claims added since), never past the claims created in the last SETTLE (a transaction
    still open may commit lower ids than those). With no cached value (a new cache), the first call walks the
    whole table once (~0.7 s at 1M claims). Claims above W are searched by their text (the
    fallback branch of the lexical query). An unindexed claim older than SETTLE (imported
    without embeddings, added by hand, stored before linking 0005) would hold W down, so up
    to HEAL_BATCH of them are embedded here. 0 when embeddings are off (no rows are written)."""
    if not embeddings_enabled():
        return 0
    with _watermark_lock, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # a million-row estimate would JIT-compile a ~1 ms query
        key = _watermark_key(cursor)
        settled = datetime.datetime.now(datetime.UTC) - SETTLE
        start = max(_watermarks.get(key, 0), int(cache.get(key) or 0))
        first, top_settled, top = _first_unindexed(cursor, start, settled)
        if start > top:  # claim ids went back (a database re-filled under the same name)
            start = 0
            first, top_settled, top = _first_unindexed(cursor, start, settled)
        if first is not None and heal:
            cursor.execute(
                _UNINDEXED + " AND c.created_at < %s ORDER BY c.id LIMIT %s", [first - 1, settled, HEAL_BATCH]
            )
            stale = [row[0] for row in cursor.fetchall()]
            if stale:
                try:
                    # Rows whose text is current only lack the stored vector; the others are embedded.
                    with transaction.atomic():
                        cursor.execute(_FILL_SEARCH_VECTORS, [stale])
                        embeddings_ensure(list(Claim.objects.filter(pk__in=stale).only("id", "text")))
                except Exception:  # noqa: BLE001 - they are still found by their text
                    log.exception("indexing %d unindexed claims failed", len(stale))
                first, top_settled, top = _first_unindexed(cursor, start, settled)
        upto = max(start, min(top_settled, top if first is None else first - 1))
        if upto != start or key not in _watermarks:
            _watermarks[key] = upto
            try:
                cache.set(key, upto, None)
            except Exception:  # noqa: BLE001 - the cache only saves the next process a walk
                log.warning("could not cache the indexed watermark", exc_info=True)
        return upto


def watermark_reset() -> None:
    """Forget the watermarks, in the process and in the cache (tests, benchmarks)."""
    with _watermark_lock:
        for key in _watermark_keys.values():
            try:
                cache.delete(key)
            except Exception:  # noqa: BLE001
                log.warning("could not clear the indexed watermark", exc_info=True)
        _watermarks.clear()
        _watermark_keys.clear()


def lexical_query(
    texts: Sequence[str], *, k: int = LEXICAL_K, exclude_article_id: int | None = None, exclude_ids: Iterable[int] = ()
) -> tuple[list[int], str, list]:
    """(indexes of the texts that have a query, SQL, params): the one PostgreSQL query for
    all texts (also what benchmarks/linking_scale.py --explain runs under EXPLAIN)."""
    exclude = list(exclude_ids)
    stats = term_stats()
    queries = [query_clauses(lx, stats, LEXICAL_BUDGET) for lx in _lexemes(texts)]
    wanted = [(i, q) for i, q in enumerate(queries) if q]
    extra, params = "", []
    if exclude_article_id is not None:
        extra += " AND c.article_id <> %s"
        params.append(exclude_article_id)
    if exclude:
        extra += " AND NOT (c.id = ANY(%s))"
        params.append(exclude)
    # Claims above the watermark may have no index row: they are parsed once (a primary-key
    # range over the last minutes' claims). 0: nothing indexed, every claim by its text.
    watermark = indexed_watermark()
    fts_c = FTS_EXPR.format(col="c.text")
    rejected = CandidateStatus.REJECTED
    branch = [LEXICAL_HARD_CAP, rejected, *params, k]
    if watermark:
        pending, fallback = _PENDING_CTE.format(fts_c=fts_c, extra=extra), _PENDING_FALLBACK
        pending_params, fallback_params = [watermark, rejected, *params], [LEXICAL_HARD_CAP]
    else:
        pending, fallback = "", _TEXT_FALLBACK.format(fts_c=fts_c, extra=extra)
        pending_params, fallback_params = [], [rejected, *params, LEXICAL_HARD_CAP]
    rank = _RANK_EXPRESSIONS[str(settings.LINK_LEXICAL_RANK)]
    sql = _LEXICAL_SQL.format(
        pending=pending, fallback=fallback, extra=extra, rank_e=rank.format(sv="e.sv"), rank_y=rank.format(sv="y.sv")
    )
    owners = [i for i, clauses in wanted for _ in clauses]
    head = [[i for i, _ in wanted], [texts[i] for i, _ in wanted], owners, [c for _, q in wanted for c in q]]
    params = [*head, *pending_params, *branch, *fallback_params, k]
    return [i for i, _ in wanted], sql, params


# Planner settings for the lexical query, local to its transaction. The planner cannot know
# how many rows a claim's clauses match (a run-time array of tsqueries: it assumes ~5 % of the
# table, where ~0.05 % match), so its costs are far above the real work:
# - it JIT-compiled the query (~200 ms at 1M claims);
# - with the cap (LIMIT 2000) over the match it found a sequential scan that stops after
#   "2000 of 49 000 matches" cheaper than the GIN scan, and at 1M claims that scan read the
#   whole embedding table for each claim (~9 s per article). A sequential scan is never the
#   right plan for any table in this query (every access is by GIN or primary key).
LEXICAL_SETTINGS = ("SET LOCAL jit = off", "SET LOCAL enable_seqscan = off")


@contextmanager
def lexical_cursor():
    """A cursor in a transaction with LEXICAL_SETTINGS (also what benchmarks/linking_scale.py
    --explain runs the query with)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in LEXICAL_SETTINGS:
            cursor.execute(statement)
        yield cursor


def lexical_candidates_batch(
    texts: Sequence[str],
    *,
    k: int = LEXICAL_K,
    exclude_article_id: int | None = None,
    exclude_ids: Iterable[int] = (),
) -> list[list[tuple[int, float]]]:
    """For each text, up to k stored claims sharing its rarest words, best first. One query
    for all texts on PostgreSQL."""
    exclude = list(exclude_ids)
    if not texts:
        return []
    if connection.vendor != "postgresql":
        return [_sqlite_lexical(t, k=k, exclude_article_id=exclude_article_id, exclude=exclude) for t in texts]
    wanted, sql, params = lexical_query(texts, k=k, exclude_article_id=exclude_article_id, exclude_ids=exclude)
    out: list[list[tuple[int, float]]] = [[] for _ in texts]
    if not wanted:
        return out
    with lexical_cursor() as cursor:
        cursor.execute(sql, params)
        for i, pk, rank in cursor.fetchall():
            out[int(i)].append((int(pk), float(rank)))
    for row in out:
        row.sort(key=lambda x: (-x[1], -x[0]))
    return out


def lexical_candidates(
    text: str, *, k: int = LEXICAL_K, exclude_article_id: int | None = None, exclude_ids: Iterable[int] = ()
) -> list[tuple[int, float]]:
    return lexical_candidates_batch([text], k=k, exclude_article_id=exclude_article_id, exclude_ids=exclude_ids)[0]


def _sqlite_lexical(
    text: str, *, k: int, exclude_article_id: int | None, exclude: Sequence[int]
) -> list[tuple[int, float]]:
    """SQLite: a scan of the most recent claims, scored by shared content words."""
    terms = set(content_terms(text))
    if not terms:
        return []
    qs = Claim.objects.live().exclude(pk__in=exclude)
    if exclude_article_id is not None:
        qs = qs.exclude(article_id=exclude_article_id)
    limit = int(settings.LINK_SQLITE_SCAN_LIMIT)
    scored = []
    for pk, other in qs.order_by("-id").values_list("pk", "text")[:limit]:
        other_terms = set(content_terms(other))
        shared = len(terms & other_terms)
        if shared:
            scored.append((pk, 2 * shared / (len(terms) + len(other_terms))))
    scored.sort(key=lambda x: -x[1])
    return scored[:k]


def _embedding_count() -> int:
    """How many vectors are stored: the planner's estimate on PostgreSQL (no count of a
    million rows per request), exact elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'linking_claimembedding'::regclass")
            row = cursor.fetchone()
            if row and row[0] > 0:  # -1: never analysed; 0: analysed while empty (count, it is cheap then)
                return int(row[0])
    return ClaimEmbedding.objects.count()


def dense_mode() -> str:
    """ "exact" (scan every vector), "ivf" (scan the nearest partitions) or "rerank" (no dense
    retrieval: embeddings only re-rank the lexical candidates)."""
    held = len(_holder.index)
    count = held if held else _embedding_count()
    if count <= int(settings.LINK_DENSE_MAX_SCAN):
        return "exact"
    return "ivf" if int(settings.LINK_DENSE_IVF_NPROBE) > 0 else "rerank"


def _ivf_ready(index: embed.VectorIndex) -> embed.VectorIndex:
    """Partition once (about sqrt(n) lists), and file new rows when the tail passes 5 %."""
    if not index.partitioned:
        index.partition(max(16, int(len(index) ** 0.5)))
    elif index.tail > max(20_000, len(index) // 20):
        index.regroup()
    return index


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
        found = lexical_candidates_batch(
            [f.text for f, _ in queries], k=lexical_k, exclude_article_id=exclude_article_id, exclude_ids=exclude
        )
    per_query_ids: list[set[int]] = [{pk for pk, _ in row} for row in found]
    clock.lap("lexical")

    vectors = [v for _, v in queries]
    have_vectors = bool(vectors) and all(v is not None for v in vectors) and embeddings_enabled()
    mode = dense_mode() if have_vectors else "none"
    index = None
    if mode in ("exact", "ivf"):
        index = _holder.sync()
        nprobe = None
        if mode == "ivf":
            index = _ivf_ready(index)
            nprobe = int(settings.LINK_DENSE_IVF_NPROBE)
        # Over-fetch by what is dropped afterwards: the article's own claims, the excluded ones.
        hits = index.search(np.stack(vectors), dense_k + len(queries) + len(exclude), nprobe=nprobe)
        for ids, row in zip(per_query_ids, hits, strict=True):
            ids.update(pk for pk, _ in row if pk not in exclude)
    clock.lap("dense")

    all_ids = set().union(*per_query_ids) if per_query_ids else set()
    # Not the articles' bodies (what scoring and the reasons use is the claim, the article's
    # kind, date and outlet): at 1M claims a few hundred bodies were most of this step.
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
            stored.update(_stored_vectors(missing))
        unembedded = [c for pk, c in claims.items() if pk not in stored]
        if unembedded:
            # Claims stored before embeddings were on, or by another path: embed them now.
            stored.update(embeddings_ensure(unembedded))
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


def claim_search(text: str, *, top: int = 10, exclude_ids: Iterable[int] = ()) -> list[tuple[Claim, float]]:
    """Stored claims (imported fact-checks included) most like `text`, best first, with a
    score in [0, 1]."""
    text = " ".join(text.split())
    if not text or top <= 0:
        return []
    lexical_k = max(LEXICAL_K, top * 3)
    # As for an article's claims: the text is encoded in the background while PostgreSQL runs
    # the full-text query.
    pending = _encoder.submit(embed.encode, [text]) if embeddings_enabled() else None
    try:
        lexical = lexical_candidates_batch([text], k=lexical_k, exclude_ids=exclude_ids)
    except BaseException:
        if pending is not None:
            wait([pending])  # leave the encoder idle for the next caller
        raise
    vector = pending.result()[0] if pending is not None else None
    ranked = rank_candidates(
        [(features_for_text(text, datetime.date.today()), vector)],
        exclude_ids=exclude_ids,
        lexical_k=lexical_k,
        dense_k=max(DENSE_K, top * 3),
        lexical=lexical,
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
