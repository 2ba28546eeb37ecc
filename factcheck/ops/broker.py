"""What a failed enqueue raises when the broker (Redis) is down.

Celery wraps connection errors in kombu's OperationalError after its publish retries; a
redis-py ConnectionError or a plain socket error can also come through from the client."""

from __future__ import annotations

import kombu.exceptions
import redis

BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.ConnectionError,
    redis.TimeoutError,
    ConnectionError,
)
