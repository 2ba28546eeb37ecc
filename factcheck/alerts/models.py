"""Repeat alerts: a newly extracted claim matched a claim the desk has already checked (our own
published fact-check, or one imported from another organisation's ClaimReview)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class RepeatAlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> RepeatAlertQuerySet:
        # Like articles and claims: every member of the desk sees every alert; roles decide actions.
        return self if user.is_authenticated and user.is_active else self.none()

    def open(self) -> RepeatAlertQuerySet:
        return self.filter(state=AlertState.OPEN)

    def with_related(self) -> RepeatAlertQuerySet:
        return self.select_related(
            "claim__article__outlet",
            "claim__claimant",
            "checked_claim__article__outlet",
            "checked_claim__verdict",
            "acknowledged_by",
        )


class RepeatAlert(models.Model):
    """One new claim repeating one checked claim. The pair is unique (a database constraint), so
    re-running link suggestions, a re-delivered task or the sweep never duplicates an alert."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="repeat_alerts")
    checked_claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="repeated_in_alerts")
    # The link suggestion that raised it; kept if the link goes (the alert is history).
    link = models.ForeignKey("linking.ClaimLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    probability = models.FloatField(help_text="The link's calibrated match probability when the alert was raised.")
    state = models.CharField(max_length=20, choices=AlertState.choices, default=AlertState.OPEN)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RepeatAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "checked_claim"], name="repeatalert_unique_pair"),
            models.CheckConstraint(condition=~Q(claim=F("checked_claim")), name="repeatalert_not_self"),
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1), name="repeatalert_probability_range"
            ),
            models.CheckConstraint(
                condition=Q(state=AlertState.OPEN, acknowledged_at__isnull=True)
                | Q(state=AlertState.ACKNOWLEDGED, acknowledged_at__isnull=False),
                name="repeatalert_acknowledged_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="repeatalert_state_idx"),
            models.Index(fields=["checked_claim", "-created_at"], name="repeatalert_checked_idx"),
        ]

    def __str__(self) -> str:
        return f"repeat of claim {self.checked_claim_id} in claim {self.claim_id}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])
