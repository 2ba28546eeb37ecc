"""Benchmark: what one request of the repeat ledger (/ledger/) costs as the data grows: SQL
queries, HTML bytes, wall and CPU time, in-process, with the production settings (DEBUG=false).

  .venv/bin/python benchmarks/ledger_page.py --db factcheck_rules_ledger --build --articles 4000 --repeats 8
  .venv/bin/python benchmarks/ledger_page.py --db factcheck_rules_ledger            # measure again
  # before/after over one database: this script run on another checkout's code
  .venv/bin/python benchmarks/ledger_page.py --db factcheck_rules_ledger --root /work/main

--build makes the database: `generate_dataset` (--articles articles of 20 claims; about 4 % of
the claims are published checks), then --repeats news claims linked to each published check as
the same claim (confirmed), so every check is in the ledger. Each page is requested by a
signed-in fact-checker through Django's test client (`_common.request_costs`: two warm-ups,
then --repeat requests): the query count, the HTML size, the median and 95th percentile wall
time, the median CPU time of this process (steadier than wall time on a shared machine), and
the load average.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build(url: str, articles: int, repeats: int) -> None:
    import psycopg
    from _common import generate_dataset

    generate_dataset(url, articles, 20)
    rng = random.Random(7)
    with psycopg.connect(url, autocommit=True) as conn:
        checks = [r[0] for r in conn.execute("SELECT id FROM claims_claim WHERE workflow = 'published'")]
        news = [r[0] for r in conn.execute("SELECT id FROM claims_claim WHERE workflow <> 'published' LIMIT 200000")]
        rows = set()
        for check in checks:
            for other in rng.sample(news, repeats):
                rows.add((min(check, other), max(check, other)))
        with conn.cursor().copy(
            "COPY linking_claimlink (source_id, target_id, relation, origin, state, score, reason, created_at, "
            "updated_at) FROM STDIN"
        ) as copy:
            for a, b in sorted(rows):
                copy.write_row((a, b, "same", "system", "confirmed", 0.9, "bench", "2024-06-01", "2024-06-01"))
        conn.execute("VACUUM ANALYZE")
    print(f"{len(checks)} published checks, {len(rows)} repeat links added")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="factcheck_rules_ledger")
    parser.add_argument("--root", default=str(HERE.parent), help="the checkout whose code is measured")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    root = Path(args.root).resolve()
    sys.path.insert(0, str(HERE))
    from _common import PG, django_in_process, fresh_database, loadavg, machine, request_costs

    url = fresh_database(args.db) if args.build else f"{PG}/{args.db}"
    if args.build:
        build(url, args.articles, args.repeats)
    subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    django_in_process(url, root, REDIS_URL="")  # the code measured is --root's
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from factcheck.linking.models import ClaimLink

    checker, _ = User.objects.get_or_create(username="bench-checker")
    checker.groups.add(Group.objects.get(name="fact-checker"))
    client = Client()
    client.force_login(checker)
    print(f"code: {root}; {machine()}; load average: {loadavg()}")
    print(f"links: {ClaimLink.objects.count():,}")
    print(f"{'page':16} {'queries':>7} {'bytes':>9} {'median':>7} {'p95':>7} {'cpu':>6} (ms)")
    for name, page in {"ledger": "/ledger/", "ledger page 20": "/ledger/?page=20"}.items():
        row = request_costs(client, page, args.repeat)
        assert row is not None, page
        print(
            f"{name:16} {row['queries']:>7} {row['bytes']:>9,} {row['median']:>7.1f} {row['p95']:>7.1f} "
            f"{row['cpu']:>6.1f}"
        )
    print(f"load average after: {loadavg()}")


if __name__ == "__main__":
    main()
