"""Print what the extractor would find, without saving anything.

python manage.py extract --input-jsonl FILE --format jsonl     (fixed contract; FILE may be -)
python manage.py extract FILE... [--format text|json]          (for people; FILE may be -)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice
from typing import BinaryIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from factcheck.core.lines import BadLine, dumps_line, first_bad_char, loads, read_lines

BATCH = 32


def _extract_one(extract_many, text: str):
    """The engine's result for one text, or the reason it failed (one line)."""
    try:
        return next(iter(extract_many([text])))
    except Exception as exc:
        return f"the extractor failed on this text ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})"


def _refine(extractions) -> None:
    """Refine the claims' check-worthiness with their sentence vectors, in place (skipped
    when the encoder or the artefact's refinement is unavailable)."""
    from factcheck.extraction.engine import checkworthy
    from factcheck.linking.engine import embed

    claims = [c for x in extractions for c in x.claims]
    if not claims or not checkworthy.can_refine() or not embed.available():
        return
    vectors = embed.encode([c.text for c in claims], batch_size=32)
    for claim, score in zip(claims, checkworthy.refine_scores([c.score for c in claims], vectors), strict=True):
        claim.score = score
        claim.checkworthy = score >= checkworthy.REFINED_THRESHOLD


class Command(BaseCommand):
    help = "Run the extractor on text and print quotes, speakers and claims; nothing is stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", help="Text files to extract from ('-' for standard input).")
        parser.add_argument("--input-jsonl", help='JSON Lines of {"id": str, "text": str} ("-" for standard input).')
        parser.add_argument("--format", choices=["jsonl", "json", "text"], default=None)
        parser.add_argument("--only-checkworthy", action="store_true", help="Text format: hide other sentences.")
        parser.add_argument(
            "--no-refine",
            action="store_true",
            help="Check-worthiness from the extractor alone (default: refined with each claim's "
            "MiniLM vector, as the workers do once the linking step has encoded the claims).",
        )

    def handle(self, *args, files: list[str], input_jsonl: str | None, format: str | None, **options) -> None:
        if bool(files) == bool(input_jsonl):
            raise CommandError("Give either text files or --input-jsonl FILE (not both, not neither).")
        from factcheck.extraction.engine.pipeline import extract_many

        fmt = format or ("jsonl" if input_jsonl else "text")
        rows = self._jsonl_rows(input_jsonl) if input_jsonl else self._file_rows(files)
        errors = 0
        while batch := list(islice(rows, BATCH)):
            good = [(i, row) for i, row in enumerate(batch) if "error" not in row]
            try:
                found = list(extract_many(row["text"] for _, row in good))
            except Exception:
                # One text broke the engine: run them one by one, so every other line of the
                # batch still gets its result and the broken one a reason.
                found = [_extract_one(extract_many, row["text"]) for _, row in good]
            if not options["no_refine"]:
                _refine([r for r in found if not isinstance(r, str)])
            results = dict(zip([i for i, _ in good], found, strict=True))
            for i, row in enumerate(batch):
                result = results.get(i)
                if isinstance(result, str):
                    row = {**row, "error": result}
                if "error" in row:
                    errors += 1
                    self.stderr.write(f"{row['where']}: {row['error']}")
                    out = {"id": row["id"], "quotes": [], "claims": [], "error": row["error"]}
                else:
                    out = result.to_contract(row["id"])
                self._write(out, row, fmt, options["only_checkworthy"])
        if errors:
            raise CommandError(f"{errors} input(s) could not be read; see the lines above.", returncode=1)

    def _open(self, path: str) -> BinaryIO:
        if path == "-":
            return open(sys.stdin.fileno(), "rb", closefd=False)  # noqa: SIM115
        try:
            return open(path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from None

    def _check_text(self, text: object) -> str | None:
        if not isinstance(text, str):
            return '"text" must be a string'
        if not text.strip():
            return "empty text"
        max_chars = settings.ARTICLE_MAX_CHARS
        if len(text) > max_chars:
            # The intake limit: longer articles are refused at intake, so this answers as
            # the desk would (and stays under spaCy's 1,000,000-character maximum).
            return f"text of {len(text):,} characters is over the limit of {max_chars:,} characters"
        if len(text.encode("utf-8", "surrogatepass")) > settings.ARTICLE_MAX_BYTES:
            return f"text is over the limit of {settings.ARTICLE_MAX_BYTES:,} bytes"
        return first_bad_char(text)

    def _jsonl_rows(self, path: str) -> Iterator[dict]:
        # A line may hold the longest text JSON-escaped (up to 12 bytes for one character).
        max_line = 12 * settings.ARTICLE_MAX_BYTES
        with self._open(path) as handle:
            for number, line in read_lines(handle, max_bytes=max_line):
                where = f"{path}:{number}"
                fallback_id = f"line-{number}"
                if isinstance(line, BadLine):
                    yield {"id": fallback_id, "where": where, "error": line.reason}
                    continue
                if not line.strip():
                    continue
                obj = loads(line)
                if isinstance(obj, BadLine):
                    yield {"id": fallback_id, "where": where, "error": obj.reason}
                    continue
                if not isinstance(obj, dict):
                    yield {"id": fallback_id, "where": where, "error": "each line must be a JSON object"}
                    continue
                row_id = obj.get("id", fallback_id)
                if isinstance(row_id, bool) or not isinstance(row_id, str | int):
                    yield {"id": fallback_id, "where": where, "error": '"id" must be a string'}
                    continue
                row_id = str(row_id)
                if id_problem := first_bad_char(row_id):
                    yield {"id": fallback_id, "where": where, "error": f'"id" {id_problem}'}
                    continue
                problem = self._check_text(obj.get("text"))
                if problem:
                    yield {"id": row_id, "where": where, "error": problem}
                else:
                    yield {"id": row_id, "where": where, "text": obj["text"]}

    def _file_rows(self, files: list[str]) -> Iterator[dict]:
        for path in files:
            try:
                with self._open(path) as handle:
                    raw = handle.read(settings.ARTICLE_MAX_BYTES + 1)
            except CommandError as exc:  # one unreadable file must not stop the others
                yield {"id": path, "where": path, "error": str(exc).removeprefix(f"{path}: ")}
                continue
            if len(raw) > settings.ARTICLE_MAX_BYTES:
                yield {"id": path, "where": path, "error": f"over the limit of {settings.ARTICLE_MAX_BYTES:,} bytes"}
                continue
            try:
                text = raw.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError as exc:
                yield {"id": path, "where": path, "error": f"not UTF-8 text ({exc.reason} at byte {exc.start})"}
                continue
            problem = self._check_text(text)
            yield (
                {"id": path, "where": path, "error": problem} if problem else {"id": path, "where": path, "text": text}
            )

    def _write(self, out: dict, row: dict, fmt: str, only_checkworthy: bool) -> None:
        if fmt == "jsonl":
            self.stdout.write(dumps_line(out))
        elif fmt == "json":
            self.stdout.write(dumps_line(out, indent=2))
        else:
            self.stdout.write(f"== {out['id']}")
            if "error" in out:
                self.stdout.write(f"   error: {out['error']}")
                return
            self.stdout.write(f"-- {len(out['quotes'])} quotes")
            for q in out["quotes"]:
                who = q["speaker"] or "(speaker unknown)"
                self.stdout.write(f"   [{q['start']}:{q['end']}] {who}: “{q['text']}”")
            claims = [c for c in out["claims"] if c["checkworthy"] or not only_checkworthy]
            self.stdout.write(f"-- {sum(c['checkworthy'] for c in out['claims'])} check-worthy claims")
            for c in claims:
                mark = "*" if c["checkworthy"] else " "
                self.stdout.write(f" {mark} {c['score']:.2f} [{c['start']}:{c['end']}] {c['text']}")
