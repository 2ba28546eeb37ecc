"""The fast ranking path gives exactly what the straightforward one gave.

`rank_candidates` counts each candidate's BM25 terms once per article, compares claims
(periods, figures, names) only when a label is read, and tests duplicates from one matrix
product; `suggest` skips the comparison of candidates that cannot be kept. None of that may
change a result: here the shipped path is compared, float for float and word for word, with a
reference kept in this file (the code as it was before those changes: every candidate
tokenised per query, every pair compared, one dot product per duplicate test), on generated
stores holding news claims and imported fact-checks with headlines and descriptions, figures
that agree and conflict, periods, places, near-duplicate vectors right at the threshold and
claims without vectors.
"""

from __future__ import annotations

import datetime
import math
import random

import numpy as np
import pytest

from factcheck.articles.models import Article, ArticleKind, ExtractionState, body_fingerprint
from factcheck.articles.services import article_create
from factcheck.claims.models import CandidateStatus, Claim, Origin
from factcheck.linking import embeddings, ranking, retrieval, suggest
from factcheck.linking.engine import embed, fusion
from factcheck.linking.engine.score import score_claims
from factcheck.linking.models import ClaimEmbedding

DAY = datetime.date(2024, 8, 14)
PLACES = ["Kursk", "Lagos", "Texas", "Gaza", "Ontario", "Kharkiv", "Punjab", "Dublin"]
NOUNS = ["soldiers", "people", "refugees", "homes", "jobs", "students", "percent", "kilometres"]
PERIODS = ["in 2019", "in 2023", "this year", "last year", "in March", "since 2010", "between 2015 and 2020", ""]
VERBS = ["were captured", "have fled", "were lost", "were built", "were counted", "rose", "fell"]
EXTRA = ["the ministry said", "officials confirmed", "according to the census", "the report found", ""]


def _sentence(rng: random.Random) -> str:
    n = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1, 50) * 1000])
    about = rng.choice(["", "about ", "more than ", "around "])
    text = f"{about}{n:,} {rng.choice(NOUNS)} {rng.choice(VERBS)} in {rng.choice(PLACES)} {rng.choice(PERIODS)}"
    extra = rng.choice(EXTRA)
    text = text.strip() + (f", {extra}" if extra else "") + "."
    return text[0].upper() + text[1:]


