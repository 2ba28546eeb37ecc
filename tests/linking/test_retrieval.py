"""Retrieval at scale: the IVF vector index, the rare-term full-text query, one batched
lexical query per article on the workspace's GIN index, and re-rank-only dense mode."""

from __future__ import annotations

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
        with django_assert_max_num_queries(3):  # store size, lexemes, the search itself
            found = search.lexical_candidates_batch(
                ["Russian soldiers captured in Kursk", "Interest rates held at 16 percent", "zzzz"]
            )
        assert found[0][0][0] == stored[0].pk
        assert found[1][0][0] == stored[2].pk
        assert found[2] == []
        assert search.lexical_candidates_batch(["Kursk soldiers"], exclude_ids=[stored[0].pk]) == [[]]

    def test_uses_the_workspace_gin_index_and_no_duplicate(self, stored):
        _wanted, sql, params = search.lexical_query(["Russian soldiers captured in Kursk"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'claims_claim'")
            indexes = {row[0] for row in cursor.fetchall()}
        assert "claim_text_fts_idx" in plan
        assert "claim_text_fts_idx" in indexes and "linking_claim_text_fts_idx" not in indexes
