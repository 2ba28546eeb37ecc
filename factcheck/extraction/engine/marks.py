"""Attributions written with punctuation rather than a verb: transcript labels and dashes.

Two news conventions name the speaker of a quotation without any reporting verb, so the
dependency parse has nothing to hang them on:

- transcripts, where each turn opens with the speaker's label in capitals and a colon
  ("PENCE: And that is why ...", "Q: Did you ...", "A: No."), often inside the marks;
- vox pops and pull quotes, where the name follows the closing mark after a dash
  ("“I came for the jobs.” ― Ana Ortiz", "''It was close.'' -- Tom Reyes"), or opens the
  next line ("- Tom Reyes." under a fact-checked quotation).

Both are found here on the raw text, cheaply, with regular expressions; speakers.py turns
the returned mention into a speaker. Pure functions of the text; offsets are end-exclusive.
"""

from __future__ import annotations

import re

# "PENCE:", "SEN. JOHN SMITH:", "Q:", "A:". Capitals only, so "Update: ..." or "Note: ..." in
# ordinary case are not labels; a short run of words, so a shouted sentence is not one either.
_LABEL_RE = re.compile(r"(?:(?P<q>[QA])|(?P<name>[A-Z][A-Z'’.-]+(?:[ \t]+[A-Z][A-Z'’.-]+){0,3}))[ \t]*:[ \t]+(?=\S)")
_BETWEEN_RE = re.compile(r"\s*(?:''|[\"“'])?\s*")
# Words a capitalised label is not: shouted furniture and section heads.
_NOT_LABELS = frozenset(
    {"UPDATE", "UPDATED", "NOTE", "EDITOR'S NOTE", "WATCH", "READ", "RELATED", "CORRECTION", "BREAKING", "PHOTOS"}
)
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|de|del|della|da|van|von|der|la|le|du|bin|al|y)"
# After the closing mark: optional punctuation, a dash (or two hyphens), then a name that ends
# the line or the paragraph (a comma and a description may follow: "― Ana Ortiz, 34, nurse").
_DASH_AFTER_RE = re.compile(
    rf"[\"”'’]*[^\S\n]*[.,]?(?:[^\S\n]*(?:―|—|–|--)|[^\S\n]*\n\s*(?:―|—|–|--|-))"
    rf"[^\S\n]*(?P<name>[A-Z][\w'’.-]*(?:[^\S\n]+{_NAME_WORD}){{0,5}})"
    r"[^\S\n]*(?:[.,][^\n]{0,80})?[^\S\n]*(?=\n|$)"
)


def transcript_label(text: str, start: int, para_start: int) -> tuple[int, int] | None:
    """Offsets of a transcript label that opens this quotation or its paragraph, or None.

    `start` is the first character inside the marks; `para_start` the start of its paragraph.
    The label may sit inside the marks ('"PENCE: And ...') or before them ('PENCE: "And ...').
    """
    for pos in (start, para_start):
        m = _LABEL_RE.match(text, pos)
        if m is None:
            continue
        # Between the label and the quotation: whitespace and at most one opening mark. Matched
        # in place (the text between could be a whole paragraph, read again per quotation).
        if pos == para_start and pos != start and not _BETWEEN_RE.fullmatch(text, m.end(), max(m.end(), start)):
            continue
        if m.group("name") and m.group("name").strip(".") in _NOT_LABELS:
            continue
        group = "q" if m.group("q") else "name"
        return m.start(group), m.end(group)
    return None


def dash_attribution(text: str, end: int) -> tuple[int, int] | None:
    """Offsets of the name after a dash that follows the closing mark ("” ― Ana Ortiz")."""
    m = _DASH_AFTER_RE.match(text, end)
    if m is None:
        return None
    return m.start("name"), m.end("name")
