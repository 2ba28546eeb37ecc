"""The engine's offset indexes (issue 11: linear time) answer exactly what the scans they
replaced answered, and the bounded tokenizer keeps every offset. Speed itself is measured
in benchmarks/engine_scaling.py, never asserted here."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from factcheck.extraction.engine import claims
from factcheck.extraction.engine.pipeline import LONG_RUN, BoundedTokenizer, extract, get_nlp
from factcheck.extraction.engine.types import QuoteSpan


@dataclass
class Ent:
    start_char: int
    end_char: int
    label_: str


def quote(start: int, end: int) -> QuoteSpan:
    return QuoteSpan(start=start, end=end, text="x" * (end - start))


@pytest.mark.parametrize("seed", range(20))
def test_overlapping_quotes_are_those_a_full_scan_finds(seed):
    rng = random.Random(seed)
    spans = sorted((s, s + rng.randint(1, 80)) for s in rng.sample(range(2000), 60))
    quotes = []
    for _ in range(rng.randint(0, 80)):
        s = rng.randint(0, 2100)
        quotes.append(quote(s, s + rng.choice([1, 5, 40, 300, 1500])))
    quotes.sort(key=lambda q: (q.start, q.end))
    got = claims._overlapping(spans, quotes)
    for (start, end), found in zip(spans, got, strict=True):
        assert found == [q for q in quotes if min(end, q.end) - max(start, q.start) > 0]


@pytest.mark.parametrize("seed", range(20))
def test_name_lookups_match_a_full_scan(seed):
    rng = random.Random(seed)
    ents, pos = [], 0
    for _ in range(rng.randint(0, 60)):
        pos += rng.randint(0, 30)
        end = pos + rng.randint(1, 15)
        ents.append(Ent(pos, end, rng.choice(["PERSON", "ORG", "GPE", "NORP"])))
        pos = end
    names = claims._Names(ents)
    for _ in range(50):
        lo = rng.randint(0, pos + 10)
        hi = lo + rng.randint(0, 200)
        assert names.within(lo, hi) == [e for e in ents if e.start_char >= lo and e.end_char <= hi]
        before = [e for e in ents if e.end_char <= lo]
        assert names.last_ending_by(lo) == (before[-1] if before else None)
        for want in (("PERSON",), ("ORG", "GPE", "PERSON")):
            prior = [e for e in before if e.label_ in want]
            assert names.last_ending_by(lo, want) == (prior[-1] if prior else None)


def test_bounded_tokenizer_keeps_the_text_and_cuts_only_long_runs():
    nlp = get_nlp()
    plain = nlp.tokenizer.tokenizer
    assert isinstance(nlp.tokenizer, BoundedTokenizer)
    news = "Mr. O'Neill said: “Prices rose 3.5% (see https://example.org/a/b?c=d) in 2024.”\n\nOK."
    assert [t.text for t in nlp.tokenizer(news)] == [t.text for t in plain(news)]
    rng = random.Random(3)
    alphabet = ["a", '"', "(", ")", " ", "\n", "😀", "  ", "x" * 300, "(" * 600, "word "]
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        doc = nlp.tokenizer(text)
        assert doc.text == text
        assert all(len(t.text) <= LONG_RUN for t in doc)


def test_hostile_inputs_extract_with_offsets_into_the_text():
    text = "The minister said prices rose. " + '"' * 3000 + " (" * 500 + ")" * 800 + " 😀" * 300 + "\nshort line\n" * 50
    found = extract(text)
    for span in [*found.quotes, *found.claims]:
        assert 0 <= span.start < span.end <= len(text)
        assert span.text == text[span.start : span.end]
