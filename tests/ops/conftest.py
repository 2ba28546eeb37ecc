"""Fixtures for operations tests: a Redis of the test's own (started and stopped here, never the
shared one) and the Celery app pointed at a broker of the test's choosing."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A throwaway redis-server on its own port, in memory only."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=0.5)


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the Celery app (and its pooled producer connections) at `url`, then back."""
    from factcheck.celery import app

    def reset_pools() -> None:
        # Drop the app's references only: kombu keeps one pool per broker URL in a global
        # registry, and closing the shared one would break every later enqueue in this process.
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.broker_url
    reset_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url = before


@pytest.fixture
def broker_at(settings):
    """Use as `with broker_at(url):` — the Celery app and settings.CELERY_BROKER_URL (what
    readiness checks) both point at `url` inside the block."""

    @contextlib.contextmanager
    def _at(url: str) -> Iterator[None]:
        # The Celery app reads Django settings lazily: repoint it before touching settings, or
        # its first read would take the new URL as the one to restore.
        with celery_broker(url):
            before = settings.CELERY_BROKER_URL
            settings.CELERY_BROKER_URL = url
            try:
                yield
            finally:
                settings.CELERY_BROKER_URL = before

    return _at
