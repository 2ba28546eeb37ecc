"""Find direct quotations and their exact offsets (the words inside the marks).

Why a hand-written scanner and not a regex like `"[^"]*"`: news text mixes straight and
curly marks, opens with one kind and closes with another, nests single quotes in double
ones, uses single quotes as the main marks (British style), runs a quotation over several
paragraphs with the opening mark repeated and no closing mark until the end, and is full of
apostrophes that look like single quotes (it’s, Russia’s, the '90s, rock 'n' roll, soldiers'
families). A regex gets each of those wrong somewhere and, worse, an unbalanced mark makes it
swallow the rest of the article. Here every quotation is bounded by its paragraph, and the
direction of each mark is read from its surroundings first and its shape second.

The scanner works on the raw text and the segments only (no spaCy), so it is cheap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import QuoteSpan, Segment

DOUBLE_MARKS = '"“”«»„'
SINGLE_MARKS = "'‘’"
_OPEN_SHAPE = "“«„‘"
_CLOSE_SHAPE = "”»’"
# Characters after which a mark opens a quotation ("(", a dash, a slash, another opening mark).
_OPEN_LEFT = "([{—–-/“‘«„"
# Characters before which a mark closes one.
_CLOSE_RIGHT = ".,;:!?)]}—–-…”’»"

# Elisions that begin with an apostrophe: the '90s, '24, 'em, 'til, rock 'n' roll.
_ELISION_RE = re.compile(
    r"(?:\d\d?s?\b|n[’']|em\b|til\b|tis\b|twas\b|cause\b|bout\b|cos\b|kay\b)",
    re.IGNORECASE,
)
# Words that can follow the closing mark of a quotation but not a plural possessive noun.
_AFTER_QUOTE_WORDS = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "tells",
        "added",
        "adds",
        "warned",
        "claimed",
        "insisted",
        "argued",
        "explained",
        "noted",
        "stated",
        "wrote",
        "according",
        "and",
        "or",
        "but",
        "nor",
        "as",
        "after",
        "before",
        "when",
        "while",
        "because",
        "since",
        "if",
        "though",
        "although",
        "than",
        "then",
        "so",
        "that",
        "which",
        "who",
        "whom",
        "whose",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "its",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "of",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        "will",
        "would",
        "could",
        "should",
        "may",
        "might",
        "did",
        "does",
        "do",
        "not",
        "also",
        "just",
        "even,",
        "only",
        "again",
        "instead",
        "too",
    ]
)
# Quoted words that name something rather than quote someone: known as the 'Rosgvardiya'.
_NAMING_BEFORE_RE = re.compile(
    r"(?:known as|dubbed|nicknamed|so-called|so called|code-?named|named|titled|entitled|called"
    r"|the word|the term|the phrase|the hashtag|the slogan)\s*(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
_SENTENCE_END_RE = re.compile(r"[.!?…](?=[\s]+[A-Z“‘\"'(]|\s*$)")

OPEN, CLOSE, AMBIG, SKIP = 1, 2, 3, 0


@dataclass(slots=True)
class _Piece:
    """A quotation found in one paragraph, before speakers are known."""

    start: int
    end: int
    family: str  # "double" or "single"
    continued: bool = False


def _context(text: str, i: int, lo: int, hi: int) -> int:
    """Direction suggested by the characters around the mark at i (inside paragraph [lo, hi))."""
    left = text[i - 1] if i > lo else " "
    right = text[i + 1] if i + 1 < hi else " "
    left_open = left.isspace() or left in _OPEN_LEFT
    right_close = right.isspace() or right in _CLOSE_RIGHT or right in DOUBLE_MARKS + SINGLE_MARKS
    if left_open and not right.isspace():
        return OPEN
    if right_close and not left.isspace():
        return CLOSE
    return AMBIG


def _sentence_end(text: str, start: int, hi: int) -> int:
    """End of the sentence that contains position start (or hi)."""
    m = _SENTENCE_END_RE.search(text, start, hi)
    return m.end() if m else hi


def _starts_sentence(text: str, lo: int, opener: int) -> bool:
    """True when the mark at `opener` begins a sentence or follows a colon/comma cue."""
    before = text[lo:opener].rstrip()
    return not before or before[-1] in ".!?:…,—–-" or before[-1] in DOUBLE_MARKS + SINGLE_MARKS


def _scan_doubles(text: str, lo: int, hi: int, carried: bool, next_opens: bool) -> tuple[list[_Piece], bool]:
    """Pair the double marks of one paragraph; returns the pieces and whether one is left open.

    carried: the previous paragraph ended inside an open double quotation.
    next_opens: the next paragraph starts with an opening double mark.
    """
    pieces: list[_Piece] = []
    open_at = -1
    first_mark = True
    for i in range(lo, hi):
        ch = text[i]
        if ch not in DOUBLE_MARKS:
            continue
        ctx = _context(text, i, lo, hi)
        if ch == '"' and open_at < 0 and i > lo and text[i - 1].isdigit() and ctx != OPEN:
            continue  # an inch mark: 12" pizza
        if open_at < 0:
            if ctx == CLOSE or (ctx == AMBIG and ch in _CLOSE_SHAPE):
                # A closing mark with nothing open: the paragraph continues a quotation whose
                # opening mark was not repeated, or the opening mark is missing.
                if first_mark and carried:
                    pieces.append(_Piece(lo, i, "double", continued=True))
                first_mark = False
                continue
            open_at = i
        else:
            if ctx == OPEN and ch not in _CLOSE_SHAPE:
                # A new opening mark while one is open: the earlier one was never closed.
                end = _sentence_end(text, open_at + 1, i)
                pieces.append(_Piece(open_at + 1, end, "double"))
                open_at = i
            else:
                pieces.append(_Piece(open_at + 1, i, "double"))
                open_at = -1
        first_mark = False
    left_open = False
    if open_at >= 0:
        if next_opens or _starts_sentence(text, lo, open_at):
            pieces.append(_Piece(open_at + 1, hi, "double"))
            left_open = True
        else:  # a partial quotation missing its closing mark: stop at the end of the sentence
            pieces.append(_Piece(open_at + 1, _sentence_end(text, open_at + 1, hi), "double"))
    if pieces and carried and text[lo] in DOUBLE_MARKS and pieces[0].start == lo + 1:
        pieces[0].continued = True
    return pieces, left_open


def _single_kind(text: str, i: int, lo: int, hi: int) -> int:
    """OPEN, CLOSE, AMBIG or SKIP (an apostrophe) for the single mark at i."""
    left = text[i - 1] if i > lo else " "
    right = text[i + 1] if i + 1 < hi else " "
    if left.isalnum() and right.isalnum():
        return SKIP  # it’s, didn't, Russia’s
    ctx = _context(text, i, lo, hi)
    if ctx == OPEN and _ELISION_RE.match(text, i + 1, hi):
        return SKIP  # the '90s, 'em, rock 'n' roll
    if ctx == CLOSE and i >= lo + 2 and text[i - 1] in "nN" and text[i - 2] in " '‘’":
        return SKIP  # the closing half of 'n'
    if ctx == AMBIG:
        if left.isspace() and right.isspace():
            return SKIP
        # said:'We  -> opening; word'. -> handled as CLOSE above; punct'word -> opening
        return OPEN if not left.isalnum() else CLOSE
    return ctx


def _possessive_like(text: str, i: int, hi: int) -> bool:
    """soldiers' families: an s before the mark and a content word after it."""
    if i == 0 or text[i - 1] not in "sSzZ":
        return False
    m = re.match(r"\s+([a-z][\w-]*)", text[i + 1 : hi])
    return bool(m) and m.group(1) not in _AFTER_QUOTE_WORDS


