"""Candidate retrieval: which stored claims are worth scoring against a new claim.

- Lexical (PostgreSQL): one full-text query per article over the claims' stored
  `search_vector` column (claims 0007, GIN-indexed), a LATERAL join over the article's
  claims. Each claim's query is a list of clauses over its rarest lexemes: document
  frequencies are sampled with ts_stat and cached per process, rare terms are clauses on
  their own and the other terms are ANDed in pairs, cheapest first, until the expected
  matches reach LEXICAL_BUDGET; a hard inner LIMIT caps pairs of words that go together more
  than their frequencies say. So the rows read per claim are bounded however large the store
  grows. The matches are ordered by LINK_LEXICAL_RANK and the top LEXICAL_K go to the
  re-ranker (factcheck.linking.ranking).
- Lexical (SQLite, the embedded default): a Python scan of stemmed content words over the
  most recent claims.
- Dense: the nearest stored vectors in the in-process index (factcheck.linking.embeddings),
  scanned exactly while the store holds at most LINK_DENSE_MAX_SCAN vectors; above that,
  by default, no dense retrieval (the embeddings only re-rank the lexical candidates, so a
  process never loads a million vectors), or with LINK_DENSE_IVF_NPROBE set, the nearest
  partitions of an IVF index. docs/linking.md says what each costs and loses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from factcheck.claims.models import CandidateStatus, Claim
from factcheck.linking import embeddings
from factcheck.linking.engine import embed, fusion
from factcheck.linking.engine.text import content_terms
from factcheck.linking.models import ClaimEmbedding

__all__ = [
    "DENSE_K",
    "DocStats",
    "doc_stats",
    "LEXICAL_K",
    "TermStats",
    "dense_candidates",
    "dense_mode",
    "lexical_candidates_batch",
    "lexical_cursor",
    "lexical_query",
    "query_clauses",
    "term_stats",
]

LEXICAL_K = 30
DENSE_K = 30
MAX_QUERY_TERMS = 8
# Expected matches per claim the lexical query may touch (ordering reads each matched row),
# and a hard cap on rows read per claim for pairs of words that go together more than their
# frequencies suggest.
LEXICAL_BUDGET = 400
LEXICAL_HARD_CAP = 2000
TERM_SAMPLE_ROWS = 20_000
TERM_STATS_TTL = 3600.0


# Term statistics ---------------------------------------------------------------------------


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


def _fresh(cached: TermStats | DocStats | None, alias: str, total: float) -> bool:
    """A cached statistics object still serves: same database, younger than TERM_STATS_TTL,
    and the store has not grown by more than a fifth since."""
    return (
        cached is not None
        and cached.alias == alias
        and time.monotonic() - cached.fetched_at < TERM_STATS_TTL
        and total <= cached.total * 1.2 + 100
    )


def term_stats() -> TermStats:
    """Cached per process for TERM_STATS_TTL seconds, or until the store grows by a fifth."""
    global _term_stats
    alias = str(connection.settings_dict.get("NAME"))
    with _term_stats_lock, connection.cursor() as cursor:
        total = _claims_estimate(cursor)
        if _fresh(_term_stats, alias, total):
            return _term_stats
        pct = 100.0 if total <= TERM_SAMPLE_ROWS else max(0.01, 100.0 * TERM_SAMPLE_ROWS / total)
        source = "SELECT search_vector FROM claims_claim"
        if pct < 100:
            # SYSTEM sampling reads whole pages: fast, and claims are not clustered by wording.
            # REPEATABLE, so the count and ts_stat read the same pages. (pct is a float we
            # computed: no user input in this SQL.)
            source += f" TABLESAMPLE SYSTEM ({pct:.4f}) REPEATABLE (7)"
        cursor.execute("SELECT count(*) FROM (" + source + ") s")  # noqa: S608
        sample = int(cursor.fetchone()[0])
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [source])
        ndoc = {word: int(n) for word, n in cursor.fetchall()}
        _term_stats = TermStats(
            total=max(total, sample), sample=sample, ndoc=ndoc, fetched_at=time.monotonic(), alias=alias
        )
        return _term_stats


def term_stats_reset() -> None:
    """Forget the cached term and document statistics (tests, benchmarks)."""
    global _term_stats, _doc_stats
    _term_stats = None
    _doc_stats = None


# Document statistics for BM25 ----------------------------------------------------------------


@dataclass(slots=True)
class DocStats:
    """Document frequencies of the engine's terms (engine.fusion.terms) in a sample of stored
    claims, each read as the re-ranker reads it (a fact-check with its headline and
    description), scaled to the store: what BM25 over the candidates needs."""

    total: float
    sample: int
    df: dict[str, float]
    avgdl: float
    fetched_at: float = 0.0
    alias: str = ""


_doc_stats: DocStats | None = None
_doc_stats_lock = threading.Lock()


def doc_stats() -> DocStats:
    """Cached per process like `term_stats` (TERM_STATS_TTL, or until the store grows by a
    fifth); a sample of at most TERM_SAMPLE_ROWS claims, so the cost is bounded at any size."""
    global _doc_stats
    from factcheck.articles.models import ArticleKind

    alias = str(connection.settings_dict.get("NAME"))
    with _doc_stats_lock:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                total = _claims_estimate(cursor)
        else:
            total = float(Claim.objects.count())
        if _fresh(_doc_stats, alias, total):
            return _doc_stats
        if connection.vendor == "postgresql":
            pct = 100.0 if total <= TERM_SAMPLE_ROWS else max(0.01, 100.0 * TERM_SAMPLE_ROWS / total)
            sample_clause = "" if pct >= 100 else f" TABLESAMPLE SYSTEM ({pct:.4f}) REPEATABLE (7)"
            sql = (
                f"SELECT c.text, a.kind, a.headline, a.summary FROM claims_claim c{sample_clause} "  # noqa: S608 - no user input
                "LEFT JOIN articles_article a ON a.id = c.article_id"
            )
        else:
            sql = (
                "SELECT c.text, a.kind, a.headline, a.summary FROM claims_claim c "  # noqa: S608 - no user input
                f"LEFT JOIN articles_article a ON a.id = c.article_id ORDER BY c.id DESC LIMIT {TERM_SAMPLE_ROWS}"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.fetchall()
        df: dict[str, float] = {}
        length = 0
        for text, kind, headline, summary in rows:
            doc = fusion.document_text(text, headline, summary) if kind == ArticleKind.FACTCHECK else text
            terms = fusion.terms(doc)
            length += len(terms)
            for t in set(terms):
                df[t] = df.get(t, 0.0) + 1.0
        sample = len(rows)
        scale = max(total, sample) / max(sample, 1)
        _doc_stats = DocStats(
            total=max(total, sample),
            sample=sample,
            df={t: n * scale for t, n in df.items()},
            avgdl=length / max(sample, 1),
            fetched_at=time.monotonic(),
            alias=alias,
        )
        return _doc_stats


def doc_stats_reset() -> None:
    global _doc_stats
    _doc_stats = None


# Lexical: the query -------------------------------------------------------------------------


def lexemes(texts: Sequence[str]) -> list[list[str]]:
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


# Per claim (one LATERAL row per query): the live claims matching any of its clauses, found
# by the GIN index on claims_claim.search_vector (one bitmap scan per clause, ORed) and capped
# (LIMIT), ordered on their stored tsvector, top k. Status and exclusions are read from the
# same heap row the tsvector comes from. `q` is materialised so each claim's clauses and
# tsvector are built once, not once per matched row.
_LEXICAL_SQL = """
WITH q AS MATERIALIZED (
    SELECT t.i, to_tsvector('english'::regconfig, t.text) AS qv, u.clauses, u.query
    FROM unnest(%s::int[], %s::text[]) AS t(i, text)
    CROSS JOIN LATERAL (
        SELECT array_agg(c.clause::tsquery) AS clauses, string_agg(c.clause, ' | ')::tsquery AS query
        FROM unnest(%s::int[], %s::text[]) AS c(i, clause) WHERE c.i = t.i
    ) u
)
SELECT q.i, m.id, m.rank
FROM q
CROSS JOIN LATERAL (
    SELECT x.id, {rank} AS rank
    FROM (
        SELECT c.id, c.search_vector AS sv FROM claims_claim c
        WHERE c.search_vector @@ ANY(q.clauses) AND c.status <> %s {extra}
        LIMIT %s
    ) x
    ORDER BY rank DESC, x.id DESC
    LIMIT %s
) m
"""

# How the matched rows are ordered to keep the top LEXICAL_K per claim for the re-ranker,
# which scores every row kept. `x.sv` is a matched claim's tsvector, `q.qv` the new claim's.
# - "dice" (default): the Dice overlap of their lexemes, 2|A ∩ B| / (|A| + |B|), from tsvector
#   lengths alone (|A ∪ B| = length(A || B), a merge of two short sorted arrays): no positions,
#   nearly free, and the measure the re-ranker's own lexical term uses (Dice of stemmed
#   content words), so its cut keeps what the re-ranker would choose.
# - "cover" (ts_rank_cd): cover density; slower, and it favours long claims that repeat the
#   query's words (docs/benchmarks.md, "Cross-linking").
_RANK_EXPRESSIONS = {
    "dice": (
        "2 * (length(x.sv) + length(q.qv) - length(x.sv || q.qv))::float4 / greatest(length(x.sv) + length(q.qv), 1)"
    ),
    "cover": "ts_rank_cd(x.sv, q.query)",
}


def lexical_query(
    texts: Sequence[str], *, k: int = LEXICAL_K, exclude_article_id: int | None = None, exclude_ids: Iterable[int] = ()
) -> tuple[list[int], str, list]:
    """(indexes of the texts that have a query, SQL, params): the one PostgreSQL query for
    all texts (also what benchmarks/linking_scale.py --explain runs under EXPLAIN)."""
    exclude = list(exclude_ids)
    stats = term_stats()
    queries = [query_clauses(lx, stats, LEXICAL_BUDGET) for lx in lexemes(texts)]
    wanted = [(i, q) for i, q in enumerate(queries) if q]
    extra, params = "", []
    if exclude_article_id is not None:
        extra += " AND c.article_id <> %s"
        params.append(exclude_article_id)
    if exclude:
        extra += " AND NOT (c.id = ANY(%s))"
        params.append(exclude)
    rank = _RANK_EXPRESSIONS[str(settings.LINK_LEXICAL_RANK)]
    sql = _LEXICAL_SQL.format(extra=extra, rank=rank)
    owners = [i for i, clauses in wanted for _ in clauses]
    head = [[i for i, _ in wanted], [texts[i] for i, _ in wanted], owners, [c for _, q in wanted for c in q]]
    params = [*head, CandidateStatus.REJECTED, *params, LEXICAL_HARD_CAP, k]
    return [i for i, _ in wanted], sql, params


# Planner settings for the lexical query, local to its transaction. The planner cannot know
# how many rows a claim's clauses match (a run-time array of tsqueries: it assumes ~5 % of
# the table, where a fraction of a percent match), so its costs are far above the real work:
# it would JIT-compile the query, and with the cap (LIMIT) over the match it finds a
# sequential scan that "stops early" cheaper than the GIN scans, which at scale reads the
# whole table for each claim; a walk of a b-tree index of claims_claim that "stops early"
# would do the same. The only right access in this query is a bitmap scan of the GIN index.
LEXICAL_SETTINGS = {"jit": "off", "enable_seqscan": "off", "enable_indexscan": "off"}


@contextmanager
def lexical_cursor():
    """A cursor in a transaction with LEXICAL_SETTINGS (also what benchmarks/linking_scale.py
    --explain runs the query with)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # set_config(..., true) is SET LOCAL; one round trip for all of them.
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(LEXICAL_SETTINGS)),
            [x for item in LEXICAL_SETTINGS.items() for x in item],
        )
        yield cursor


