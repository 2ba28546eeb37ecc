"""The pure-Python linking engine: figures, quotes, diffs, scoring, ClaimReview parsing.

Tests marked `encoder` need the sentence encoder (torch, sentence-transformers, the MiniLM
package): the main suite runs them; bin/check-engines, whose environment leaves the encoder
out, deselects them by that marker and checks instead that using it fails loudly."""

from __future__ import annotations

import datetime
import json

import numpy as np
import pytest

from factcheck.core.problems import IntakeProblem
from factcheck.extraction.engine.quantities import find_quantities
from factcheck.linking.claimreview import Review, iter_reviews, rating_to_scale
from factcheck.linking.engine import claim_features, compare_figures, compare_quotes, embed, score_claims, word_diff

REF = datetime.date(2024, 8, 14)


def feats(text: str):
    return claim_features(text, quantities=find_quantities(text, ref_date=REF))


def q(text: str):
    return find_quantities(text, ref_date=REF)


@pytest.fixture(scope="module")
def cosine():
    embed.require()  # EncoderUnavailable, naming what to install, instead of a silent skip

    def _cos(a: str, b: str) -> float:
        v = embed.encode([a, b])
        return float(v[0] @ v[1])

    return _cos


class TestFigures:
    def test_vague_amount_conflicts_with_larger_figure(self):
        assert compare_figures(
            q("over 100,000 people forced to flee"), q("tens of thousands of people have fled")
        ).state == ("conflict")

    def test_about_and_range_agree(self):
        assert compare_figures(q("around 2km"), q("1 to 2 kilometers")).state == "agree"

    def test_units_are_normalised(self):
        assert compare_figures(q("1,000 square kilometres"), q("some 1,000 square kilometers")).state == "agree"

    def test_number_words(self):
        assert compare_figures(q("two thousand people were evacuated"), q("2,000 people were evacuated")).state == (
            "agree"
        )

    def test_more_than_agrees_with_exact(self):
        assert compare_figures(q("more than 100 soldiers"), q("100 servicemen")).state == "agree"

    def test_exact_figures_beyond_tolerance_conflict(self):
        assert compare_figures(q("500 people died"), q("800 people died")).state == "conflict"

    def test_different_units_are_not_compared(self):
        assert compare_figures(q("2km"), q("100 people")).state == "none"


class TestClaimScoring:
    @pytest.mark.encoder
    def test_paraphrase_is_same(self, cosine):
        a = "More than 100 Russian soldiers were taken prisoner"
        b = "100 Russian servicemen had been captured"
        match = score_claims(feats(a), feats(b), cosine(a, b))
        assert match.relation == "same"
        assert match.score >= 0.55
        assert "figures agree" in match.reason

    @pytest.mark.encoder
    def test_conflicting_figures(self, cosine):
        a = "Over 100,000 people have been forced to flee the region"
        b = "tens of thousands of Russians have fled their homes"
        match = score_claims(feats(a), feats(b), cosine(a, b))
        assert match.relation == "conflicts"
        assert match.score >= 0.55
        assert match.reason.startswith("different figures")

    @pytest.mark.encoder
    def test_agreeing_range_is_not_a_conflict(self, cosine):
        a = "Troops captured around 2km more of the region on Wednesday"
        b = "forces are advancing in the region by 1 to 2 kilometers on Wednesday"
        match = score_claims(feats(a), feats(b), cosine(a, b))
        assert match.relation == "same"
        assert "same date (2024-08-14)" in match.reason

    @pytest.mark.encoder
    def test_unrelated_claims_score_low(self, cosine):
        a = "The central bank raised interest rates to 5 percent"
        b = "Troops captured around 2km more of the region"
        assert score_claims(feats(a), feats(b), cosine(a, b)).score < 0.55

    def test_lexical_fallback_without_embeddings(self):
        a = "Belgorod declared a state of emergency"
        b = "the region of Belgorod declared an emergency"
        assert score_claims(feats(a), feats(b), None).score >= 0.55


