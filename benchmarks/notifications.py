"""Benchmark: notifications at scale on PostgreSQL.

  .venv/bin/python benchmarks/notifications.py [--rows 1000000 --users 200 --repeat 50 --emails 5000]

Builds the scratch database `factcheck_bench_notify` (dropped at the end) with --users desk
members and --rows notifications spread over them (one in ten unread), then prints:

- the bell: `unread_count` for one person (the one COUNT every page adds), median and p95 ms;
- the list page's first page (the selector, 50 rows), median and p95 ms;
- the fan-out: `notifications_from_audit` for 200 comment events that @mention 5 people
  each (what the audit_committed receiver does after a commit), ms per event;
- the outbox: --emails immediate emails sent through Django's locmem backend one by one
  (`email_send`, the task's work), emails/s, and a second pass over the same rows, which
  must send none (at most once).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import drop_database, fresh_database, loadavg, machine  # noqa: E402

DB = "factcheck_bench_notify"


def timed(fn, repeat: int) -> dict:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--emails", type=int, default=5_000)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = fresh_database(DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.pop("REDIS_URL", None)  # tasks in-process; nothing queued anywhere
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core import mail
    from django.db import connection, transaction

    from factcheck.accounts.roles import Role
    from factcheck.audit.services import audit_record
    from factcheck.celery import app
    from factcheck.claims.models import Comment
    from factcheck.notifications import delivery, selectors, services
    from factcheck.notifications.models import EmailState, Notification
    from tests.factories import ClaimFactory

    # The fan-out queues its emails (to the in-memory broker, where nobody sends them), as in
    # production; the outbox is timed on its own below.
    app.conf.task_always_eager = False
    mail.outbox = []
    try:
        group = Group.objects.get(name=Role.FACT_CHECKER.value)
        users = User.objects.bulk_create(
            [User(username=f"bench{n}", email=f"bench{n}@example.org") for n in range(args.users)]
        )
        group.user_set.add(*users)
        claim = ClaimFactory(text="Benchmark claim about 3% inflation.")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO notifications_notification
                    (recipient_id, kind, key, text, excerpt, url, created_at, read_at, email_state,
                     email_digest, email_attempts, email_error)
                SELECT u.ids[1 + (g %% cardinality(u.ids))], 'assigned', 'bench:' || g, 'bench ' || g, '',
                       '/claims/1/', now() - g * interval '1 second',
                       CASE WHEN g %% 10 = 0 THEN NULL ELSE now() END, 'none', false, 0, ''
                FROM generate_series(1, %s) AS g,
                     (SELECT array_agg(id ORDER BY id) AS ids FROM auth_user WHERE username LIKE 'bench%%') AS u
                """,
                [args.rows],
            )
            cursor.execute("ANALYZE notifications_notification")
        build_s = time.perf_counter() - started
        person = users[0]
        bell = timed(lambda: selectors.unread_count(person), args.repeat)
        # The plan of the bell's COUNT: it must read the partial unread index only.
        plan = selectors.notifications_for(person).unread().order_by()[:100].values("pk").explain()
        first_page = timed(lambda: list(selectors.notifications_for(person)[:50]), args.repeat)

        mentions = " ".join(f"@bench{n}" for n in range(1, 6))
        author = users[-1]
        events = []
        with transaction.atomic():
            for n in range(200):
                Comment.objects.create(claim=claim, author=author, body=f"{mentions} look at {n}")
                events.append(
                    audit_record(
                        actor=author,
                        obj=claim,
                        action="comment",
                        changes={"comment": [None, f"{mentions} look at {n}"]},
                    )
                )
        t = time.perf_counter()
        for event in events:
            services.notifications_from_audit(event=event)
        fanout_ms = (time.perf_counter() - t) * 1000 / len(events)

        Notification.objects.filter(email_state=EmailState.PENDING).update(email_state=EmailState.NONE)
        Notification.objects.filter(pk__in=Notification.objects.order_by("pk").values("pk")[: args.emails]).update(
            email_state=EmailState.PENDING, email_digest=False
        )
        ids = list(Notification.objects.filter(email_state=EmailState.PENDING).values_list("pk", flat=True))
        before = len(mail.outbox)
        t = time.perf_counter()
        for pk in ids:
            delivery.email_send(notification_id=pk)
        send_s = time.perf_counter() - t
        sent = len(mail.outbox) - before
        for pk in ids:
            delivery.email_send(notification_id=pk)
        again = len(mail.outbox) - before - sent
        print(
            json.dumps(
                {
                    "machine": machine(),
                    "loadavg": loadavg(),
                    "rows": args.rows,
                    "users": args.users,
                    "build_s": round(build_s, 1),
                    "bell_unread_count": bell,
                    "bell_plan": plan.splitlines(),
                    "list_first_page": first_page,
                    "fanout_ms_per_comment_event_5_mentions": round(fanout_ms, 2),
                    "emails": len(ids),
                    "emails_per_s": round(len(ids) / send_s, 1),
                    "sent": sent,
                    "sent_again_second_pass": again,
                },
                indent=2,
            )
        )
    finally:
        drop_database(DB)


if __name__ == "__main__":
    main()
