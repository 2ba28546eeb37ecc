"""Marked phrases that are not quotations: titles, scare quotes and terms.

Quotation marks also set off titles of works and shows ("Face the Nation"), nicknames, scare
quotes (a "reform" nobody asked for) and words used as words. None of them is a quotation
with a speaker, and an editor does not want them in the quotation list. After attribution
the rule is simple and measured (PolNeAR train and dev): a marked phrase of at most three
words that nothing in the text attributes to anyone is not a quotation. Those go to
`Extraction.marked_phrases` with a kind, so a reader can still show them.
"""

from __future__ import annotations

from .types import MarkedPhrase, QuoteSpan

# Longer runs of words without a speaker are still quotations: an unattributed sentence in
# marks is usually someone's, and losing it costs more than keeping it (measured).
MAX_PHRASE_WORDS = 3


# Short words a title leaves in lower case: "Meet the Press", "Game of Thrones".
_TITLE_SMALL_WORDS = frozenset(
    ["a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "from", "by"]
)


def phrase_kind(text: str) -> str:
    """'title' for words in title case ("Meet the Press", "Veep"), else 'scare_quote'."""
    words = [w.lstrip("'‘“\"(") for w in text.split() if any(c.isalpha() for c in w)]
    if words and all(
        w[:1].isupper() or (k > 0 and w.rstrip(",.;:!?").lower() in _TITLE_SMALL_WORDS) for k, w in enumerate(words)
    ):
        return "title"
    return "scare_quote"


def split_marked_phrases(quotes: list[QuoteSpan]) -> tuple[list[QuoteSpan], list[MarkedPhrase]]:
    """(quotations, marked phrases that are not quotations), both in text order."""
    kept: list[QuoteSpan] = []
    phrases: list[MarkedPhrase] = []
    for q in quotes:
        if q.speaker is None and not q.continued and len(q.text.split()) <= MAX_PHRASE_WORDS:
            phrases.append(MarkedPhrase(start=q.start, end=q.end, text=q.text, kind=phrase_kind(q.text)))
        else:
            kept.append(q)
    return kept, phrases
