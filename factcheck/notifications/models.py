"""Notifications for people: one row per event per recipient, read in the app and mailed.

The row is also the outbox: `email_state` records whether its email is still to be sent, is
being sent, was sent, or will never be, so nothing is lost while the mail server is down and
nothing is mailed twice (factcheck/notifications/delivery.py claims each row with one UPDATE).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    ASSIGNED = "assigned", "Assigned to you"
    MENTIONED = "mentioned", "Mentioned you"
    SENT_BACK = "sent_back", "Sent back"
    APPROVED = "approved", "Approved"
    REPEAT_ALERT = "repeat_alert", "Repeat alert"


class EmailState(models.TextChoices):
    NONE = "none", "Not emailed"  # the person asked for no email, or has no address
    PENDING = "pending", "To send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up"


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", "One email per notification, as it happens"
    DAILY = "daily", "One daily digest"
    NONE = "none", "No email (notifications in the app only)"


class NotificationSettings(models.Model):
    """A person's choice of email; no row means the default (one email per notification)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email = models.CharField(max_length=10, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notification settings"
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # Who did it; None for the system (a repeat alert).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What caused it ("audit:<event id>", "audit:<event id>:mention", "alert:<id>"): unique per
    # recipient, so hearing the same event twice notifies once.
    key = models.CharField(max_length=100)
    text = models.CharField(max_length=500)
    # The comment's words, for a mention or a send-back.
    excerpt = models.TextField(blank=True)
    # Where the notification leads (a path on this site).
    url = models.CharField(max_length=1000)
    claim = models.ForeignKey(
        "claims.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    # True: goes out in the recipient's daily digest; False: an email of its own.
    email_digest = models.BooleanField(default=False)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Not before this time (the retry backoff; a new row leaves its own task a head start).
    email_next_at = models.DateTimeField(null=True, blank=True)
    # Stamped by the sender that claimed the row; a stale stamp means a sender died.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=500, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event"),
            models.CheckConstraint(
                condition=~Q(email_state="sent") | Q(email_sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
            # The bell's count: only the unread rows are in this index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            # The sweep's outbox: only rows still to be (or being) mailed.
            models.Index(
                fields=["email_next_at"],
                condition=Q(email_state__in=["pending", "sending"]),
                name="notification_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.text[:80]}"
