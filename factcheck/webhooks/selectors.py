"""Reads for the webhook pages."""

from __future__ import annotations

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from factcheck.webhooks.models import Attempt, Delivery, DeliveryState, Endpoint


def endpoints_with_health() -> QuerySet[Endpoint]:
    return Endpoint.objects.annotate(
        delivered=Count("deliveries", filter=Q(deliveries__state=DeliveryState.DELIVERED)),
        failing=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
        waiting=Count("deliveries", filter=Q(deliveries__state__in=[DeliveryState.PENDING, DeliveryState.SENDING])),
        last_delivery_at=Max("deliveries__created_at"),
    ).order_by("url", "id")


def endpoint_deliveries(endpoint: Endpoint, *, state: str = "") -> QuerySet[Delivery]:
    deliveries = endpoint.deliveries.select_related("event").order_by("-created_at", "-id")
    if state:
        deliveries = deliveries.filter(state=state)
    return deliveries


def delivery_with_attempts(pk: int) -> Delivery | None:
    attempts = Prefetch("attempt_log", queryset=Attempt.objects.order_by("-started_at", "-id"))
    return Delivery.objects.select_related("endpoint", "event").prefetch_related(attempts).filter(pk=pk).first()
