"""The review pages' queue counts and the dashboard's shared rows, cached in Redis.

The dashboard and every queue page count the queues (one statement of COUNT subqueries,
factcheck.review.queues.counts): at 200,000 claims 30-360 ms of PostgreSQL each time, for
every one of 50 people reloading. The result is kept in the cache under the statement's own SQL
and parameters, so a count is shared by everyone who would run the same statement (the user's
id is in the SQL where the queue depends on it), plus a "generation" number that every committed
editorial change bumps (audit_committed, connected in apps.py): a change shows at once; what no
audit event marks (new articles extracted) shows within REVIEW_COUNTS_CACHE_SECONDS.

`cached_value` keeps anything else under the same rules: the dashboard's previews, charts and
recent activity (factcheck.review.queues.dashboard_summary), which are the same for every member
who sees the same claims, and cost two thirds of the page's CPU to build (docs/benchmarks.md,
"Page costs").
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


def cached_value(identity: tuple, compute):
    """`compute()`, from the cache when a value of the same `identity` (a tuple with a stable
    repr: SQL, parameters, names) was computed within REVIEW_COUNTS_CACHE_SECONDS and nothing
    editorial has changed since. The value must pickle and must not be None. The cache being
    down is no error: the value is computed."""
    seconds = settings.REVIEW_COUNTS_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr(identity).encode()).hexdigest()[:32]
    try:
        key = f"review:counts:{counts_generation()}:{digest}"
        value = cache.get(key)
    except (redis.RedisError, OSError) as exc:
        log.warning("count cache unavailable (%s): computing", exc)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, timeout=seconds)
        except (redis.RedisError, OSError) as exc:
            log.warning("count cache unavailable (%s): not stored", exc)
    return value


def cached_counts(sql: str, params: list, compute) -> tuple:
    """`compute()` (the count row of `sql` with `params`), from the cache when the same
    statement was counted within REVIEW_COUNTS_CACHE_SECONDS and nothing editorial has changed
    since (`cached_value`)."""
    return cached_value((sql, list(params)), lambda: tuple(compute()))
