"""A real HTTP server on loopback serving feeds, sitemaps and article pages, and the settings
that let the fetcher reach it (SOURCES_ALLOWED_TEST_HOSTS names 127.0.0.1; nothing else on
loopback or a private network is allowed)."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factcheck.sources import fetching

ARTICLE_TEXT = (
    "The minister said unemployment fell to {n}.1 per cent in October, the lowest figure in ten years, "
    "according to the statistics office. Critics said the figures ignore part-time work, which rose by "
    "{n}00,000 over the same period. “We have never had so many people in work,” the minister told "
    "parliament on Tuesday. The opposition said wages had fallen in real terms for {n} years in a row."
)


def article_html(n: int, *, title: str = "", author: str = "Jane Doe", date: str = "2026-11-20") -> bytes:
    title = title or f"Unemployment falls to a ten-year low, story {n}"
    body = ARTICLE_TEXT.format(n=n)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Example Times</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Example Times">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1><p class="byline">By {author}</p>
<p>{body}</p>
<p>Story number {n} continues with more detail on the labour market and what economists expect next year.</p>
</article>
<footer>Copyright Example Times. All rights reserved. Cookie settings.</footer>
</body></html>""".encode()


def rss(base: str, items: list[int], *, path: str = "/news/") -> bytes:
    entries = "".join(
        f"<item><title>Story {n}</title><link>{base}{path}{n}</link><guid>{base}{path}{n}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 09:30:00 GMT</pubDate></item>"
        for n in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Times</title>'
        f"<link>{base}/</link><description>News</description>{entries}</channel></rss>"
    ).encode()


def news_sitemap(base: str, items: list[int]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}/news/{n}</loc><news:news><news:publication><news:name>Example Times</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>2026-11-20T09:30:00Z"
        f"</news:publication_date><news:title>Story {n}</news:title></news:news></url>"
        for n in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    # Conditional GET: answer 304 when the request carries this ETag / this date.
    etag: str = ""
    last_modified: str = ""
    chunked: bool = False  # send the body without Content-Length, in pieces
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int
    at: float = 0.0  # when the server received it (time.time())


class Site:
    """What the server serves (path -> Reply or a callable returning one) and what it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[], Reply]] = {}
        self.seen: list[Seen] = []
        self.base = ""
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def paths(self, status: int | None = None) -> list[str]:
        return [s.path for s in self.seen if status is None or s.status == status]

    def forget(self) -> None:
        self.seen.clear()

    def serve_articles(self, items: list[int], *, path: str = "/news/") -> None:
        for n in items:
            self.routes[f"{path}{n}"] = Reply(body=article_html(n))


class _Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        site = self.server.site  # type: ignore[attr-defined]
        with site._lock:
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
        self._counted = True
        try:
            self._answer(site)
        finally:
            self._answered(site)

    def _answered(self, site: Site) -> None:
        """The request stops counting as in flight once its answer starts going out: the client
        may have it all, and send the next request, before this thread runs again."""
        if self._counted:
            self._counted = False
            with site._lock:
                site.in_flight -= 1

    def _answer(self, site: Site) -> None:
        received = time.time()
        route = site.routes.get(self.path)
        reply = route() if callable(route) else route
        if reply is None:
            reply = Reply(status=404, body=b"not here")
        if reply.delay:
            time.sleep(reply.delay)
        status = reply.status
        etag_matches = reply.etag and self.headers.get("If-None-Match") == reply.etag
        date_matches = reply.last_modified and self.headers.get("If-Modified-Since") == reply.last_modified
        if etag_matches or date_matches:
            status = 304
        site.seen.append(Seen(self.path, dict(self.headers), status, received))
        self.send_response(status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.etag:
            self.send_header("ETag", reply.etag)
        if reply.last_modified:
            self.send_header("Last-Modified", reply.last_modified)
        body = b"" if status == 304 else reply.body
        self.send_header("Content-Type", reply.content_type)
        self._answered(site)
        if reply.chunked and body:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 8192):
                piece = body[start : start + 8192]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site(settings):
    """A threaded HTTP server on 127.0.0.1 (an allowed test host), fetched without politeness delay."""
    settings.SOURCES_ALLOWED_TEST_HOSTS = ["127.0.0.1"]
    settings.SOURCES_HOST_DELAY = 0
    settings.SOURCES_HOST_WAIT = 10
    fetching.robots_forget()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    state = Site()
    server.site = state  # type: ignore[attr-defined]
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    fetching.robots_forget()


def http_date(seconds: float) -> str:
    return email.utils.formatdate(seconds, usegmt=True)
