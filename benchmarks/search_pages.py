"""Benchmark: the filtered search page over real HTTP, with the production server.

  .venv/bin/python benchmarks/search_pages.py [--articles 10000 --claims-per-article 20
                                               --rounds 20 --port 8771]
  .venv/bin/python benchmarks/search_pages.py --reuse      # keep the data set of the last run
  .venv/bin/python benchmarks/search_pages.py --reuse --explain   # and print each query plan

Builds (or reuses) the database `factcheck_bench_search` with `manage.py generate_dataset`
(10,000 articles, 200,000 claims by default), then gives it what a desk at deadline has and
the generator leaves out: 15% of claims assigned (10% to the signed-in fact-checker), every
50th article an imported fact-check (so "already checked" matches exist), and claimant
names. VACUUM ANALYZE, then gunicorn (gunicorn.conf.py: 2 workers x 4 threads, DEBUG=false)
on loopback. One signed-in fact-checker requests each filtered search of SEARCHES --rounds
times, one request at a time, round-robin (after one warm-up round), over HTTP with
keep-alive off (a new connection per request, as a browser behind a proxy would not even
pay). Prints per search and overall p50/p95/max (ms, client-side: the whole HTTP round
trip including rendering) and the load average before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    PG,
    ROOT,
    fresh_database,
    loadavg,
    machine,
    start_web,
    stop_process,
    wait_ready,
)

DB = "factcheck_bench_search"
PASSWORD = "search-" + secrets.token_urlsafe(12)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# (name, query string); {verdict} and {outlet} are filled in from the database.
SEARCHES = [
    ("all claims (default sort: score)", "scope=claims"),
    ("stage candidate, score >= 0.5", "scope=claims&stage=candidate&score_min=0.5"),
    ("stage in review", "scope=claims&stage=in_review"),
    ("assigned to me", "scope=claims&assignee=me"),
    ("nobody assigned, stage draft", "scope=claims&assignee=nobody&stage=draft"),
    ("suggested links", "scope=claims&links=suggested"),
    ("no links, score >= 0.7", "scope=claims&links=none&score_min=0.7"),
    ("already checked", "scope=claims&links=checked"),
    ("verdict + outlet", "scope=claims&verdict={verdict}&outlet={outlet}"),
    ("one week, candidates", "scope=claims&date_from=2024-03-01&date_to=2024-03-07&stage=candidate"),
    ("text + stage", "scope=claims&q=evacuated+Kursk&stage=candidate"),
    ("text + confirmed links + dates", "scope=claims&q=Kursk&links=confirmed&date_from=2024-06-01"),
    ("claimant", "scope=claims&speaker=ministry"),
    ("claimant + assigned to me + page 3", "scope=claims&speaker=police&assignee=me&page=3"),
    ("quotes with no links", "scope=quotes&links=none"),
]

SHAPE_SQL = """
UPDATE articles_article SET kind = 'factcheck', review_key = md5(id::text) WHERE id % 50 = 0;
UPDATE claims_claim SET claimant_text =
  regexp_replace(text, ' (reported|said|estimated|confirmed|denied|claimed) that .*$', '');
UPDATE claims_claim SET assigned_to_id = (SELECT id FROM auth_user WHERE username = 'bench-checker')
  WHERE id % 10 = 0;
UPDATE claims_claim SET assigned_to_id = (SELECT id FROM auth_user WHERE username = 'bench-editor')
  WHERE id % 20 = 5;
"""


def build(url: str, articles: int, per_article: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
    t = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "generate_dataset",
            "--articles",
            str(articles),
            "--claims-per-article",
            str(per_article),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"generated in {time.perf_counter() - t:.0f} s")


def users(url: str) -> None:
    """The two desk members (again on --reuse: the password is new each run)."""
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": ""}
    script = f"""
