"""Celery adapters: they take IDs and call services."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from factcheck.celery import TRANSIENT_RETRY
from factcheck.extraction import services

log = logging.getLogger(__name__)


# Transient database or broker trouble: retry with backoff. Retrying is safe because a
# run skips what this extractor version has already done and stores idempotently.
RETRY = {
    "bind": True,
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError),
    **TRANSIENT_RETRY,
}


@contextlib.contextmanager
def soft_limit_backstop(task) -> Iterator[None]:
    """Raise SoftTimeLimitExceeded a second after the task's soft time limit, in a worker's
    pool process, whatever Celery does: a worker that starts with messages already waiting
    runs its first tasks with no time limit at all (measured: a stalled task ran on past
    both limits), and one poison article then holds the process for ever. Celery's own
    limit, when it is set, comes a second earlier and this one never fires."""
    seconds = task.soft_time_limit or task.app.conf.task_soft_time_limit
    if not seconds or task.request.is_eager or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(_signum, _frame):
        raise SoftTimeLimitExceeded(f"soft time limit ({seconds} s) exceeded")

    celery_soft = signal.getsignal(signal.SIGUSR1)  # billiard's soft limit signal

    def on_celery_soft(signum, frame):
        signal.setitimer(signal.ITIMER_REAL, 0)  # Celery's limit came first: never a second one
        if callable(celery_soft):
            celery_soft(signum, frame)
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGUSR1, on_celery_soft)
    signal.setitimer(signal.ITIMER_REAL, seconds + 1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGUSR1, celery_soft)


@shared_task(**RETRY)
def extract_article(self, article_id: int, force: bool = False) -> str:
    with soft_limit_backstop(self):
        return services.extraction_run(article_id=article_id, force=force)


@shared_task(**RETRY)
def extract_articles(self, article_ids: list[int], force: bool = False) -> None:
    """Several articles through the NLP pipeline together (bulk intake, the sweep)."""
    with soft_limit_backstop(self):
        services.extraction_run_many(article_ids=article_ids, force=force)


@shared_task
def requeue_stuck_extractions() -> int:
    """The beat sweep: at most one runs at a time (a lock), spent articles are failed."""
    return services.extraction_requeue_stuck()
