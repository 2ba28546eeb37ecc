"""The Celery application. Configuration lives in Django settings under CELERY_*.

Loaded in a Django process by `factcheck.core.apps.CoreConfig.ready()`, and by the worker
through `celery -A factcheck` (Celery finds `factcheck.celery:app` on its own)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Retries of transient database or broker trouble (every task that writes): exponential
# backoff, 5 s doubling up to 120 s, 10 times: 5+10+20+40+80+5*120 = 755 s in all, so a
# task outlasts a database or Redis outage of several minutes (5 retries from 2 s used to
# give up within a minute). No jitter: with it a retry may come at once, and the sum could
# fall short of the outage; the worker's concurrency already spreads the retries out.
TRANSIENT_RETRY = {
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "retry_jitter": False,
    "max_retries": 10,
}
