"""bin/start with DEBUG=false, for real: gunicorn serves the pages and WhiteNoise the static
files (hashed names, gzip, cached for a year), behind a TLS proxy (X-Forwarded-Proto); the
logs are JSON lines carrying each request's id; no demo user is created."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from .conftest import free_port

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

STRONG_KEY = "p7Lm" + "x2Zq-vR9_mN3bT8wL1yH6cF0dJ5sG4aE7uK2qP9rV3nB8mX1zC6"
HOST = "desk.example.org"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def get(url: str, **headers: str):
    """A request as the TLS proxy forwards it, unless the caller overrides a header."""
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})  # noqa: S310 (http://127.0.0.1 only)
    try:
        return opener.open(request, timeout=30)
    except urllib.error.HTTPError as exc:
        return exc


@pytest.fixture
def production(tmp_path):
    """bin/start in production mode on a free port, over the test database; no Redis
    (tasks in-process), no encoder warm-up (saves a minute of CPU), one worker."""
    port = free_port()
    db = settings.DATABASES["default"]
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    keep = {"PATH", "HOME", "LANG", "PLAYWRIGHT_BROWSERS_PATH"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        BEHIND_PROXY="true",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(tmp_path / "static"),
        BIND=f"127.0.0.1:{port}",
        WEB_WORKERS="1",
        LINK_WARM_WEB="false",
        DEMO_PASSWORD="never-printed-in-production",
    )
    log_path = tmp_path / "start.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["bin/start"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if opener.open(f"{base}/healthz", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"bin/start did not come up:\n{log_path.read_text()[-4000:]}")
            time.sleep(0.3)
        yield base, tmp_path / "static", log_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # bin/start, gunicorn and its worker: our own group
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_bin_start_in_production(production):
    base, static_root, log_path = production

    # Pages: gunicorn answers; behind the proxy (X-Forwarded-Proto: https) the login page
    # renders, and plain HTTP that did not come through the proxy is sent to HTTPS.
    page = get(f"{base}/accounts/login/")
    assert page.status == 200
    request_id = page.headers["X-Request-ID"]
    html = page.read().decode()
    assert get(f"{base}/accounts/login/", **{"X-Forwarded-Proto": "http"}).status == 301

    # Static files: the page links the hashed name from collectstatic's manifest, and
    # WhiteNoise serves it compressed and cacheable forever.
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/desk.css"]
    assert hashed != "css/desk.css" and f"/static/{hashed}" in html
    css = get(f"{base}/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in css.headers["Cache-Control"]
    assert gzip.decompress(css.read()) == (settings.BASE_DIR / "static" / "css" / "desk.css").read_bytes()
    assert get(f"{base}/static/{manifest['bootstrap/css/bootstrap.min.css']}").status == 200
    assert get(f"{base}/static/css/nope.css").status == 404

    # Probes work by IP over plain HTTP, and readiness sees the database.
    assert get(f"{base}/readyz", Host="127.0.0.1").status == 200

    # No demo users in production, and no password printed.
    assert not get_user_model().objects.exists()
    output = Path(log_path).read_text()
    assert "never-printed-in-production" not in output and "Demo logins" not in output

    # The log: JSON lines; the page's own line carries the id its response header gave.
    time.sleep(0.5)  # let the worker's stream flush
    lines = [json.loads(line) for line in Path(log_path).read_text().splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("request_id") == request_id]
    assert mine, lines[-10:]
    assert any(line["logger"] == "factcheck.request" and line["status"] == 200 for line in mine)
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(line["logger"].startswith("gunicorn") for line in lines)  # gunicorn's own lines are JSON too
