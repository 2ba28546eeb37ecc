"""Benchmark: time to drain the extraction backlog after Redis or PostgreSQL comes back.

  .venv/bin/python benchmarks/recovery.py [--outage 60 --rate 1 --before 10
                                           --stuck-after 60 --sweep 15 --only redis|postgres]

Never touches the shared services: it starts its own redis-server on a free port (with an
append-only file, as a production Redis keeps its queue across a restart) and puts a TCP
proxy it controls (asyncio, in this process) between the Celery worker and the shared
PostgreSQL; "PostgreSQL down" is the proxy cutting every connection and refusing new ones.
The scratch database is `factcheck_bench_recovery`.

One Celery worker (-Q celery,linking, --concurrency 2, with beat) runs throughout. For each
scenario: --before articles are submitted through the service (`article_create`, as the web
form does) with everything up; then the service is cut for --outage seconds while one article
a second (--rate) is submitted; then it comes back, and the script times until no article is
pending or running (the tasks' retries and the beat sweep re-queue what could not run).

Redis: the submitter and the worker both lose the broker (the article is stored; its
enqueue fails). PostgreSQL: only the worker's connections go through the proxy, so articles
are still stored (the web's view of the database is up) but the worker cannot run them.

--stuck-after and --sweep set EXTRACTION_STUCK_AFTER_SECONDS and EXTRACTION_SWEEP_SECONDS for
the worker; production defaults are 300 and 60, which add up to about 4 minutes more to the
drain of anything the sweep has to re-queue.

Reports, per scenario: submitted, stored, raised to the submitter, time from the service
back to drained, lost (submitted and not stored, or not extracted at the end), failed,
duplicated (stored twice; or extracted more than once: extraction_attempts > 1).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import PG, ROOT, fresh_database, loadavg, machine  # noqa: E402
from import_articles import make_article  # noqa: E402

DB = "factcheck_bench_recovery"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CuttableProxy:
    """TCP proxy 127.0.0.1:port -> target; cut() drops every connection and refuses new ones."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.cut_off = False
        self.writers: set[asyncio.StreamWriter] = set()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", self.port))
        self.loop.run_forever()

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader, writer) -> None:
        if self.cut_off:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    def _cut(self) -> None:
        self.cut_off = True
        for w in list(self.writers):
            w.transport.abort()

    def cut(self) -> None:
        self.loop.call_soon_threadsafe(self._cut)

    def restore(self) -> None:
        self.cut_off = False


class OwnRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.dir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.dir),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        for _ in range(100):
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise SystemExit("own redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


def submit(prefix: str, n: int, rng, stats: dict, *, pause: float = 0.0) -> None:
    """n articles through the service, as the web form does; count what raised."""
    from django.db import close_old_connections

    from factcheck.articles.services import article_create

    for _ in range(n):
        i = stats["submitted"]
        body = make_article(rng, 500_000 + len(prefix) * 10_000 + i).split("\n\n", 1)[1]
        body = f"{prefix} {i}. " + body
        stats["submitted"] += 1
        try:
            article_create(body=body, published=None, headline=f"{prefix} {i}")
        except Exception as exc:  # noqa: BLE001 - counted and reported
            stats["raised"] += 1
            stats.setdefault("errors", set()).add(f"{type(exc).__name__}: {str(exc)[:120]}")
            close_old_connections()
        time.sleep(pause)


def state(prefix: str) -> dict:
    from django.db.models import Count, Q

    from factcheck.articles.models import Article

    qs = Article.objects.filter(headline__startswith=prefix + " ")
    return qs.aggregate(
        stored=Count("id"),
        distinct=Count("headline", distinct=True),
        pending=Count("id", filter=Q(extraction_state="pending")),
        running=Count("id", filter=Q(extraction_state="running")),
        done=Count("id", filter=Q(extraction_state="done")),
        failed=Count("id", filter=Q(extraction_state="failed")),
        rerun=Count("id", filter=Q(extraction_attempts__gt=1)),
    )


def scenario(name: str, args, *, cut, restore, rng) -> dict:
    prefix = f"Recovery {name}"
    stats = {"submitted": 0, "raised": 0}
    submit(prefix, args.before, rng, stats, pause=0.2)
    print(
        f"[{name}] {args.before} submitted with everything up; cutting {name} for {args.outage} s "
        f"(load average {loadavg()})"
    )
    cut()
    t0 = time.monotonic()
    while time.monotonic() - t0 < args.outage:
        submit(prefix, 1, rng, stats)
        time.sleep(max(0.0, 1 / args.rate - 0.05))
    restore()
    back = time.monotonic()
    print(f"[{name}] back after {back - t0:.0f} s; {stats['submitted']} submitted, {stats['raised']} raised")
    drained = None
    timeline = []
    while time.monotonic() - back < args.timeout:
        s = state(prefix)
        timeline.append((round(time.monotonic() - back), s["pending"], s["running"], s["done"], s["failed"]))
        if s["pending"] + s["running"] == 0 and s["stored"] >= stats["submitted"] - stats["raised"]:
            drained = time.monotonic() - back
            break
        time.sleep(2)
    time.sleep(5)  # anything still re-queued would show as a re-run
    s = state(prefix)
    result = {
        "scenario": name,
        **stats,
        "errors": sorted(stats.get("errors", ())),
        **s,
        "drained_s": None if drained is None else round(drained, 1),
        # Acknowledged to the submitter and not stored, or stored and never extracted.
        "lost": max(0, stats["submitted"] - stats["raised"] - s["stored"]) + s["stored"] - s["done"] - s["failed"],
        "duplicated_rows": s["stored"] - s["distinct"],
        "timeline": timeline,
        "loadavg": loadavg(),
    }
    return result


def report(r: dict) -> None:
    print(f"\n== {r['scenario']} down {r['outage']} s ==")
    print(f"submitted {r['submitted']} (raised to the submitter: {r['raised']}), stored {r['stored']}")
    for e in r["errors"]:
        print(f"  raised: {e}")
    drained = f"{r['drained_s']} s" if r["drained_s"] is not None else f"NOT drained in {r['timeout']} s"
    print(f"time from back to drained: {drained}")
    print(
        f"done {r['done']}, failed {r['failed']}, lost {r['lost']}, duplicated rows {r['duplicated_rows']}, "
        f"extracted more than once {r['rerun']}; load average {r['loadavg']}"
    )
    print("  backlog after it came back (s: pending running done failed):")
    step = max(1, len(r["timeline"]) // 15)
    for t in r["timeline"][::step] + r["timeline"][-1:]:
        print(f"    {t[0]:>4}: {t[1]:>4} {t[2]:>3} {t[3]:>4} {t[4]:>3}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=int, default=60)
    parser.add_argument("--rate", type=float, default=1.0, help="articles submitted per second during the outage")
    parser.add_argument("--before", type=int, default=10)
    parser.add_argument("--stuck-after", type=int, default=60)
    parser.add_argument("--sweep", type=int, default=15)
    parser.add_argument("--timeout", type=int, default=400, help="give up waiting for the drain after this")
    parser.add_argument("--only", choices=["redis", "postgres"])
    parser.add_argument("--out", default=str(ROOT / "artifacts" / "recovery"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {machine()}; load average at start: {loadavg()}")
    print(f"EXTRACTION_STUCK_AFTER_SECONDS={args.stuck_after}, EXTRACTION_SWEEP_SECONDS={args.sweep}")

    url = fresh_database(DB)
    tmp = Path(tempfile.mkdtemp(prefix="bench-recovery-"))
    own_redis = OwnRedis(tmp)
    own_redis.start()
    redis_url = f"redis://127.0.0.1:{own_redis.port}/0"
    pg_host_port = PG.rsplit("@", 1)[-1]
    host, _, port = pg_host_port.partition(":")
    proxy = CuttableProxy(host, int(port or 5432))
    worker_url = url.replace(pg_host_port, f"127.0.0.1:{proxy.port}")

    os.environ.update(DATABASE_URL=url, REDIS_URL=redis_url, DJANGO_SETTINGS_MODULE="factcheck.settings")
    import django

    django.setup()
    import random

    worker_env = {
        **os.environ,
        "DATABASE_URL": worker_url,
        "REDIS_URL": redis_url,
        "EXTRACTION_STUCK_AFTER_SECONDS": str(args.stuck_after),
        "EXTRACTION_SWEEP_SECONDS": str(args.sweep),
    }
    log = (out / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "factcheck",
            "worker",
            "-Q",
            "celery,linking",
            "--concurrency=2",
            "-B",
            "-s",
            str(tmp / "beat-schedule"),
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=worker_env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    results = []
    try:
        time.sleep(45)  # the worker warms its encoder before taking tasks
        rng = random.Random(3)
        if args.only in (None, "redis"):
            results.append(scenario("redis", args, cut=own_redis.stop, restore=own_redis.start, rng=rng))
        if args.only in (None, "postgres"):
            results.append(scenario("postgres", args, cut=proxy.cut, restore=proxy.restore, rng=rng))
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        own_redis.stop()
    for r in results:
        report({**r, "outage": args.outage, "timeout": args.timeout})
    print(f"\nload average at end: {loadavg()}")


if __name__ == "__main__":
    main()
