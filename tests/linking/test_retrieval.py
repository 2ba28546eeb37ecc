"""Retrieval at scale: the IVF vector index, the rare-term full-text query, one batched
lexical query per article on the workspace's GIN index, and re-rank-only dense mode."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from django.db import connection

from factcheck.linking import search
from factcheck.linking.engine.embed import VectorIndex
from factcheck.linking.search import TermStats, build_tsquery


def _clustered(n: int, centres: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pool = rng.normal(size=(centres, 384)).astype(np.float32)
    pool /= np.linalg.norm(pool, axis=1, keepdims=True)
    rows = pool[rng.integers(0, centres, n)] + rng.normal(0, 0.05, (n, 384)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return pool, rows


class TestVectorIndex:
    def test_ivf_finds_what_the_exact_scan_finds(self):
        pool, rows = _clustered(4000)
        index = VectorIndex()
        index.upsert(list(range(1, 4001)), rows)
        exact = index.search(pool[:5], 10)
        index.partition(40)
        assert index.partitioned and index.tail == 0
        ivf = index.search(pool[:5], 10, nprobe=4)
        for a, b in zip(exact, ivf, strict=True):
            assert [pk for pk, _ in a] == [pk for pk, _ in b]

    def test_rows_added_after_partitioning_are_searched_and_regrouped(self):
        pool, rows = _clustered(2000)
        index = VectorIndex()
        index.upsert(list(range(1, 2001)), rows)
        index.partition(20)
        index.upsert([9999], pool[3:4])
        assert index.tail == 1
        assert index.search(pool[3:4], 1, nprobe=1)[0][0][0] == 9999
        index.regroup()
        assert index.tail == 0
        assert index.search(pool[3:4], 1, nprobe=2)[0][0][0] == 9999
        assert np.allclose(index.vector(9999), pool[3], atol=1e-2)
        assert index.vector(123456) is None
        # Replacing a row keeps one row per id.
        index.upsert([9999], pool[4:5])
        assert len(index) == 2001 and np.allclose(index.vector(9999), pool[4], atol=1e-2)


class TestBuildTsquery:
    stats = TermStats(total=1_000_000, sample=20_000, ndoc={"peopl": 4000, "year": 3000, "kursk": 3, "flee": 40})

    def test_rare_terms_alone_common_terms_in_pairs(self):
        assert build_tsquery(["peopl", "flee", "kursk", "year"], self.stats) == "'kursk'"  # budget spent
        clauses = build_tsquery(["peopl", "flee", "kursk", "year"], self.stats, budget=600).split(" | ")
        assert clauses[0] == "'kursk'"  # ~175 expected matches: rare enough on its own
        assert "('flee' & 'year')" in clauses
        assert "'peopl'" not in clauses and "'year'" not in clauses  # common: only in pairs

    def test_always_one_clause_and_quoting(self):
        stats = TermStats(total=1_000_000, sample=100, ndoc={"a1": 90, "b2": 90})
        assert build_tsquery(["a1", "b2"], stats) == "('a1' & 'b2')"
        assert build_tsquery(["o'neil"], self.stats) == "'o''neil'"
        assert build_tsquery([], self.stats) == ""

    def test_small_store_takes_every_term(self):
        stats = TermStats(total=30, sample=30, ndoc={"peopl": 5})
        assert build_tsquery(["peopl", "flee", "kursk"], stats) == "'flee' | 'kursk' | 'peopl'"


@pytest.mark.django_db
class TestLexicalQuery:
    @pytest.fixture
    def stored(self, article):
        from factcheck.claims.models import Claim

        texts = [
            "More than 100 Russian soldiers were taken prisoner in Kursk.",
            "Over 100,000 people have been forced to flee the region.",
            "The central bank left interest rates unchanged at 16 percent.",
        ]
        pos, out = 0, []
        for text in texts:
            out.append(Claim.objects.create(article=article, start=pos, end=pos + 1, text=text))
            pos += 2
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")  # a store size estimate, as in production
        search._term_stats = None
        return out

    def test_one_batched_query_per_article(self, stored, django_assert_max_num_queries):
        search.lexical_candidates_batch(["warm the term statistics"])
        # Store size, lexemes, the indexed watermark (savepoint, JIT off, the check, + looking for
        # old unindexed claims, as none of these is indexed) and the search (savepoint, JIT off,
        # no sequential scans).
        with django_assert_max_num_queries(12):
            found = search.lexical_candidates_batch(
                ["Russian soldiers captured in Kursk", "Interest rates held at 16 percent", "zzzz"]
            )
        assert found[0][0][0] == stored[0].pk
        assert found[1][0][0] == stored[2].pk
        assert found[2] == []
        assert search.lexical_candidates_batch(["Kursk soldiers"], exclude_ids=[stored[0].pk]) == [[]]

    def test_uses_the_workspace_gin_index_and_no_duplicate(self, stored, monkeypatch):
        monkeypatch.setattr(search, "indexed_watermark", lambda: 0)  # no claim indexed yet: all by text
        _wanted, sql, params = search.lexical_query(["Russian soldiers captured in Kursk"])
        with connection.cursor() as cursor:
            # Tiny tables: make the planner take the bitmap (GIN) scans it takes on a real store.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'claims_claim'")
            indexes = {row[0] for row in cursor.fetchall()}
        assert "claim_text_fts_idx" in plan
        assert "claim_text_fts_idx" in indexes and "linking_claim_text_fts_idx" not in indexes


@pytest.mark.django_db
class TestLexicalOrder:
    """Matched rows are ordered by the Dice overlap of lexemes (what the re-ranker's lexical
    term measures) before the top k go to the re-ranker; ts_rank_cd ("cover") favours long
    claims that repeat the words."""

    QUERY = "Russian soldiers captured in Kursk"
    SHORT = "Russian soldiers were captured in Kursk."
    LONG = (
        "Kursk, Kursk and Kursk again: Russian soldiers, more Russian soldiers and yet more Russian "
        "soldiers marched through towns, villages, farms, roads and bridges near Belgorod and Sumy."
    )

    @pytest.fixture
    def stored(self, article):
        from factcheck.claims.models import Claim

        out = [
            Claim.objects.create(article=article, start=i, end=i + 1, text=t)
            for i, t in enumerate([self.SHORT, self.LONG])
        ]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
        search._term_stats = None
        return out

    @pytest.mark.parametrize("indexed", [False, True])
    def test_dice_keeps_the_closest_claim_and_ranks_by_lexeme_overlap(self, stored, settings, indexed):
        if indexed:
            _index_rows(stored)  # the stored-tsvector branch; otherwise the text fallback
        settings.LINK_LEXICAL_RANK = "dice"
        ranked = search.lexical_candidates_batch([self.QUERY])[0]
        assert [pk for pk, _ in ranked] == [stored[0].pk, stored[1].pk]
        (query,), (short, long_) = search._lexemes([self.QUERY]), search._lexemes([self.SHORT, self.LONG])
        for (_pk, rank), other in zip(ranked, (short, long_), strict=True):
            a, b = set(query), set(other)
            assert rank == pytest.approx(2 * len(a & b) / (len(a) + len(b)), abs=1e-6)
        assert search.lexical_candidates_batch([self.QUERY], k=1)[0][0][0] == stored[0].pk

    @pytest.mark.parametrize("indexed", [False, True])
    def test_k_live_claims_even_when_better_matches_are_excluded(self, stored, article, indexed):
        """Rejected claims and the excluded article's claims are skipped before the top k is
        cut, not after: the best-matching rows here are all excluded, and k live ones remain."""
        from factcheck.articles.services import article_create
        from factcheck.claims.models import CandidateStatus, Claim

        other = article_create(body="Another article, other claims.", published=None, extract=False).article
        rejected = [
            Claim.objects.create(
                article=article, start=10 + i, end=11 + i, text=self.QUERY + ".", status=CandidateStatus.REJECTED
            )
            for i in range(3)
        ]
        own = [Claim.objects.create(article=other, start=i, end=i + 1, text=f"{self.QUERY}, {i}.") for i in range(3)]
        if indexed:
            _index_rows([*stored, *rejected, *own])
        ranked = search.lexical_candidates_batch([self.QUERY], k=2, exclude_article_id=other.pk)[0]
        assert [pk for pk, _ in ranked] == [stored[0].pk, stored[1].pk]

    def test_cover_ranking_prefers_the_long_claim(self, stored, settings):
        settings.LINK_LEXICAL_RANK = "cover"
        assert search.lexical_candidates_batch([self.QUERY], k=1)[0][0][0] == stored[1].pk


def _index_rows(claims) -> None:
    """Index rows as embedding writes them (stored tsvector included), without the model."""
    from factcheck.linking.engine import embed
    from factcheck.linking.models import ClaimEmbedding

    vector = embed.to_bytes(np.ones(384, dtype=np.float32) / np.sqrt(384))
    ClaimEmbedding.objects.bulk_create(
        [
            ClaimEmbedding(claim_id=c.pk, model=embed.MODEL_NAME, text_hash=embed.text_hash(c.text), vector=vector)
            for c in claims
        ]
    )
    search._store_search_vectors([c.pk for c in claims], [c.text for c in claims])


@pytest.fixture(autouse=True)
def _fresh_watermark():
    search.watermark_reset()
    yield
    search.watermark_reset()


@pytest.mark.django_db
class TestStoredSearchVector:
    """Claims with an index row are ranked on their stored tsvector (linking 0005's GIN index);
    claims with none, or a stale one, are still found by their text (the fallback branch)."""

    @pytest.fixture
    def stored(self, article):
        from factcheck.claims.models import Claim

        texts = [
            "More than 100 Russian soldiers were taken prisoner in Kursk.",
            "Kursk officials said 40 Russian soldiers were wounded.",
            "The central bank left interest rates unchanged at 16 percent.",
        ]
        out = [Claim.objects.create(article=article, start=i, end=i + 1, text=t) for i, t in enumerate(texts)]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
        search._term_stats = None
        return out

    def test_embedding_stores_the_search_vector(self, stored):
        from factcheck.linking.models import ClaimEmbedding

        _index_rows(stored[:1])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT e.search_vector = to_tsvector('english'::regconfig, COALESCE(c.text, '')) "
                "FROM linking_claimembedding e JOIN claims_claim c ON c.id = e.claim_id"
            )
            assert cursor.fetchall() == [(True,)]
        assert ClaimEmbedding.objects.filter(search_vector__isnull=False).count() == 1

    def test_indexed_and_unindexed_claims_rank_alike(self, stored):
        """One claim indexed, one not (fallback): both found, with the same ranks as when
        neither is indexed, so the stored column changes the cost, not the ranking."""
        query = ["Russian soldiers in Kursk"]
        before = search.lexical_candidates_batch(query)[0]
        _index_rows(stored[:1])
        after = search.lexical_candidates_batch(query)[0]
        assert {pk for pk, _ in after} == {stored[0].pk, stored[1].pk}
        assert after == before

    def test_no_index_row_found_by_text(self, stored):
        _index_rows(stored[1:])
        found = search.lexical_candidates_batch(["prisoner taken"])[0]
        assert [pk for pk, _ in found] == [stored[0].pk]

    def test_edited_claim_is_searched_by_its_indexed_words_until_reembedded(self, stored):
        from factcheck.claims.models import Claim

        _index_rows(stored)
        search.watermark_reset()
        Claim.objects.filter(pk=stored[2].pk).update(text="The central bank raised interest rates to 18 percent.")
        assert [pk for pk, _ in search.lexical_candidates_batch(["unchanged"])[0]] == [stored[2].pk]
        # Re-indexing it (what embeddings_ensure does for a changed text) stores the new words.
        claim = Claim.objects.get(pk=stored[2].pk)
        search._store_search_vectors([claim.pk], [claim.text])
        assert search.lexical_candidates_batch(["unchanged"])[0] == []
        assert [pk for pk, _ in search.lexical_candidates_batch(["bank raised"])[0]] == [stored[2].pk]

    def test_watermark_stays_below_recent_claims(self, stored):
        """A transaction still open may commit lower ids than claims already visible: the
        watermark never passes claims created in the last SETTLE."""
        _index_rows(stored)
        assert search.indexed_watermark() == 0
        assert {pk for pk, _ in search.lexical_candidates_batch(["Kursk soldiers"])[0]} == {
            stored[0].pk,
            stored[1].pk,
        }

    def test_watermark_bounds_the_fallback_and_heals_old_unindexed_claims(self, stored, article, monkeypatch):
        from factcheck.claims.models import Claim
        from factcheck.linking.models import ClaimEmbedding

        monkeypatch.setattr(search, "SETTLE", datetime.timedelta(seconds=-5))  # all claims settled
        monkeypatch.setattr(search, "HEAL_BATCH", 0)  # first without indexing old unindexed claims
        _index_rows([stored[0], stored[2]])  # stored[1] has no index row
        search.watermark_reset()
        assert search.indexed_watermark(heal=False) == stored[1].pk - 1
        newer = Claim.objects.create(article=article, start=9, end=10, text="Kursk soldiers were counted again.")
        assert search.indexed_watermark(heal=False) == stored[1].pk - 1  # held by stored[1]
        ids = {pk for pk, _ in search.lexical_candidates_batch(["Kursk soldiers"])[0]}
        assert ids == {stored[0].pk, stored[1].pk, newer.pk}  # both unindexed ones by their text
        # Old enough to not be in flight: indexed (embedded) by the check, which moves W up.
        monkeypatch.setattr(search, "HEAL_BATCH", 32)
        ensured = []
        monkeypatch.setattr(search, "embeddings_ensure", lambda claims: ensured.extend(claims) or _index_rows(claims))
        assert search.indexed_watermark() == newer.pk
        assert {c.pk for c in ensured} == {stored[1].pk, newer.pk}
        assert ClaimEmbedding.objects.filter(search_vector__isnull=False).count() == 4
        assert {pk for pk, _ in search.lexical_candidates_batch(["Kursk soldiers"])[0]} == ids

    def test_rejected_and_own_article_excluded_on_both_paths(self, stored, article):
        from factcheck.claims.models import CandidateStatus, Claim

        _index_rows(stored[:1])
        Claim.objects.filter(pk=stored[1].pk).update(status=CandidateStatus.REJECTED)
        assert [pk for pk, _ in search.lexical_candidates_batch(["Russian soldiers Kursk"])[0]] == [stored[0].pk]
        assert search.lexical_candidates_batch(["Russian soldiers Kursk"], exclude_article_id=article.pk) == [[]]

    def test_stored_vectors_are_gin_indexed(self, stored):
        """The stored branch's condition uses linking 0005's GIN index (the join order of the
        whole query on three rows says nothing; benchmarks/linking_scale.py --explain shows it
        at scale)."""
        _index_rows(stored)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                "EXPLAIN SELECT claim_id FROM linking_claimembedding WHERE search_vector @@ 'kursk'::tsquery"
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "claimembedding_search_idx" in plan

    def test_lexical_query_never_scans_the_embedding_table(self, stored, monkeypatch):
        """The planner overestimates the rows a run-time array of tsqueries matches, and with
        the cap over the match it chose a sequential scan that read the whole table per claim
        (~9 s an article at 1M claims). The query runs with LEXICAL_SETTINGS, which rule that
        out: here, on three rows, the planner picks the sequential scan without them."""
        _index_rows(stored)
        monkeypatch.setattr(search, "indexed_watermark", lambda: stored[-1].pk)  # the indexed branch's shape
        _wanted, sql, params = search.lexical_query(["Russian soldiers in Kursk"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("EXPLAIN " + sql, params)
            bare = "\n".join(row[0] for row in cursor.fetchall())
        with search.lexical_cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on linking_claimembedding" in bare
        assert "Seq Scan" not in plan
        assert "Bitmap Index Scan on claimembedding_search_idx" in plan

    def test_search_index_has_no_pending_list(self, stored):
        """linking 0006: rows go straight into the GIN index. With GIN's fast-update pending
        list, every scan (one per query clause) re-read all rows written since the last VACUUM
        (3x the query at 1M claims)."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'claimembedding_search_idx'")
            assert cursor.fetchone()[0] == ["fastupdate=off"]

    def test_backfill_fills_missing_vectors_of_current_rows_only(self, stored):
        from factcheck.claims.models import Claim
        from factcheck.linking.models import ClaimEmbedding

        _index_rows(stored)
        ClaimEmbedding.objects.update(search_vector=None)
        Claim.objects.filter(pk=stored[2].pk).update(text="Edited since it was embedded.")
        assert search.search_vectors_backfill(batch=1) == 2
        assert set(ClaimEmbedding.objects.filter(search_vector__isnull=False).values_list("claim_id", flat=True)) == {
            stored[0].pk,
            stored[1].pk,
        }
        assert search.search_vectors_backfill() == 0


def test_worker_process_init_warms_the_model(monkeypatch, settings):
    from celery.signals import worker_process_init

    import factcheck.linking.tasks  # noqa: F401 - connects the signal, as the worker's autodiscovery does
    from factcheck.linking.engine import embed

    calls = []
    monkeypatch.setattr(embed, "warm", lambda: calls.append(1) or 0.1)
    settings.LINK_EMBEDDINGS = True
    worker_process_init.send(sender=None)
    assert calls == [1]
    settings.LINK_WARM_WORKER = False
    worker_process_init.send(sender=None)
    assert calls == [1]
