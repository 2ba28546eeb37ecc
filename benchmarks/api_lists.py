"""Benchmark: the API's list endpoints over real HTTP (gunicorn), and their query counts.

  .venv/bin/python benchmarks/api_lists.py [--articles 10000 --claims-per-article 20
                                            --rounds 20 --port 8773]
  .venv/bin/python benchmarks/api_lists.py --reuse     # keep the data set of the last run

Builds (or reuses) the database `factcheck_exports_api` with `manage.py generate_dataset`
(10,000 articles, 200,000 claims by default; pass --db factcheck_exports_big --reuse to run
on the exports benchmark's million), VACUUM ANALYZE, then gunicorn (gunicorn.conf.py: 2
workers x 4 threads, DEBUG=false) on loopback. A fact-checker's read token requests each
list of LISTS (repeat alerts included: --alerts of them are
inserted when the database has fewer, published claims paired with others, a third acknowledged)
at page sizes 10, 50 and 200, and a later page (the cursor of the first
page's `next`), --rounds times one request at a time, round-robin, after one warm-up
round; a new connection per request. Prints p50/p95/max (ms, client-side, the whole HTTP
round trip) per list and page size, and the SQL queries each request ran (counted in
process with the same token through Django's test client against the same database):
the count must not grow with the page size. Target (issue #14): p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    PG,
    api_read_token,
    fresh_database,
    generate_dataset,
    loadavg,
    machine,
    migrate_database,
    start_web,
    stop_process,
    wait_ready,
)

PAGE_SIZES = (10, 50, 200)
# (name, path and filters); {outlet} and {verdict} are filled in from the database.
LISTS = [
    ("articles", "/api/v1/articles/?"),
    ("articles, one outlet", "/api/v1/articles/?outlet={outlet}&"),
    ("claims", "/api/v1/claims/?"),
    ("claims, in review", "/api/v1/claims/?workflow=in_review&"),
    ("claims, verdict + outlet", "/api/v1/claims/?verdict={verdict}&outlet={outlet}&"),
    ("claims, text", "/api/v1/claims/?q=Kursk&"),
    ("claims, suggested links", "/api/v1/claims/?link_state=suggested&"),
    ("claims, score >= 0.7", "/api/v1/claims/?score_min=0.7&"),
    ("quotes", "/api/v1/quotes/?"),
    ("claim links", "/api/v1/links/claims/?"),
    ("fact-checks", "/api/v1/factchecks/?"),
    ("speakers", "/api/v1/speakers/?"),
    ("alerts", "/api/v1/alerts/?"),
    ("alerts, open", "/api/v1/alerts/?acknowledged=false&"),
    ("alerts, one outlet", "/api/v1/alerts/?outlet={outlet}&"),
]

# generate_dataset makes no repeat alerts: pair published claims (the checks) with other claims
# (the repeats), every third one acknowledged, dated a minute apart; as many as --alerts.
ALERTS_SQL = """
WITH checked AS (
    SELECT id, row_number() OVER (ORDER BY id) AS rn FROM claims_claim
    WHERE workflow = 'published' AND status <> 'rejected' ORDER BY id LIMIT 500
), repeats AS (
    SELECT id, row_number() OVER (ORDER BY id DESC) AS rn FROM claims_claim
    WHERE workflow <> 'published' AND status <> 'rejected' ORDER BY id DESC LIMIT %(n)s
)
INSERT INTO alerts_repeatalert (claim_id, checked_claim_id, probability, state, acknowledged_at, note, created_at)
SELECT r.id, c.id, 0.5 + (r.rn %% 50) / 100.0,
       CASE WHEN r.rn %% 3 = 0 THEN 'acknowledged' ELSE 'open' END,
       CASE WHEN r.rn %% 3 = 0 THEN now() END, '', now() - make_interval(mins => r.rn::int)
