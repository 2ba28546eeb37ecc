"""Benchmark: streaming exports over real HTTP, with the production server.

  .venv/bin/python benchmarks/exports.py [--articles 50000 --claims-per-article 20 --port 8772]
  .venv/bin/python benchmarks/exports.py --reuse        # keep the data set of the last run

Builds (or reuses) the database `factcheck_exports_big` with `manage.py generate_dataset`
(50,000 articles x 20 = 1,000,000 claims by default; the same seeder as the other
benchmarks), VACUUM ANALYZE, then gunicorn (gunicorn.conf.py, DEBUG=false, one worker so
that its memory is the server's) on loopback. A desk member's API token (scope read)
downloads, one at a time:

  1. claims CSV filtered to one outlet (about 1/12 of the rows, ~83,000 at 1M),
  2. all claims as CSV (1,000,000),
  3. all claims as JSON Lines,

reading the body as it streams and counting rows. Prints rows, seconds, rows/s, MB, time to
the first byte, and the worker's peak RSS (VmHWM from /proc, which only grows) after each
download: flat memory means the peak after the 1M export is about the peak after the ~83k
one. Targets (issue #14): >= 20,000 rows/s, memory flat. The load average is printed before
and after: the machine may be shared.
"""

from __future__ import annotations

import argparse
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
    start_web,
    stop_process,
    wait_ready,
)

DB = "factcheck_exports_big"


def token(url: str) -> str:
    return api_read_token(url, "bench-exporter")


def workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def download(base: str, path: str, secret: str) -> tuple[int, float, float, int]:
    """(rows, seconds, seconds to the first byte, bytes)."""
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {secret}"})  # noqa: S310
    t = time.perf_counter()
    first = None
    rows = size = 0
    with urllib.request.urlopen(request, timeout=3600) as response:  # noqa: S310 - http on loopback
        assert response.status == 200, response.status
        while chunk := response.read(1 << 16):
            if first is None:
                first = time.perf_counter() - t
            rows += chunk.count(b"\n")
            size += len(chunk)
    return rows, time.perf_counter() - t, first or 0.0, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--claims-per-article", type=int, default=20)
    parser.add_argument("--port", type=int, default=8772)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average at start: {loadavg()}")
    url = f"{PG}/{DB}"
    if not args.reuse:
        url = fresh_database(DB)
        generate_dataset(url, args.articles, args.claims_per_article)
    secret = token(url)
    import psycopg

    with psycopg.connect(url) as conn:
        claims = conn.execute("SELECT count(*) FROM claims_claim").fetchone()[0]
        outlet = conn.execute("SELECT id FROM articles_outlet ORDER BY name LIMIT 1").fetchone()[0]
    print(f"data: {claims:,} claims")

    web = start_web(
        url, args.port, "bench-exports-", WEB_WORKERS="1", WEB_TIMEOUT="600", API_RATE_LIMIT="100000/minute"
    )
    try:
        wait_ready(args.port, 120)
        [worker] = workers(web.pid)
        base = f"http://127.0.0.1:{args.port}"
        runs = [
            ("claims CSV, one outlet", f"/api/v1/exports/claims.csv?outlet={outlet}"),
            ("claims CSV, all", "/api/v1/exports/claims.csv"),
            ("claims JSON Lines, all", "/api/v1/exports/claims.jsonl"),
        ]
        print(f"worker peak RSS before: {peak_rss_mb(worker):.0f} MB")
        print(f"\n{'export':26} {'rows':>10} {'s':>7} {'rows/s':>8} {'MB':>7} {'TTFB s':>7} {'peak RSS MB':>12}")
        for name, path in runs:
            rows, seconds, ttfb, size = download(base, path, secret)
            rows -= path.endswith(".csv")  # the header line
            print(
                f"{name:26} {rows:>10,} {seconds:7.1f} {rows / seconds:8,.0f} {size / 1e6:7.0f} {ttfb:7.2f}"
                f" {peak_rss_mb(worker):12.0f}"
            )
        print(f"load average after: {loadavg()}")
    finally:
        stop_process(web)


if __name__ == "__main__":
    main()
