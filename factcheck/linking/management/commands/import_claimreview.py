"""manage.py import_claimreview PATH...: import ClaimReview JSON-LD fact-checks."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from factcheck.linking.importing import claimreview_import_paths


class Command(BaseCommand):
    help = (
        "Import other organisations' fact-checks from ClaimReview JSON-LD: files (.json, .jsonld, "
        ".html), folders, or JSON Lines feeds (.jsonl). Re-importing changes nothing. Bad files or "
        "lines are reported one a line and make the exit status non-zero; good ones are still imported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, **options) -> None:
        report = claimreview_import_paths(options["paths"])
        for problem in report.problems:
            self.stderr.write(str(problem))
        summary = f"imported {len(report.created)}, unchanged {report.unchanged}, problems {len(report.problems)}"
        if report.problems:
            raise CommandError(summary)
        self.stdout.write(summary)
