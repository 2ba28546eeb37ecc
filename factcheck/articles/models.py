"""Outlets and the articles the desk checks."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify

from factcheck.core.reversing import pk_url


def body_fingerprint(body: str) -> str:
    """A content fingerprint that ignores differences of whitespace and Unicode form.

    Two copies of the same article (re-pasted, re-exported, CRLF vs LF) get the same
    fingerprint, so the unique constraint on it refuses the duplicate.
    """
    normal = unicodedata.normalize("NFC", body)
    normal = re.sub(r"\s+", " ", normal).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    homepage = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:200] or "outlet"
        super().save(*args, **kwargs)


class ExtractionState(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ArticleKind(models.TextChoices):
    NEWS = "news", "News article"
    # A fact-check published elsewhere, imported from ClaimReview markup: its claim
    # joins the pool that new claims are matched against.
    FACTCHECK = "factcheck", "Imported fact-check"


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ArticleQuerySet:
        # Every signed-in member of the desk sees every article; the roles decide actions.
        if user.is_authenticated and user.is_active:
            return self
        return self.none()

    def news(self) -> ArticleQuerySet:
        return self.filter(kind=ArticleKind.NEWS)

    def with_outlet(self) -> ArticleQuerySet:
        return self.select_related("outlet")

    def stuck(self, older_than) -> ArticleQuerySet:
        """Articles whose extraction was queued or started before `older_than` and never finished."""
        return self.filter(
            Q(
                extraction_state=ExtractionState.PENDING,
                extraction_queued_at__lt=older_than,
            )
            | Q(
                extraction_state=ExtractionState.RUNNING,
                extraction_started_at__lt=older_than,
            )
        )


class Article(models.Model):
    kind = models.CharField(max_length=20, choices=ArticleKind.choices, default=ArticleKind.NEWS)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    url = models.URLField(max_length=1000, blank=True)
    headline = models.CharField(max_length=500, blank=True)
    # A fact-check's standfirst (ClaimReview `description`); empty for news.
    summary = models.TextField(blank=True)
    byline = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    # The text exactly as received: every span in the product is an offset into it.
    body = models.TextField()
    fingerprint = models.CharField(max_length=64, editable=False)
    # What identifies an imported fact-check (linking.claimreview.review_key): news is
    # unique by its text, fact-checks by review, so two organisations' checks of the same
    # claim text are both kept; one organisation's update (a newer dateModified at the same
    # url, for the same claim) replaces its earlier version.
    review_key = models.CharField(max_length=64, blank=True, editable=False)
    # Imported fact-checks only (ClaimReview): the review's dateModified, and the claim's
    # own appearance (itemReviewed.appearance url) and date (itemReviewed.datePublished).
    review_modified = models.DateField(null=True, blank=True)
    claim_appearance_url = models.URLField(max_length=1000, blank=True)
    claim_date = models.DateField(null=True, blank=True)
    source_name = models.CharField(max_length=500, blank=True, help_text="File or feed the article came from.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_articles",
    )

    extraction_state = models.CharField(max_length=20, choices=ExtractionState.choices, default=ExtractionState.PENDING)
    extraction_error = models.TextField(blank=True)
    extraction_attempts = models.PositiveIntegerField(default=0)
    extraction_queued_at = models.DateTimeField(null=True, blank=True)
    extraction_started_at = models.DateTimeField(null=True, blank=True)
    extraction_finished_at = models.DateTimeField(null=True, blank=True)
    extractor_version = models.CharField(max_length=50, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~Q(kind="factcheck"),
                name="article_unique_fingerprint",
            ),
            models.UniqueConstraint(
                fields=["review_key"],
                condition=Q(kind="factcheck"),
                name="factcheck_unique_review",
            ),
            models.CheckConstraint(
                condition=~Q(kind="factcheck") | ~Q(review_key=""),
                name="factcheck_has_review_key",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
            models.CheckConstraint(
                condition=Q(extraction_state__in=ExtractionState.values),
                name="article_extraction_state_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["extraction_state", "extraction_queued_at"],
                name="article_state_idx",
            ),
            models.Index(fields=["-published", "-id"], name="article_published_idx"),
            models.Index(fields=["outlet", "-published"], name="article_outlet_idx"),
            models.Index(fields=["-created_at"], name="article_created_idx"),
            # The importer finds the stored version of an updated review by claim text.
            models.Index(fields=["fingerprint"], condition=Q(kind="factcheck"), name="factcheck_fingerprint_idx"),
        ]

    def __str__(self) -> str:
        if self.headline:
            return self.headline
        # No headline: the start of the text, without the sample format's date header.
        text = re.sub(r"^\ufeff?\s*date\s+\S+\s", "", self.body).strip()
        first = " ".join(text.split("\n", 1)[0].split())
        return first if len(first) <= 80 else first[:80].rsplit(" ", 1)[0] + "…"

    def save(self, *args, **kwargs) -> None:
        self.fingerprint = body_fingerprint(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return pk_url("review:article", self.pk)
