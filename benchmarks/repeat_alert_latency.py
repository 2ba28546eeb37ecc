"""Benchmark: latency from an item appearing in a feed to its repeat alert, with a real worker.

  .venv/bin/python benchmarks/repeat_alert_latency.py [--items 50 --interval 30 --spread 150 --concurrency 2]

Never touches the shared services: a scratch database (`factcheck_bench_alerts`) and a
redis-server of its own on a free port. A real Celery worker (`celery -A factcheck worker`,
queues celery and linking, --concurrency processes) does all the work: the poll, the page's
fetch and intake, extraction, link suggestions and the alert.

Data: --checks published fact-checks of our own (distinct claims with figures); a loopback
feed (a thread of this process) on which --items articles appear at seeded random times over
--spread seconds, each repeating one of the checked claims in its second paragraph among
sentences of its own (so every body is different). This process plays Celery beat: every
--interval seconds it queues a poll of the source (what beat does for a source whose interval
has come). Before measuring, one warm-up item goes through the whole chain (the worker loads
spaCy and the sentence encoder), uncounted.

Per item: appeared (the feed first lists it) -> article stored (poll + fetch + intake) ->
extraction done -> alert raised (RepeatAlert.created_at). Reports median, p95 and max of each
stage and of the total, how many items got an alert, and whether p95 < --interval + 5 s (the
target: an item waits at most one polling interval for its poll, then 5 s of work).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, drop_database, fresh_database, loadavg, machine  # noqa: E402

DB = "factcheck_bench_alerts"
CHECKED = [
    "Unemployment fell to {n}.1 per cent in October, the lowest figure in ten years.",
    "Crime in the capital doubled in five years to {n}0,000 recorded offences.",
    "The hospital waiting list grew by {n}00,000 patients since the election.",
    "Energy bills rose by {n}5 per cent for the average household last winter.",
    "The government built {n}0,000 new homes last year, a record.",
    "Child poverty has fallen by {n} per cent since 2019.",
    "Exports to Europe dropped {n}2 per cent after the new border rules.",
    "The army recruited {n},400 soldiers in the first half of the year.",
]
FILLER = [
    "The council met on Tuesday to discuss the budget.",
    "Local traders said business had been slow since the summer.",
    "A spokesperson declined to comment on the timetable.",
    "Residents gathered outside the town hall in the rain.",
    "The report will be published next month after a review.",
    "Officials expect the decision before the end of the year.",
    "Several members asked for more time to read the documents.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def checked_text(i: int) -> str:
    return CHECKED[i % len(CHECKED)].format(n=3 + i // len(CHECKED))


class Feed:
    """Items with the time they appear; the feed lists those whose time has come."""

    def __init__(self) -> None:
        self.appear: dict[int, float] = {}  # item -> epoch seconds
        self.check_of: dict[int, int] = {}
        self.lock = threading.Lock()

    def visible(self) -> list[int]:
        now = time.time()
        with self.lock:
            return sorted((i for i, t in self.appear.items() if t <= now), key=lambda i: -self.appear[i])[:50]

    def page(self, item: int) -> bytes:
        rng = random.Random(item)
        before = " ".join(rng.sample(FILLER, 3))
        after = " ".join(rng.sample(FILLER, 3))
        said = checked_text(self.check_of[item])
        title = f"Story {item}: what the minister said"
        return (
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
            f"<meta property='og:title' content='{title}'><meta property='og:site_name' content='Bench Times'>"
            f"<meta name='author' content='Reporter {item}'>"
            f"<meta property='article:published_time' content='2026-11-20T09:30:00Z'></head><body>"
            f"<article><h1>{title}</h1><p>{before} Item number {item} of the day.</p>"
            f"<p>The minister told parliament: {said[0].lower()}{said[1:]} {after}</p>"
            f"<p>Story {item} continues with reactions from the opposition and from economists.</p></article>"
            f"</body></html>"
        ).encode()


def serve(feed: Feed, port: int) -> ThreadingHTTPServer:
    base = f"http://127.0.0.1:{port}"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            status, body, ctype = 404, b"", "text/html; charset=utf-8"
            if self.path == "/robots.txt":
                status, body, ctype = 200, b"User-agent: *\nAllow: /\n", "text/plain"
            elif self.path == "/feed.xml":
                items = "".join(
                    f"<item><title>Story {i}</title><link>{base}/news/{i}</link><guid>{base}/news/{i}</guid></item>"
                    for i in feed.visible()
                )
                status, ctype = 200, "application/rss+xml"
                body = (
                    "<?xml version='1.0'?><rss version='2.0'><channel><title>Bench Times</title>"
                    f"<link>{base}/</link><description>news</description>{items}</channel></rss>"
                ).encode()
            elif self.path.startswith("/news/"):
                item = int(self.path.rsplit("/", 1)[1])
                if item in feed.check_of:
                    status, body = 200, feed.page(item)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def publish_checks(n: int) -> None:
    from django.utils import timezone

    from factcheck.articles.models import Article, ExtractionState, Outlet, body_fingerprint
    from factcheck.claims.models import CandidateStatus, Claim, Rating, Workflow

    outlet = Outlet.objects.create(name="Bench Desk")
    verdict = Rating.objects.filter(scale__is_default=True).order_by("order").first()
    for i in range(n):
        text = checked_text(i)
        body = f"Fact-check {i}. {text} We looked at the official figures.\n"
        article = Article.objects.create(
            outlet=outlet,
            body=body,
            fingerprint=body_fingerprint(body),
            headline=f"Fact-check {i}",
            extraction_state=ExtractionState.DONE,
        )
        start = body.index(text)
        Claim.objects.create(
            article=article,
            start=start,
            end=start + len(text),
            text=text,
            status=CandidateStatus.ACCEPTED,
            checkworthy=True,
            score=0.9,
            workflow=Workflow.PUBLISHED,
            verdict=verdict,
            published_at=timezone.now(),
        )


def start_worker(concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            "celery,linking",
            "-n",
            f"bench{time.time_ns()}@%h",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,  # the banner; errors still go to stderr
        start_new_session=True,
    )


def item_times(item: int, base: str) -> dict[str, float | None]:
    from factcheck.alerts.models import RepeatAlert
    from factcheck.sources.models import FetchedItem

    fetched = FetchedItem.objects.filter(url=f"{base}/news/{item}").select_related("article").first()
    if fetched is None or fetched.article is None:
        return {"stored": None, "extracted": None, "alert": None}
    article = fetched.article
    alert = RepeatAlert.objects.filter(claim__article=article).order_by("created_at").first()
    return {
        "stored": article.created_at.timestamp(),
        "extracted": article.extraction_finished_at.timestamp() if article.extraction_finished_at else None,
        "alert": alert.created_at.timestamp() if alert else None,
    }


def summary(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"n": 0, "median_s": None, "p95_s": None, "max_s": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "n": len(values),
        "median_s": round(statistics.median(values), 2),
        "p95_s": round(p95, 2),
        "max_s": round(ordered[-1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--checks", type=int, default=8, help="published fact-checks the items repeat")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between polls (beat)")
    parser.add_argument("--spread", type=float, default=150.0, help="items appear over this many seconds")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    redis_dir = tempfile.mkdtemp(prefix="bench-alerts-redis-")
    redis_port = free_port()
    redis_proc = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", redis_dir],
        stdout=subprocess.DEVNULL,
    )
    feed = Feed()
    web_port = free_port()
    server = serve(feed, web_port)
    base = f"http://127.0.0.1:{web_port}"
    worker = None
    try:
        url = fresh_database(DB)
        os.environ.update(
            {
                "DATABASE_URL": url,
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "DJANGO_SETTINGS_MODULE": "factcheck.settings",
                "SOURCES_ALLOWED_TEST_HOSTS": "127.0.0.1",
                "SOURCES_HOST_DELAY": "0",
                "LINK_WARM_WEB": "false",
                "LOG_LEVEL": "WARNING",
            }
        )
        import django

        django.setup()
        from django.db import connections
        from django.utils import timezone

        from factcheck.alerts.models import RepeatAlert
        from factcheck.sources.models import Source
        from factcheck.sources.tasks import poll_source

        publish_checks(args.checks)
        # Not due by itself (no beat runs here): this process queues its polls.
        source = Source.objects.create(
            name="Bench Times",
            url=f"{base}/feed.xml",
            interval_minutes=60,
            next_poll_at=timezone.now() + datetime.timedelta(days=1),
        )
        connections.close_all()
        worker = start_worker(args.concurrency)

        # Warm-up: one item through the whole chain, uncounted.
        warm = 10_000
        feed.check_of[warm] = 0
        feed.appear[warm] = time.time()
        warm_started = time.perf_counter()
        deadline = time.monotonic() + 300
        while not RepeatAlert.objects.exists():
            if time.monotonic() > deadline:
                raise SystemExit("warm-up: no alert within 300 s (is the worker running?)")
            poll_source.delay(source.pk, True)
            time.sleep(5)
        warm_seconds = time.perf_counter() - warm_started

        rng = random.Random(args.seed)
        start = time.time() + 2
        with feed.lock:
            for k in range(args.items):
                feed.check_of[k] = k % args.checks
                feed.appear[k] = start + rng.uniform(0, args.spread)
        load_before = loadavg()
        # Beat: a poll every --interval seconds, from a random phase.
        next_poll = start + rng.uniform(0, args.interval)
        deadline = time.monotonic() + args.timeout
        done: dict[int, dict] = {}
        while len(done) < args.items and time.monotonic() < deadline:
            now = time.time()
            if now >= next_poll:
                poll_source.delay(source.pk, True)
                next_poll += args.interval
            for k in range(args.items):
                if k not in done and feed.appear[k] <= now:
                    times = item_times(k, base)
                    if times["alert"] is not None:
                        done[k] = times
            time.sleep(0.5)
        load_after = loadavg()

        totals, to_stored, to_extracted, to_alert = [], [], [], []
        for k, t in done.items():
            appeared = feed.appear[k]
            totals.append(t["alert"] - appeared)
            to_stored.append(t["stored"] - appeared)
            if t["extracted"] is not None:
                to_extracted.append(t["extracted"] - t["stored"])
                to_alert.append(t["alert"] - t["extracted"])
        total = summary(totals)
        report = {
            "machine": machine(),
            "items": args.items,
            "checks": args.checks,
            "poll_interval_s": args.interval,
            "spread_s": args.spread,
            "worker_concurrency": args.concurrency,
            "warm_up_item_s": round(warm_seconds, 1),
            "items_with_alert": len(done),
            "alerts_total": RepeatAlert.objects.count() - 1,
            "appeared_to_alert": total,
            "stages": {
                "appeared_to_article_stored": summary(to_stored),
                "stored_to_extracted": summary(to_extracted),
                "extracted_to_alert": summary(to_alert),
            },
            "target_p95_s": args.interval + 5,
            "meets_target": total["p95_s"] is not None
            and total["p95_s"] < args.interval + 5
            and len(done) == args.items,
            "loadavg": {"before": load_before, "after": load_after},
        }
        print(json.dumps(report, indent=2))
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, 15)
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, 9)
        server.shutdown()
        redis_proc.terminate()
        redis_proc.wait(10)
        shutil.rmtree(redis_dir, ignore_errors=True)
        if not args.keep:
            try:
                drop_database(DB)
            except Exception as exc:  # noqa: BLE001 (the figures are printed already)
                print(f"could not drop {DB}: {exc}", file=sys.stderr)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
