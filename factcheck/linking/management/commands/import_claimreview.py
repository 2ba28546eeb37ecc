"""manage.py import_claimreview PATH...: import ClaimReview JSON-LD fact-checks."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from factcheck.linking.importing import BATCH_SIZE, claimreview_embed, claimreview_import_paths


class Command(BaseCommand):
    help = (
        "Import other organisations' fact-checks from ClaimReview JSON-LD: files (.json, .jsonld, "
        ".html), folders, or JSON Lines feeds (.jsonl). Re-importing changes nothing; every "
        "organisation's review of a claim is kept; a later version of a stored review (same url and "
        "claim, newer dateModified) replaces it. Bad files or lines are reported one a line and "
        "make the exit status non-zero; good ones are still imported. Writes go in batches; the "
        "new claims' vectors are computed by the workers when a broker is configured, here otherwise."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="reviews per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")

    def handle(self, *args, **options) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        quiet = options["no_progress"]
        t0 = time.perf_counter()
        with tqdm(desc="reviews read", unit=" reviews", disable=quiet, file=self.stderr._out) as bar:
            report = claimreview_import_paths(options["paths"], batch_size=options["batch_size"], progress=bar.update)
        stored = time.perf_counter() - t0
        with tqdm(
            total=len(report.created), desc="vectors", unit=" claims", disable=quiet, file=self.stderr._out
        ) as bar:
            how, n = claimreview_embed(report.created, progress=bar.update)
        for problem in report.problems:
            self.stderr.write(str(problem))
        for note in report.skipped:
            self.stderr.write(str(note))
        total = time.perf_counter() - t0
        vectors = {"queued": f", {n} queued for embedding", "embedded": f", {n} embedded"}.get(how, "")
        summary = (
            f"imported {len(report.created)}, unchanged {report.unchanged}, problems {len(report.problems)}"
            f"{f', updated {len(report.updated)}' if report.updated else ''}"
            f"{f', fields left out {len(report.skipped)}' if report.skipped else ''}"
            f"{vectors} ({stored:.1f} s to store, {total:.1f} s in all)"
        )
        if report.problems:
            raise CommandError(summary)
        self.stdout.write(summary)
