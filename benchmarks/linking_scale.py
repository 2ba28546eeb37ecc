"""Speed and scale of link suggestions: one new article against N stored claims.

    python benchmarks/linking_scale.py                               # 10k and 100k claims
    python benchmarks/linking_scale.py --sizes 10000,100000,1000000  # up to a million
    python benchmarks/linking_scale.py --runs 20 --dense-max-scan 250000
    python benchmarks/linking_scale.py --sizes 1000000 --ivf-nprobe 4 --explain
    python benchmarks/linking_scale.py --sizes 1000000 --db factcheck_bench_1m --reuse --retrieval-quality 8
    python benchmarks/linking_scale.py --sizes 1000000 --db factcheck_bench_1m --reuse --runs 20 --similar 50

For each size, a scratch PostgreSQL database (factcheck_bench, dropped at the end unless
--keep) is filled with generated claims: ClaimBuster training sentences (real political
vocabulary, /work/shared/datasets/checkworthiness/train.tsv) with their figures replaced by
random ones and often a place and a counted figure added; one article per 100 claims; COPYed
in with the GIN index built afterwards. Generating a million MiniLM embeddings on two cores
would take hours, so the STORED claims' vectors are SYNTHETIC: a pool of real embeddings of
2,000 generated sentences plus Gaussian noise, re-normalised (the new article's claims are
encoded for real).
Then `suggest_links_for_article` runs on fresh 12-claim articles (embedding the new claims
included, as in production), and the script reports median and p95 latency, the GIN index
and embedding table sizes, the in-process index size and peak RSS. With --similar N, also
N one-text searches as `manage.py similar` runs them (`claim_search`, top 5, the text
encoded included): median and p95 latency and CPU per search.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import re
import resource
import statistics
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DB_NAME = "factcheck_bench"

CHECKWORTHY = Path("/work/shared/datasets/checkworthiness/train.tsv")
PLACES = [
    "Kharkiv",
    "Lagos",
    "Texas",
    "Bavaria",
    "Gaza",
    "Sichuan",
    "Ontario",
    "Manchester",
    "Punjab",
    "Lombardy",
    "Queensland",
    "Catalonia",
    "Kerala",
    "Bahia",
    "Tigray",
    "Kursk",
    "Odesa",
    "Donetsk",
    "Nairobi",
    "Accra",
    "Dakar",
    "Lima",
    "Quito",
    "Bogota",
    "Caracas",
    "Havana",
    "Manila",
    "Jakarta",
    "Hanoi",
    "Dhaka",
    "Karachi",
    "Lahore",
    "Kabul",
    "Tehran",
    "Baghdad",
    "Aleppo",
    "Beirut",
    "Amman",
    "Riyadh",
    "Doha",
    "Cairo",
    "Tunis",
    "Algiers",
    "Casablanca",
    "Khartoum",
    "Kampala",
    "Kigali",
    "Harare",
    "Lusaka",
    "Maputo",
    "Luanda",
    "Kinshasa",
    "Abuja",
    "Kano",
    "Ibadan",
    "Johannesburg",
    "Durban",
    "Perth",
    "Adelaide",
    "Auckland",
    "Vancouver",
    "Calgary",
    "Quebec",
    "Chicago",
    "Detroit",
    "Ohio",
    "Florida",
    "Georgia",
    "Arizona",
    "Nevada",
    "Oregon",
    "Alaska",
    "Wales",
    "Scotland",
    "Ulster",
    "Bristol",
    "Leeds",
    "Glasgow",
    "Dublin",
    "Lisbon",
    "Porto",
    "Seville",
    "Valencia",
    "Marseille",
    "Lyon",
    "Milan",
    "Naples",
    "Munich",
    "Hamburg",
    "Vienna",
    "Prague",
    "Warsaw",
    "Krakow",
    "Budapest",
    "Bucharest",
    "Sofia",
    "Athens",
    "Istanbul",
    "Ankara",
    "Tbilisi",
    "Yerevan",
    "Baku",
    "Almaty",
    "Tashkent",
    "Mumbai",
    "Delhi",
    "Chennai",
    "Kolkata",
    "Bangalore",
    "Colombo",
    "Kathmandu",
    "Yangon",
    "Bangkok",
    "Seoul",
    "Busan",
    "Osaka",
    "Taipei",
    "Shanghai",
    "Wuhan",
    "Chengdu",
]
NOUNS = [
    "people",
    "soldiers",
    "civilians",
    "refugees",
    "patients",
    "workers",
    "students",
    "voters",
    "migrants",
    "families",
    "children",
    "doctors",
    "nurses",
    "teachers",
    "farmers",
    "prisoners",
    "tourists",
    "homes",
    "schools",
    "hospitals",
    "jobs",
    "vehicles",
    "flights",
    "homes",
    "businesses",
]
UNITS = ["percent", "million dollars", "billion pounds", "kilometres", "tonnes", "euros", "hectares", "megawatts"]


def _checkworthy_sentences() -> list[str]:
    """Real political sentences (ClaimBuster training set): a realistic vocabulary."""
    out = []
    with CHECKWORTHY.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and 30 <= len(parts[1]) <= 240:
                out.append(parts[1].strip().strip('"').replace("\\", " "))
    return out


_SENTENCES: list[str] = []
_NUMBER_RE = re.compile(r"\d[\d,.]*")


def sentence(rng: random.Random) -> str:
    """A ClaimBuster sentence with its figures replaced by random ones, often with a place
    and a counted figure added: varied words, and numbers and places that collide."""
    if not _SENTENCES:
        _SENTENCES.extend(_checkworthy_sentences())
    text = _NUMBER_RE.sub(lambda m: f"{rng.randint(2, 999):,}", rng.choice(_SENTENCES))
    r = rng.random()
    n = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1, 200) * 1000])
    if r < 0.35:
        text = f"In {rng.choice(PLACES)}, {text[0].lower()}{text[1:]}"
    elif r < 0.75:
        what = rng.choice(NOUNS) if rng.random() < 0.6 else rng.choice(UNITS)
        text = f"{text.rstrip('.?!')}, with {n:,} {what} in {rng.choice(PLACES)} in {rng.randint(1990, 2024)}."
    return text


def _cpu_seconds(backend_pid: int) -> tuple[float, float | None]:
    """CPU seconds used so far by this process (all threads) and by the PostgreSQL backend
    `backend_pid` (None when its /proc entry cannot be read: a server on another host)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        backend = None
    return usage.ru_utime + usage.ru_stime, backend


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_POOL: list = []


