"""Benchmark: pruning a large backlog (retention), and how long each batch holds its locks.

  .venv/bin/python benchmarks/retention.py [--deliveries 100000 --notifications 200000 --batch 1000]

A scratch database (`factcheck_rules_retention`): two endpoints, --deliveries events each with
one delivery delivered 40 days ago and two attempts, plus a tenth as many pending deliveries
(kept); --notifications read 100 days ago plus a tenth unread (kept); written in bulk by INSERT ... SELECT.
Then `webhooks_prune()` and `notifications_prune()` as beat runs them (RETENTION_BATCH_SIZE
--batch): the rows deleted, the total time, the number of batches and the longest batch (the
longest any row stays locked). A second run shows the idempotent no-op's cost.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fill(url: str, deliveries: int, notifications: int) -> None:
    import psycopg

    old, recent = "now() - interval '40 days'", "now() - interval '100 days'"
    with psycopg.connect(url, autocommit=True) as conn:
        ct = conn.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'claims' AND model = 'claim'"
        ).fetchone()[0]
        endpoints = [
            conn.execute(
                "INSERT INTO webhooks_endpoint (url, description, secret, previous_secret, events, active, "
                "created_at, updated_at) VALUES (%s, '', 's', '', '[]', true, now(), now()) RETURNING id",
                [f"https://example.org/{i}"],
            ).fetchone()[0]
            for i in range(2)
        ]
        kept = deliveries // 10
        conn.execute(
            f"INSERT INTO webhooks_event (event_id, type, content_type_id, object_id, changes, occurred_at, "
            f"created_at) SELECT 'evt_' || g, 'claim.submitted', {ct}, g, '{{}}', {old}, {old} "
            f"FROM generate_series(1, {deliveries + kept}) g"
        )
        conn.execute(
            f"INSERT INTO webhooks_delivery (endpoint_id, event_id, state, attempts, delivered_at, created_at, "
            f"updated_at) SELECT {endpoints[0]}, e.id, CASE WHEN e.object_id <= {deliveries} THEN 'delivered' "
            f"ELSE 'pending' END, 1, CASE WHEN e.object_id <= {deliveries} THEN {old} END, {old}, {old} "
            f"FROM webhooks_event e"
        )
        conn.execute(
            f"INSERT INTO webhooks_attempt (delivery_id, number, started_at, duration_ms, response_excerpt, error, "
            f"replay) SELECT d.id, n, {old}, 10, '', '', false FROM webhooks_delivery d, generate_series(1, 2) n"
        )
        user = conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) VALUES ('!', false, 'bench', '', '', '', false, true, now()) RETURNING id"
        ).fetchone()[0]
        unread = notifications // 10
        conn.execute(
            f"INSERT INTO notifications_notification (recipient_id, kind, key, text, excerpt, url, created_at, "
            f"read_at, email_state, email_digest, email_attempts, email_error) SELECT {user}, 'assigned', "
            f"'k' || g, 't', '', '/', {recent}, CASE WHEN g <= {notifications} THEN {recent} END, 'none', false, "
            f"0, '' FROM generate_series(1, {notifications + unread}) g"
        )
        conn.execute("UPDATE notifications_notification SET email_sent_at = created_at WHERE email_state = 'sent'")
        conn.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="factcheck_rules_retention")
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--notifications", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from _common import django_in_process, fresh_database, loadavg, machine

    url = fresh_database(args.db)
    t = time.perf_counter()
    fill(url, args.deliveries, args.notifications)
    print(f"filled in {time.perf_counter() - t:.0f} s; {machine()}")
    django_in_process(url, REDIS_URL="", RETENTION_BATCH_SIZE=str(args.batch))
    from factcheck.core import retention
    from factcheck.notifications.services import notifications_prune
    from factcheck.webhooks.services import webhooks_prune

    batches: list[float] = []
    atomic = retention.transaction.atomic

    @contextlib.contextmanager
    def timed_atomic(*a, **kw):
        start = time.perf_counter()
        with atomic(*a, **kw):
            yield
        batches.append(time.perf_counter() - start)

    # Only the batches' own transactions (Django's delete opens nested ones of its own).
    retention.transaction = types.SimpleNamespace(atomic=timed_atomic)
    for name, prune in (("webhooks", webhooks_prune), ("notifications", notifications_prune)):
        for run in ("first", "again"):
            batches.clear()
            print(f"load average: {loadavg()}")
            t = time.perf_counter()
            counts = prune()
            total = time.perf_counter() - t
            print(
                f"{name} {run}: {counts} in {total:.2f} s; {len(batches)} batches, "
                f"longest {max(batches) * 1000:.0f} ms, median {sorted(batches)[len(batches) // 2] * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
