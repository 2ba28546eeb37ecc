"""Benchmark: server time and query counts of the review pages on a large PostgreSQL data set.

  .venv/bin/python benchmarks/review_pages.py [--articles 10000 --claims-per-article 20 --repeat 30]
  .venv/bin/python benchmarks/review_pages.py --reuse     # keep the data set from the last run
  .venv/bin/python benchmarks/review_pages.py --reuse --http [--clients 8 --repeat 25]

Builds (or reuses) the database `factcheck_bench_review` with `manage.py generate_dataset`
(10,000 articles, 200,000 claims by default), then requests each page in-process through
Django's test client as a signed-in fact-checker: median and 95th percentile of the
server time (request to response, rendering included) over --repeat requests after two
warm-ups, and the number of SQL queries. The list pages are also measured at page sizes
10 and 100 to show the query count does not grow with the page. The Django admin's claim
changelist is measured in the same run for comparison.

With --http, the same data set is served by the production stack instead (gunicorn with
gunicorn.conf.py, DEBUG=false, whitenoise, the JSON request log): --clients users sign in
through the login form and request the reader, claim pages, search, the review queue and the
dashboard (random articles and claims), --repeat times each, all at once and without think
time; it prints client and server p50/p95/p99 per page, and the size of the reader's HTML for
a ~5,000-word article (added on first use, every sentence a claim candidate). --extra-url
NAME=/path adds a page (the queue pages once merged).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    PG,
    ROOT,
    fresh_database,
    loadavg,
    machine,
    migrate_database,
    request_costs,
    stop_process,
    web_env,
)

DB = "factcheck_bench_review"


def measure(client, url: str, repeat: int) -> dict:
    row = request_costs(client, url, repeat)
    assert row is not None, (url, client.get(url).status_code)
    return {
        "median_ms": round(row["median"], 1),
        # This process's CPU time per request (Django, the ORM, templates; not PostgreSQL's):
        # steadier than the wall time on a shared machine, and what bounds requests/s per core.
        "cpu_median_ms": round(row["cpu"], 1),
        "p95_ms": round(row["p95"], 1),
        "queries": row["queries"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--db", default=DB, help="the scratch database (dropped and rebuilt unless --reuse)")
    parser.add_argument("--http", action="store_true", help="measure over HTTP with gunicorn (see above)")
    parser.add_argument("--clients", type=int, default=8, help="--http: signed-in clients at once")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--web-workers", type=int, default=0, help="--http: WEB_WORKERS (default: gunicorn.conf.py)")
    parser.add_argument("--web-threads", type=int, default=0, help="--http: WEB_THREADS (default: gunicorn.conf.py)")
    parser.add_argument("--extra-url", action="append", default=[], metavar="NAME=/path")
    args = parser.parse_args()
    url = migrate_database(args.db) if args.reuse else f"{PG}/{args.db}"
    if not args.reuse:
        url = fresh_database(args.db)
        t = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "generate_dataset",
                "--articles",
                str(args.articles),
                "--claims-per-article",
                str(args.claims_per_article),
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"generated in {time.perf_counter() - t:.0f} s")
        subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)
    print(f"machine: {machine()}; load average: {loadavg()}")
    if args.http:
        http_main(args, url)
        return
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings", DEBUG="true")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from factcheck.articles.models import Article
    from factcheck.claims.models import Claim
    from factcheck.review.views import common as listing

    checker, _ = User.objects.get_or_create(username="bench-checker")
    checker.groups.add(Group.objects.get(name="fact-checker"))
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client, admin_client = Client(), Client()
    client.force_login(checker)
    admin_client.force_login(admin)

    article = Article.objects.order_by("id")[Article.objects.count() // 2]
    claim = Claim.objects.filter(article=article).order_by("id").first()
    linked = Claim.objects.filter(links_out__isnull=False).order_by("id").first() or claim
    pages = {
        "review queue (claims awaiting review)": "/search/?scope=claims&status=candidate",
        "article list": "/articles/",
        "article reader": f"/articles/{article.pk}/",
        "search (full text)": "/search/?scope=claims&q=evacuated+Kursk",
        "claim page": f"/claims/{claim.pk}/",
        "claim page (with links)": f"/claims/{linked.pk}/",
        "dashboard": "/",
    }
    counts = {"articles": Article.objects.count(), "claims": Claim.objects.count()}
    print(f"machine: {machine()}; data: {json.dumps(counts)}")
    results = {}
    for name, page in pages.items():
        results[name] = measure(client, page, args.repeat)
        print(f"{name:<40} {json.dumps(results[name])}")
    results["admin claim changelist (comparison)"] = measure(admin_client, "/admin/claims/claim/", args.repeat)
    print(f"{'admin claim changelist (comparison)':<40} {json.dumps(results['admin claim changelist (comparison)'])}")
    for size in (10, 100):
        listing.PAGE_SIZE = size
        for name in ("review queue (claims awaiting review)", "search (full text)", "article list"):
            r = measure(client, pages[name], 5)
            print(f"page size {size:>3}: {name:<38} queries={r['queries']} median_ms={r['median_ms']}")


# --- Over real HTTP, with the production server ------------------------------------------------

LONG_WORDS = 5_000


def long_article(url: str) -> int:
    """The id of a ~5,000-word article (415 generated sentences, every one a claim candidate, as
    the extractor leaves news text), made on first use with `generate_dataset`."""
    import psycopg

    query = "SELECT id FROM articles_article WHERE length(body) > 30000 ORDER BY id DESC LIMIT 1"
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()
    if row is None:
        subprocess.run(
            [sys.executable, "manage.py", "generate_dataset", "--articles", "1", "--claims-per-article", "415"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with psycopg.connect(url) as conn:
            row = conn.execute(query).fetchone()
    return row[0]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1)))]


def http_main(args, url: str) -> None:
    """Start gunicorn as bin/start does with DEBUG=false (gunicorn.conf.py), sign --clients users
    in through the login form, and have them request the pages in turn, --repeat times each page,
    all at once. Client time is the whole HTTP round trip (waiting for a gunicorn thread
    included); server time is the web's own `duration_ms` log field."""
    import collections
    import gzip
    import random
    import re
    import secrets
    import tempfile
    import threading

    import psycopg
    import requests

    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    port = args.port
    env = web_env(
        url,
        port,
        tmp,
        REDIS_URL=args.redis,
        # The link-search encoder is not used by these pages; warming it costs 15-20 s of CPU
        # per web process on a shared machine.
        LINK_WARM_WEB="false",
        **({"WEB_WORKERS": str(args.web_workers)} if args.web_workers else {}),
        **({"WEB_THREADS": str(args.web_threads)} if args.web_threads else {}),
    )
    password = "bench-" + secrets.token_urlsafe(12)
    names = [f"bench-http-{i}" for i in range(args.clients)]
    script = (
        "from django.contrib.auth.models import Group, User\n"
        f"for name in {names!r}:\n"
        "    user, _ = User.objects.get_or_create(username=name)\n"
        f"    user.set_password({password!r}); user.save()\n"
        "    user.groups.add(Group.objects.get(name='fact-checker'))\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    long_id = long_article(url)
    with psycopg.connect(url) as conn:
        articles = [
            r[0]
            for r in conn.execute("SELECT id FROM articles_article WHERE kind = 'news' ORDER BY random() LIMIT 500")
        ]
        claims = [r[0] for r in conn.execute("SELECT id FROM claims_claim ORDER BY random() LIMIT 500")]
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM articles_article), (SELECT count(*) FROM claims_claim)"
        ).fetchone()
        words = len(conn.execute("SELECT body FROM articles_article WHERE id = %s", [long_id]).fetchone()[0].split())
    terms = ["evacuated", "Kursk", "drones", "ministry", "power", "border", "Odesa", "refugees"]
    pages = {
        "reader /articles/[id]/": lambda rng: f"/articles/{rng.choice(articles)}/",
        "claim /claims/[id]/": lambda rng: f"/claims/{rng.choice(claims)}/",
        "search /search/?q=": lambda rng: f"/search/?q={rng.choice(terms)}",
        "review queue /search/?scope=claims&status=candidate": lambda rng: "/search/?scope=claims&status=candidate",
        "dashboard /": lambda rng: "/",
    }
    for extra in args.extra_url:
        name, _, path = extra.partition("=")
        pages[name] = lambda rng, path=path: path
    log_path = tmp / "web.log"
    with log_path.open("w") as log:
        web = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "factcheck.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or web.poll() is not None:
                raise SystemExit(f"the web did not become ready; see {log_path}")
            time.sleep(1)

        def signed_in(name: str) -> requests.Session:
            session = requests.Session()
            page = session.get(f"{base}/accounts/login/")
            for cookie in session.cookies:  # Secure cookies over plain HTTP on loopback
                cookie.secure = False
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            response = session.post(
                f"{base}/accounts/login/",
                data={"username": name, "password": password, "csrfmiddlewaretoken": token},
                allow_redirects=False,
            )
            assert response.status_code == 302, response.status_code
            for cookie in session.cookies:  # Secure cookies over plain HTTP on loopback
                cookie.secure = False
            return session

        sessions = [signed_in(name) for name in names]
        # The reader's HTML for the 5,000-word article: default view and every candidate.
        sizes = {}
        for label, query in (("default", ""), ("all candidates", "?show=all")):
            response = sessions[0].get(f"{base}/articles/{long_id}/{query}", headers={"Accept-Encoding": "gzip"})
            raw = len(response.content)
            sizes[label] = (raw, len(gzip.compress(response.content)), response.elapsed.total_seconds() * 1000)
        client_times: dict[str, list[float]] = collections.defaultdict(list)
        statuses: collections.Counter = collections.Counter()
        print(f"load average before the run: {loadavg()}")
        started = time.monotonic()

        def run(session: requests.Session, seed: int) -> None:
            rng = random.Random(seed)
            order = [name for name in pages for _ in range(args.repeat)]
            rng.shuffle(order)
            for name in order:
                t = time.perf_counter()
                response = session.get(base + pages[name](rng), allow_redirects=False)
                client_times[name].append((time.perf_counter() - t) * 1000)
                statuses[(name, response.status_code)] += 1

        threads = [threading.Thread(target=run, args=(s, i)) for i, s in enumerate(sessions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        print(f"load average after the run: {loadavg()}")
    finally:
        stop_process(web)
    server: dict[str, list[float]] = collections.defaultdict(list)
    patterns = {
        "reader /articles/[id]/": re.compile(r"^/articles/\d+/$"),
        "claim /claims/[id]/": re.compile(r"^/claims/\d+/$"),
    }
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if "duration_ms" not in rec or rec.get("method") != "GET":
            continue
        path = rec.get("path", "")
        for name, pattern in patterns.items():
            if pattern.match(path):
                server[name].append(rec["duration_ms"])
        if path == "/search/":
            server["search and queue /search/"].append(rec["duration_ms"])
        elif path == "/":
            server["dashboard /"].append(rec["duration_ms"])
    total = sum(len(v) for v in client_times.values())
    print(
        f"\ndata: {counts[0]:,} articles, {counts[1]:,} claims; {args.clients} signed-in clients at once, "
        f"{args.repeat} requests per page each, no think time: {total} requests in {elapsed:.0f} s "
        f"({total / elapsed:.1f} req/s); gunicorn workers x threads: "
        f"{args.web_workers or 'conf'} x {args.web_threads or 'conf'}"
    )
    bad = {k: v for k, v in statuses.items() if k[1] != 200}
    print(f"non-200 responses: {bad or 'none'}")
    print(f"\n{'page':52} {'n':>5} {'client p50':>10} {'p95':>6} {'p99':>6} (ms)")
    for name, values in client_times.items():
        print(
            f"{name:52} {len(values):>5} {pct(values, 0.5):>10.0f} {pct(values, 0.95):>6.0f} {pct(values, 0.99):>6.0f}"
        )
    print(f"\n{'page (server time, the web log)':52} {'n':>5} {'server p50':>10} {'p95':>6} {'p99':>6} (ms)")
    for name, values in server.items():
        print(
            f"{name:52} {len(values):>5} {pct(values, 0.5):>10.0f} {pct(values, 0.95):>6.0f} {pct(values, 0.99):>6.0f}"
        )
    print(f"\nreader HTML for article {long_id} ({words:,} words, every sentence a candidate):")
    for label, (raw, gz, ms) in sizes.items():
        print(f"  {label:15} {raw / 1024:8.1f} KiB ({gz / 1024:.1f} KiB gzipped), first request {ms:.0f} ms")


if __name__ == "__main__":
    main()