def _scan_singles(
    text: str,
    lo: int,
    hi: int,
    blocked: list[tuple[int, int]],
    carried: bool,
    next_opens: bool,
) -> tuple[list[_Piece], bool]:
    """Pair top-level single marks (outside double quotations) in one paragraph."""
    marks: list[tuple[int, int]] = []
    bi = 0
    for i in range(lo, hi):
        if text[i] not in SINGLE_MARKS:
            continue
        while bi < len(blocked) and blocked[bi][1] < i:
            bi += 1
        if bi < len(blocked) and blocked[bi][0] - 1 <= i <= blocked[bi][1]:
            continue  # inside (or is a mark of) a double quotation: nested, not top level
        kind = _single_kind(text, i, lo, hi)
        if kind != SKIP:
            marks.append((i, kind))
    pieces: list[_Piece] = []
    left_open = False
    k = 0
    if carried and marks and marks[0][1] == CLOSE and text[lo] not in SINGLE_MARKS:
        pieces.append(_Piece(lo, marks[0][0], "single", continued=True))
        k = 1
    while k < len(marks):
        i, kind = marks[k]
        if kind != OPEN:
            k += 1
            continue
        weak = strong = -1
        for j in range(k + 1, len(marks)):
            mi, mkind = marks[j]
            if mkind != CLOSE:
                continue
            if _possessive_like(text, mi, hi):
                if weak < 0:
                    weak = j
                continue
            strong = j
            break
        close_j = strong if strong >= 0 else weak
        if close_j >= 0:
            pieces.append(_Piece(i + 1, marks[close_j][0], "single"))
            k = close_j + 1
            continue
        if next_opens and _starts_sentence(text, lo, i):
            pieces.append(_Piece(i + 1, hi, "single"))
            left_open = True
        break
    if pieces and carried and text[lo] in SINGLE_MARKS and pieces[0].start == lo + 1:
        pieces[0].continued = True
    return pieces, left_open