class TestEncoderPrecision:
    """The encoder runs its matrix products in bfloat16 where the CPU computes it natively
    ("auto"); the vectors must agree with float32 ones, which every stored vector may be."""

    SENTENCES = [
        "More than 100 Russian soldiers were taken prisoner during this advancement.",
        "Tens of thousands of Russians have fled their homes.",
        "The central bank left interest rates unchanged at 16 percent.",
        "In Lagos, unemployment rose to 33 percent in 2023, with 4,000 jobs lost in Kano.",
        "Zelensky also stated 100 Russian servicemen had been captured.",
        "We have cut the deficit by half.",
    ]

    def test_choice(self, monkeypatch):
        monkeypatch.setattr(embed, "_native_bfloat16", lambda: True)
        assert embed._choose_precision("auto") == "bfloat16"
        assert embed._choose_precision(" Float32 ") == "float32"
        monkeypatch.setattr(embed, "_native_bfloat16", lambda: False)
        assert embed._choose_precision("auto") == "float32"
        assert embed._choose_precision("") == "float32"
        assert embed._choose_precision("bfloat16") == "bfloat16"
        with pytest.raises(ValueError, match="LINK_ENCODER_PRECISION"):
            embed._choose_precision("int8")

    @pytest.mark.encoder
    def test_bfloat16_agrees_with_float32(self, cosine):
        full = embed.encode(self.SENTENCES, precision="float32")
        half = embed.encode(self.SENTENCES, precision="bfloat16")
        assert half.dtype == np.float32 and half.shape == full.shape
        assert np.allclose(np.linalg.norm(half, axis=1), 1.0, atol=1e-3)
        assert not np.array_equal(full, half)  # bfloat16 really ran
        assert float(np.min(np.sum(full * half, axis=1))) >= 0.999
        # Pairwise similarities, what scoring uses, move by far less than any threshold's margin.
        assert np.max(np.abs(full @ full.T - half @ half.T)) < 0.01

    @pytest.mark.encoder
    def test_batch_size_does_not_change_vectors(self, cosine):
        one = embed.encode(self.SENTENCES, batch_size=64, precision="float32")
        small = embed.encode(self.SENTENCES, batch_size=embed.BATCH_SIZE, precision="float32")
        assert np.allclose(one, small, atol=1e-4)


class TestEncoderIsOptionalButNeverSilent:
    def test_missing_package_raises_with_what_to_install(self, monkeypatch):
        monkeypatch.setattr(embed, "ENCODER_PACKAGES", {**embed.ENCODER_PACKAGES, "no_such_module_x": "no-such-dist"})
        monkeypatch.setattr(embed, "_model", None)
        assert not embed.available()
        assert "no-such-dist" in embed.missing_packages()
        with pytest.raises(embed.EncoderUnavailable, match=r"no-such-dist.*LINK_EMBEDDINGS=false"):
            embed.encode(["A sentence."])
        with pytest.raises(ImportError):  # EncoderUnavailable is an ImportError
            embed.require()

    def test_the_index_needs_no_encoder(self):
        index = embed.VectorIndex(dim=3)
        index.upsert([7, 8], np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float32))
        assert [pk for pk, _ in index.search(np.array([[1, 0, 0]], dtype=np.float32), k=1)[0]] == [7]
        assert np.allclose(embed.from_bytes(embed.to_bytes(np.ones(3, dtype=np.float32))), 1.0)


class TestQuotes:
    def test_misquote_detected_with_diff(self):
        match = compare_quotes("kick the enemy out of our territory", "kick the enemy out")
        assert match is not None
        assert match.relation == "same" and match.misquote
        assert match.reason.startswith("misquote: wording differs")
        assert [(d.op, d.text) for d in match.diff] == [("equal", "kick the enemy out"), ("delete", "of our territory")]

    def test_punctuation_only_is_the_same_quote(self):
        match = compare_quotes("We will certainly ensure peace.", "we will certainly ensure peace")
        assert match is not None and not match.misquote and match.score == 1.0

    def test_different_statements_do_not_match(self):
        assert compare_quotes("a provocation", "kick the enemy out") is None

    def test_word_diff_replacement(self):
        ops = [(d.op, d.text) for d in word_diff("the war is coming home", "the war is coming back")]
        assert ops == [("equal", "the war is coming"), ("delete", "home"), ("insert", "back")]