def lexical_candidates_batch(
    texts: Sequence[str],
    *,
    k: int = LEXICAL_K,
    exclude_article_id: int | None = None,
    exclude_ids: Iterable[int] = (),
) -> list[list[tuple[int, float]]]:
    """For each text, up to k live stored claims sharing its rarest words, best first. One
    query for all texts on PostgreSQL."""
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


# Dense ------------------------------------------------------------------------------------


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
    held = len(embeddings.vector_index(sync=False))
    count = held if held else _embedding_count()
    if count <= int(settings.LINK_DENSE_MAX_SCAN):
        return "exact"
    return "ivf" if int(settings.LINK_DENSE_IVF_NPROBE) > 0 else "rerank"


def ivf_ready(index: embed.VectorIndex) -> embed.VectorIndex:
    """Partition once (about sqrt(n) lists), and file new rows when the tail passes 5 %."""
    if not index.partitioned:
        index.partition(max(16, int(len(index) ** 0.5)))
    elif index.tail > max(20_000, len(index) // 20):
        index.regroup()
    return index


def dense_candidates(
    vectors: Sequence[np.ndarray], *, mode: str, k: int = DENSE_K, exclude: set[int] = frozenset()
) -> tuple[list[list[int]], embed.VectorIndex | None]:
    """For each query vector, the ids of the k nearest stored vectors (`mode` "exact" or
    "ivf"; "rerank" retrieves nothing), and the index searched (its vectors serve the
    re-ranker too)."""
    if mode not in ("exact", "ivf") or not vectors:
        return [[] for _ in vectors], None
    index = embeddings.vector_index()
    nprobe = None
    if mode == "ivf":
        index = ivf_ready(index)
        nprobe = int(settings.LINK_DENSE_IVF_NPROBE)
    # Over-fetch by what is dropped afterwards: the article's own claims, the excluded ones.
    hits = index.search(np.stack(vectors), k + len(vectors) + len(exclude), nprobe=nprobe)
    return [[pk for pk, _ in row if pk not in exclude] for row in hits], index
