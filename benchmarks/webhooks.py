"""Benchmark: what webhooks cost the editor's request, and how fast deliveries go out.

  .venv/bin/python benchmarks/webhooks.py [--events 2000 --endpoints 10 --deliveries 500 --workers 2]

A scratch database (`factcheck_bench_webhooks`); no broker (the queueing of delivery tasks
is replaced by a list: this measures the desk's side, not Redis). A receiver process on
127.0.0.1 answers every POST with 200 at once.

1. The `audit_committed` receiver, per editorial change, as the editor's request pays it
   after commit: with no endpoint listening (the usual case), then with --endpoints active
   endpoints listening (an Event and one Delivery row per endpoint written). p50 / p95 in
   ms and queries per call.
2. Delivery: --deliveries deliveries attempted by --workers processes (as a Celery worker
   with that concurrency would run `deliver_webhook`): body built once per event (the API
   serializer), signed, POSTed through the SSRF check, attempt logged, state moved on.
   Deliveries/s and p50 / p95 per attempt.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, drop_database, fresh_database, loadavg, machine  # noqa: E402

DB = "factcheck_bench_webhooks"


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


def _serve(port_out) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    port_out.put(server.server_address[1])
    server.serve_forever()


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ["SOURCES_ALLOWED_TEST_HOSTS"] = "127.0.0.1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.chdir(ROOT)
    import django

    django.setup()


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def _deliver(args) -> list[float]:
    url, ids = args
    _setup_django(url)
    from factcheck.webhooks import services

    times = []
    for pk in ids:
        started = time.perf_counter()
        state = services.delivery_attempt(delivery_id=pk)
        times.append((time.perf_counter() - started) * 1000)
        assert state == "delivered", state
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--endpoints", type=int, default=10)
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    url = fresh_database(DB)
    _setup_django(url)
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from factcheck.audit.models import AuditEvent
    from factcheck.webhooks import services
    from factcheck.webhooks.models import Delivery, Endpoint, EventType
    from tests.factories import ClaimFactory

    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(queue,), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=10)}"
    queued: list[int] = []
    services._enqueue = lambda ids, countdown=0: queued.extend(ids)  # no broker: see the docstring

    claims = [ClaimFactory(text=f"Unemployment fell to {n}.1 per cent last year.") for n in range(50)]
    ct = ContentType.objects.get_for_model(claims[0]).pk

    def receiver_run(n: int) -> tuple[list[float], int]:
        times, queries = [], 0
        for i in range(n):
            event = AuditEvent.objects.create(
                action="submit_for_review", content_type_id=ct, object_id=claims[i % 50].pk, object_repr="c"
            )
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                services.on_audit_committed(None, event=event)
                times.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(ctx.captured_queries))
        return times, queries

    print(f"# webhooks benchmark — {machine()}, load {loadavg()}")
    idle, idle_q = receiver_run(options.events)
    print(
        f"receiver, nobody listening: {options.events:,} changes, p50 {_pct(idle, 0.5):.3f} ms, "
        f"p95 {_pct(idle, 0.95):.3f} ms, {idle_q} quer{'y' if idle_q == 1 else 'ies'} per change"
    )
    for i in range(options.endpoints):
        Endpoint.objects.create(url=f"{base}/hook/{i}", secret=f"whsec_{i}", events=[EventType.CLAIM_SUBMITTED])
    busy_n = max(1, options.deliveries // options.endpoints)
    busy, busy_q = receiver_run(busy_n)
    print(
        f"receiver, {options.endpoints} endpoints listening: {busy_n:,} changes, p50 {_pct(busy, 0.5):.2f} ms, "
        f"p95 {_pct(busy, 0.95):.2f} ms, {busy_q} queries per change"
    )
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    from django.db import connections

    connections.close_all()
    chunks = [(url, ids[i :: options.workers]) for i in range(options.workers)]
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(options.workers) as pool:
        results = pool.map(_deliver, chunks)
    elapsed = time.perf_counter() - started
    times = [t for chunk in results for t in chunk]
    busiest = max(sum(chunk) for chunk in results) / 1000
    print(
        f"delivery: {len(ids):,} deliveries by {options.workers} workers, {len(ids) / busiest:,.0f}/s "
        f"({elapsed:.1f} s with process start), per attempt p50 {_pct(times, 0.5):.1f} ms, "
        f"p95 {_pct(times, 0.95):.1f} ms, mean {statistics.mean(times):.1f} ms; load {loadavg()}"
    )
    server.terminate()
    drop_database(DB)


if __name__ == "__main__":
    main()
