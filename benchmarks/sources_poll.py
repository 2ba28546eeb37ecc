"""Benchmark: one poll cycle over many sources served from loopback, then a cycle with nothing new.

  .venv/bin/python benchmarks/sources_poll.py [--sources 200 --items 20 --workers 2 --host-delay 0]

Never touches the shared services: a scratch database (`factcheck_bench_sources`) and a
redis-server of its own on a free port (the per-host politeness lock and the broker the
extraction tasks are queued to; no worker consumes them: this measures polling and intake,
extraction is measured in "Extraction speed").

A separate process serves --sources RSS feeds (each with an ETag, answering 304 to it) and
--items article pages per feed (about 4 KB of HTML each, every text different) on
127.0.0.1. --workers processes (as a Celery worker with that concurrency would) run the
`poll_source` task body for every source: the feed fetched, each new item fetched with the
same fetcher (SSRF checks, robots.txt, the host turn in Redis), its text and metadata taken
by trafilatura, and stored through `article_create` (fingerprint, audit, extraction queued).

Every source is on one host here, so the per-host politeness delay (SOURCES_HOST_DELAY, 1 s
in production) would serialise the whole run at one request a second; --host-delay 0 (the
default here) measures the work itself. The one-request-at-a-time lock stays on.

Reports: cycle 1 time, items imported, items/s, requests by status; cycle 2 (every source
due again, nothing new): time, requests by status (the 304s), items imported (must be 0).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, drop_database, fresh_database, loadavg, machine  # noqa: E402

DB = "factcheck_bench_sources"
_VOCABULARY = """minister government figures rose fell per cent million budget police report council hospital school
inflation wages election vote party leader economy housing energy prices climate border court ruling statement
official data survey analysis critics opposition spokesperson week month year region city"""
WORDS = _VOCABULARY.split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- The loopback news site (its own process) ------------------------------------------------------


def page_html(source: int, item: int) -> bytes:
    rng = random.Random(source * 100_000 + item)
    paras = []
    for _ in range(6):
        sentences = []
        for _ in range(4):
            words = rng.choices(WORDS, k=rng.randint(10, 18))
            number = rng.randint(2, 980)
            sentences.append(f"{' '.join(words).capitalize()} by {number} per cent, officials said.")
        paras.append(f"<p>{' '.join(sentences)}</p>")
    title = f"Story {item} of source {source}: {' '.join(rng.choices(WORDS, k=6))}"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<meta property='og:title' content='{title}'><meta property='og:site_name' content='Outlet {source}'>"
        f"<meta name='author' content='Reporter {item}'>"
        f"<meta property='article:published_time' content='2026-11-2{item % 9}T08:00:00Z'></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/world'>World</a></nav><article><h1>{title}</h1>"
        f"{''.join(paras)}</article><footer>Copyright Outlet {source}</footer></body></html>"
    ).encode()


def feed_xml(base: str, source: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Story {k}</title><link>{base}/s{source}/a{k}</link><guid>s{source}-a{k}</guid></item>"
        for k in range(items)
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Outlet {source}</title>"
        f"<link>{base}/</link><description>news</description>{entries}</channel></rss>"
    ).encode()


def serve(port: int, items: int, ready, counts) -> None:
    base = f"http://127.0.0.1:{port}"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            parts = self.path.strip("/").split("/")
            status, body, extra = 404, b"", {}
            if self.path == "/robots.txt":
                status, body = 200, b"User-agent: *\nDisallow: /private/\n"
            elif len(parts) == 2 and parts[0].startswith("s") and parts[1] == "feed.xml":
                etag = f'"{parts[0]}-v1"'
                extra = {"ETag": etag}
                if self.headers.get("If-None-Match") == etag:
                    status = 304
                else:
                    status, body = 200, feed_xml(base, int(parts[0][1:]), items)
            elif len(parts) == 2 and parts[0].startswith("s") and parts[1].startswith("a"):
                status, body = 200, page_html(int(parts[0][1:]), int(parts[1][1:]))
            kind = "feed" if self.path.endswith("feed.xml") else "robots" if "robots" in self.path else "page"
            key = f"{kind} {status}"
            counts[key] = counts.get(key, 0) + 1
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


# --- The pollers (as many processes as a worker's concurrency) ------------------------------------


def _init_worker() -> None:
    import django

    django.setup()


def _poll(source_id: int) -> tuple[str, int, int]:
    from factcheck.sources.services import source_poll

    outcome = source_poll(source_id=source_id, force=True)
    return outcome.status, outcome.imported, outcome.failed


def run_cycle(pool, ids: list[int]) -> tuple[float, Counter, int, int]:
    started = time.perf_counter()
    statuses: Counter = Counter()
    imported = failed = 0
    for status, new, bad in pool.imap_unordered(_poll, ids, chunksize=1):
        statuses[status] += 1
        imported += new
        failed += bad
    return time.perf_counter() - started, statuses, imported, failed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--host-delay", type=float, default=0.0)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    redis_dir = tempfile.mkdtemp(prefix="bench-sources-redis-")
    redis_port = free_port()
    redis_proc = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no", "--dir", redis_dir],
        stdout=subprocess.DEVNULL,
    )
    web_port = free_port()
    manager = multiprocessing.Manager()
    counts = manager.dict()
    ready = multiprocessing.Event()
    site = multiprocessing.Process(target=serve, args=(web_port, args.items, ready, counts), daemon=True)
    site.start()
    ready.wait(10)
    try:
        url = fresh_database(DB)
        os.environ.update(
            {
                "DATABASE_URL": url,
                "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
                "DJANGO_SETTINGS_MODULE": "factcheck.settings",
                "SOURCES_ALLOWED_TEST_HOSTS": "127.0.0.1",
                "SOURCES_HOST_DELAY": str(args.host_delay),
                "SOURCES_MAX_ITEMS_PER_POLL": str(max(50, args.items)),
                "LINK_WARM_WEB": "false",
                "LOG_LEVEL": "WARNING",
            }
        )
        import django

        django.setup()
        from django.utils import timezone

        from factcheck.sources.models import Source

        base = f"http://127.0.0.1:{web_port}"
        Source.objects.bulk_create(
            Source(name=f"Outlet {i}", url=f"{base}/s{i}/feed.xml", next_poll_at=timezone.now())
            for i in range(args.sources)
        )
        ids = list(Source.objects.values_list("id", flat=True))
        from django.db import connections

        connections.close_all()

        load_before = loadavg()
        context = multiprocessing.get_context("spawn")
        with context.Pool(args.workers, initializer=_init_worker) as pool:
            seconds1, statuses1, imported1, failed1 = run_cycle(pool, ids)
            requests1 = dict(counts)
            counts.clear()
            load_mid = loadavg()
            seconds2, statuses2, imported2, failed2 = run_cycle(pool, ids)
            requests2 = dict(counts)
        load_after = loadavg()

        import redis

        queued = redis.Redis.from_url(os.environ["REDIS_URL"]).llen("celery")
        from factcheck.articles.models import Article

        report = {
            "machine": machine(),
            "sources": args.sources,
            "items_per_source": args.items,
            "workers": args.workers,
            "host_delay_s": args.host_delay,
            "cycle1": {
                "seconds": round(seconds1, 1),
                "imported": imported1,
                "failed": failed1,
                "items_per_s": round(imported1 / seconds1, 1),
                "polls": dict(statuses1),
                "requests": requests1,
            },
            "cycle2_nothing_new": {
                "seconds": round(seconds2, 2),
                "imported": imported2,
                "failed": failed2,
                "polls": dict(statuses2),
                "requests": requests2,
            },
            "articles_stored": Article.objects.count(),
            "extraction_tasks_queued": queued,
            "loadavg": {"before": load_before, "after_cycle1": load_mid, "after": load_after},
        }
        print(json.dumps(report, indent=2))
    finally:
        site.terminate()
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
    threading.current_thread().name = "bench"
    main()
