"""Retrieval at scale: the IVF vector index, the rare-term full-text query, one batched
lexical query per article on the claims' stored search vector (claims 0007), and the gaps
the stored column closes (edited claims, imported fact-checks without embeddings)."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from factcheck.linking import retrieval
from factcheck.linking.engine.embed import VectorIndex
from factcheck.linking.retrieval import TermStats, query_clauses


def build_tsquery(lexemes, stats, budget=retrieval.LEXICAL_BUDGET) -> str:
    """A claim's query as one tsquery text: its clauses ORed."""
    return " | ".join(query_clauses(lexemes, stats, budget))


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


@pytest.fixture
def fresh_stats():
    retrieval.term_stats_reset()
    yield
    retrieval.term_stats_reset()


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")  # a store size estimate, as in production


@pytest.mark.django_db
class TestLexicalQuery:
    @pytest.fixture
    def stored(self, article, fresh_stats):
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
        _analyse()
        return out

    def test_one_batched_query_per_article(self, stored, django_assert_max_num_queries):
        retrieval.lexical_candidates_batch(["warm the term statistics"])
        # Store size, lexemes and the search (savepoint, the planner settings, the query,
        # release).
        with django_assert_max_num_queries(6):
            found = retrieval.lexical_candidates_batch(
                ["Russian soldiers captured in Kursk", "Interest rates held at 16 percent", "zzzz"]
            )
        assert found[0][0][0] == stored[0].pk
        assert found[1][0][0] == stored[2].pk
        assert found[2] == []
        assert retrieval.lexical_candidates_batch(["Kursk soldiers"], exclude_ids=[stored[0].pk]) == [[]]

    def test_uses_the_stored_column_index_and_no_expression_index(self, stored):
        _wanted, sql, params = retrieval.lexical_query(["Russian soldiers captured in Kursk"])
        with retrieval.lexical_cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'claims_claim'")
            indexes = {row[0] for row in cursor.fetchall()}
        assert "Bitmap Index Scan on claim_search_idx" in plan
        # The column supersedes claims 0005's expression index (and linking 0003's duplicate).
        assert "claim_search_idx" in indexes
        assert "claim_text_fts_idx" not in indexes and "linking_claim_text_fts_idx" not in indexes


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
    def stored(self, article, fresh_stats):
        from factcheck.claims.models import Claim

        out = [
            Claim.objects.create(article=article, start=i, end=i + 1, text=t)
            for i, t in enumerate([self.SHORT, self.LONG])
        ]
        _analyse()
        return out

    @pytest.mark.parametrize("embedded", [False, True])
    def test_dice_keeps_the_closest_claim_and_ranks_by_lexeme_overlap(self, stored, settings, embedded):
        if embedded:
            _embedding_rows(stored)  # vector rows change nothing in the full-text stage
        settings.LINK_LEXICAL_RANK = "dice"
        ranked = retrieval.lexical_candidates_batch([self.QUERY])[0]
        assert [pk for pk, _ in ranked] == [stored[0].pk, stored[1].pk]
        (query,), (short, long_) = retrieval.lexemes([self.QUERY]), retrieval.lexemes([self.SHORT, self.LONG])
        for (_pk, rank), other in zip(ranked, (short, long_), strict=True):
            a, b = set(query), set(other)
            assert rank == pytest.approx(2 * len(a & b) / (len(a) + len(b)), abs=1e-6)
        assert retrieval.lexical_candidates_batch([self.QUERY], k=1)[0][0][0] == stored[0].pk

    def test_k_live_claims_even_when_better_matches_are_excluded(self, stored, article):
        """Rejected claims and the excluded article's claims are skipped before the top k is
        cut, not after: the best-matching rows here are all excluded, and k live ones remain."""
        from factcheck.articles.services import article_create
        from factcheck.claims.models import CandidateStatus, Claim

        other = article_create(body="Another article, other claims.", published=None, extract=False).article
        for i in range(3):
            Claim.objects.create(
                article=article, start=10 + i, end=11 + i, text=self.QUERY + ".", status=CandidateStatus.REJECTED
            )
        for i in range(3):
            Claim.objects.create(article=other, start=i, end=i + 1, text=f"{self.QUERY}, {i}.")
        ranked = retrieval.lexical_candidates_batch([self.QUERY], k=2, exclude_article_id=other.pk)[0]
        assert [pk for pk, _ in ranked] == [stored[0].pk, stored[1].pk]

    def test_cover_ranking_prefers_the_long_claim(self, stored, settings):
        settings.LINK_LEXICAL_RANK = "cover"
        assert retrieval.lexical_candidates_batch([self.QUERY], k=1)[0][0][0] == stored[1].pk


