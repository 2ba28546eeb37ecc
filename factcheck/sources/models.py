"""Sources the desk watches (feeds, news sitemaps, single pages) and every item fetched from them.

A `FetchedItem` is one web page the desk fetched: an entry of a source's feed or sitemap,
a single-page source, or a link someone pasted on the submit page. The database keeps an
item of a source once (unique source + key), so a feed polled a thousand times imports
each of its articles once, however the polls race.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from factcheck.articles.models import Article, Outlet


class SourceKind(models.TextChoices):
    FEED = "feed", "RSS or Atom feed"
    SITEMAP = "sitemap", "News sitemap"
    PAGE = "page", "Single article URL"


class SourceQuerySet(models.QuerySet):
    def due(self, now) -> SourceQuerySet:
        """Enabled sources whose next poll time has come."""
        return self.filter(enabled=True, next_poll_at__lte=now)


class Source(models.Model):
    name = models.CharField(max_length=200, help_text="What the desk calls it, e.g. “BBC News – Politics”.")
    kind = models.CharField(max_length=20, choices=SourceKind.choices, default=SourceKind.FEED)
    url = models.URLField(max_length=1000)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="sources")
    interval_minutes = models.PositiveIntegerField(default=30)
    enabled = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    # Conditional GET: what the server said last time, sent back so an unchanged feed is a 304.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # Health.
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_new_item_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Set by the first failure after a success, cleared by the next success: a source failing
    # for a day shows on the dashboard.
    failing_since = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True)
    # The claim on a poll (a conditional UPDATE sets it): one poll of a source at a time.
    poll_started_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], name="source_unique_url"),
            models.CheckConstraint(condition=Q(kind__in=SourceKind.values), name="source_kind_valid"),
            models.CheckConstraint(condition=Q(interval_minutes__gte=1), name="source_interval_positive"),
            models.CheckConstraint(condition=~Q(url=""), name="source_url_not_empty"),
        ]
        indexes = [models.Index(fields=["enabled", "next_poll_at"], name="source_due_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sources:edit", args=[self.pk])


class ItemState(models.TextChoices):
    PENDING = "pending", "Waiting to be fetched"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Already on the desk"
    FAILED = "failed", "Failed"


class FetchedItem(models.Model):
    # Null for a link pasted on the submit page.
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="items")
    # What identifies the item in its source: the feed entry's id (guid), else its link.
    key = models.CharField(max_length=1000)
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=20, choices=ItemState.choices, default=ItemState.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The claim on a pasted link's fetch (a conditional UPDATE sets it).
    started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key"], condition=Q(source__isnull=False), name="fetcheditem_once_per_source"
            ),
            models.CheckConstraint(condition=Q(state__in=ItemState.values), name="fetcheditem_state_valid"),
            models.CheckConstraint(condition=~Q(key=""), name="fetcheditem_key_not_empty"),
        ]
        indexes = [
            models.Index(fields=["source", "state", "-created_at"], name="fetcheditem_source_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return reverse("sources:link", args=[self.pk])