def _variant(rng: random.Random, text: str) -> str:
    """The same claim reworded a little, or with another figure or period."""
    r = rng.random()
    if r < 0.3:
        return text.replace(",", "", 1) if "," in text else text + " Officials agreed."
    if r < 0.6:  # another figure (the first number: the count, not the year)
        words = text.split()
        first = next((i for i, w in enumerate(words) if w.replace(",", "").isdigit()), None)
        if first is not None:
            words[first] = str(rng.randint(2, 999))
        return " ".join(words)
    if r < 0.8:
        return text.replace("in 2019", "in 2021").replace("this year", "last year").rstrip(".") + " again."
    return "Reports say " + text[0].lower() + text[1:]


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def _store(seed: int, n_news: int = 8, n_checks: int = 30) -> tuple[list[Claim], dict[int, np.ndarray]]:
    """A store of generated claims: news articles (claims with their quantities stored, as the
    extractor stores them) and imported fact-checks (one claim each, quantities parsed when
    compared, a headline and a description), with vectors: random, a few near-duplicates of one
    another (some within float error of the duplicate threshold) and a few claims with none."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    claims: list[Claim] = []
    for a in range(n_news):
        texts = list(dict.fromkeys(_sentence(rng) for _ in range(6)))
        body = "\n\n".join(texts) + f"\n\nnews {seed}-{a}"
        art = article_create(body=body, published=DAY - datetime.timedelta(days=rng.randint(1, 400)), extract=False)
        for t in texts:
            start = body.index(t)
            claims.append(
                Claim.objects.create(
                    article=art.article,
                    start=start,
                    end=start + len(t),
                    text=t,
                    checkworthy=True,
                    quantities=ranking.find_quantities(t, art.article.published),
                    extractor_version="engine-test",
                )
            )
    bases = [c.text for c in claims]
    for i in range(n_checks):
        text = _variant(rng, rng.choice(bases)) if rng.random() < 0.6 else _sentence(rng)
        body = f"{text}\n\ncheck {seed}-{i}"
        art = Article.objects.create(
            kind=ArticleKind.FACTCHECK,
            body=body,
            fingerprint=body_fingerprint(body),
            review_key=f"review-{seed}-{i}",
            published=DAY - datetime.timedelta(days=rng.randint(1, 900)),
            headline=rng.choice(["", text, f"Fact check: {_sentence(rng)}", "Did this really happen?"]),
            summary=rng.choice(["", f"We checked the figure: {_sentence(rng)}", text]),
            extraction_state=ExtractionState.DONE,
        )
        claims.append(
            Claim.objects.create(
                article=art,
                start=0,
                end=len(body),
                text=body,
                status=CandidateStatus.ACCEPTED,
                origin=Origin.IMPORTED,
                review_rating_text=rng.choice(["", "False", "Misleading"]),
            )
        )
    vectors: dict[int, np.ndarray] = {}
    for claim in claims:
        vectors[claim.pk] = _unit(nrng.normal(size=embed.DIM))
    # Near-duplicates: pairs at cosines around the threshold, some within float error of it.
    pks = [c.pk for c in claims]
    for k in range(0, min(len(pks) - 1, 24), 2):
        a, b = pks[k], pks[k + 1]
        target = fusion.DUPLICATE_COSINE + rng.choice([0.02, -0.02, 1e-7, -1e-7, 0.0, 3e-4, -3e-4])
        noise = _unit(nrng.normal(size=embed.DIM))
        noise = _unit(noise - (noise @ vectors[a]) * vectors[a])
        vectors[b] = _unit(target * vectors[a] + math.sqrt(max(0.0, 1 - target * target)) * noise)
    # A group of three copies of one claim.
    if len(pks) > 30:
        vectors[pks[28]] = vectors[pks[29]] = vectors[pks[27]]
    missing = set(pks[-3:])
    ClaimEmbedding.objects.bulk_create(
        [
            ClaimEmbedding(
                claim_id=c.pk, model=embed.MODEL_NAME, text_hash=embed.text_hash(c.text), vector=embed.to_bytes(v)
            )
            for c in claims
            if (v := vectors[c.pk]) is not None and c.pk not in missing
        ]
    )
    # No ANALYZE: the planner's row counts it writes outlive the test's transaction and would
    # change the plans later tests look at; both paths read the same statistics anyway.
    return claims, {pk: v for pk, v in vectors.items() if pk not in missing}


# The reference: the ranking as it was written before the fast path ----------------------------


def _reference_fused(query_text, docs, cosines, stats):
    qterms = fusion.terms(query_text)
    dterms = [fusion.terms(d) for d in docs]
    bm25 = fusion.bm25_scores(qterms, dterms, stats.df, stats.total, stats.avgdl)
    if any(c is None for c in cosines):
        qset = set(qterms)
        dice = [2 * len(qset & set(t)) / max(len(qset) + len(set(t)), 1) for t in dterms]
        cosines = [c if c is not None else (0.25 + 0.9 * d if d else 0.0) for c, d in zip(cosines, dice, strict=True)]
    ceiling = fusion.bm25_ceiling(qterms, stats.df, stats.total, stats.avgdl)
    return fusion.match_probabilities(fusion.rank_scores(cosines, bm25, ceiling))


def _reference_rank(queries, lexical, *, exclude_article_id=None):
    """rank_candidates as it was (the candidates given: `lexical`, no dense retrieval), as
    [(pk, probability, score, relation, reason, details)] per query, best first."""
    per_query_ids = [{pk for pk, _ in row} for row in lexical]
    all_ids = set().union(*per_query_ids)
    claims = (
        Claim.objects.live()
        .select_related("article__outlet", "verdict")
        .defer("article__body", "article__extraction_error")
        .in_bulk(list(all_ids))
    )
    if exclude_article_id is not None:
        claims = {pk: c for pk, c in claims.items() if c.article_id != exclude_article_id}
    have_vectors = all(v is not None for _, v in queries)
    stored = embeddings.stored_vectors(list(claims)) if have_vectors else {}
    if have_vectors:
        stored.update(embeddings.embeddings_ensure([c for pk, c in claims.items() if pk not in stored]))
    features = {pk: ranking.features_for_claim(c) for pk, c in claims.items()}
    documents = {pk: ranking.document_of(c) for pk, c in claims.items()}
    stats = retrieval.doc_stats()
    out = []
    for (query, vector), ids in zip(queries, per_query_ids, strict=True):
        pks = sorted(pk for pk in ids if pk in claims)
        cosines = [float(np.dot(vector, stored[pk])) if vector is not None and pk in stored else None for pk in pks]
        probs = _reference_fused(query.text, [documents[pk] for pk in pks], cosines, stats) if pks else []
        rows = {pk: [pk, p, score_claims(query, features[pk], c)] for pk, c, p in zip(pks, cosines, probs, strict=True)}
        order = sorted(rows, key=lambda pk: (-rows[pk][1], pk))

        def same(a, b):
            va, vb = stored.get(a), stored.get(b)
            return va is not None and vb is not None and float(np.dot(va, vb)) >= fusion.DUPLICATE_COSINE

        ranked = []
        for group in fusion.duplicate_groups(order, same):
            best = rows[group[0]][1]
            for pk in sorted(group):
                rows[pk][1] = best
                ranked.append(rows[pk])
        out.append([(pk, p, m.score, m.relation, m.reason, m.details) for pk, p, m in ranked])
    return out


def _shipped(ranked):
    return [[(c.claim.pk, c.probability, c.match.score, c.match.relation, c.match.reason, c.match.details) for c in row]
            for row in ranked]  # fmt: skip


def _first_difference(got, expected):
    for q, (g, e) in enumerate(zip(got, expected, strict=True)):
        for r, (a, b) in enumerate(zip(g, e, strict=False)):
            if a != b:
                fields = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
                return f"query {q}, row {r} (claim {a[0]} / {b[0]}), fields differing: {fields}"
        if len(g) != len(e):
            return f"query {q}: {len(g)} rows != {len(e)}"
    return None


def _queries(seed, claims, vectors, *, with_vectors=True):
    """Twelve queries: eight variants of stored claims (their vectors near the original's, as a
    rewording's would be) and four new sentences."""
    rng = random.Random(seed + 1000)
    nrng = np.random.default_rng(seed + 1000)
    sources = rng.sample([c for c in claims if c.pk in vectors], 8)
    texts = [_variant(rng, c.text) for c in sources] + [_sentence(rng) for _ in range(4)]
    out = []
    for i, text in enumerate(texts):
        if not with_vectors:
            vector = None
        elif i < 8:
            vector = _unit(vectors[sources[i].pk] + nrng.normal(scale=0.02, size=embed.DIM))
        else:
            vector = _unit(nrng.normal(size=embed.DIM))
        out.append((ranking.features_for_text(text, DAY), vector))
    return out


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_index")]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("with_vectors", [True, False])
def test_rank_candidates_as_before(seed, with_vectors, settings):
    settings.LINK_DENSE_MAX_SCAN = 0  # rerank: the candidates are exactly those given
    claims, vectors = _store(seed)
    queries = _queries(seed, claims, vectors, with_vectors=with_vectors)
    rng = random.Random(seed)
    # Each query's candidates: overlapping samples of the store, so candidates recur across queries.
    lexical = [[(c.pk, 0.0) for c in rng.sample(claims, 30)] for _ in queries]
    # The claims stored without a vector are embedded (by the model) and stored by the first
    # ranking; a vector read back from its row may differ in the last bits from the one just
    # encoded, so both paths run once the rows exist.
    ranking.rank_candidates(queries, lexical=lexical)
    expected = _reference_rank(queries, lexical)
    got = _shipped(ranking.rank_candidates(queries, lexical=lexical))
    assert _first_difference(got, expected) is None
    assert got == expected
    # The comparison is worth testing: labels beyond "related", and duplicates grouped.
    relations = {row[3] for rows in expected for row in rows}
    assert "related" in relations and relations & {"same", "conflicts"}
    assert any(a[1] == b[1] for rows in expected for a, b in zip(rows, rows[1:], strict=False))


def test_candidates_read_in_any_order_give_the_same_labels(settings):
    """The comparison runs when a label is first read: reading the ranked candidates backwards,
    or asking first whether their figures conflict, changes nothing."""
    settings.LINK_DENSE_MAX_SCAN = 0
    claims, vectors = _store(4)
    queries = _queries(4, claims, vectors)
    lexical = [[(c.pk, 0.0) for c in claims] for _ in queries]
    ranking.rank_candidates(queries, lexical=lexical)  # the claims without a vector embedded, as above
    expected = _reference_rank(queries, lexical)
    ranked = ranking.rank_candidates(queries, lexical=lexical)
    conflicts = [[c.figures_conflict() for c in reversed(row)][::-1] for row in ranked]
    assert _shipped(ranked) == expected
    assert conflicts == [[c.match.figures.state == "conflict" for c in row] for row in ranked]


def _reference_proposals(article, suggest_at, autoconfirm_at):
    """suggest._claim_proposals as it was: every candidate labelled, then the first ten kept."""
    claims = list(Claim.objects.live().filter(article=article).select_related("article"))
    features = [ranking.features_for_claim(c) for c in claims]
    lexical = retrieval.lexical_candidates_batch([f.text for f in features], exclude_article_id=article.pk)
    vectors = embeddings.stored_vectors([c.pk for c in claims])
    ranked = _reference_rank(
        [(f, vectors[c.pk]) for f, c in zip(features, claims, strict=True)], lexical, exclude_article_id=article.pk
    )
    stored = Claim.objects.select_related("article__outlet", "verdict").in_bulk()
    out = []
    for claim, rows in zip(claims, ranked, strict=True):
        kept = [
            r
            for r in rows
            if r[3] == "conflicts"
            or (r[3] == "same" and r[1] >= suggest_at)
            or (r[3] == "related" and r[1] >= autoconfirm_at)
        ]
        for pk, p, _score, relation, reason, details in kept[: suggest.MAX_LINKS_PER_CLAIM]:
            note = suggest._checked_note(stored[pk])
            if note and relation == "same":
                reason = f"{note}; {reason}"
            confirmable = details.get("period") != "differ"
            out.append(suggest.LinkProposal(claim.pk, pk, relation, p, reason, confirmable))
    return out


@pytest.mark.parametrize("thresholds", [(0.5, 0.9), (0.05, 0.3), (0.6, 0.2), (0.0, 0.0)])
def test_suggestions_as_before(thresholds, settings):
    settings.LINK_SUGGEST_THRESHOLD, settings.LINK_AUTOCONFIRM_THRESHOLD = thresholds
    settings.LINK_DENSE_MAX_SCAN = 0  # as at scale: the full-text candidates, re-ranked
    claims, vectors = _store(5)
    rng = random.Random(5)
    texts = list(dict.fromkeys(_variant(rng, c.text) for c in rng.sample(claims, 12)))
    body = "\n\n".join(texts)
    article = article_create(body=body, published=DAY, extract=False).article
    new = []
    for t in texts:
        start = body.index(t)
        new.append(Claim.objects.create(article=article, start=start, end=start + len(t), text=t, checkworthy=True))
    nrng = np.random.default_rng(5)
    ClaimEmbedding.objects.bulk_create(  # stored already: no model needed
        [
            ClaimEmbedding(
                claim_id=c.pk,
                model=embed.MODEL_NAME,
                text_hash=embed.text_hash(c.text),
                vector=embed.to_bytes(_unit(vectors[claims[i].pk] + nrng.normal(scale=0.05, size=embed.DIM))),
            )
            for i, c in enumerate(new)
        ]
    )
    embeddings.embeddings_ensure(claims)  # the stored claims without a vector: embedded first (see above)
    expected = _reference_proposals(article, *thresholds)
    got = suggest._claim_proposals(article)
    assert got == expected
    assert expected  # the comparison is not vacuous
    if thresholds == (0.5, 0.9):
        assert {p.relation for p in expected} >= {"conflicts"}


# The engine's fast helpers ---------------------------------------------------------------------


def test_bm25_counted_is_bm25_float_for_float():
    rng = random.Random(0)
    vocab = [f"w{i}" for i in range(60)]
    df = {w: rng.uniform(0, 5000) for w in vocab[:50]}
    for _ in range(200):
        query = [rng.choice(vocab) for _ in range(rng.randint(0, 12))]
        docs = [[rng.choice(vocab) for _ in range(rng.randint(0, 40))] for _ in range(rng.randint(0, 20))]
        avgdl = rng.choice([0.0, 3.5, 14.2])
        expected = fusion.bm25_scores(query, docs, df, 100_000.0, avgdl)
        got = fusion.bm25_scores_counted(query, [fusion.term_counts(d) for d in docs], df, 100_000.0, avgdl)
        assert got == expected  # exact floats, not approx


def test_duplicate_test_is_the_pairwise_dot_product():
    rng = np.random.default_rng(0)
    for trial in range(30):
        n = int(rng.integers(0, 40))
        base = [_unit(rng.normal(size=embed.DIM)) for _ in range(max(1, n // 4))]
        vectors = {}
        for k in range(n):
            v = base[int(rng.integers(0, len(base)))]
            scale = rng.choice([0.0, 0.005, 0.012, 0.02, 0.1])
            w = _unit(v + rng.normal(scale=scale, size=embed.DIM))
            if trial % 5 == 0:
                w = w * np.float32(rng.uniform(0.5, 3.0))  # not unit: the margin scales with the norms
            vectors[k] = w if k % 7 else None
        keys = list(vectors)
        rng.shuffle(keys)
        # Thresholds placed on actual cosines: the matrix product and np.dot may disagree there.
        dots = [float(np.dot(vectors[a], vectors[b])) for a in keys for b in keys if a != b and vectors[a] is not None
                and vectors[b] is not None]  # fmt: skip
        thresholds = [fusion.DUPLICATE_COSINE] + ([dots[int(rng.integers(0, len(dots)))]] if dots else [])
        for threshold in thresholds:
            same = fusion.duplicate_test(keys, vectors, threshold)
            for a in keys:
                for b in keys:
                    va, vb = vectors[a], vectors[b]
                    expected = va is not None and vb is not None and float(np.dot(va, vb)) >= threshold
                    assert same(a, b) == expected, (trial, a, b)