def _opens_with(text: str, seg: Segment, marks: str) -> bool:
    return seg.end > seg.start and text[seg.start] in marks


def _is_naming(text: str, lo: int, start: int, end: int) -> bool:
    """A quoted name or term (known as the 'Rosgvardiya'), not words someone said."""
    words = text[start:end].split()
    if not words or len(words) > 5:
        return False
    before = text[max(lo, start - 40) : max(lo, start - 1)]
    if not _NAMING_BEFORE_RE.search(before):
        return False
    m = re.search(r"(\w+)\s*(?:the\s+|a\s+|an\s+)?$", before)
    if m and m.group(1).lower() == "called":
        # "he called it 'a disgrace'" quotes him; "a group called 'Wagner'" names something.
        return all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    return True


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_partial(text: str, lo: int, start: int, end: int) -> bool:
    """A few words embedded in a sentence rather than a quoted sentence."""
    first = next((c for c in text[start:end] if c.isalpha()), "")
    if first and first.islower():
        return True
    return not _starts_sentence(text, lo, start - 1) and len(text[start:end].split()) <= 6


# Wire and NYT copy write double marks as two apostrophes (''like this'') or, opening, two
# backticks (``like this``). Three apostrophes are a double mark next to a single one: a
# nested quotation closing together with its outer one, or opening with it.
_TYPEWRITER_RE = re.compile(r"(?<!['`])(?:'{3}|'{2}|`{2})(?!['`])")


def _collapse_typewriter(text: str) -> tuple[str, list[int]] | None:
    """The text with each typewriter pair made one '"', and the original offset of every
    character of it (plus one past the end), or None when there is no pair."""
    if "''" not in text and "``" not in text:
        return None
    out: list[str] = []
    back: list[int] = []
    pos = 0
    for m in _TYPEWRITER_RE.finditer(text):
        out.append(text[pos : m.start()])
        back.extend(range(pos, m.start()))
        if len(m.group()) == 3:
            if m.start() > 0 and not text[m.start() - 1].isspace():  # closing: single, then double
                out.append("'" + '"')
                back.extend((m.start(), m.start() + 1))
            else:  # opening: double, then single
                out.append('"' + "'")
                back.extend((m.start(), m.start() + 2))
        else:
            out.append('"')
            back.append(m.start())
        pos = m.end()
    out.append(text[pos:])
    back.extend(range(pos, len(text)))
    back.append(len(text))
    return "".join(out), back


