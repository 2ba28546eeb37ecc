"""manage.py similar: stored claims most like a text (the engine behind link suggestions).

    python manage.py similar "TEXT" --top 5 --format json
    python manage.py similar --input-jsonl FILE --top 5 --format jsonl

JSON Lines in: {"id": str, "text": str} a line. Out, one line per input line, same order:
{"id": str, "results": [{"claim_id": int, "text": str, "score": float, "review_url": str|null}]}.
A line that cannot be read gets {"id": ..., "results": [], "error": "..."} and a non-zero exit.

Input is read as UTF-8 (a UTF-8 or UTF-16 byte-order mark is honoured), line by line: a
line that is not UTF-8, holds a NUL or a lone surrogate, or is longer than MAX_LINE_BYTES
gets its reason and the next line is read. Only the first MAX_QUERY_CHARS characters of a
text are matched (claims are a sentence or two; this bounds the time of one query), and
--top is capped at MAX_TOP; both say so on standard error.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from factcheck.core.lines import BadLine, dumps_line, first_bad_char, loads, read_lines
from factcheck.linking.embeddings import embeddings_backfill
from factcheck.linking.ranking import claim_search
from factcheck.linking.selectors import review_url_for

MAX_QUERY_CHARS = 2_000
MAX_TOP = 100
MAX_LINE_BYTES = 10_000_000


def _results(text: str, top: int) -> list[dict]:
    return [
        {"claim_id": claim.pk, "text": claim.text, "score": round(float(score), 4), "review_url": review_url_for(claim)}
        for claim, score in claim_search(text, top=top)
    ]


def query_text(text: str) -> tuple[str, bool]:
    """The part of `text` that is matched (cut at a space near MAX_QUERY_CHARS), and whether
    it was cut."""
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text[:MAX_QUERY_CHARS]
    space = cut.rfind(" ", MAX_QUERY_CHARS // 2)
    return (cut[:space] if space > 0 else cut), True


def _parse_line(line: str | BadLine, lineno: int) -> tuple[str | None, str, str | None]:
    """(id, text, None) for a readable line, or (id or None, "", reason); ("", "", "") for a
    blank line."""
    if isinstance(line, BadLine):
        return None, "", line.reason
    if not line.strip():
        return "", "", ""
    item = loads(line)
    if isinstance(item, BadLine):
        return None, "", item.reason
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return None, "", 'expected {"id": str, "text": str}'
    raw_id = item.get("id")
    if raw_id is None:
        item_id = str(lineno)
    elif isinstance(raw_id, str | int) and not isinstance(raw_id, bool) and not first_bad_char(str(raw_id)):
        item_id = str(raw_id)
    else:
        return None, "", '"id" must be a string'
    if problem := first_bad_char(item["text"]):
        return item_id, "", f'"text" {problem}'
    return item_id, item["text"], None


class Command(BaseCommand):
    help = "Find the stored claims (imported fact-checks included) most like a text, best first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("text", nargs="?", help="The text to match.")
        parser.add_argument("--input-jsonl", metavar="FILE", help='JSON Lines {"id", "text"}; "-" = stdin.')
        parser.add_argument("--top", type=int, default=5, help=f"How many results (at most {MAX_TOP}).")
        parser.add_argument("--format", choices=["json", "jsonl", "text"], default=None)
        parser.add_argument(
            "--backfill", type=int, default=20_000, metavar="N", help="Embed up to N claims lacking vectors first."
        )

    def _query(self, text: str, where: str) -> str:
        query, cut = query_text(text)
        if cut:
            self.stderr.write(
                f"note: {where}: the text has {len(text):,} characters; matched on its first {len(query):,}"
            )
        return query

    def handle(self, *args, **options) -> None:
        text, path, top = options["text"], options["input_jsonl"], options["top"]
        if bool(text) == bool(path):
            raise CommandError('Give either "TEXT" or --input-jsonl FILE.')
        if top < 1:
            raise CommandError("--top must be at least 1.")
        if top > MAX_TOP:
            self.stderr.write(f"note: --top {top:,} is over the maximum; showing at most {MAX_TOP}")
            top = MAX_TOP
        if text and (problem := first_bad_char(text)):
            raise CommandError(f"the text {problem}")
        if options["backfill"] > 0:
            embeddings_backfill(limit=options["backfill"])
        if text:
            fmt = options["format"] or "json"
            query = self._query(text, "TEXT")
            results = _results(query, top)
            if fmt == "text":
                for r in results:
                    self.stdout.write(f"{r['score']:.3f}  #{r['claim_id']}  {r['text'][:100]}")
            else:
                out = {"id": None, "text": query, "results": results}
                self.stdout.write(dumps_line(out, indent=None if fmt == "jsonl" else 2))
            return
        errors = 0
        try:
            handle = open(sys.stdin.fileno(), "rb", closefd=False) if path == "-" else open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from None
        with handle:
            for lineno, line in read_lines(handle, max_bytes=MAX_LINE_BYTES):
                where = f"{path}:{lineno}"
                item_id, query, error = _parse_line(line, lineno)
                if error == "":
                    continue
                if error is None:
                    try:
                        out = {"id": item_id, "results": _results(self._query(query, where), top)}
                    except Exception as exc:  # one line that breaks the search must not stop the rest
                        error = f"could not search ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"
                if error is not None:
                    errors += 1
                    self.stderr.write(f"{where}: {error}")
                    out = {"id": item_id, "results": [], "error": error}
                self.stdout.write(dumps_line(out))
        if errors:
            raise CommandError(f"{errors} input line(s) could not be read")
