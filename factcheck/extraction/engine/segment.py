"""Split an article into segments: paragraphs, and the parts that are never claims or quotes.

Articles arrive as plain text with paragraphs separated by blank lines, but scraped text also
carries furniture between them: a header line (` date 2024-08-14 `), the headline, a byline
("By Henry Moore"), photo captions ("... Picture: Getty", "(Image: AP)") and wire datelines
("KYIV, Ukraine (CNN) —"). Quote and claim finders must not read those as prose, so they are
labelled here, cheaply, with regular expressions over lines: this runs before spaCy, inside
the pipeline, so that sentence boundaries never cross a segment boundary.

Everything here is a pure function of the text; offsets are end-exclusive string indices.
"""

from __future__ import annotations

import re

from .types import Segment

# ` date 2024-08-14 ` (the sample format) and similar metadata prefixes.
_HEADER_RE = re.compile(
    r"[ \t]*((?:date|published|updated|posted)[ \t]*:?[ \t]*\d{4}-\d{2}-\d{2}(?:[T ][\d:]+Z?)?)[ \t]*",
    re.IGNORECASE,
)

# A name word: "Henry", "O'Neill", "McDonald", "Jean-Luc", "J.", "al-Assad".
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|(?:al|de|van|von|der|da|bin|la|le|du)-?)"
_BYLINE_RE = re.compile(
    rf"^(?:By|BY|Written by|Words by|Reporting by)[ \t]+{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}}"
    rf"(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*){_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,4}})*"
    r"(?:[ \t]*[,|–—-][ \t]*[^\n]{0,80})?$"
)
# Wire credits at the foot of a story: "Reporting by X; Editing by Y", "Additional reporting by X".
_CREDITS_RE = re.compile(
    r"^\(?(?:Additional )?(?:Reporting|Writing|Editing|Compiled|Additional reporting) by [^\n]{0,200}$",
    re.IGNORECASE,
)

_CREDIT_WORDS = r"(?:Picture|Pictures|Photo|Photos|Photograph|Image|Images|Credit|Video|Illustration|Source)"
# "... Picture: Getty", "(Image: AP)", "Photograph: Sergei Ilnitsky/EPA" at the end of a short line.
_CAPTION_CREDIT_RE = re.compile(
    rf"(?:^|[\s.!?)\]])\(?{_CREDIT_WORDS}[ \t]*(?:credit)?[ \t]*:[ \t]*[^\n:]{{1,80}}\)?[ \t]*$",
    re.IGNORECASE,
)
# "... AFP via Getty Images", "Getty Images", "REUTERS/Alina Smutko", "AP Photo/Efrem Lukatsky".
_CAPTION_AGENCY_RE = re.compile(
    r"(?:(?:Getty|Shutterstock|Alamy|PA|AFP|AP|Reuters|EPA|Bloomberg)[ \t]+(?:Images|Photo|Wire|Media)"
    r"(?:[ \t]*/[ \t]*[^\n]{1,40})?"
    r"|(?:REUTERS|AP Photo|AFP|EPA|Getty Images|TASS|Sputnik)[ \t]*/[ \t]*[^\n]{1,40}"
    r"|\((?:AP|AFP|Reuters|Getty|EPA|PA)\))[ \t.]*$"
)
_CAPTION_MAX_WORDS = 45

# "KYIV, Ukraine (CNN) — ", "WASHINGTON (AP) — ", "MOSCOW, Aug 14 (Reuters) - ", "LONDON — ".
_DATELINE_RE = re.compile(
    r"^(?:[A-Z][A-Z'’.-]+(?:[ \t]+[A-Z][A-Z'’.-]+){0,3})"  # the city, in capitals
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[\w.]+){0,3})?"  # ", Ukraine" or ", Aug 14"
    r"(?:[ \t]*\([A-Za-z][\w .&/-]{0,30}\))?"  # "(CNN)", "(Reuters)"
    r"[ \t]*[—–-]{1,2}[ \t]+"
)
_DATELINE_AGENCY_RE = re.compile(
    r"^(?:[A-Z][A-Z'’.-]+(?:[ \t]+[A-Z][A-Z'’.-]+){0,3})"
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[\w.]+){0,3})?"
    r"[ \t]*\([A-Za-z][\w .&/-]{0,30}\)[ \t]*[:—–-]?[ \t]*"
)

_BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v]*\n")
_HEADLINE_MAX_WORDS = 25


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _blocks(text: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks, trimmed, as offsets."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _BLANK_LINE_RE.finditer(text):
        s, e = _trim(text, pos, m.start())
        if s < e:
            out.append((s, e))
        pos = m.end()
    s, e = _trim(text, pos, len(text))
    if s < e:
        out.append((s, e))
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty trimmed lines of text[start:end]."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        s, e = _trim(text, pos, stop)
        if s < e:
            out.append((s, e))
        pos = stop + 1
    return out


def is_caption(line: str) -> bool:
    """A photo caption: a short line that ends with a picture credit."""
    if len(line.split()) > _CAPTION_MAX_WORDS:
        return False
    return bool(_CAPTION_CREDIT_RE.search(line) or _CAPTION_AGENCY_RE.search(line))


def is_byline(line: str) -> bool:
    """A byline ("By Henry Moore, Political Reporter") or wire credits line."""
    if len(line) > 160:
        return False
    return bool(_BYLINE_RE.match(line) or _CREDITS_RE.match(line))


def looks_like_headline(line: str) -> bool:
    """Short, and not ended like a sentence: how headlines look in scraped text."""
    stripped = line.rstrip().rstrip("\"'”’»)]").rstrip()
    if not stripped or len(stripped.split()) > _HEADLINE_MAX_WORDS:
        return False
    if re.search(r"[.!?][\"'”’]?\s+[A-Z“\"‘']", stripped):
        return False  # two sentences: a lead paragraph, not a headline
    return stripped[-1] not in ".;,:"


def dateline_length(line: str) -> int:
    """Length of a wire dateline at the start of a paragraph, or 0 when there is none."""
    m = _DATELINE_RE.match(line) or _DATELINE_AGENCY_RE.match(line)
    if not m:
        return 0
    head = m.group(0)
    # The city must be written in capitals (at least two letters), to leave "I —" or "A -" alone.
    letters = [c for c in head.split(",")[0].split("(")[0] if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return 0
    if m.end() >= len(line):  # nothing after the dateline: not one
        return 0
    return m.end()


def segment(text: str) -> list[Segment]:
    """Segments of the article in text order, covering every non-blank character.

    Blocks are blank-line separated. Within a block, lines that are furniture (caption, byline)
    are split out and the remaining lines, possibly hard-wrapped, stay one paragraph. The first
    block may start with a header prefix and be a headline. A text that is a single block is
    never a headline: the contract also carries one-sentence texts.
    """
    segments: list[Segment] = []
    blocks = _blocks(text)
    for bi, (bs, be) in enumerate(blocks):
        if bi == 0:
            # match() anchors at bs; the pattern has no "^" because "^" ignores pos.
            m = _HEADER_RE.match(text, bs, be)
            if m is not None:
                hs, he = _trim(text, m.start(1), m.end(1))
                segments.append(Segment(hs, he, "header"))
                bs, be = _trim(text, m.end(), be)
                if bs >= be:
                    continue
        paragraph_lines: list[tuple[int, int]] = []
        for ls, le in _lines(text, bs, be):
            line = text[ls:le]
            kind = None
            if is_byline(line):
                kind = "byline"
            elif is_caption(line):
                kind = "caption"
            if kind:
                _flush(text, paragraph_lines, segments)
                segments.append(Segment(ls, le, kind))
            else:
                paragraph_lines.append((ls, le))
        if bi == 0 and len(blocks) > 1 and len(paragraph_lines) == 1:
            ls, le = paragraph_lines[0]
            if looks_like_headline(text[ls:le]):
                segments.append(Segment(ls, le, "headline"))
                paragraph_lines.clear()
        _flush(text, paragraph_lines, segments)
    return segments


# A line that ends like this finished its sentence: the next line is a new paragraph.
_LINE_END_CHARS = ".!?:;\"”’'…)]|"


def continues_line(line: str, next_line: str) -> bool:
    """Is next_line the same paragraph as line, hard-wrapped?

    Scraped news separates paragraphs with blank lines, or with single newlines (many CMS
    exports do). A hard wrap breaks a sentence in the middle; a paragraph break follows a
    finished sentence. So a line joins the next only when it stops mid-sentence and is a
    line of text, not a short label ("FULL TEXT", "4").
    """
    stripped = line.rstrip()
    if not stripped or stripped[-1] in _LINE_END_CHARS:
        return False
    first = next_line.lstrip()[:1]
    return first.islower() or len(stripped) >= 40


def _flush(text: str, lines: list[tuple[int, int]], segments: list[Segment]) -> None:
    """Emit the pending prose lines as paragraphs: a line per paragraph, except that
    hard-wrapped lines (see continues_line) stay together."""
    if not lines:
        return
    start = 0
    for k in range(1, len(lines) + 1):
        if k < len(lines) and continues_line(text[slice(*lines[k - 1])], text[slice(*lines[k])]):
            continue
        segments.extend(_paragraph(text, lines[start][0], lines[k - 1][1]))
        start = k
    lines.clear()


def _paragraph(text: str, start: int, end: int) -> list[Segment]:
    """One paragraph, with its leading dateline split off when it has one."""
    n = dateline_length(text[start:end])
    if not n:
        return [Segment(start, end, "paragraph")]
    ds, de = _trim(text, start, start + n)
    ps, pe = _trim(text, start + n, end)
    return [Segment(ds, de, "dateline"), Segment(ps, pe, "paragraph")]


def paragraph_bounds(segments: list[Segment]) -> list[Segment]:
    """The segments that hold prose (paragraphs and headlines): where quotes can occur."""
    return [s for s in segments if s.kind in ("paragraph", "headline")]
