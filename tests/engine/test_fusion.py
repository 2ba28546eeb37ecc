"""Retrieval fusion (factcheck.linking.engine.fusion): query cleaning, BM25 over candidates,
reciprocal rank fusion, the blend's probabilities and the document text. Invented texts."""

from __future__ import annotations

import math

import pytest

from factcheck.linking.engine import fusion


def test_clean_query_strips_links_and_trailer_and_splits_tags():
    post = (
        "Harbour bridge closed for 3 weeks after #CableSnap? @CityTransitDept says no "
        "https://t.co/AbC123 pic.twitter.com/xyz789 — Jo Example (@jo_example) March 3, 2021"
    )
    out = fusion.clean_query(post)
    assert "http" not in out and "pic.twitter" not in out and "@" not in out and "#" not in out
    assert "Cable Snap" in out and "City Transit Dept" in out
    assert out.endswith("Jo Example")
    assert not fusion.clean_query(post, keep_author=False).endswith("Jo Example")
    plain = "The council spent 4 million on the new library in 2020."
    assert fusion.clean_query(plain) == plain


@pytest.mark.parametrize(
    ("tag", "words"),
    [("AustralianFires", "Australian Fires"), ("COVID19", "COVID 19"), ("maga", "maga"), ("NHSCrisis", "NHS Crisis")],
)
def test_split_hashtag(tag, words):
    assert fusion.split_hashtag(tag) == words


def test_bm25_prefers_rare_shared_terms_and_shorter_documents():
    docs = [
        ["lighthouse", "keeper", "rescued", "seal"],
        ["keeper", "zoo", "said"],
        ["lighthouse", "keeper", "rescued", "seal", "storm", "night", "coast", "village", "boat", "crew"],
    ]
    df = {"lighthouse": 2, "keeper": 50, "rescued": 10, "seal": 3, "zoo": 20}
    s = fusion.bm25_scores(["lighthouse", "seal", "keeper"], docs, df, n_docs=1000, avgdl=6)
    assert s[0] > s[2] > s[1] > 0
    assert fusion.bm25_scores(["absent"], docs, df, 1000, 6) == [0.0, 0.0, 0.0]


def test_rrf_rewards_agreement():
    fused = fusion.rrf([[1, 2, 3], [2, 1, 4]], k=60)
    assert fused[1] == fused[2] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[1] > fused[3] and fused[1] > fused[4]
    assert math.isclose(fused[4], 1 / 63)


def test_features_gaps_are_to_the_best_candidate():  # the learned blends of the benchmark
    feats = fusion.fusion_features([0.9, 0.6], [8.0, 2.0], dice=[0.5, 0.1])
    assert feats[0]["cos_gap"] == 0 and feats[1]["cos_gap"] == pytest.approx(0.3)
    assert feats[0]["bm25"] == 1 and feats[1]["bm25"] == pytest.approx(0.25)
    assert feats[1]["bm25_gap"] == pytest.approx(0.75)
    assert fusion.fusion_features([], []) == []


def test_rank_scores_add_bm25_as_a_share_of_the_query_ceiling():
    df = {"ferry": 3, "sank": 5, "harbour": 40}
    query = ["ferry", "sank", "harbour"]
    ceiling = fusion.bm25_ceiling(query, df, n_docs=1000, avgdl=3)
    full = fusion.bm25_scores(query, [query], df, 1000, 3)[0]
    assert ceiling == pytest.approx(full) and ceiling > 0
    scores = fusion.rank_scores([0.80, 0.70, 0.60], [ceiling / 2, ceiling * 2, 0.0], ceiling)
    assert scores[0] == pytest.approx(0.80 + fusion.RANK_BM25 * 0.5)
    assert scores[1] == pytest.approx(0.70 + fusion.RANK_BM25)  # capped at the whole query
    assert scores[2] == pytest.approx(0.60)
    # Absolute, not relative to the other candidates: a lone weak candidate stays weak.
    assert fusion.rank_scores([0.3], [ceiling * 0.1], ceiling)[0] == pytest.approx(0.3 + fusion.RANK_BM25 * 0.1)


def test_match_probabilities_are_calibrated_and_keep_the_order():
    probs = fusion.match_probabilities([1.05, 0.90, 0.55, 0.30])
    assert probs == sorted(probs, reverse=True)
    assert all(0.0 <= p <= 1.0 for p in probs)
    # A clear winner with a near-identical wording is very likely a match; a weak crowd is not.
    assert probs[0] > 0.9
    assert fusion.match_probabilities([0.45, 0.44, 0.43])[0] < 0.3
    # A runner-up far behind the best is unlikely however high its own score.
    assert probs[2] < 0.2


def test_duplicates_grouped_at_the_best_place_oldest_first():
    twins = {frozenset({7, 3}), frozenset({7, 9})}

    def same(a, b):
        return frozenset({a, b}) in twins

    assert fusion.group_duplicates([7, 5, 3, 9], same) == [3, 7, 9, 5]
    assert fusion.duplicate_groups([7, 5, 3, 9], same) == [[7, 3, 9], [5]]
    assert fusion.group_duplicates([5, 4], same) == [5, 4]


def test_blend_probability_is_logistic():
    blend = fusion.Blend(weights={"cos_doc": 2.0}, bias=-1.0)
    assert blend.probability({"cos_doc": 0.5}) == pytest.approx(0.5)
    assert blend.probability({"cos_doc": -100.0}) == 0.0


def test_document_text_adds_only_new_words():
    claim = "The mayor banned skateboards in every park."
    assert fusion.document_text(claim, "The mayor banned skateboards in every park") == claim
    doc = fusion.document_text(claim, "Did a Mayor Ban Skateboards?", "A post said so; the ban covers one park.")
    assert doc == claim + " Did a Mayor Ban Skateboards? A post said so; the ban covers one park."
    assert fusion.document_text(claim) == claim
