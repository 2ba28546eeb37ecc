"""Quotation attribution does work linear in the text on quote-dense long sentences (issue 11).

A long sentence of quotations with almost every token inside marks ('"a "a "a ...',
'"a" "b" "c"', '"a b", "c d", ...') made speakers.py walk the sentence, or back to the
last line break, once per quotation: 25 s for 12k characters. The work is counted, not
timed: every line the attribution code (speakers.py, marks.py) runs is counted with a trace
function, for the same shape at 3k and at 12k characters. Linear work grows 4x between the
two; the quadratic walks grew it about 16x (and pass the cap below long before the end, so
the test fails in seconds rather than minutes on them). Counting lines, not seconds, keeps the
test deterministic on a shared machine.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from factcheck.extraction.engine import marks, pipeline, speakers

WORDS = [
    "the",
    "plan",
    "will",
    "cut",
    "taxes",
    "for",
    "families",
    "and",
    "raise",
    "wages",
    "in",
    "every",
    "state",
    "next",
    "year",
]
FRAMES = ("Maria Lopez said", "according to the report", "he added", "the minister told reporters")
COUNTED = {Path(speakers.__file__).resolve(), Path(marks.__file__).resolve()}
# Lines of attribution code per token of text. Measured (2026-11-30): the linear code runs
# 95-375 at 3k and at 12k characters alike; the per-quotation walks ran 3,900-4,700 per token
# at 3k characters and more than 5,900 at 12k.
CAP_PER_TOKEN = 1_000


def quote_dense(shape: str, size: int, seed: int = 7) -> str:
    """`size` characters of one long sentence of quotations, no full stop, no line break."""
    rng = random.Random(seed)
    out: list[str] = []
    total = 0
    while total < size:
        if shape == "open":  # '"a "a "a': opening marks only
            piece = f'"{rng.choice(WORDS)} '
        elif shape == "closed":  # '"a" "b" "c"'
            piece = f'"{rng.choice(WORDS)}" '
        elif shape == "commas":  # '"a b", "c d", ...' with a frame now and then
            piece = f'"{rng.choice(WORDS)} {rng.choice(WORDS)}", '
            if rng.random() < 0.1:
                piece = f"{rng.choice(FRAMES)} {piece}"
        else:
            raise ValueError(shape)
        out.append(piece)
        total += len(piece)
    return "".join(out)[:size]


class Budget(Exception):
    pass


def attribution_lines(text: str, cap_per_token: int = CAP_PER_TOKEN) -> tuple[int, int]:
    """(lines run in speakers.py and marks.py while extracting text, tokens); raises Budget
    past cap_per_token lines per token."""
    doc = pipeline.get_nlp()(text)
    cap = cap_per_token * len(doc)
    count = 0
    counted_codes: dict[object, bool] = {}

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > cap:
                raise Budget(f"more than {cap} lines of attribution code for {len(doc)} tokens")
        return local

    def call(frame, event, arg):
        code = frame.f_code
        inside = counted_codes.get(code)
        if inside is None:
            inside = counted_codes[code] = Path(code.co_filename).resolve() in COUNTED
        return local if inside else None

    before = sys.gettrace()
    sys.settrace(call)
    try:
        pipeline.extract_doc(doc, claims=False)
    finally:
        sys.settrace(before)
    return count, len(doc)


@pytest.mark.parametrize("shape", ["open", "closed", "commas"])
def test_attribution_work_grows_linearly_on_quote_dense_sentences(shape):
    try:
        small_lines, _ = attribution_lines(quote_dense(shape, 3_000))
        large_lines, _ = attribution_lines(quote_dense(shape, 12_000))
    except Budget as exc:
        pytest.fail(str(exc))
    # 4x the text: linear work grows about 4x, the old per-quotation walks about 16x.
    assert large_lines / small_lines < 6, (small_lines, large_lines)