def populate(url: str, size: int, rng) -> float:
    import numpy as np
    import psycopg

    from factcheck.articles.models import body_fingerprint
    from factcheck.linking.engine import embed

    t0 = time.perf_counter()
    if not _POOL:
        _POOL.append(embed.encode([sentence(rng) for _ in range(2000)]))
    pool = _POOL[0]
    nrng = np.random.default_rng(7)
    per_article = 100
    # Stored a day ago, as a store that existed before the benchmark's articles.
    now = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)).isoformat()
    with psycopg.connect(url) as conn:
        claim_id = conn.execute("SELECT coalesce(max(id), 0) FROM claims_claim").fetchone()[0]
        # Bulk load: build the claims' full-text GIN index once afterwards (far faster than a
        # million inserts into it), exactly as the migration defined it (storage parameters
        # included), and skip the span triggers (spans are right by construction). The
        # claims' search_vector column is generated by PostgreSQL as the rows are COPYed.
        row = conn.execute("SELECT pg_get_indexdef(to_regclass('claim_search_idx'))").fetchone()
        index_sql = row[0] or (
            "CREATE INDEX claim_search_idx ON claims_claim USING gin (search_vector) WITH (fastupdate = off)"
        )
        conn.execute("DROP INDEX IF EXISTS claim_search_idx")
        conn.execute("ALTER TABLE claims_claim DISABLE TRIGGER USER")
        for batch_start in range(0, size, 50_000):
            batch = min(50_000, size - batch_start)
            texts = [sentence(rng) for _ in range(batch)]
            art_buf, claim_buf = io.StringIO(), io.StringIO()
            n_articles = (batch + per_article - 1) // per_article
            with conn.cursor() as cur:
                cur.execute("SELECT nextval('articles_article_id_seq') FROM generate_series(1, %s)", [n_articles])
                art_ids = [r[0] for r in cur.fetchall()]
            for a, art_id in enumerate(art_ids):
                chunk = texts[a * per_article : (a + 1) * per_article]
                body = "\n\n".join(f"{t} (#{art_id}-{i})" for i, t in enumerate(chunk))
                art_buf.write(
                    "\t".join(
                        [
                            str(art_id),
                            "news",
                            "",
                            "",
                            "",
                            body.replace("\n", "\\n"),
                            body_fingerprint(body),
                            "bench",
                            "done",
                            "",
                            "0",
                            "",
                            now,
                            now,
                            "2024-08-01",
                            "",  # review_key (news)
                            "",  # summary
                            "",  # claim_appearance_url
                        ]
                    )
                    + "\n"
                )
                pos = 0
                for i, t in enumerate(chunk):
                    claim_id += 1
                    text = f"{t} (#{art_id}-{i})"
                    start, end = pos, pos + len(text)
                    pos = end + 2
                    claim_buf.write(
                        "\t".join(
                            [
                                str(claim_id),
                                str(start),
                                str(end),
                                text,
                                "",
                                "0.5",
                                "t",
                                "other",
                                "[]",
                                "[]",
                                "accepted",
                                "extracted",
                                "bench",
                                "draft",
                                "",
                                "",
                                "",
                                "",
                                "1",
                                now,
                                now,
                                str(art_id),
                            ]
                        )
                        + "\n"
                    )
            base = pool[nrng.integers(0, len(pool), batch)]
            vecs = base + nrng.normal(0, 0.03, base.shape).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            first_claim = claim_id - batch + 1
            hashes = [
                embed.text_hash(f"{t} (#{art_ids[j // per_article]}-{j % per_article})") for j, t in enumerate(texts)
            ]
            with conn.cursor() as cur:
                with cur.copy(
                    "COPY articles_article (id, kind, url, headline, byline, body, fingerprint, source_name, "
                    "extraction_state, extraction_error, extraction_attempts, extractor_version, created_at, "
                    "updated_at, published, review_key, summary, claim_appearance_url) FROM STDIN"
                ) as copy:
                    copy.write(art_buf.getvalue())
                with cur.copy(
                    'COPY claims_claim (id, start, "end", text, claimant_text, score, checkworthy, kind, quantities, '
                    "entities, status, origin, extractor_version, workflow, verdict_summary, verdict_explanation, "
                    "review_url, review_rating_text, version, created_at, updated_at, article_id) FROM STDIN"
                ) as copy:
                    copy.write(claim_buf.getvalue())
                with cur.copy(
                    "COPY linking_claimembedding (claim_id, model, text_hash, vector, updated_at) FROM STDIN"
                ) as copy:
                    for j in range(batch):
                        copy.write_row((first_claim + j, embed.MODEL_NAME, hashes[j], embed.to_bytes(vecs[j]), now))
            conn.commit()
        with conn.cursor() as cur:
            cur.execute(
                "SELECT setval('claims_claim_id_seq', greatest(%s, (SELECT max(id) FROM claims_claim)))", [claim_id]
            )
            cur.execute("ALTER TABLE claims_claim ENABLE TRIGGER USER")
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute(index_sql)
            cur.execute("ANALYZE")
        conn.commit()
    return time.perf_counter() - t0