FROM repeats r JOIN checked c ON c.rn = 1 + r.rn %% (SELECT count(*) FROM checked)
ON CONFLICT DO NOTHING
"""


def ensure_alerts(url: str, n: int) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        have = conn.execute("SELECT count(*) FROM alerts_repeatalert").fetchone()[0]
        if have < n:
            conn.execute(ALERTS_SQL, {"n": n})
            conn.execute("ANALYZE alerts_repeatalert")


def token(url: str) -> str:
    return api_read_token(url, "bench-api")


def fill(url: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        verdict = conn.execute("SELECT verdict_id FROM claims_claim WHERE verdict_id IS NOT NULL LIMIT 1").fetchone()
        outlet = conn.execute("SELECT id FROM articles_outlet ORDER BY name LIMIT 1").fetchone()
    return [(name, path.format(verdict=verdict[0], outlet=outlet[0])) for name, path in LISTS]


def get(base: str, path: str, secret: str) -> tuple[float, dict]:
    request = urllib.request.Request(  # noqa: S310 - http on loopback
        base + path, headers={"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    )
    t = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body = response.read()
        assert response.status == 200, (path, response.status)
    return (time.perf_counter() - t) * 1000, json.loads(body)


def query_counts(url: str, secret: str, requests: list[tuple[str, str]]) -> dict[str, int]:
    """SQL statements per request, in process (Django's test client, the same token)."""
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        REDIS_URL="",
        API_RATE_LIMIT="100000/minute",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT="application/json")
    counts = {}
    for key, path in requests:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        counts[key] = len(queries)
    return counts


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="factcheck_exports_api")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8773)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--alerts", type=int, default=10_000, help="repeat alerts to have (made if fewer)")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average at start: {loadavg()}")
    url = migrate_database(args.db) if args.reuse else f"{PG}/{args.db}"
    if not args.reuse:
        url = fresh_database(args.db)
        generate_dataset(url, args.articles, args.claims_per_article)
    ensure_alerts(url, args.alerts)
    secret = token(url)
    lists = fill(url)
    import psycopg

    with psycopg.connect(url) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM articles_article), (SELECT count(*) FROM claims_claim),"
            " (SELECT count(*) FROM linking_claimlink), (SELECT count(*) FROM claims_quote),"
            " (SELECT count(*) FROM alerts_repeatalert)"
        ).fetchone()
    print("data: {:,} articles, {:,} claims, {:,} claim links, {:,} quotes, {:,} repeat alerts".format(*counts))

    web = start_web(url, args.port, "bench-api-", API_RATE_LIMIT="100000/minute")
    try:
        wait_ready(args.port, 120)
        base = f"http://127.0.0.1:{args.port}"
        requests: list[tuple[str, str]] = []
        for name, path in lists:
            for size in PAGE_SIZES:
                requests.append((f"{name} [{size}]", f"{path}page_size={size}"))
            _, first = get(base, f"{path}page_size=50", secret)
            if first.get("next"):
                requests.append((f"{name} [50, page 2]", first["next"].removeprefix(base)))
        times: dict[str, list[float]] = {key: [] for key, _ in requests}
        rows: dict[str, int] = {}
        for round_no in range(args.rounds + 1):
            for key, path in requests:
                ms, body = get(base, path, secret)
                if round_no == 0:
                    rows[key] = len(body.get("results", []))
                else:
                    times[key].append(ms)
        print(f"load average after: {loadavg()}")
    finally:
        stop_process(web)
    queries = query_counts(url, secret, requests)
    print(f"\n{'list [page size]':44} {'rows':>5} {'queries':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    every = []
    for key, _ in requests:
        values = times[key]
        every += values
        print(
            f"{key:44} {rows[key]:>5} {queries[key]:>8} {statistics.median(values):7.0f}"
            f" {percentile(values, 0.95):7.0f} {max(values):7.0f}"
        )
    print(
        f"{'all ' + str(len(every)) + ' requests':44} {'':>5} {'':>8} {statistics.median(every):7.0f}"
        f" {percentile(every, 0.95):7.0f} {max(every):7.0f}"
    )
    grows = [
        name
        for name, _ in lists
        if len({queries[f"{name} [{size}]"] for size in PAGE_SIZES}) > 1
        and queries[f"{name} [200]"] > queries[f"{name} [10]"]
    ]
    print("query counts grow with page size for: " + (", ".join(grows) if grows else "none"))


if __name__ == "__main__":
    main()
