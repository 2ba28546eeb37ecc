"""Marked phrases that are not quotations: titles, scare quotes and terms.

Quotation marks also set off titles of works and shows ("Face the Nation"), nicknames, scare
quotes (a "reform" nobody asked for) and words used as words. None of them is a quotation
with a speaker, and an editor does not want them in the quotation list. After attribution
two rules, both measured on PolNeAR train (dev watched):

- a marked phrase of at most three words that nothing in the text attributes to anyone is not
  a quotation;
- a short phrase in title case where a title stands: after "on", "in", "of", a possessive
  ("CBS's 'Face the Nation'") or a noun for a work ("his new book, 'Trump and Me'"), or before
  "star" or "host", is a title even when a speaker was found for it (the speaker of the
  sentence spoke on the show, he did not say its name).

Those go to `Extraction.marked_phrases` with a kind, so a reader can still show them. Words
used as words ("the phrase 'radical agenda'") are kind "term" when nobody is said to use them;
a term someone is said to use ("she refused to say the words 'open borders'") stays a
quotation, as annotators read it.
"""

from __future__ import annotations

import re

from .types import MarkedPhrase, QuoteSpan

# Longer runs of words without a speaker are still quotations: an unattributed sentence in
# marks is usually someone's, and losing it costs more than keeping it (measured).
MAX_PHRASE_WORDS = 3
# Titles in a title's place may be a little longer: "Late Night with Seth Meyers" is not.
MAX_TITLE_WORDS = 4

# Short words a title leaves in lower case: "Meet the Press", "Game of Thrones".
_TITLE_SMALL_WORDS = frozenset(
    ["a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "from", "by"]
)
# Words before a title: a preposition ("appeared on 'X'"), or a noun for a work ("the film 'X'").
_TITLE_PREPOSITIONS = frozenset(["on", "in", "of", "from", "at"])
_WORK_NOUNS = frozenset(
    [
        "show",
        "shows",
        "program",
        "programme",
        "documentary",
        "film",
        "movie",
        "book",
        "books",
        "series",
        "play",
        "ad",
        "ads",
        "album",
        "song",
        "novel",
        "episode",
        "column",
        "sitcom",
        "podcast",
        "memoir",
        "musical",
        "video",
        "special",
        "broadcast",
        "newspaper",
        "magazine",
        "headline",
        "titled",
        "entitled",
    ]
)
_AFTER_TITLE = frozenset(
    ["star", "stars", "host", "hosts", "episode", "cast", "creator", "actor", "actress", "fame", "producer", "anchor"]
)
# Nouns for words used as words: "the phrase", "the word", "his slogan".
_TERM_NOUNS = frozenset(
    [
        "phrase",
        "phrases",
        "word",
        "words",
        "term",
        "terms",
        "slogan",
        "slogans",
        "expression",
        "label",
        "labels",
        "moniker",
        "nickname",
        "nicknames",
        "catchphrase",
        "mantra",
        "hashtag",
    ]
)
_MARK_CHARS = "\"“”'‘’`\t\n "
_MARKS_RE = re.compile(r"\s+")


def phrase_kind(text: str) -> str:
    """'title' for words in title case ("Meet the Press", "Veep"), else 'scare_quote'."""
    words = [w.lstrip("'‘“\"(") for w in text.split() if any(c.isalpha() for c in w)]
    if words and all(
        w[:1].isupper() or (k > 0 and w.rstrip(",.;:!?").lower() in _TITLE_SMALL_WORDS) for k, w in enumerate(words)
    ):
        return "title"
    return "scare_quote"


def _word_before(text: str, start: int) -> str:
    before = _MARKS_RE.sub(" ", text[max(0, start - 40) : start].rstrip(_MARK_CHARS)).split()
    return before[-1].lower().strip(",") if before else ""


def _word_after(text: str, end: int) -> str:
    after = text[end : end + 30].lstrip(_MARK_CHARS + " ,.").split()
    return after[0].lower() if after else ""


def in_title_place(text: str, q: QuoteSpan) -> bool:
    """Title-case words where a title of a work or show stands (see the module docstring)."""
    if q.continued or len(q.text.split()) > MAX_TITLE_WORDS or phrase_kind(q.text) != "title":
        return False
    prev = _word_before(text, q.start)
    return (
        prev in _TITLE_PREPOSITIONS
        or prev.endswith(("'s", "’s"))
        or prev in _WORK_NOUNS
        or _word_after(text, q.end) in _AFTER_TITLE
    )


def naming_kind(text: str, q: QuoteSpan) -> str:
    """Kind of a phrase quotes.py found named by the words before it: 'the phrase' -> term,
    'titled' -> title, 'known as'/'dubbed' -> title or scare quote by its case."""
    prev = _word_before(text, q.start)
    if prev in _TERM_NOUNS:
        return "term"
    if prev in ("titled", "entitled"):
        return "title"
    return phrase_kind(q.text)


def split_marked_phrases(
    quotes: list[QuoteSpan], text: str = "", namings: list[QuoteSpan] | None = None
) -> tuple[list[QuoteSpan], list[MarkedPhrase]]:
    """(quotations, marked phrases that are not quotations), both in text order.

    `text` is the article; without it only the unattributed-short-phrase rule applies.
    `namings` are the phrases quotes.py set aside as names, titles or terms.
    """
    kept: list[QuoteSpan] = []
    phrases: list[MarkedPhrase] = [
        MarkedPhrase(start=q.start, end=q.end, text=q.text, kind=naming_kind(text, q)) for q in namings or []
    ]
    for q in quotes:
        if text and in_title_place(text, q):
            phrases.append(MarkedPhrase(start=q.start, end=q.end, text=q.text, kind="title"))
        elif q.speaker is None and not q.continued and len(q.text.split()) <= MAX_PHRASE_WORDS:
            kind = "term" if text and _word_before(text, q.start) in _TERM_NOUNS else phrase_kind(q.text)
            phrases.append(MarkedPhrase(start=q.start, end=q.end, text=q.text, kind=kind))
        else:
            kept.append(q)
    phrases.sort(key=lambda m: m.start)
    return kept, phrases
