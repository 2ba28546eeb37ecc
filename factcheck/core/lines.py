"""Read JSON Lines (and other line-based input) that may be hostile, in bounded memory.

Pure Python, no Django: the article intake, `extract` and `similar` read their input
through here, so every face answers the same bad line with the same one-line reason and
carries on with the next line.

- A line is read at most `max_bytes` at a time; a longer one is skipped to its end and
  reported, so a 1 GB line never sits in memory.
- Each line is decoded on its own: a latin-1 line gets a reason, the next UTF-8 line is
  read. A UTF-8 byte-order mark is dropped; a UTF-16 file (with its BOM) is decoded as
  UTF-16.
- `loads` turns every way `json.loads` can fail (nesting deeper than the recursion limit,
  an integer of more than 4,300 digits) into a reason instead of an exception.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

__all__ = ["BadLine", "first_bad_char", "loads", "read_lines"]

_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_SKIP_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class BadLine:
    """Why one line could not be read (one line, for people)."""

    reason: str


def read_lines(handle: BinaryIO, *, max_bytes: int) -> Iterator[tuple[int, str | BadLine]]:
    """(line number, text or BadLine) for each line of a binary stream, blank lines included."""
    if not hasattr(handle, "peek"):
        handle = io.BufferedReader(handle)  # type: ignore[arg-type]
    head = handle.peek(4)[:4]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not head.startswith(codecs.BOM_UTF32_LE):
        yield from _utf16_lines(handle, max_bytes)
        return
    for number, raw in enumerate(_raw_lines(handle, max_bytes), 1):
        if isinstance(raw, BadLine):
            yield number, raw
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = f"byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of the line"
            yield number, BadLine(f"not UTF-8 ({where}); save it as UTF-8")
            continue
        yield number, text


def _raw_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes | BadLine]:
    while raw := handle.readline(max_bytes + 1):
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw)
            while raw and not raw.endswith(b"\n"):  # skip the rest without keeping it
                raw = handle.readline(_SKIP_CHUNK)
                size += len(raw)
            yield BadLine(f"line of {size:,} bytes is over the limit of {max_bytes:,} bytes")
            continue
        yield raw


def _utf16_lines(handle: BinaryIO, max_bytes: int) -> Iterator[tuple[int, str | BadLine]]:
    # UTF-16 cannot be split into lines before decoding; the file is decoded as a stream and
    # a decoding error ends it (the lines before it were read).
    reader = io.TextIOWrapper(handle, encoding="utf-16", errors="strict", newline="")
    number = 0
    while True:
        number += 1
        try:
            line = reader.readline(max_bytes + 1)
        except UnicodeDecodeError as exc:
            yield number, BadLine(f"not valid UTF-16 from here on ({exc.reason}); the rest of the file is skipped")
            return
        if not line:
            return
        if len(line) > max_bytes and not line.endswith("\n"):
            size = len(line)
            try:
                while line and not line.endswith("\n"):
                    line = reader.readline(_SKIP_CHUNK)
                    size += len(line)
            except UnicodeDecodeError:
                return
            yield number, BadLine(f"line of {size:,} characters is over the limit of {max_bytes:,}")
            continue
        yield number, line


def loads(line: str) -> Any | BadLine:
    """json.loads, with every way a line (or a whole JSON document) can be unreadable turned
    into a reason. The ClaimReview reader uses it for documents too, so a position past the
    first line names the line."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}" if exc.lineno > 1 else f"column {exc.colno}"
        return BadLine(f"malformed JSON ({exc.msg} at {where})")
    except RecursionError:
        return BadLine("malformed JSON (nested too deeply)")
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            return BadLine("malformed JSON (an integer of more than 4,300 digits)")
        return BadLine(f"malformed JSON ({exc})")


def first_bad_char(text: str) -> str | None:
    """Why `text` cannot be stored or printed as text: a NUL (PostgreSQL refuses it) or a lone
    surrogate (from a JSON escape such as "\\ud800": not a character, not encodable)."""
    position = text.find("\x00")
    if position >= 0:
        return f"contains a NUL character (at character {position + 1:,})"
    match = _SURROGATE_RE.search(text)
    if match:
        where = f"U+{ord(match.group()):04X} at character {match.start() + 1:,}"
        return f"contains a lone surrogate ({where}): not valid Unicode"
    return None


def dumps_line(obj: Any, *, indent: int | None = None) -> str:
    """JSON for one output line: UTF-8 text as is, but U+2028 and U+2029 escaped, so a
    consumer that splits lines on every Unicode line break (str.splitlines) still sees one
    record a line."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