def _embedding_rows(claims) -> None:
    """Vector rows as the embeddings service writes them, without the model."""
    from factcheck.linking.engine import embed
    from factcheck.linking.models import ClaimEmbedding

    vector = embed.to_bytes(np.ones(384, dtype=np.float32) / np.sqrt(384))
    ClaimEmbedding.objects.bulk_create(
        [
            ClaimEmbedding(claim_id=c.pk, model=embed.MODEL_NAME, text_hash=embed.text_hash(c.text), vector=vector)
            for c in claims
        ]
    )


def _found(text: str, **kwargs) -> list[int]:
    return [pk for pk, _ in retrieval.lexical_candidates_batch([text], **kwargs)[0]]


@pytest.mark.django_db
class TestClaimSearchVector:
    """The claim's own stored tsvector (claims 0007): generated by PostgreSQL from the text,
    so it is current after any write, by any path, with or without an embedding."""

    @pytest.fixture
    def stored(self, article, fresh_stats):
        from factcheck.claims.models import Claim

        texts = [
            "More than 100 Russian soldiers were taken prisoner in Kursk.",
            "Kursk officials said 40 Russian soldiers were wounded.",
            "The central bank left interest rates unchanged at 16 percent.",
        ]
        out = [Claim.objects.create(article=article, start=i, end=i + 1, text=t) for i, t in enumerate(texts)]
        _analyse()
        return out

    def test_the_column_is_the_text_vector(self, stored):
        from factcheck.claims.models import Claim

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT bool_and(search_vector = to_tsvector('english'::regconfig, COALESCE(text, ''))) "
                "FROM claims_claim"
            )
            assert cursor.fetchone() == (True,)
        claim = Claim.objects.get(pk=stored[0].pk)
        assert "'kursk'" in claim.search_vector

    def test_embedding_rows_change_nothing(self, stored):
        """Claims with and without a vector row are found alike, with the same ranks."""
        query = ["Russian soldiers in Kursk"]
        before = retrieval.lexical_candidates_batch(query)[0]
        _embedding_rows(stored[:1])
        after = retrieval.lexical_candidates_batch(query)[0]
        assert {pk for pk, _ in after} == {stored[0].pk, stored[1].pk}
        assert after == before

    def test_claim_without_embedding_found_by_text(self, stored):
        _embedding_rows(stored[1:])
        assert _found("prisoner taken") == [stored[0].pk]

    def test_edited_claim_is_found_by_its_new_words_at_once(self, stored):
        """Gap closed: an edited claim used to be found by the words it was embedded with
        (linking's copy of its tsvector) until it was re-embedded."""
        from factcheck.claims.models import Claim

        _embedding_rows(stored)  # embedded before the edit, as every stored claim is
        Claim.objects.filter(pk=stored[2].pk).update(text="The central bank raised interest rates to 18 percent.")
        assert _found("bank raised") == [stored[2].pk]
        assert _found("unchanged") == []
        claim = Claim.objects.get(pk=stored[2].pk)
        claim.text = "The central bank cut interest rates to 14 percent."
        claim.save(update_fields=["text"])
        assert _found("cut") == [stored[2].pk]
        assert _found("raised") == []

    def test_workspace_search_reads_the_same_column(self, stored, checker):
        """The workspace's claim search matches on the stored column too (no expression of
        the text in its SQL), so an edit shows there at once as well."""
        from factcheck.claims.models import Claim
        from factcheck.review.search_selectors import claim_search

        Claim.objects.filter(pk=stored[2].pk).update(text="The central bank raised interest rates to 18 percent.")
        qs = claim_search(checker, {"q": "raised rates"})
        sql = str(qs.query)
        assert '"search_vector" @@' in sql and "to_tsvector" not in sql
        assert [c.pk for c in qs] == [stored[2].pk]
        assert list(claim_search(checker, {"q": "unchanged"})) == []

    def test_imported_fact_check_joins_the_pool_without_its_embedding(self, stored, monkeypatch):
        """Gap closed: an imported fact-check is in the full-text pool as soon as its row is
        committed, before (or without) its embedding: here the encoder fails at import."""
        from factcheck.claims.models import Claim
        from factcheck.linking import embeddings
        from factcheck.linking.claimreview import Review
        from factcheck.linking.importing import claimreview_import_paths
        from factcheck.linking.models import ClaimEmbedding

        review = Review(
            source="feed.jsonl:1",
            url="https://checkers.example/kursk-prisoners",
            claim_reviewed="Ukraine says 2,000 Russian prisoners were taken in the Kursk incursion.",
            publisher="Other Checkers",
            date_published=None,
            rating_value=None,
            best_rating=None,
            worst_rating=None,
            rating_text="Mostly true",
            claimant="Volodymyr Zelensky",
            appearance_url="",
        )

        def broken(claims):
            raise RuntimeError("encoder unavailable")

        monkeypatch.setattr(embeddings, "embeddings_ensure", broken)
        monkeypatch.setattr("factcheck.linking.importing.iter_reviews", lambda paths: iter([review]))
        report = claimreview_import_paths(["feed.jsonl"])
        (imported,) = report.created
        assert not ClaimEmbedding.objects.filter(claim_id=imported).exists()
        assert Claim.objects.get(pk=imported).search_vector
        assert _found("Russian prisoners Kursk incursion")[0] == imported

    def test_rejected_and_own_article_excluded(self, stored, article):
        from factcheck.claims.models import CandidateStatus, Claim

        _embedding_rows(stored[:1])
        Claim.objects.filter(pk=stored[1].pk).update(status=CandidateStatus.REJECTED)
        assert _found("Russian soldiers Kursk") == [stored[0].pk]
        assert retrieval.lexical_candidates_batch(["Russian soldiers Kursk"], exclude_article_id=article.pk) == [[]]

    def test_lexical_query_never_scans_the_claims_table(self, stored):
        """The planner overestimates the rows a run-time array of tsqueries matches, and with
        the cap over the match it chose a sequential scan that read the whole table per claim
        (~9 s an article at 1M claims). The query runs with LEXICAL_SETTINGS, which rule that
        out: here, on three rows, the planner picks the sequential scan without them."""
        _wanted, sql, params = retrieval.lexical_query(["Russian soldiers in Kursk"])
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("EXPLAIN " + sql, params)
            bare = "\n".join(row[0] for row in cursor.fetchall())
        with retrieval.lexical_cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on claims_claim" in bare
        assert "Seq Scan" not in plan
        assert "Bitmap Index Scan on claim_search_idx" in plan

    def test_search_index_has_no_pending_list(self, stored):
        """Rows go straight into the GIN index. With GIN's fast-update pending list, every
        scan (one per query clause) re-reads all rows written since the last VACUUM."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'claim_search_idx'")
            assert cursor.fetchone()[0] == ["fastupdate=off"]

    def test_linking_keeps_no_copy_of_the_search_vector(self, stored):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'linking_claimembedding'"
            )
            columns = {row[0] for row in cursor.fetchall()}
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'linking_claimembedding'")
            indexes = {row[0] for row in cursor.fetchall()}
        assert "search_vector" not in columns
        assert not indexes & {"claimembedding_search_idx", "claimembedding_nosearch_idx"}


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


SQLITE_CHECK = """
from django.contrib.auth.models import User
from factcheck.articles.services import article_create
from factcheck.claims.models import Claim
from factcheck.linking.retrieval import lexical_candidates_batch
from factcheck.review.search_selectors import claim_search