def _timed(module, name: str, bucket: dict[str, float]):
    """Wrap module.name so its time (and the laps of rank_candidates) land in `bucket`."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        if name == "rank_candidates":
            kwargs["timings"] = bucket
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            bucket[name] = bucket.get(name, 0.0) + time.perf_counter() - t0

    setattr(module, name, wrapper)
    return original


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))]


def measure_all(size: int, runs: int, rng, profile: bool = False, explain: bool = False) -> dict:
    from django.db import connection

    from factcheck.articles.models import Article
    from factcheck.articles.services import article_create
    from factcheck.claims.models import Claim
    from factcheck.linking import embeddings, ranking, retrieval
    from factcheck.linking.engine import embed
    from factcheck.linking.suggest import suggest_links_for_article

    # Earlier timing runs on a reused database leave their articles behind; with the same
    # --seed their claims are copies of this run's, which would make every run find more (and
    # closer) matches than the last. Measure against the generated store alone.
    Article.objects.exclude(source_name="bench").delete()
    embeddings.index_reset()
    warm_s = embed.warm()  # what a Celery worker does at start
    t0 = time.perf_counter()
    mode = retrieval.dense_mode()
    index = embeddings.vector_index(sync=mode != "rerank")
    if mode == "ivf":
        retrieval.ivf_ready(index)
    index_load = time.perf_counter() - t0
    latencies: list[float] = []
    parts: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    originals = {}
    bucket: dict[str, float] = {}
    # encode: the model alone (a fixed per-article cost, in a background thread since it
    # overlaps the full-text query); result: waiting for it after that query, plus storing
    # the rows; lexical_candidates_batch: the full-text retrieval; rank_candidates: the rest
    # (its laps: dense, load, score).
    parts_timed = [
        (embeddings, "embeddings_start"),
        (embeddings.PendingEmbeddings, "result"),
        (retrieval, "lexical_candidates_batch"),
        (ranking, "rank_candidates"),
        (embed, "encode"),
    ]
    for module, name in parts_timed:
        originals[(module, name)] = _timed(module, name, bucket)
    try:
        for run in range(runs + 1):
            texts = [sentence(rng) for _ in range(12)]
            body = "\n\n".join(texts) + f"\n\nrun {run} {time.time()}"
            article = article_create(body=body, published=datetime.date(2024, 8, 2), extract=False).article
            pos = 0
            for t in texts:
                Claim.objects.create(article=article, start=pos, end=pos + len(t), text=t, checkworthy=True)
                pos += len(t) + 2
            prof = None
            if profile and run:
                import cProfile

                prof = cProfile.Profile()
                prof.enable()
            bucket.clear()
            cpu0 = _cpu_seconds(backend)
            t0 = time.perf_counter()
            suggest_links_for_article(article.pk)
            elapsed = time.perf_counter() - t0
            cpu1 = _cpu_seconds(backend)
            if prof is not None:
                import pstats

                prof.disable()
                pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(20)
            if run:  # the first run warms the model and caches
                latencies.append(elapsed * 1000)
                for key, before, after in zip(("python_cpu", "postgres_cpu"), cpu0, cpu1, strict=True):
                    if before is not None and after is not None:
                        cpu.setdefault(key, []).append((after - before) * 1000)
                for key, value in bucket.items():
                    parts.setdefault(key, []).append(value * 1000)
        if explain:
            _wanted, sql, params = retrieval.lexical_query(texts, exclude_article_id=article.pk)
            with retrieval.lexical_cursor() as cur:  # as lexical_candidates_batch runs it
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(r[0] for r in cur.fetchall()), file=sys.stderr)
    finally:
        for (module, name), fn in originals.items():
            setattr(module, name, fn)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_relation_size('claim_search_idx'), pg_total_relation_size('claims_claim'), "
            "pg_total_relation_size('linking_claimembedding')"
        )
        fts, claims, emb = cur.fetchone()
    return {
        "claims": size,
        "runs": runs,
        "median_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(_percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "slowest_ms": [round(x) for x in sorted(latencies)[-4:]],
        "median_parts_ms": {k: round(statistics.median(v), 1) for k, v in sorted(parts.items())},
        "dense_mode": mode,
        "index_load_s": round(index_load, 2),
        "warm_s": round(warm_s, 2),
        "fts_index_mb": round(fts / 2**20, 1),
        "claims_table_mb": round(claims / 2**20, 1),
        "embedding_table_mb": round(emb / 2**20, 1),
        "in_process_index_mb": round(index.nbytes / 2**20, 1),
        "peak_rss_mb": round(_rss_mb(), 1),
        # CPU time per article: this process (all threads: the encoder's too) and its
        # PostgreSQL backend (read from /proc: only when the server runs on this host).
        "median_cpu_ms": {k: round(statistics.median(v), 1) for k, v in sorted(cpu.items())},
    }


def measure_similar(queries: int, rng) -> dict:
    """`claim_search` (what `manage.py similar` and the claim page's link box run) on `queries`
    generated texts against the store, after one warm-up search."""
    from django.db import connection

    from factcheck.linking.ranking import claim_search

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    latencies: list[float] = []
    cpu: dict[str, list[float]] = {}
    for run in range(queries + 1):
        text = sentence(rng)
        cpu0 = _cpu_seconds(backend)
        t0 = time.perf_counter()
        claim_search(text, top=5)
        elapsed = time.perf_counter() - t0
        cpu1 = _cpu_seconds(backend)
        if run:
            latencies.append(elapsed * 1000)
            for key, before, after in zip(("python_cpu", "postgres_cpu"), cpu0, cpu1, strict=True):
                if before is not None and after is not None:
                    cpu.setdefault(key, []).append((after - before) * 1000)
    return {
        "similar_queries": queries,
        "similar_median_ms": round(statistics.median(latencies), 1),
        "similar_p95_ms": round(_percentile(latencies, 0.95), 1),
        "similar_max_ms": round(max(latencies), 1),
        "similar_median_cpu_ms": {k: round(statistics.median(v), 1) for k, v in sorted(cpu.items())},
    }


def measure_ab(articles: int, old_ranking: Path, rng) -> dict:
    """The ranking step of link suggestions (what follows the full-text query and the encoding:
    loading the candidates, the fusion, the labels, the choice of links), old code against
    this tree's, in one process on the same inputs, alternating article by article. `old_ranking`
    is the ranking.py of the old code (a copy of the tree it came from: its module is loaded
    beside this tree's, on this tree's engine, whose old functions are unchanged). Measured as
    this thread's CPU time (time.thread_time: not the encoder's threads, nor other processes'
    load), so the ratio holds on a busy machine. Both must propose the same links."""
    import importlib.util

    from django.conf import settings

    from factcheck.linking import embeddings, ranking, retrieval, suggest
    from factcheck.linking.engine import embed

    spec = importlib.util.spec_from_file_location("ranking_old", old_ranking)
    old = importlib.util.module_from_spec(spec)
    sys.modules["ranking_old"] = old  # its dataclasses look their module up
    spec.loader.exec_module(old)
    suggest_at, autoconfirm_at = float(settings.LINK_SUGGEST_THRESHOLD), float(settings.LINK_AUTOCONFIRM_THRESHOLD)

    def worth_old(cand) -> bool:  # suggest._worth_suggesting before the figures pre-check
        relation = cand.match.relation
        if relation == "conflicts":
            return True
        if relation == "same":
            return cand.probability >= suggest_at
        return cand.probability >= autoconfirm_at

    def proposals_old(queries, lexical):
        out = []
        for cands in old.rank_candidates(queries, lexical=lexical):
            kept = [c for c in cands if worth_old(c)]
            out.append([(c.claim.pk, c.probability, c.match.relation, c.match.reason) for c in kept[:10]])
        return out

    def proposals_new(queries, lexical):
        out = []
        for cands in ranking.rank_candidates(queries, lexical=lexical):
            kept = (c for c in cands if suggest._worth_suggesting(c, suggest_at, autoconfirm_at))
            out.append([(c.claim.pk, c.probability, c.match.relation, c.match.reason) for c in islice(kept, 10)])
        return out

    embeddings.index_reset()
    embed.warm()
    cpu: dict[str, list[float]] = {"old": [], "new": []}
    cpu_search: dict[str, list[float]] = {"old": [], "new": []}
    same = same_search = True
    for n in range(articles + 1):
        texts = [sentence(rng) for _ in range(12)]
        vectors = embed.encode(texts)
        queries = [
            (ranking.features_for_text(t, datetime.date(2024, 8, 2)), v) for t, v in zip(texts, vectors, strict=True)
        ]
        lexical = retrieval.lexical_candidates_batch(texts)
        order = [("old", proposals_old), ("new", proposals_new)]
        if n % 2:
            order.reverse()
        got = {}
        for name, fn in order:
            t0 = time.thread_time()
            got[name] = fn(queries, lexical)
            if n:  # the first article warms the caches
                cpu[name].append((time.thread_time() - t0) * 1000)
        same = same and got["old"] == got["new"]
        # One search (`similar`), old and new, in the same alternation.
        for name, search in [("old", old.claim_search), ("new", ranking.claim_search)][:: -1 if n % 2 else 1]:
            t0 = time.thread_time()
            got[name] = [(c.pk, p) for c, p in search(texts[0], top=5)]
            if n:
                cpu_search[name].append((time.thread_time() - t0) * 1000)
        same_search = same_search and got["old"] == got["new"]
    old_ms, new_ms = statistics.median(cpu["old"]), statistics.median(cpu["new"])
    return {
        "ab_articles": articles,
        "ab_old_cpu_ms_median": round(old_ms, 1),
        "ab_new_cpu_ms_median": round(new_ms, 1),
        "ab_old_cpu_ms_p95": round(_percentile(cpu["old"], 0.95), 1),
        "ab_new_cpu_ms_p95": round(_percentile(cpu["new"], 0.95), 1),
        "ab_new_over_old": round(new_ms / old_ms, 3),
        "ab_same_proposals": same,
        # claim_search: this thread's CPU (the text is encoded in the encoder's thread).
        "ab_similar_old_cpu_ms_median": round(statistics.median(cpu_search["old"]), 1),
        "ab_similar_new_cpu_ms_median": round(statistics.median(cpu_search["new"]), 1),
        "ab_similar_old_cpu_ms_p95": round(_percentile(cpu_search["old"], 0.95), 1),
        "ab_similar_new_cpu_ms_p95": round(_percentile(cpu_search["new"], 0.95), 1),
        "ab_same_similar_results": same_search,
    }


QUALITY_VARIANTS = "cover:30:400:8,dice:30:400:8"


def retrieval_quality(
    articles: int, rng, *, variants: str = QUALITY_VARIANTS, oracle_budget: float = 800, oracle_terms: int = 8
) -> dict:
    """How much of what the re-ranker would suggest survives the full-text stage's cut, for
    each variant "ordering:k:budget:terms" (LINK_LEXICAL_RANK, top k per claim,
    LEXICAL_BUDGET, MAX_QUERY_TERMS).

    For each generated 12-claim article (not stored), the "oracle" scores EVERY stored claim
    the full-text query matches with a wider query (`oracle_budget` expected matches over the
    `oracle_terms` rarest terms, so the variants' own budgets are measured too) with the
    shipped re-ranker, and keeps what suggest would: score >= LINK_SUGGEST_THRESHOLD, top 10
    per claim. Each variant's candidates are scored the same way. Reported: the share of the
    oracle's suggestions each variant also makes, and how often it keeps each claim's best
    match. Stored vectors are synthetic here, so the cosine uses REAL MiniLM vectors of the
    candidates' texts, encoded on the fly (slow: ~10 000 candidates per article)."""
    from django.conf import settings

    from factcheck.claims.models import Claim
    from factcheck.linking import ranking, retrieval
    from factcheck.linking.engine import embed
    from factcheck.linking.engine.score import score_claims
    from factcheck.linking.suggest import MAX_LINKS_PER_CLAIM

    threshold = float(settings.LINK_SUGGEST_THRESHOLD)
    shipped = (settings.LINK_LEXICAL_RANK, retrieval.LEXICAL_BUDGET, retrieval.MAX_QUERY_TERMS)
    parsed = []
    for spec in variants.split(","):
        rank, k, budget, terms = spec.split(":")
        parsed.append((rank, int(k), float(budget), int(terms)))
    vectors: dict[str, object] = {}

    def configure(rank: str, budget: float, terms: int) -> None:
        settings.LINK_LEXICAL_RANK, retrieval.LEXICAL_BUDGET, retrieval.MAX_QUERY_TERMS = rank, budget, terms

    def vector_of(texts):
        todo = [t for t in dict.fromkeys(texts) if t not in vectors]
        for start in range(0, len(todo), 512):
            chunk = todo[start : start + 512]
            vectors.update(zip(chunk, embed.encode(chunk, batch_size=32), strict=True))
        return [vectors[t] for t in texts]

    def suggested(scores: dict[int, float], ids) -> set[int]:
        best = sorted(((scores[pk], pk) for pk in ids), reverse=True)[:MAX_LINKS_PER_CLAIM]
        return {pk for score, pk in best if score >= threshold}

    totals = {v: {"kept": 0, "oracle": 0, "best_kept": 0, "best": 0} for v in parsed}
    pool_sizes = []
    # Only the generated store: timing runs on a reused database leave their articles behind,
    # and with the same --seed those are these very texts (exact copies would be trivial matches).
    leftovers = list(Claim.objects.exclude(article__source_name="bench").values_list("pk", flat=True))
    try:
        for _ in range(articles):
            texts = [sentence(rng) for _ in range(12)]
            configure("dice", oracle_budget, oracle_terms)
            matched = [
                [pk for pk, _ in row]
                for row in retrieval.lexical_candidates_batch(
                    texts, k=retrieval.LEXICAL_HARD_CAP, exclude_ids=leftovers
                )
            ]
            kept = {}
            for v in parsed:
                rank, k, budget, terms = v
                configure(rank, budget, terms)
                kept[v] = [
                    [pk for pk, _ in row]
                    for row in retrieval.lexical_candidates_batch(texts, k=k, exclude_ids=leftovers)
                ]
            configure(*shipped)
            for rows in kept.values():  # a different query's clauses may match rows the oracle's do not
                for i, row in enumerate(rows):
                    matched[i] = list(dict.fromkeys(matched[i] + row))
            ids = set().union(*map(set, matched))
            pool_sizes.append(len(ids))
            claims = Claim.objects.live().select_related("article").defer("article__body").in_bulk(list(ids))
            features = {pk: ranking.features_for_claim(c) for pk, c in claims.items()}
            stored = dict(zip(claims, vector_of([c.text for c in claims.values()]), strict=True))
            queries = [ranking.features_for_text(t, datetime.date(2024, 8, 2)) for t in texts]
            query_vectors = vector_of(texts)
            for i, query in enumerate(queries):
                scores = {
                    pk: score_claims(query, features[pk], float(query_vectors[i] @ stored[pk])).score
                    for pk in matched[i]
                    if pk in claims
                }
                oracle = suggested(scores, scores)
                best = max(scores, key=lambda pk: (scores[pk], pk), default=None)
                for v in parsed:
                    got = suggested(scores, [pk for pk in kept[v][i] if pk in scores])
                    totals[v]["kept"] += len(got & oracle)
                    totals[v]["oracle"] += len(oracle)
                    if best is not None and scores[best] >= threshold:
                        totals[v]["best"] += 1
                        totals[v]["best_kept"] += best in kept[v][i]
    finally:
        configure(*shipped)
    return {
        "articles": articles,
        "excluded_leftover_claims": len(leftovers),
        "oracle": f"budget {oracle_budget:g}, {oracle_terms} terms",
        "median_pool": statistics.median(pool_sizes),
        "variants": {
            f"{rank}, top {k}, budget {budget:g}, {terms} terms": {
                "oracle_suggestions_kept": f"{t['kept']}/{t['oracle']} = {t['kept'] / max(t['oracle'], 1):.3f}",
                "best_match_kept": f"{t['best_kept']}/{t['best']} = {t['best_kept'] / max(t['best'], 1):.3f}",
            }
            for (rank, k, budget, terms), t in totals.items()
        },
    }


def _reused_database(name: str) -> str | None:
    """The URL of an existing scratch database, migrated to the current schema; None if absent."""
    import subprocess

    import psycopg
    from _common import PG

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return None
    url = f"{PG}/{name}"
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True
    )
    print(f"# migrated {name} in {time.perf_counter() - t0:.1f} s", flush=True)
    return url


