"""Helpers shared by the benchmark scripts: a scratch PostgreSQL database and a Redis DB."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def fresh_database(name: str) -> str:
    """Drop and create `name`, migrate it, and return its DATABASE_URL."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG}/{name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True
    )
    return url


def migrate_database(name: str) -> str:
    """Bring a reused database up to the code's migrations; return its DATABASE_URL."""
    url = f"{PG}/{name}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True
    )
    return url


def generate_dataset(url: str, articles: int, per_article: int) -> None:
    """`manage.py generate_dataset` into `url`, then VACUUM ANALYZE (autovacuum is off here)."""
    import time

    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "generate_dataset", "--articles", str(articles)]
        + ["--claims-per-article", str(per_article)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "REDIS_URL": ""},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    print(f"generated in {time.perf_counter() - t:.0f} s")


def django_in_process(url: str, root: Path = ROOT, **extra: str) -> None:
    """Set Django up in this process over `url` as production runs it (DEBUG=false: cached
    templates), with `root`'s code first on the path (a before/after run measures another
    checkout with the same script); `extra` adds or overrides environment variables. Static
    URLs without collectstatic's manifest: the pages are measured, not the files."""
    import logging
    import secrets

    os.chdir(root)
    sys.path[:] = [str(root)] + [p for p in sys.path if p not in (str(root), str(ROOT))]
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "LINK_WARM_WEB": "false",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def request_costs(client, path: str, repeat: int) -> dict | None:
    """One page's cost through Django's test client: two warm-ups, then `repeat` requests (wall
    median and 95th percentile, this process's median and minimum CPU, the median time inside
    cursor.execute, i.e. PostgreSQL and the round trip, in ms), then one more that counts the
    SQL queries and the HTML bytes. None if the page does not answer 200. The minimum CPU is
    the request least disturbed by other processes on a shared machine."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if client.get(path).status_code != 200:
        return None
    client.get(path)
    in_db = [0.0]

    def timed(execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_db[0] += time.perf_counter() - t

    times, cpu, db = [], [], []
    for _ in range(repeat):
        in_db[0] = 0.0
        with connection.execute_wrapper(timed):
            t, c = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        db.append(in_db[0] * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    times.sort()
    return {
        "queries": len(queries),
        "bytes": len(response.content),
        "median": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "cpu": statistics.median(cpu),
        "cpumin": min(cpu),
        "db": statistics.median(db),
    }


def web_env(url: str, port: int, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment of the production web (DEBUG=false, no TLS proxy, static files collected
    into `tmp`) on 127.0.0.1:`port` over `url`, without Redis unless `extra` gives REDIS_URL;
    `extra` adds or overrides variables."""
    import secrets

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "BIND": f"127.0.0.1:{port}",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "STATIC_ROOT": str(tmp / "static"),
        **extra,
    }


def start_web(url: str, port: int, prefix: str, **extra: str) -> subprocess.Popen:
    """gunicorn as in production (gunicorn.conf.py, `web_env`) on 127.0.0.1:`port` over `url`,
    without Redis or the encoder warm-up; `extra` adds or overrides environment variables. Its
    log is web.log in a temporary folder named `prefix`."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    # The link-search encoder is not used by these pages; do not spend the CPU warming it.
    env = web_env(url, port, tmp, LINK_WARM_WEB="false", **extra)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with (tmp / "web.log").open("w") as fh:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "factcheck.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=fh,
            start_new_session=True,
        )


def stop_process(proc: subprocess.Popen | None, timeout: float = 30) -> None:
    """Stop a process started with start_new_session: SIGTERM to it alone (a warm shutdown:
    gunicorn finishes its requests, Celery its tasks), then SIGKILL to its whole group if it
    is still there after `timeout` seconds."""
    import signal

    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def api_read_token(url: str, username: str) -> str:
    """A read-scope API token of the fact-checker `username` (created if missing), made again
    on every run: the secret is shown once."""
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
    script = f"""
from django.contrib.auth.models import User
from factcheck.accounts.roles import Role
from factcheck.accounts.services import user_create_with_role
from factcheck.api.services import api_token_create
user = User.objects.filter(username={username!r}).first() or user_create_with_role(
    username={username!r}, password=None, role=Role.FACT_CHECKER)
print("TOKEN", api_token_create(actor=user, user=user, name="bench", scopes=["read"]).secret)
"""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return next(line.split()[1] for line in out.splitlines() if line.startswith("TOKEN "))


def drop_database(name: str) -> None:
    """Drop a scratch database (closing Django's connections to it first)."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def machine() -> str:
    import platform

    return (
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
    )


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages, printed beside every timing (shared cores)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wait_ready(port: int, timeout: float) -> None:
    """Wait for the web on 127.0.0.1:`port` to answer /readyz with 200 (database and broker up)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("the web did not become ready")
