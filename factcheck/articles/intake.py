"""Read article files: plain text in the sample format, and JSON Lines.

Pure parsing, no database: `iter_path_records` yields one IntakeRecord or one
IntakeProblem per article, streaming (one file in memory at a time, JSON Lines read
line by line), so a folder of any size is imported in flat memory.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from factcheck.core.lines import BadLine, first_bad_char, loads, read_lines
from factcheck.core.problems import IntakeProblem
from factcheck.core.validators import parse_publication_date, web_url

TEXT_SUFFIXES = {".txt", ".text"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
# ` date 2024-08-14 First paragraph...`: the leading space is optional here.
HEADER_RE = re.compile(r"^\ufeff?\s*date\s+(\S+)\s?")
BYLINE_RE = re.compile(r"^\s*By\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&))*)\s*$")
OUTLET_FROM_NAME_RE = re.compile(r"^([A-Za-z0-9]+(?:[-_][A-Za-z]+)*?)[-_]\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class IntakeRecord:
    source: str  # "path" or "path:line"
    body: str
    published: datetime.date
    outlet: str = ""
    url: str = ""
    headline: str = ""
    byline: str = ""


def parse_date(value: object) -> datetime.date:
    """The publication date of a record: the one rule of factcheck.core.validators."""
    return parse_publication_date(value)


def decode(raw: bytes, source: str, max_bytes: int) -> str:
    if len(raw) > max_bytes:
        raise ValueError(f"{len(raw):,} bytes is over the limit of {max_bytes:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    if "\x00" in text:
        raise ValueError("contains NUL bytes; this looks like a binary file, not text")
    if not text.strip():
        raise ValueError("empty: no article text")
    return text.removeprefix("\ufeff")


def outlet_from_filename(path: Path) -> str:
    match = OUTLET_FROM_NAME_RE.match(path.name)
    if not match:
        return ""
    token = match.group(1).replace("_", " ").replace("-", " ")
    return token.upper() if len(token) <= 4 else token.title()


def guess_headline(first_paragraph: str) -> str:
    """A short first paragraph without a final full stop is the headline; otherwise the
    article opens with its lead, and the lead's first sentence (shortened) stands in."""
    line = " ".join(first_paragraph.split())
    if line and len(line) <= 200 and not line.endswith((".", "”", '"')):
        return line
    first_sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"‘'])", line, maxsplit=1)[0]
    if len(first_sentence) <= 200:
        return first_sentence
    # A long lead: cut at its last clause break (a comma, a semicolon, a dash) that leaves a
    # headline of some length, else between words; never inside a word.
    head = first_sentence[:160]
    clause = max(head.rfind(", "), head.rfind("; "), head.rfind(" – "), head.rfind(" — "))
    if clause >= 60:
        return head[:clause] + "…"
    return head.rsplit(" ", 1)[0] + "…"


def find_byline(body: str) -> str:
    for paragraph in body.split("\n"):
        match = BYLINE_RE.match(paragraph)
        if match and len(paragraph) < 80:
            return match.group(1)
    return ""


def parse_text(text: str, source: str, outlet: str = "") -> IntakeRecord:
    """The sample format: first line ` date YYYY-MM-DD ` then the first paragraph.

    The body is kept exactly as received, header line included, so offsets computed on
    the file are offsets into Article.body.
    """
    match = HEADER_RE.match(text)
    if not match:
        raise ValueError("no date line: the first line must begin with ' date YYYY-MM-DD '")
    published = parse_date(match.group(1))
    rest = text[match.end() :]
    if not rest.strip():
        raise ValueError("no article text after the date line")
    first_paragraph = rest.split("\n", 1)[0]
    return IntakeRecord(
        source=source,
        body=text,
        published=published,
        outlet=outlet,
        headline=guess_headline(first_paragraph),
        byline=find_byline(text),
    )


def parse_json_object(line: str, source: str) -> IntakeRecord:
    obj = loads(line)
    if isinstance(obj, BadLine):
        raise ValueError(obj.reason)
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    body = obj.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ValueError('missing or empty "body"')
    for key in ("url", "outlet", "headline", "byline"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise ValueError(f'"{key}" must be a string')
    # JSON escapes can carry what UTF-8 bytes cannot: NUL and lone surrogates ("\\ud800"),
    # which PostgreSQL refuses; say so here instead of "could not store" later.
    for key in ("body", "url", "outlet", "headline", "byline"):
        problem = first_bad_char(obj.get(key) or "")
        if problem:
            raise ValueError(f'"{key}" {problem}')
    url = (obj.get("url") or "").strip()
    if url:
        try:
            url = web_url(url)
        except ValueError as exc:
            raise ValueError(f'"url" {url[:60]!r}: {exc}') from None
    return IntakeRecord(
        source=source,
        body=body,
        published=parse_date(obj.get("published")),
        outlet=(obj.get("outlet") or "").strip()[:200],
        url=url,
        headline=(obj.get("headline") or "").strip()[:500],
        byline=(obj.get("byline") or "").strip()[:300],
    )


def iter_files(paths: list[str]) -> Iterator[Path | IntakeProblem]:
    """Files under the given paths, folders walked in sorted order (deterministic)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        elif path.is_file():
            yield path
        else:
            yield IntakeProblem(str(path), "no such file or folder")


def iter_file_records(path: Path, *, max_bytes: int, outlet: str = "") -> Iterator[IntakeRecord | IntakeProblem]:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield IntakeProblem(source, f"cannot read: {exc.strerror}")
            return
        with handle:
            seen_any = False
            # Lines are read at most max_bytes at a time and decoded one by one: a huge,
            # binary or latin-1 line is reported and the next line is read.
            for number, line in read_lines(handle, max_bytes=max_bytes):
                where = f"{source}:{number}"
                if isinstance(line, BadLine):
                    seen_any = True
                    yield IntakeProblem(where, line.reason)
                    continue
                if not line.strip():
                    continue
                seen_any = True
                try:
                    yield parse_json_object(line, where)
                except ValueError as exc:
                    yield IntakeProblem(where, str(exc))
            if not seen_any:
                yield IntakeProblem(source, "empty: no JSON lines")
        return
    if suffix and suffix not in TEXT_SUFFIXES:
        yield IntakeProblem(
            source,
            f"unsupported file type {suffix!r} (use .txt for text, .jsonl for JSON Lines)",
        )
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ValueError(f"{size:,} bytes is over the limit of {max_bytes:,} bytes")
        text = decode(path.read_bytes(), source, max_bytes)
        yield parse_text(text, source, outlet=outlet or outlet_from_filename(path))
    except OSError as exc:
        yield IntakeProblem(source, f"cannot read: {exc.strerror}")
    except ValueError as exc:
        yield IntakeProblem(source, str(exc))


def iter_path_records(paths: list[str], *, max_bytes: int, outlet: str = "") -> Iterator[IntakeRecord | IntakeProblem]:
    for item in iter_files(paths):
        if isinstance(item, IntakeProblem):
            yield item
        else:
            yield from iter_file_records(item, max_bytes=max_bytes, outlet=outlet)