from factcheck.accounts.roles import Role
from factcheck.accounts.services import user_create_with_role
user_create_with_role(username="bench-checker", password={PASSWORD!r}, role=Role.FACT_CHECKER)
user_create_with_role(username="bench-editor", password={PASSWORD!r}, role=Role.EDITOR)
"""
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True)


def shape(url: str) -> None:
    subprocess.run(["psql", url, "-qc", SHAPE_SQL], check=True)
    subprocess.run(["psql", url, "-qc", "VACUUM ANALYZE"], check=True)


def fill(url: str) -> list[tuple[str, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        verdict = conn.execute("SELECT verdict_id FROM claims_claim WHERE verdict_id IS NOT NULL LIMIT 1").fetchone()
        outlet = conn.execute("SELECT id FROM articles_outlet ORDER BY name LIMIT 1").fetchone()
    return [(name, q.format(verdict=verdict[0], outlet=outlet[0])) for name, q in SEARCHES]


def explain(url: str, searches: list[tuple[str, str]]) -> None:
    """The plan of each search's page query and count, as the view runs them (in-process)."""
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="factcheck.settings", REDIS_URL="")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.http import QueryDict

    from factcheck.review.views.search import SEARCH_SCOPES, _search_form

    user = User.objects.get(username="bench-checker")
    for name, query in searches:
        scope, form = _search_form(QueryDict(query))
        assert form.is_valid(), (name, form.errors)
        qs = SEARCH_SCOPES[scope][0](user, form.cleaned_data)
        print(f"\n=== {name}: {query}\n--- page")
        print(qs[:50].explain(analyze=True))
        print("--- count")
        print(qs.order_by().explain(analyze=True))


def session(port: int) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/accounts/login/").read().decode()
    unsecure(jar)
    token = CSRF_RE.search(page).group(1)
    data = urllib.parse.urlencode(
        {"username": "bench-checker", "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(f"{base}/accounts/login/", data=data)  # its redirect is followed before unsecure()
    unsecure(jar)
    assert "/accounts/login/" not in opener.open(f"{base}/").url, "login failed"
    return opener


def unsecure(jar: http.cookiejar.CookieJar) -> None:
    """Send the Secure cookies (production settings) back over plain HTTP on loopback, as
    the locustfile does: there is no TLS proxy in front of gunicorn here."""
    for cookie in jar:
        cookie.secure = False


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--claims-per-article", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average at start: {loadavg()}")
    url = f"{PG}/{DB}"
    if not args.reuse:
        url = fresh_database(DB)
        build(url, args.articles, args.claims_per_article)
    users(url)
    if not args.reuse:
        shape(url)
    searches = fill(url)
    import psycopg

    with psycopg.connect(url) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM articles_article), (SELECT count(*) FROM claims_claim),"
            " (SELECT count(*) FROM linking_claimlink), (SELECT count(*) FROM claims_quote)"
        ).fetchone()
    print("data: {:,} articles, {:,} claims, {:,} claim links, {:,} quotes".format(*counts))
    if args.explain:
        explain(url, searches)
        return

    web = start_web(url, args.port, "bench-search-")
    try:
        wait_ready(args.port, 120)
        opener = session(args.port)
        base = f"http://127.0.0.1:{args.port}/search/?"
        times: dict[str, list[float]] = {name: [] for name, _ in searches}
        sizes: dict[str, int] = {}
        results: dict[str, str] = {}
        for round_no in range(args.rounds + 1):
            for name, query in searches:
                t = time.perf_counter()
                with opener.open(base + query) as response:
                    body = response.read()
                    assert response.status == 200, (name, response.status)
                ms = (time.perf_counter() - t) * 1000
                if round_no == 0:  # warm-up
                    sizes[name] = len(body)
                    found = re.search(rb'id="result-count"[^>]*><strong>([\d,]+)</strong>', body)
                    results[name] = found.group(1).decode() if found else "?"
                    continue
                times[name].append(ms)
        print(f"load average after: {loadavg()}")
        print(f"\n{'search':42} {'results':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KB':>6}")
        every = []
        for name, _ in searches:
            values = times[name]
            every += values
            print(
                f"{name:42} {results[name]:>8} {statistics.median(values):8.0f} {percentile(values, 0.95):8.0f}"
                f" {max(values):8.0f} {sizes[name] / 1024:6.0f}"
            )
        print(
            f"{'all ' + str(len(every)) + ' requests':42} {'':>8} {statistics.median(every):8.0f}"
            f" {percentile(every, 0.95):8.0f} {max(every):8.0f}"
        )
    finally:
        stop_process(web)


if __name__ == "__main__":
    main()