LABELS = [
    ("True", "true", 6),
    ("Mostly true", "mostly-true", 5),
    ("Half true", "half-true", 4),
    ("Mostly false", "mostly-false", 3),
    ("False", "false", 2),
    ("Pants on fire", "pants-on-fire", 1),
    ("Unverifiable", "unverifiable", None),
]


def review(**kw) -> Review:
    base = {
        "source": "x",
        "url": "https://example.org/r",
        "claim_reviewed": "c",
        "publisher": "P",
        "date_published": None,
        "rating_value": None,
        "best_rating": None,
        "worst_rating": None,
        "rating_text": "",
        "claimant": "",
        "appearance_url": "",
    }
    return Review(**(base | kw))


class TestRatings:
    def test_label_wins(self):
        assert rating_to_scale(review(rating_text="Mostly False", rating_value=5, best_rating=5), LABELS) == (
            "mostly-false"
        )

    def test_alias(self):
        assert rating_to_scale(review(rating_text="Incorrect"), LABELS) == "false"

    def test_numeric_normalised(self):
        assert rating_to_scale(review(rating_value=1, best_rating=5, worst_rating=1), LABELS) == "pants-on-fire"
        assert rating_to_scale(review(rating_value=5, best_rating=5, worst_rating=1), LABELS) == "true"
        assert rating_to_scale(review(rating_value=3, best_rating=5, worst_rating=1), LABELS) in (
            "half-true",
            "mostly-false",
        )

    def test_unmapped(self):
        assert rating_to_scale(review(rating_text="Needs context"), LABELS) is None


def cr(url: str, text: str, rating: str = "False") -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": text,
        "author": {"@type": "Organization", "name": "Checkers"},
        "datePublished": "2024-08-10",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": rating,
            "ratingValue": 2,
            "bestRating": 6,
            "worstRating": 1,
        },
    }


class TestClaimReviewParsing:
    def test_single_list_graph_jsonl_and_bad_lines(self, tmp_path):
        (tmp_path / "single.json").write_text(json.dumps(cr("https://a.example/1", "one")))
        (tmp_path / "list.json").write_text(json.dumps([cr("https://a.example/2", "two"), {"@type": "Thing"}]))
        (tmp_path / "graph.jsonld").write_text(
            json.dumps(
                {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, cr("https://a.example/3", "3")]}
            )
        )
        lines = [json.dumps(cr("https://a.example/4", "four")), "{not json", json.dumps({"@type": "ClaimReview"}), ""]
        (tmp_path / "feed.jsonl").write_text("\n".join(lines))
        items = list(iter_reviews([tmp_path]))
        reviews = [i for i in items if isinstance(i, Review)]
        problems = [i for i in items if isinstance(i, IntakeProblem)]
        assert sorted(r.url for r in reviews) == [f"https://a.example/{n}" for n in range(1, 5)]
        assert all(r.publisher == "Checkers" and r.date_published == datetime.date(2024, 8, 10) for r in reviews)
        assert len(problems) == 2
        assert any("feed.jsonl:2" in str(p) and "malformed JSON" in str(p) for p in problems)
        assert any("feed.jsonl:3" in str(p) and "url" in str(p) for p in problems)

    def test_html_page(self, tmp_path):
        page = f'<html><script type="application/ld+json">{json.dumps(cr("https://a.example/5", "five"))}</script>'
        (tmp_path / "page.html").write_text(page)
        (item,) = list(iter_reviews([tmp_path / "page.html"]))
        assert isinstance(item, Review) and item.claim_reviewed == "five"

    def test_missing_path(self, tmp_path):
        (item,) = list(iter_reviews([tmp_path / "nope.json"]))
        assert isinstance(item, IntakeProblem)
