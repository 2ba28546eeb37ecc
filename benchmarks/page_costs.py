"""Benchmark: what one request of each review page costs, alone: SQL queries, HTML bytes and
server time, in-process, with the production settings (DEBUG=false: cached templates).

  .venv/bin/python benchmarks/page_costs.py --db factcheck_perf_big [--repeat 15] [--profile reader]
  # before/after at the same moment: the same script run from two checkouts over one database
  (cd /work/main && .venv/bin/python /work/wt/perf/benchmarks/page_costs.py --root . --db factcheck_perf_big)

The database must already hold a data set (benchmarks/review_pages.py --db NAME builds one with
`generate_dataset`: 10,000 articles, 200,000 claims); a ~5,000-word article with 415 claim
candidates is added on first use (as review_pages.py --http does). Each page is requested by a
signed-in fact-checker through Django's test client: two warm-ups, then --repeat requests; it
prints the median and 95th percentile of the wall time, the process's CPU time (median, and
its minimum, the request least disturbed by other processes: steadier than wall time on a
shared machine), the time spent in the database (inside cursor.execute: PostgreSQL and the
round trip; `_common.request_costs`), the query count and the HTML size. --profile NAME prints
a cProfile, in CPU time, of --profile-runs requests of that page (top --lines by --sort,
cumulative by default). --root runs another checkout (the code measured) with this script;
--redis gives the cache (the dashboard's counts and shared rows).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="factcheck_bench_review")
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout whose code is measured")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--profile", action="append", default=[], help="a page name (see the table) to profile")
    parser.add_argument("--only", action="append", default=[], help="measure only these pages")
    parser.add_argument("--sort", default="cumulative", help="--profile: pstats sort key (cumulative, tottime)")
    parser.add_argument("--lines", type=int, default=25, help="--profile: rows printed")
    parser.add_argument("--profile-runs", type=int, default=1, help="--profile: requests profiled together")
    args = parser.parse_args()
    root = Path(args.root).resolve()
    sys.path.insert(0, str(HERE))
    from _common import PG, django_in_process, loadavg, machine, request_costs
    from review_pages import long_article

    url = f"{PG}/{args.db}"
    long_id = long_article(url)
    # The code measured is --root's.
    django_in_process(url, root, REDIS_URL=args.redis)
    from django.contrib.auth.models import Group, User
    from django.core.cache import cache
    from django.test import Client

    from factcheck.articles.models import Article
    from factcheck.claims.models import Claim

    cache.clear()
    checker, _ = User.objects.get_or_create(username="bench-checker")
    checker.groups.add(Group.objects.get(name="fact-checker"))
    client = Client()
    client.force_login(checker)
    article = Article.objects.order_by("id")[Article.objects.count() // 2]
    claim = Claim.objects.filter(article=article).order_by("id").first()
    linked = Claim.objects.filter(links_out__isnull=False).order_by("id").first() or claim
    pages = {
        "dashboard": "/",
        "reader": f"/articles/{article.pk}/",
        "reader 5k words": f"/articles/{long_id}/",
        "reader 5k words, all": f"/articles/{long_id}/?show=all",
        "reader panels 5k, all": f"/articles/{long_id}/panels/?show=all",
        "claim": f"/claims/{claim.pk}/",
        "claim with links": f"/claims/{linked.pk}/",
        "search q": "/search/?q=evacuated",
        "search claims": "/search/?scope=claims",
        "queue /search candidates": "/search/?scope=claims&status=candidate",
        "queue triage": "/queues/triage/",
        "queue drafts": "/queues/drafts/",
        "queue approval": "/queues/approval/",
        "queue mine": "/queues/mine/",
        "queue links": "/queues/links/",
    }
    if args.only:
        pages = {k: v for k, v in pages.items() if k in args.only}
    print(f"code: {root}; {machine()}; load average: {loadavg()}")
    print(f"{'page':28} {'queries':>7} {'bytes':>9} {'median':>7} {'p95':>7} {'cpu':>6} {'cpumin':>6} {'db':>6} (ms)")
    for name, page in pages.items():
        row = request_costs(client, page, args.repeat)
        if row is None:
            print(f"{name:28} HTTP {client.get(page).status_code}")
            continue
        print(
            f"{name:28} {row['queries']:>7} {row['bytes']:>9,} {row['median']:>7.1f} {row['p95']:>7.1f} "
            f"{row['cpu']:>6.1f} {row['cpumin']:>6.1f} {row['db']:>6.1f}   {json.dumps(page)}"
        )
        if name in args.profile:
            profile = cProfile.Profile(time.process_time)  # CPU time, not time waiting for PostgreSQL
            profile.enable()
            for _ in range(args.profile_runs):
                client.get(page)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.lines)
            print(out.getvalue())


if __name__ == "__main__":
    main()
