"""Text normalisation for matching: folded words, light stemming, content terms, word diffs."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["DiffOp", "content_terms", "fold", "names_in", "normalise", "stem", "word_diff", "words"]

_PUNCT_MAP = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_WORD_RE = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*(?:'[a-z]+)?")
_ORIG_WORD_RE = re.compile(r"\S+")

# Function words: dropped from content terms (not from quotes, where every word counts).
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say
    told according added also already still yet since per via among amid across s t""".split()  # noqa: SIM905
)

# British -> American endings, so "kilometres" and "kilometers" meet.
_SPELLING = ((r"tre$", "ter"), (r"tres$", "ters"), (r"our$", "or"), (r"ours$", "ors"), (r"ise$", "ize"))
_SPELLING_RE = [(re.compile(p), r) for p, r in _SPELLING]


def fold(text: str) -> str:
    """Lower case, accents dropped, curly quotes and dashes made plain."""
    text = text.translate(_PUNCT_MAP)
    if text.isascii():  # nothing to decompose: most claims, and every candidate is folded
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Folded words; numbers keep their digits with thousands separators removed ("1,000" -> "1000")."""
    out = []
    for w in _WORD_RE.findall(fold(text)):
        if w[0].isdigit():
            w = w.replace(",", "")
        elif w.endswith("'s"):
            w = w[:-2]
        out.append(w)
    return out


def normalise(text: str) -> str:
    """Words only, single spaces: what two quotes are compared on ("punctuation aside")."""
    return " ".join(words(text))


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A deliberately light suffix stripper (plural, -ed, -ing, -ly, British spellings).
    Cached: the same words recur in every candidate scored."""
    if word[0].isdigit() or len(word) <= 3:
        return word
    for pattern, repl in _SPELLING_RE:
        if pattern.search(word):
            word = pattern.sub(repl, word)
            break
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("ly", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + repl
            break
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed content words in order, duplicates kept (callers make sets where needed)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


_CALENDAR = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
_NAME_RE = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|de|von|van))*")


def names_in(text: str) -> set[str]:
    """Capitalised word runs that are not sentence-initial function words: a cheap stand-in for
    named entities when a claim has none stored (imports, typed search text)."""
    found = set()
    for m in _NAME_RE.finditer(text):
        name = fold(m.group(0)).strip(" '-")
        head = name.split()[0] if name else ""
        if not name or (m.start() == 0 and head in STOPWORDS) or name in STOPWORDS:
            continue
        for part in name.split():
            if part not in STOPWORDS and part not in _CALENDAR and len(part) > 2:
                found.add(stem(part.rstrip("'s").rstrip("'")))
    return found


@dataclass(frozen=True, slots=True)
class DiffOp:
    op: str  # "equal", "delete" (only in a), "insert" (only in b)
    text: str


def word_diff(a: str, b: str) -> list[DiffOp]:
    """Word-level difference between two wordings, punctuation and case ignored for matching
    but the original words kept for display. A replacement is a delete then an insert.

    >>> [(d.op, d.text) for d in word_diff("kick the enemy out of our territory", "kick the enemy out")]
    [('equal', 'kick the enemy out'), ('delete', 'of our territory')]
    """
    a_words = _ORIG_WORD_RE.findall(a)
    b_words = _ORIG_WORD_RE.findall(b)
    a_keys = [normalise(w) for w in a_words]
    b_keys = [normalise(w) for w in b_words]
    ops: list[DiffOp] = []

    def add(op: str, chunk: list[str]) -> None:
        text = " ".join(chunk).strip()
        if not text:
            return
        if ops and ops[-1].op == op:
            ops[-1] = DiffOp(op, ops[-1].text + " " + text)
        else:
            ops.append(DiffOp(op, text))

    matcher = difflib.SequenceMatcher(a=a_keys, b=b_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", b_words[j1:j2])
        else:
            add("delete", a_words[i1:i2])
            add("insert", b_words[j1:j2])
    # Words that are only punctuation normalise to "" and match each other: fold them away.
    return [op for op in ops if op.op == "equal" or normalise(op.text)]