def find_quotes(text: str, segments: list[Segment], namings: list[QuoteSpan] | None = None) -> list[QuoteSpan]:
    """Every direct quotation in the prose segments, in text order, without speakers.

    Offsets cover the words inside the marks (marks and surrounding spaces excluded).
    Headlines are scanned too (their scare quotes are quotations in British style).
    Typewriter pairs ('' and ``) are read as one double mark, so a quotation never starts or
    ends with a stray apostrophe. Marked words that a phrase before them names as a name, title
    or term ("the phrase 'X'", "known as 'X'") are not quotations: when `namings` is given,
    they are appended to it (nonquotes.py keeps them as marked phrases).
    """
    masked = _mask_markup(text)
    collapsed = _collapse_typewriter(masked)
    found: list[QuoteSpan] = []
    if collapsed is None:
        out = _find_quotes(masked, segments, found)
        for q in out + found:
            q.text = text[q.start : q.end]
        if namings is not None:
            namings.extend(found)
        return out
    scan, back = collapsed
    fwd: list[int] = [-1] * (len(text) + 1)
    for ci, oi in enumerate(back):
        fwd[oi] = ci
    for oi in range(1, len(text) + 1):  # the second character of a pair: just after the mark
        if fwd[oi] < 0:
            fwd[oi] = fwd[oi - 1] + 1
    segs = [Segment(fwd[sg.start], fwd[sg.end], sg.kind) for sg in segments]
    out = _find_quotes(scan, segs, found)
    for q in out + found:
        q.start, q.end = back[q.start], back[q.end]
        q.text = text[q.start : q.end]
    if namings is not None:
        namings.extend(found)
    return out


# Markup that slipped into the text: tags (their attribute values are in straight double
# marks) and embedded posts, whose words are not the article's quotations.
_TAG_RE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]{0,2000})?/?>")
_EMBED_RE = re.compile(
    r"<(tweet|blockquote|script|style|iframe|embed|figure)\b[^<>]*>.*?(?:</\1\s*>|(?=\n\s*\n)|$)",
    re.IGNORECASE | re.DOTALL,
)


def _mask_markup(text: str) -> str:
    """The text with markup tags and embedded posts blanked out (same length, same offsets)."""
    if "<" not in text:
        return text
    chars = list(text)
    for rx in (_EMBED_RE, _TAG_RE):
        for m in rx.finditer(text):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def _find_quotes(text: str, segments: list[Segment], namings: list[QuoteSpan]) -> list[QuoteSpan]:
    prose = [s for s in segments if s.kind in ("paragraph", "headline")]
    out: list[QuoteSpan] = []
    families: list[str] = []
    carried_d = carried_s = False
    for n, seg in enumerate(prose):
        lo, hi = seg.start, seg.end
        nxt = prose[n + 1] if n + 1 < len(prose) else None
        next_d = nxt is not None and nxt.kind == "paragraph" and _opens_with(text, nxt, '"“«„')
        next_s = nxt is not None and nxt.kind == "paragraph" and _opens_with(text, nxt, "'‘")
        doubles, carried_d = _scan_doubles(text, lo, hi, carried_d, next_d)
        blocked = [(p.start, p.end) for p in doubles]
        singles, carried_s = _scan_singles(text, lo, hi, blocked, carried_s, next_s)
        # Double marks nested in a top-level single quotation (British style) are not quotes.
        doubles = [d for d in doubles if not any(s.start <= d.start and d.end <= s.end for s in singles)]
        for p in sorted(doubles + singles, key=lambda p: p.start):
            start, end = _trimmed(text, p.start, p.end)
            if end - start < 1 or not any(c.isalnum() for c in text[start:end]):
                continue
            if not p.continued and _is_naming(text, lo, start, end):
                if p.family == "double" or not families.count("double"):
                    namings.append(QuoteSpan(start=start, end=end, text=text[start:end]))
                continue
            out.append(
                QuoteSpan(
                    start=start,
                    end=end,
                    text=text[start:end],
                    partial=_is_partial(text, lo, start, end),
                    continued=p.continued,
                )
            )
            families.append(p.family)
    # House style picks one family of marks for quotations. Where it is double marks (US and
    # wire copy), a top-level pair of single marks is a headline's or a mis-paired apostrophe,
    # not a quotation; where single marks are the main ones (British style), both count.
    if families.count("double") > families.count("single"):
        out = [q for q, fam in zip(out, families, strict=True) if fam == "double"]
    return out
