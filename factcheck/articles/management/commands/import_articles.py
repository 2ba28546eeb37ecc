"""python manage.py import_articles PATH... : files and folders of .txt and .jsonl articles."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from tqdm import tqdm

from factcheck.articles.intake import iter_path_records
from factcheck.articles.models import Article, body_fingerprint
from factcheck.articles.services import article_create
from factcheck.core.problems import IntakeProblem
from factcheck.extraction.services import extraction_batched


class Command(BaseCommand):
    help = (
        "Import articles from plain-text files in the sample format (first line ' date YYYY-MM-DD ...') "
        "and JSON Lines files ({url, outlet, headline, published, body} per line). Folders are walked. "
        "Each article is stored in its own transaction; duplicates are skipped; bad files are reported "
        "and the exit status is 1 if any failed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="Files or folders.")
        parser.add_argument(
            "--outlet",
            default="",
            help="Outlet for text files (default: from the file name).",
        )
        parser.add_argument(
            "--no-extract",
            action="store_true",
            help="Store only; do not queue extraction.",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=settings.ARTICLE_MAX_BYTES,
            help="Size limit of one article.",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--durable",
            action="store_true",
            help="Wait for each commit to reach disk (PostgreSQL synchronous_commit). Slower; see below.",
        )

    def handle(
        self,
        *args,
        paths: list[str],
        outlet: str,
        no_extract: bool,
        max_bytes: int,
        **options,
    ) -> None:
        imported = unchanged = failed = 0
        show_progress = not options["no_progress"] and sys.stderr.isatty()
        if connection.vendor == "postgresql" and not options["durable"]:
            # Each article is still its own transaction, atomic and consistent; only the
            # wait for the WAL flush is skipped. If the database server itself crashed,
            # the last fraction of a second of imports could be missing: importing the
            # same files again restores exactly those (re-imports change nothing else).
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO off")
        outlets: dict = {}
        records = iter_path_records(paths, max_bytes=max_bytes, outlet=outlet)
        stored_anyway = 0
        after_error = ""
        try:
            # Extractions are enqueued several articles to a task, which workers run faster.
            with (
                extraction_batched(),
                tqdm(records, unit=" articles", disable=not show_progress, file=sys.stderr) as bar,
            ):
                for number, record in enumerate(bar):
                    if number % 1000 == 0:
                        reset_queries()  # with DEBUG on, Django keeps every query (and body) in memory
                    if isinstance(record, IntakeProblem):
                        failed += 1
                        self.stderr.write(f"FAILED {record}")
                        continue
                    try:
                        result = article_create(
                            body=record.body,
                            published=record.published,
                            outlet_name=record.outlet,
                            url=record.url,
                            headline=record.headline,
                            byline=record.byline,
                            source_name=record.source,
                            extract=not no_extract,
                            outlet_cache=outlets,
                        )
                    except Exception as exc:  # one bad article must not stop the rest
                        reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
                        if _is_stored(record.body):
                            # Stored, then something after the commit failed (queueing its
                            # extraction): say what really happened.
                            stored_anyway += 1
                            self.stderr.write(f"STORED {record.source}, but then {reason}")
                        else:
                            failed += 1
                            self.stderr.write(f"FAILED {record.source}: could not store ({reason})")
                        continue
                    if result.created:
                        imported += 1
                    else:
                        unchanged += 1
        except Exception as exc:
            # E.g. the last batch of extractions could not be queued: the articles are stored
            # (the sweep queues them); the summary below still says what was stored.
            after_error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            self.stderr.write(f"ERROR after storing the articles above: {after_error}")
        finally:
            summary = f"imported {imported}, unchanged {unchanged}, failed {failed}"
            if stored_anyway:
                summary += f", stored with an error after storing {stored_anyway}"
            self.stdout.write(summary)
        if failed or stored_anyway or after_error:
            raise CommandError(
                f"{failed} article(s) could not be imported; see the lines above.",
                returncode=1,
            )


def _is_stored(body: str) -> bool:
    try:
        return Article.objects.filter(fingerprint=body_fingerprint(body)).exists()
    except Exception:  # the database itself is what failed
        return False
