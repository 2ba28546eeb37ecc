"""Webhook endpoints the newsroom registers, the events the desk sends them, and each
delivery of an event to an endpoint with its attempts.

An Event is made once per (editorial change, event type): its `event_id` is derived from the
audit event (or the extraction run) that caused it, so the same change never becomes two
events, and a Delivery is unique per (endpoint, event), so a worker restarted mid-delivery
never sends a second copy under a new id. The body is frozen on the event at its first
delivery attempt: every endpoint, every retry and every replay sends the same bytes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse


class EventType(models.TextChoices):
    ARTICLE_EXTRACTED = "article.extracted", "Article extracted"
    CLAIM_SUBMITTED = "claim.submitted", "Claim submitted for review"
    CLAIM_VERDICT_CHANGED = "claim.verdict_changed", "Verdict changed"
    FACTCHECK_PUBLISHED = "factcheck.published", "Fact-check published"
    FACTCHECK_CORRECTED = "factcheck.corrected", "Correction issued"
    LINK_CONFIRMED = "link.confirmed", "Link confirmed"


# Sent only by the "send test event" button, to one endpoint; nobody subscribes to it.
TEST_EVENT = "webhook.test"


class EndpointQuerySet(models.QuerySet):
    def listening_to(self, types: list[str]) -> EndpointQuerySet:
        return self.filter(active=True, events__overlap=list(types))


class Endpoint(models.Model):
    url = models.URLField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    # Kept as given: the desk needs it to sign (a hash could not). Shown once, when made.
    secret = models.CharField(max_length=100)
    # The secret before the last rotation, still signed with (a second v1=) until this time,
    # so a receiver can switch without losing deliveries.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    events = ArrayField(models.CharField(max_length=40, choices=EventType.choices))
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.description or self.url

    def get_absolute_url(self) -> str:
        return reverse("webhooks:endpoint", args=[self.pk])

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…" if self.secret else ""


class Event(models.Model):
    event_id = models.CharField(max_length=80, unique=True)
    type = models.CharField(max_length=40)
    audit_event = models.ForeignKey(
        "audit.AuditEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The object the event is about (a claim, an article, a link; the endpoint for a test).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    # What changed, from the audit event ({"field": [before, after]}).
    changes = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    # The JSON body sent, frozen at the first attempt (None until then).
    body = models.TextField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed (gave up)"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now) -> DeliveryQuerySet:
        """Pending and due, or stuck in `sending` past the lease (a worker died mid-request)."""
        return self.filter(
            models.Q(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            | models.Q(state=DeliveryState.SENDING, lease_until__lt=now)
        )


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    # Attempts in the current round (a replay starts a new round); the backoff counts these.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint_event"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:delivery", args=[self.pk])


class Attempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.TextField(blank=True)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
