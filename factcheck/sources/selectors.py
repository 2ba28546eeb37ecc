"""Reads for sources: the list with each one's health, and the sources failing for a day."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from factcheck.sources.models import FetchedItem, ItemState, Source


def sources_with_health(*, now: datetime.datetime | None = None) -> QuerySet[Source]:
    """Every source with its outlet and `items_24h`: articles it brought in over the last 24 hours
    (a subquery per source on the (source, state, created_at) index, not a join over every item
    ever fetched)."""
    since = (now or timezone.now()) - datetime.timedelta(hours=24)
    recent = (
        FetchedItem.objects.filter(source=OuterRef("pk"), state=ItemState.IMPORTED, created_at__gte=since)
        .order_by()
        .values("source")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Source.objects.select_related("outlet").annotate(items_24h=Coalesce(Subquery(recent), 0))


def failing_sources(*, now: datetime.datetime | None = None) -> QuerySet[Source]:
    """Enabled sources that have failed every poll for at least SOURCES_FAILING_AFTER_HOURS
    (a day by default): what the dashboard's banner lists."""
    since = (now or timezone.now()) - datetime.timedelta(hours=settings.SOURCES_FAILING_AFTER_HOURS)
    return (
        Source.objects.select_related("outlet")
        .filter(enabled=True, failing_since__isnull=False, failing_since__lte=since)
        .order_by("failing_since", "id")
    )


def recent_items(source: Source, *, limit: int = 20) -> QuerySet[FetchedItem]:
    return source.items.select_related("article").order_by("-created_at", "-id")[:limit]


def pasted_link(pk: int) -> FetchedItem | None:
    """A pasted link's fetch. Like every article, it is visible to every member of the desk."""
    return FetchedItem.objects.select_related("article").filter(pk=pk, source__isnull=True).first()
