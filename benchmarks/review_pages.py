"""Benchmark: server time and query counts of the review pages on a large PostgreSQL data set.

  .venv/bin/python benchmarks/review_pages.py [--articles 10000 --claims-per-article 20 --repeat 30]
  .venv/bin/python benchmarks/review_pages.py --reuse     # keep the data set from the last run

Builds (or reuses) the database `factcheck_bench_review` with `manage.py generate_dataset`
(10,000 articles, 200,000 claims by default), then requests each page in-process through
Django's test client as a signed-in fact-checker: median and 95th percentile of the
server time (request to response, rendering included) over --repeat requests after two
warm-ups, and the number of SQL queries. The list pages are also measured at page sizes
10 and 100 to show the query count does not grow with the page. The Django admin's claim
changelist is measured in the same run for comparison.
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

DB = "factcheck_bench_review"


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
    from factcheck.review.views import common as listing

    checker, _ = User.objects.get_or_create(username="bench-checker")
    checker.groups.add(Group.objects.get(name="fact-checker"))
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client, admin_client = Client(), Client()
    client.force_login(checker)
    admin_client.force_login(admin)

    article = Article.objects.order_by("id")[Article.objects.count() // 2]
    claim = Claim.objects.filter(article=article).order_by("id").first()
    linked = Claim.objects.filter(links_out__isnull=False).order_by("id").first() or claim
    pages = {
        "review queue (claims awaiting review)": "/search/?scope=claims&status=candidate",
        "article list": "/articles/",
        "article reader": f"/articles/{article.pk}/",
        "search (full text)": "/search/?scope=claims&q=evacuated+Kursk",
        "claim page": f"/claims/{claim.pk}/",
        "claim page (with links)": f"/claims/{linked.pk}/",
        "dashboard": "/",
    }
    counts = {"articles": Article.objects.count(), "claims": Claim.objects.count()}
    print(f"machine: {machine()}; data: {json.dumps(counts)}")
    results = {}
    for name, page in pages.items():
        results[name] = measure(client, page, args.repeat)
        print(f"{name:<40} {json.dumps(results[name])}")
    results["admin claim changelist (comparison)"] = measure(admin_client, "/admin/claims/claim/", args.repeat)
    print(f"{'admin claim changelist (comparison)':<40} {json.dumps(results['admin claim changelist (comparison)'])}")
    for size in (10, 100):
        listing.PAGE_SIZE = size
        for name in ("review queue (claims awaiting review)", "search (full text)", "article list"):
            r = measure(client, pages[name], 5)
            print(f"page size {size:>3}: {name:<38} queries={r['queries']} median_ms={r['median_ms']}")


if __name__ == "__main__":
    main()
