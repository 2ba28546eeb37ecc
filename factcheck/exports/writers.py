"""CSV and JSON Lines as a stream of byte chunks, a few hundred rows at a time.

CSV cells that a spreadsheet would read as a formula (text starting with = + - @, a tab or
a carriage return) get a leading apostrophe (OWASP, "CSV Injection"); numbers, booleans and
dates are written as such and are never formulas.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

ROWS_PER_CHUNK = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}


def guard(value: str) -> str:
    """Text that a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_chunks(columns: list[str], rows: Iterable[tuple], safe: frozenset[str] = frozenset()) -> Iterator[bytes]:
    """CSV (RFC 4180: CRLF, quoted as needed). None is an empty cell; the text of every
    column not in `safe` is guarded (`guard`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)  # our own names (Fact-Check Insights' "@context"...), not user text
    guarded = [i for i, name in enumerate(columns) if name not in safe]
    for n, row in enumerate(rows, 1):
        for i in guarded:
            value = row[i]
            if value.__class__ is str and value[:1] in _FORMULA_FIRST:
                row = list(row)
                row[i] = "'" + value
        writer.writerow(row)
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def jsonl_chunks(columns: list[str], rows: Iterable[tuple], safe: frozenset[str] = frozenset()) -> Iterator[bytes]:
    """One JSON object per line, keyed by the CSV's column names, values typed; an empty
    value is left out rather than written as null (a claim fills few of the fifteen
    appearance columns). Text is not apostrophe-guarded: JSON is not opened by spreadsheets."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines: list[str] = []
    for row in rows:
        lines.append(dumps({name: value for name, value in zip(columns, row, strict=True) if value is not None}))
        if len(lines) == ROWS_PER_CHUNK:
            lines.append("")
            yield "\n".join(lines).encode()
            lines = []
    if lines:
        lines.append("")
        yield "\n".join(lines).encode()


WRITERS = {"csv": csv_chunks, "jsonl": jsonl_chunks}
