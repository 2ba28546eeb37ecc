"""Celery adapters: they take IDs and call services."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from factcheck.celery import TRANSIENT_RETRY
from factcheck.sources import services

# A poll fetches a feed and up to SOURCES_MAX_ITEMS_PER_POLL pages, a second apart per host:
# minutes, not the extraction tasks' two. Kept under the broker's visibility timeout, so a
# running poll is never handed to a second worker (and the claim would refuse it anyway).
POLL_LIMITS = {"soft_time_limit": 540, "time_limit": 570}
RETRY = {"acks_late": True, "autoretry_for": (OperationalError, InterfaceError), **TRANSIENT_RETRY}


@shared_task(**RETRY, **POLL_LIMITS)
def poll_source(source_id: int, force: bool = False) -> str:
    return services.source_poll(source_id=source_id, force=force).status


@shared_task(**RETRY, soft_time_limit=120, time_limit=150)
def fetch_link(item_id: int) -> str:
    return services.link_fetch(item_id=item_id)


@shared_task
def poll_due_sources() -> int:
    """The beat task: one poll_source per due source."""
    return services.sources_poll_due()
