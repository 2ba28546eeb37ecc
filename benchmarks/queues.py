"""Benchmark: the dashboard and the queue pages on a large PostgreSQL data set.

  .venv/bin/python benchmarks/queues.py [--articles 10000 --claims-per-article 20 --repeat 30]
  .venv/bin/python benchmarks/queues.py --reuse     # keep the data set from the last run

Builds (or reuses) the database `factcheck_bench_queues` with `manage.py generate_dataset`
(10,000 articles, 200,000 claims by default), assigns a few hundred claims to the
benchmark user, then requests the dashboard and each queue page in-process through
Django's test client as a signed-in fact-checker: median and 95th percentile of the
server time (request to rendered response) over --repeat requests after two warm-ups, and
the number of SQL queries, at page sizes 10, 50 and 100 for the queues (the query count
must not grow with the page). It also times the dashboard's count statement alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, ROOT, fresh_database, machine  # noqa: E402

DB = "factcheck_bench_queues"


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "queries": len(queries),
    }


def timed(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url = f"{PG}/{DB}"
    if not args.reuse:
        url = fresh_database(DB)
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "generate_dataset",
                "--articles",
                str(args.articles),
                "--claims-per-article",
                str(args.claims_per_article),
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"generated in {time.perf_counter() - t:.0f} s")
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings", DEBUG="true")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from factcheck.articles.models import Article
    from factcheck.claims.models import Claim
    from factcheck.linking.models import ClaimLink, QuoteLink
    from factcheck.review import queues
    from factcheck.review.views import common as listing

    checker, _ = User.objects.get_or_create(username="bench-checker")
    checker.groups.add(Group.objects.get(name="fact-checker"))
    if not Claim.objects.filter(assigned_to=checker).exists():
        some = Claim.objects.exclude(status="rejected").order_by("id").values_list("id", flat=True)[::500][:400]
        Claim.objects.filter(pk__in=list(some)).update(assigned_to=checker)
    client = Client()
    client.force_login(checker)

    counts = {
        "articles": Article.objects.count(),
        "claims": Claim.objects.count(),
        "claim links": ClaimLink.objects.count(),
        "quote links": QuoteLink.objects.count(),
    }
    print(f"machine: {machine()}; data: {json.dumps(counts)}")
    sets = {slug: q.queryset(checker) for slug, q in queues.CLAIM_QUEUES.items()}
    sets["links"] = queues.suggested_claim_links(checker)
    sets["quote_links"] = queues.suggested_quote_links(checker)
    sets["failed"] = queues.failed_articles(checker)
    print(f"queue lengths: {json.dumps(queues.counts(sets))}")
    print(f"{'dashboard counts (one statement)':<40} {json.dumps(timed(lambda: queues.counts(sets), args.repeat))}")
    print(
        f"{'dashboard article rows':<40} "
        f"{json.dumps(timed(lambda: queues.articles_to_triage(checker, limit=10), args.repeat))}"
    )
    pages = {
        "dashboard": "/",
        "queue: to triage": "/queues/triage/",
        "queue: being checked": "/queues/drafts/",
        "queue: awaiting approval": "/queues/approval/",
        "queue: assigned to me": "/queues/mine/",
        "queue: suggested links": "/queues/links/",
    }
    for name, page in pages.items():
        print(f"{name:<40} {json.dumps(measure(client, page, args.repeat))}")
    for size in (10, 100):
        listing.PAGE_SIZE = size
        for name, page in pages.items():
            if name == "dashboard":
                continue
            r = measure(client, page, 5)
            print(f"page size {size:>3}: {name:<30} queries={r['queries']} median_ms={r['median_ms']}")


if __name__ == "__main__":
    main()
