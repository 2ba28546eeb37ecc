"""Readiness checks: can this web process reach the database and the broker right now?

Each check answers in about a second at worst (short connect and read timeouts), so a load
balancer polling /readyz never piles up requests behind a dead dependency.
"""

from __future__ import annotations

import functools
import logging

import redis
from django.conf import settings
from django.db import DatabaseError, connection

log = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 1.0


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        log.warning("readiness: database unreachable: %s", exc)
        # A persistent connection that failed is useless; the next request opens a new one.
        connection.close_if_unusable_or_obsolete()
        return False


@functools.lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    # One client (and connection pool) per process and URL: a probe reuses its connection.
    return redis.Redis.from_url(
        url, socket_connect_timeout=BROKER_TIMEOUT_SECONDS, socket_timeout=BROKER_TIMEOUT_SECONDS
    )


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        # memory:// with in-process (eager) tasks: nothing to reach.
        return True
    try:
        return bool(_redis_client(url).ping())
    except redis.RedisError as exc:
        log.warning("readiness: broker unreachable: %s", exc)
        return False


def readiness() -> dict[str, bool]:
    """Each dependency and whether it answered."""
    return {"database": database_ok(), "broker": broker_ok()}
