"""manage.py similar: stored claims most like a text (the engine behind link suggestions).

    python manage.py similar "TEXT" --top 5 --format json
    python manage.py similar --input-jsonl FILE --top 5 --format jsonl

JSON Lines in: {"id": str, "text": str} a line. Out, one line per input line, same order:
{"id": str, "results": [{"claim_id": int, "text": str, "score": float, "review_url": str|null}]}.
A line that cannot be read gets {"id": ..., "results": [], "error": "..."} and a non-zero exit.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from factcheck.linking.embeddings import embeddings_backfill
from factcheck.linking.ranking import claim_search
from factcheck.linking.selectors import review_url_for


def _results(text: str, top: int) -> list[dict]:
    return [
        {"claim_id": claim.pk, "text": claim.text, "score": round(float(score), 4), "review_url": review_url_for(claim)}
        for claim, score in claim_search(text, top=top)
    ]


class Command(BaseCommand):
    help = "Find the stored claims (imported fact-checks included) most like a text, best first."

    def add_arguments(self, parser) -> None:
        parser.add_argument("text", nargs="?", help="The text to match.")
        parser.add_argument("--input-jsonl", metavar="FILE", help='JSON Lines {"id", "text"}; "-" = stdin.')
        parser.add_argument("--top", type=int, default=5)
        parser.add_argument("--format", choices=["json", "jsonl", "text"], default=None)
        parser.add_argument(
            "--backfill", type=int, default=20_000, metavar="N", help="Embed up to N claims lacking vectors first."
        )

    def handle(self, *args, **options) -> None:
        text, path, top = options["text"], options["input_jsonl"], options["top"]
        if bool(text) == bool(path):
            raise CommandError('Give either "TEXT" or --input-jsonl FILE.')
        if top < 1:
            raise CommandError("--top must be at least 1.")
        if options["backfill"] > 0:
            embeddings_backfill(limit=options["backfill"])
        if text:
            fmt = options["format"] or "json"
            results = _results(text, top)
            if fmt == "text":
                for r in results:
                    self.stdout.write(f"{r['score']:.3f}  #{r['claim_id']}  {r['text'][:100]}")
            else:
                out = {"id": None, "text": text, "results": results}
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=None if fmt == "jsonl" else 2))
            return
        errors = 0
        stream = sys.stdin if path == "-" else None
        try:
            handle = stream or open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        try:
            for lineno, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                        raise ValueError('expected {"id": str, "text": str}')
                except ValueError as exc:
                    errors += 1
                    item_id = None
                    self.stderr.write(f"{path}:{lineno}: {exc}")
                    self.stdout.write(json.dumps({"id": item_id, "results": [], "error": str(exc)}))
                    continue
                item_id = item.get("id")
                item_id = str(item_id) if item_id is not None else str(lineno)
                out = {"id": item_id, "results": _results(item["text"], top)}
                self.stdout.write(json.dumps(out, ensure_ascii=False))
        finally:
            if handle is not sys.stdin:
                handle.close()
        if errors:
            raise CommandError(f"{errors} input line(s) could not be read")