body = "Troops took 100 prisoners in Kursk, officials said."
article = article_create(body=body, published=None, extract=False).article
claim = Claim.objects.create(article=article, start=0, end=len(body), text=body)
assert Claim.objects.get(pk=claim.pk).search_vector is None
user = User.objects.create_superuser("ada", "ada@example.org", "pw")
assert [c.pk for c in claim_search(user, {"q": "prisoners"})] == [claim.pk]
assert [pk for pk, _ in lexical_candidates_batch(["prisoners taken in Kursk"])[0]] == [claim.pk]
print("sqlite-ok")
"""
SQLITE_TRIGGERS = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('claims_claim', 'claims_quote')"
    )
    print(sorted(row[0] for row in cursor.fetchall()))
"""


def test_sqlite_default_migrates_and_searches_without_the_column(tmp_path):
    """With no DATABASE_URL (the embedded SQLite default), claims 0007 adds the column without
    rebuilding claims_claim (which would drop its span triggers), the column is NULL, and
    both searches take their simpler paths (LIKE; a scan of stemmed words). The migrations
    also reverse."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"SQLITE_PATH": str(tmp_path / "db.sqlite3"), "LINK_EMBEDDINGS": "false"}

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "claims", "0007_claim_search", "-v0")
    triggers = manage("shell", "-c", SQLITE_TRIGGERS)  # claims 0007 kept them
    assert "claims_claim_span_inside_body_insert" in triggers
    assert "claims_claim_span_inside_body_update" in triggers
    manage("migrate", "-v0")
    triggers = manage("shell", "-c", SQLITE_TRIGGERS)  # and so do the later ones (claims 0008)
    for table in ("claims_claim", "claims_quote"):
        assert f"{table}_span_inside_body_insert" in triggers and f"{table}_span_inside_body_update" in triggers
    assert "sqlite-ok" in manage("shell", "-c", SQLITE_CHECK)
    manage("migrate", "claims", "0006", "-v0")
    manage("migrate", "-v0")
