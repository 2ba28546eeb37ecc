"""Benchmark: import_articles into PostgreSQL, extraction queued on Redis but not run.

  .venv/bin/python benchmarks/import_articles.py [--sizes 1000,5000,10000]

For each size: generate that many article files (realistic length, ~600 words, the
sample format), import them into a fresh database with the real command in its own
process, and print articles/s and the process's peak memory. Memory should stay flat
as the count grows (the importer streams).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REDIS, ROOT, fresh_database, machine  # noqa: E402

WORDS = [
    "the",
    "government",
    "said",
    "officials",
    "reported",
    "forces",
    "region",
    "city",
    "border",
    "attack",
    "troops",
    "minister",
    "president",
    "village",
    "people",
    "homes",
    "evacuated",
    "announced",
    "statement",
    "week",
    "talks",
    "peace",
    "drones",
    "security",
    "plant",
    "agency",
]

RUNNER = """
import os, resource, sys, time, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
django.setup()
from io import StringIO
from django.core.management import call_command
t = time.perf_counter()
out = StringIO()
call_command("import_articles", sys.argv[1], no_progress=True, stdout=out)
elapsed = time.perf_counter() - t
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, out.getvalue().strip())
"""


def make_article(rng: random.Random, n: int) -> str:
    paragraphs = []
    for p in range(12):
        sentences = []
        for _ in range(3):
            words = rng.choices(WORDS, k=rng.randint(12, 22))
            words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 90000):,}")
            sentences.append(" ".join(words).capitalize() + ".")
        if p % 4 == 1:
            sentences.append(f"“{' '.join(rng.choices(WORDS, k=10)).capitalize()},” the minister said.")
        paragraphs.append(" ".join(sentences))
    day = 1 + n % 28
    return f" date 2024-08-{day:02d} Generated headline {n}\n\n" + "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = random.Random(42)
    print(f"machine: {machine()}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            folder = Path(tmp) / f"n{size}"
            for n in range(size):
                sub = folder / f"d{n // 1000}"
                sub.mkdir(parents=True, exist_ok=True)
                (sub / f"gen-2024-08-01-{n}.txt").write_text(make_article(rng, n), encoding="utf-8")
            words = sum(len(p.read_text().split()) for p in list(folder.rglob("*.txt"))[:100]) / 100
            url = fresh_database("factcheck_bench_import")
            import redis

            redis.Redis.from_url(REDIS).flushdb()
            # Production settings: with DEBUG on, Django keeps the last 9,000 queries (and
            # so article bodies) in memory, which is not what a deployed import does.
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": REDIS,
                "DEBUG": "false",
                "SECRET_KEY": "bench-" + "x9Kq2" * 12,
                "ALLOWED_HOSTS": "localhost",
            }
            proc = subprocess.run(
                [sys.executable, "-c", RUNNER, str(folder)], cwd=ROOT, env=env, capture_output=True, text=True
            )
            if proc.returncode:
                raise SystemExit(proc.stderr)
            elapsed, maxrss_kb, summary = proc.stdout.split(maxsplit=2)
            # Bulk intake queues tasks of several articles: count the tasks and the articles
            # they cover (a message body is base64 JSON [args, kwargs, embed]).
            messages = [json.loads(m) for m in redis.Redis.from_url(REDIS).lrange("celery", 0, -1)]
            covered = sum(len(json.loads(base64.b64decode(m["body"]))[0][0]) for m in messages)
            row = {
                "articles": size,
                "avg_words": round(words),
                "seconds": round(float(elapsed), 2),
                "articles_per_s": round(size / float(elapsed), 1),
                "peak_rss_mb": round(int(maxrss_kb) / 1024, 1),
                "extraction_tasks_queued": len(messages),
                "articles_queued_for_extraction": covered,
                "summary": summary,
            }
            results.append(row)
            print(json.dumps(row))
    redis.Redis.from_url(REDIS).flushdb()


if __name__ == "__main__":
    main()
