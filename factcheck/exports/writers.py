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
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
}


def csv_cell(value):
    """A cell as the CSV carries it: None empty, text guarded against formula injection."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def csv_chunks(columns: list[str], rows: Iterable[tuple]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in columns])
    for n, row in enumerate(rows, 1):
        writer.writerow([csv_cell(v) for v in row])
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def jsonl_chunks(columns: list[str], rows: Iterable[tuple]) -> Iterator[bytes]:
    """One JSON object per line, keyed by the CSV's column names, values typed (null when
    empty). Text is not apostrophe-guarded here: JSON is not opened by spreadsheets."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    lines: list[str] = []
    for row in rows:
        lines.append(dumps(dict(zip(columns, row, strict=True))))
        if len(lines) == ROWS_PER_CHUNK:
            lines.append("")
            yield "\n".join(lines).encode()
            lines = []
    if lines:
        lines.append("")
        yield "\n".join(lines).encode()


WRITERS = {"csv": csv_chunks, "jsonl": jsonl_chunks}
