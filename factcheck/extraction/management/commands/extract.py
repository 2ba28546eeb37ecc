"""Print what the extractor would find, without saving anything.

python manage.py extract --input-jsonl FILE --format jsonl     (fixed contract; FILE may be -)
python manage.py extract FILE... [--format text|json]          (for people; FILE may be -)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import islice
from typing import TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

BATCH = 32


class Command(BaseCommand):
    help = "Run the extractor on text and print quotes, speakers and claims; nothing is stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="*", help="Text files to extract from ('-' for standard input).")
        parser.add_argument("--input-jsonl", help='JSON Lines of {"id": str, "text": str} ("-" for standard input).')
        parser.add_argument("--format", choices=["jsonl", "json", "text"], default=None)
        parser.add_argument("--only-checkworthy", action="store_true", help="Text format: hide other sentences.")

    def handle(self, *args, files: list[str], input_jsonl: str | None, format: str | None, **options) -> None:
        if bool(files) == bool(input_jsonl):
            raise CommandError("Give either text files or --input-jsonl FILE (not both, not neither).")
        from factcheck.extraction.engine.pipeline import extract_many

        fmt = format or ("jsonl" if input_jsonl else "text")
        rows = self._jsonl_rows(input_jsonl) if input_jsonl else self._file_rows(files)
        errors = 0
        while batch := list(islice(rows, BATCH)):
            good = [(i, row) for i, row in enumerate(batch) if "error" not in row]
            results = dict(zip([i for i, _ in good], extract_many(row["text"] for _, row in good), strict=True))
            for i, row in enumerate(batch):
                if "error" in row:
                    errors += 1
                    self.stderr.write(f"{row['where']}: {row['error']}")
                    out = {"id": row["id"], "quotes": [], "claims": [], "error": row["error"]}
                else:
                    out = results[i].to_contract(row["id"])
                self._write(out, row, fmt, options["only_checkworthy"])
        if errors:
            raise CommandError(f"{errors} input(s) could not be read; see the lines above.", returncode=1)

    def _open(self, path: str) -> TextIO:
        if path == "-":
            return open(sys.stdin.fileno(), encoding="utf-8", errors="strict", closefd=False)  # noqa: SIM115
        try:
            return open(path, encoding="utf-8", errors="strict")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from None

    def _check_text(self, text: object) -> str | None:
        if not isinstance(text, str):
            return '"text" must be a string'
        if not text.strip():
            return "empty text"
        if len(text.encode("utf-8", "surrogatepass")) > settings.ARTICLE_MAX_BYTES:
            return f"text is over the limit of {settings.ARTICLE_MAX_BYTES:,} bytes"
        return None

    def _jsonl_rows(self, path: str) -> Iterator[dict]:
        handle = self._open(path)
        with handle:
            number = 0
            while True:
                number += 1
                where = f"{path}:{number}"
                try:
                    line = handle.readline()
                except UnicodeDecodeError as exc:
                    yield {"id": f"line-{number}", "where": where, "error": f"not UTF-8 ({exc.reason})"}
                    return
                if not line:
                    return
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield {"id": f"line-{number}", "where": where, "error": f"malformed JSON ({exc.msg})"}
                    continue
                if not isinstance(obj, dict):
                    yield {"id": f"line-{number}", "where": where, "error": "each line must be a JSON object"}
                    continue
                row_id = str(obj.get("id", f"line-{number}"))
                problem = self._check_text(obj.get("text"))
                if problem:
                    yield {"id": row_id, "where": where, "error": problem}
                else:
                    yield {"id": row_id, "where": where, "text": obj["text"]}

    def _file_rows(self, files: list[str]) -> Iterator[dict]:
        for path in files:
            try:
                with self._open(path) as handle:
                    text = handle.read(settings.ARTICLE_MAX_BYTES + 1)
            except UnicodeDecodeError as exc:
                yield {"id": path, "where": path, "error": f"not UTF-8 text ({exc.reason} at byte {exc.start})"}
                continue
            problem = self._check_text(text)
            yield (
                {"id": path, "where": path, "error": problem} if problem else {"id": path, "where": path, "text": text}
            )

    def _write(self, out: dict, row: dict, fmt: str, only_checkworthy: bool) -> None:
        if fmt == "jsonl":
            self.stdout.write(json.dumps(out, ensure_ascii=False))
        elif fmt == "json":
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
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
