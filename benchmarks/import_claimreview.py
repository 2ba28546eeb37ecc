"""Fact-check import speed and memory: `manage.py import_claimreview` on a real pool.

    python benchmarks/import_claimreview.py --pool D/pool_claimreview.jsonl

The pool is the CLEF CheckThat! 2020 task 2 set of 10,375 Snopes fact-checks as ClaimReview
JSON-LD: `python ../shared/tools/score_retrieval.py build --clef2020 DIR --split dev
--out-dir D` writes it (get DIR with `git clone https://github.com/sshaar/clef2020-factchecking-task2`;
never commit the data; credit Shaar et al., CLEF 2020).

Each run is the real command in its own process on a fresh PostgreSQL database:
1. the pool, vectors computed in the command (no broker: the embedded default);
2. the same file again (re-import: must change nothing);
2b. every review again with a later dateModified (each one updates its stored row in place:
   batched look-ups and bulk updates, no per-row queries); `--skip-updated` leaves it out;
3. the pool, vectors queued to workers (REDIS_URL set; the queue is purged after: the
   figure is the time until the fact-checks are stored and searchable by full text);
4. a pool twice as large (every review again under a second url), to show memory stays flat.
Prints wall time, the command's own store/total split, reviews per second and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, REDIS, ROOT, fresh_database, machine  # noqa: E402

DB = "factcheck_bench_import"


def run(pool: Path, url: str, *, redis: str | None) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = redis
    cmd = ["/usr/bin/time", "-f", "maxrss_kb=%M", sys.executable, "manage.py", "import_claimreview", str(pool)]
    t0 = time.perf_counter()
    proc = subprocess.run([*cmd, "--no-progress"], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    summary = re.search(r"imported (\d+), unchanged (\d+), problems (\d+)(.*?)\((\S+) s to store", out)
    if summary is None:
        raise SystemExit(f"import failed:\n{out[-2000:]}")
    return {
        "imported": int(summary.group(1)),
        "unchanged": int(summary.group(2)),
        "problems": int(summary.group(3)),
        "updated": int(m.group(1)) if (m := re.search(r"updated (\d+)", summary.group(4))) else 0,
        "vectors": re.sub(r"updated \d+,? ?", "", summary.group(4)).strip(" ,") or "-",
        "store_s": float(summary.group(5)),
        "wall_s": wall,
        "rss_mb": int(re.search(r"maxrss_kb=(\d+)", out).group(1)) / 1024,
    }


def bumped(pool: Path) -> Path:
    """The pool with every review's dateModified set to today: a newer version of each."""
    import datetime

    out = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    today = datetime.date.today().isoformat()
    with pool.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            if line.strip():
                dst.write(json.dumps(json.loads(line) | {"dateModified": today}) + "\n")
    return out


def doubled(pool: Path) -> Path:
    out = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    with pool.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        lines = [line for line in src if line.strip()]
        for copy in (0, 1):
            for line in lines:
                doc = json.loads(line)
                doc["url"] = f"{doc['url']}?copy={copy}"
                dst.write(json.dumps(doc) + "\n")
    return out


def drain(url: str, n: int, concurrency: int) -> float:
    """Start a linking worker on the queued embedding tasks; seconds until every vector is stored."""
    import psycopg

    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS, "LINK_WARM_WORKER": "false"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "-Q",
            "linking",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    t0 = time.perf_counter()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            while conn.execute("SELECT count(*) FROM linking_claimembedding").fetchone()[0] < n:
                if time.perf_counter() - t0 > 1800:
                    raise SystemExit("workers did not store every vector within 30 minutes")
                time.sleep(1)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)
    return time.perf_counter() - t0


def purge(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=Path, default=os.environ.get("CLEF2020_POOL"), required=False)
    parser.add_argument("--skip-doubled", action="store_true")
    parser.add_argument("--skip-updated", action="store_true")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="linking worker processes (run 3)")
    args = parser.parse_args()
    if args.pool is None or not args.pool.is_file():
        raise SystemExit("--pool: the pool_claimreview.jsonl written by score_retrieval.py build (see the docstring)")
    n = sum(1 for line in args.pool.open(encoding="utf-8") if line.strip())
    print(f"# import_claimreview on {n:,} fact-checks ({machine()}, load {os.getloadavg()[0]:.1f})")
    rows = []
    url = fresh_database(DB)
    rows.append(("pool, vectors in the command", run(args.pool, url, redis=None)))
    rows.append(("same file again (re-import)", run(args.pool, url, redis=None)))
    if not args.skip_updated:
        newer = bumped(args.pool)
        rows.append(("every review updated (newer dateModified)", run(newer, url, redis=None)))
        newer.unlink()
    url = fresh_database(DB)
    purge(REDIS)
    rows.append(("pool, vectors queued to workers", run(args.pool, url, redis=REDIS)))
    drained = drain(url, n, args.worker_concurrency)
    purge(REDIS)
    if not args.skip_doubled:
        big = doubled(args.pool)
        url = fresh_database(DB)
        rows.append((f"2x pool ({2 * n:,}), vectors queued", run(big, url, redis=REDIS)))
        purge(REDIS)
        big.unlink()
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    print("| run | imported | updated | unchanged | problems | vectors | stored in | wall | reviews/s | peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in rows:
        done = r["imported"] + r["updated"] + r["unchanged"]
        print(
            f"| {name} | {r['imported']:,} | {r['updated']:,} | {r['unchanged']:,} | {r['problems']} | "
            f"{r['vectors']} | "
            f"{r['store_s']:.1f} s | {r['wall_s']:.1f} s | {done / r['wall_s']:,.0f} | {r['rss_mb']:.0f} MB |"
        )
    print(
        f"\nRun 3's queued vectors: {args.worker_concurrency} linking worker processes stored all {n:,} in "
        f"{drained:.1f} s from start (model load included): {n / drained:,.0f} claims/s."
    )


if __name__ == "__main__":
    main()
