"""The review pages' queue counts, cached in Redis.

The dashboard and every queue page count the queues (one statement of COUNT subqueries,
factcheck.review.queues.counts): at 200,000 claims 30-360 ms of PostgreSQL each time, for
every one of 50 people reloading. The result is kept in the cache under the statement's own SQL
and parameters, so a count is shared by everyone who would run the same statement (the user's
id is in the SQL where the queue depends on it), plus a "generation" number that every committed
editorial change bumps (audit_committed, connected in apps.py): a change shows at once; what no
audit event marks (new articles extracted) shows within REVIEW_COUNTS_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

COUNTS_GENERATION_KEY = "review:counts:generation"


def counts_generation() -> int:
    # A missing number (a fresh or flushed cache) starts from the clock, never from a number
    # that keys still in the cache may carry.
    return cache.get_or_set(COUNTS_GENERATION_KEY, time.time_ns, timeout=None)


def counts_invalidate(**_kwargs) -> None:
    """Receiver of audit_committed: every cached count is out of date."""
    try:
        cache.incr(COUNTS_GENERATION_KEY)
    except ValueError:  # not there: any number no key carries will do
        cache.set(COUNTS_GENERATION_KEY, time.time_ns(), timeout=None)
    except (redis.RedisError, OSError):
        pass  # the cache is down: nothing is read from it either


def cached_counts(sql: str, params: list, compute) -> tuple:
    """`compute()` (the count row of `sql` with `params`), from the cache when the same
    statement was counted within REVIEW_COUNTS_CACHE_SECONDS and nothing editorial has changed
    since. The cache being down is no error: the counts are computed."""
    seconds = settings.REVIEW_COUNTS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    try:
        digest = hashlib.sha256(repr((sql, list(params))).encode()).hexdigest()[:32]
        key = f"review:counts:{counts_generation()}:{digest}"
        row = cache.get(key)
        if row is None:
            row = compute()
            cache.set(key, tuple(row), timeout=seconds)
        return tuple(row)
    except (redis.RedisError, OSError) as exc:
        log.warning("count cache unavailable (%s): counting", exc)
        return compute()