def _stored_claims(url: str) -> int:
    """Generated claims in a reused database (the benchmark's own articles are not counted)."""
    import psycopg

    with psycopg.connect(url) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM claims_claim c JOIN articles_article a ON a.id = c.article_id "
                "WHERE a.source_name = 'bench'"
            ).fetchone()[0]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="Print a cProfile of each measured run.")
    parser.add_argument("--dense-max-scan", type=int, default=None, help="Override LINK_DENSE_MAX_SCAN.")
    parser.add_argument("--ivf-nprobe", type=int, default=None, help="Set LINK_DENSE_IVF_NPROBE (IVF above max scan).")
    parser.add_argument("--lexical-rank", choices=["dice", "cover"], default=None, help="Set LINK_LEXICAL_RANK.")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) the lexical query.")
    parser.add_argument(
        "--retrieval-quality",
        type=int,
        default=0,
        metavar="N",
        help="Instead of timing: on N generated articles, how much of the re-ranker's choice from all matched "
        "rows each full-text ordering keeps (slow: encodes the candidates for real).",
    )
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated texts (data and articles).")
    parser.add_argument(
        "--similar", type=int, default=0, metavar="N", help="Also time N one-text searches (manage.py similar)."
    )
    parser.add_argument(
        "--ab-old-ranking",
        type=Path,
        default=None,
        metavar="RANKING_PY",
        help="Also compare the ranking step with an old ranking.py, alternating, on --ab-articles articles.",
    )
    parser.add_argument("--ab-articles", type=int, default=20)
    parser.add_argument(
        "--quality-variants",
        default=None,
        help=f'For --retrieval-quality: "ordering:k:budget:terms,..." (default "{QUALITY_VARIANTS}").',
    )
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument("--db", default=DB_NAME, help="Scratch database name.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Reuse --db if it exists (migrated, topped up to the first size) instead of regenerating; implies --keep.",
    )
    args = parser.parse_args(argv)
    from _common import drop_database, fresh_database, machine

    if args.reuse:
        args.keep = True
    url = _reused_database(args.db) if args.reuse else None
    if url is None:
        url = fresh_database(args.db)
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()
    from django.conf import settings

    if args.dense_max_scan is not None:
        settings.LINK_DENSE_MAX_SCAN = args.dense_max_scan
    if args.ivf_nprobe is not None:
        settings.LINK_DENSE_IVF_NPROBE = args.ivf_nprobe
    if args.lexical_rank is not None:
        settings.LINK_LEXICAL_RANK = args.lexical_rank
    print(f"# {machine()}; load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    rng = random.Random(args.seed)
    stored = _stored_claims(url) if args.reuse else 0
    if stored:
        print(f"# reusing {args.db}: {stored} claims stored", flush=True)
    try:
        for size in sorted(int(s) for s in args.sizes.split(",")):
            from django.db import connections

            connections.close_all()
            gen = populate(url, size - stored, rng) if size > stored else 0.0
            stored = max(stored, size)
            if args.retrieval_quality:
                variants = args.quality_variants or QUALITY_VARIANTS
                result = {"claims": size} | retrieval_quality(args.retrieval_quality, rng, variants=variants)
            else:
                result = measure_all(size, args.runs, rng, args.profile, args.explain) if args.runs else {}
                if args.similar:
                    result |= measure_similar(args.similar, rng)
                if args.ab_old_ranking:
                    result |= measure_ab(args.ab_articles, args.ab_old_ranking, rng)
            result["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
            result["generate_s"] = round(gen, 1)
            print(json.dumps(result), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
