"""A real HTTP receiver on loopback: it records each POST (headers and raw body) and answers
with the next status of its script, and the settings that let the desk reach it (only
127.0.0.1 is allowed past the SSRF check, as in tests/sources)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    base: str = ""
    script: list[int] = field(default_factory=list)  # statuses to answer, in turn; then 200
    received: list[Received] = field(default_factory=list)
    answer: bytes = b'{"ok": true}'

    @property
    def url(self) -> str:
        return f"{self.base}/hooks"


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        status = self.receiver.script.pop(0) if self.receiver.script else 200
        answer = self.receiver.answer if status < 300 else b"upstream busy " * 200  # a long error page
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def receiver(settings):
    state = Receiver()
    handler = type("Handler", (_Handler,), {"receiver": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SOURCES_ALLOWED_TEST_HOSTS = ["127.0.0.1"]
    settings.SITE_URL = "http://testserver"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _tasks_in_process(settings):
    """Delivery tasks run in the test's process (the suite's broker has no worker on the
    `webhooks` queue): a queued retry or sweep runs at once and, not due yet, does nothing."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
