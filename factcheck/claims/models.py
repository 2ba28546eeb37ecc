"""People, quotes, claims, the rating scale and the evidence behind verdicts."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from factcheck.articles.models import Article
from factcheck.core.fulltext import StoredSearchVector
from factcheck.core.reversing import pk_url


class PersonKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANISATION = "org", "Organisation"


class Person(models.Model):
    """A speaker or claimant. Spellings of the same name are PersonAlias rows."""

    name = models.CharField(max_length=200)
    # Lower-cased, accents and titles stripped: what aliases are matched on.
    normalized_name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.PERSON)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    normalized_alias = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "person aliases"

    def __str__(self) -> str:
        return self.alias


class RatingScale(models.Model):
    """The newsroom's rating scale; exactly one is the default used for new verdicts."""

    name = models.CharField(max_length=100, unique=True)
    is_default = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_scale",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def best_value(self) -> int | None:
        return max((r.value for r in self.ratings.all() if r.value is not None), default=None)

    @property
    def worst_value(self) -> int | None:
        return min((r.value for r in self.ratings.all() if r.value is not None), default=None)


class Rating(models.Model):
    """One label of a scale. `value` is ClaimReview's ratingValue; None for "Unverifiable"."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="ratings")
    label = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60)
    order = models.PositiveSmallIntegerField()
    colour = models.CharField(max_length=7, default="#6c757d", help_text="Hex colour, e.g. #198754.")
    value = models.SmallIntegerField(null=True, blank=True, help_text="ClaimReview ratingValue; empty if unrated.")
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "slug"], name="rating_unique_slug"),
            models.UniqueConstraint(fields=["scale", "order"], name="rating_unique_order"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="rating_colour_hex",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on `colour` (WCAG relative luminance)."""
        channels = [int(self.colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        # Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05).
        return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


class CandidateStatus(models.TextChoices):
    """Triage of an extracted candidate."""

    CANDIDATE = "candidate", "Candidate"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Origin(models.TextChoices):
    EXTRACTED = "extracted", "Found by the extractor"
    EDITOR = "editor", "Added by an editor"
    IMPORTED = "imported", "Imported fact-check"


class ArticleSpanQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        return self if user.is_authenticated and user.is_active else self.none()

    def live(self) -> Self:
        return self.exclude(status=CandidateStatus.REJECTED)


class ArticleSpan(models.Model):
    """What a quote and a claim share: a span [start, end) of an article's body (the trigger in
    the claims migrations checks end <= len(body)), found by the extractor or added by
    people, triaged (`status`), and edited under optimistic locking (`version`).

    Abstract: each keeps its own table. Constraint names are per model (`quote_span_valid`,
    `claim_span_valid`, ...), as they were before this base existed. Each model declares its
    own `article` foreign key, first among its fields: the reverse names differ
    (`article.quotes`, `article.claims`), and a `related_name="%(class)ss"` here would make
    Django write a migration that changes nothing in the database."""

    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    status = models.CharField(
        max_length=20,
        choices=CandidateStatus.choices,
        default=CandidateStatus.CANDIDATE,
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EXTRACTED)
    extractor_version = models.CharField(max_length=50, blank=True)
    # Bumped by every editorial save: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["article", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(start__gte=0) & Q(end__gt=F("start")), name="%(class)s_span_valid"),
            models.UniqueConstraint(fields=["article", "start", "end"], name="%(class)s_unique_span"),
            models.CheckConstraint(condition=~Q(text=""), name="%(class)s_text_not_empty"),
        ]


class QuoteQuerySet(ArticleSpanQuerySet):
    pass


class Quote(ArticleSpan):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    speaker_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="The mention as written (he, Mr Zelenskyy).",
    )
    speaker_start = models.PositiveIntegerField(null=True, blank=True)
    speaker_end = models.PositiveIntegerField(null=True, blank=True)
    speaker = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    # How sure the extractor was of the speaker, calibrated on news others annotated (a
    # confidence of 0.8 is right about 8 times in 10); None when an editor set the speaker
    # or the extractor found none.
    speaker_confidence = models.FloatField(null=True, blank=True)

    objects = QuoteQuerySet.as_manager()

    class Meta(ArticleSpan.Meta):
        constraints = [
            *ArticleSpan.Meta.constraints,
            models.CheckConstraint(
                condition=(Q(speaker_start__isnull=True) & Q(speaker_end__isnull=True))
                | (
                    Q(speaker_start__isnull=False)
                    & Q(speaker_end__isnull=False)
                    & Q(speaker_start__gte=0)
                    & Q(speaker_end__gt=F("speaker_start"))
                ),
                name="quote_speaker_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(speaker_confidence__isnull=True)
                | (Q(speaker_confidence__gte=0) & Q(speaker_confidence__lte=1)),
                name="quote_speaker_confidence_in_unit_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="quote_status_idx"),
            models.Index(fields=["speaker", "-created_at"], name="quote_speaker_idx"),
        ]

    def __str__(self) -> str:
        return f"“{self.text[:70]}”"

    def get_absolute_url(self) -> str:
        return pk_url("review:quote", self.pk)


class ClaimKind(models.TextChoices):
    QUANTITY = "quantity", "Quantity or statistic"
    COMPARISON = "comparison", "Comparison or superlative"
    EVENT = "event", "Event"
    CAUSAL = "causal", "Cause and effect"
    PREDICTION = "prediction", "Prediction"
    QUOTE = "quote", "Quoted claim"
    OTHER = "other", "Other"


class Workflow(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class ClaimState(models.TextChoices):
    """The claim's one state, derived from `status` and `workflow` (factcheck.claims.states
    draws the machine and holds the table of actions)."""

    CANDIDATE = "candidate", "Candidate"
    REJECTED = "rejected", "Rejected"
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class ClaimQuerySet(ArticleSpanQuerySet):
    def with_related(self) -> ClaimQuerySet:
        return self.select_related("article__outlet", "verdict", "claimant", "assigned_to")

    def awaiting_review(self) -> ClaimQuerySet:
        return self.filter(status=CandidateStatus.CANDIDATE, checkworthy=True)

    def awaiting_approval(self) -> ClaimQuerySet:
        return self.filter(workflow=Workflow.IN_REVIEW)

    def published(self) -> ClaimQuerySet:
        return self.filter(workflow=Workflow.PUBLISHED)


class Claim(ArticleSpan):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    claimant_text = models.CharField(max_length=300, blank=True)
    claimant = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims")
    score = models.FloatField(default=0.0, help_text="Check-worthiness in [0, 1].")
    # The extractor's own score, kept when `score` is refined with the claim's sentence vector
    # (extraction.services.checkworthiness_refine); None until then.
    extracted_score = models.FloatField(null=True, blank=True, editable=False)
    checkworthy = models.BooleanField(default=False)
    kind = models.CharField(max_length=20, choices=ClaimKind.choices, default=ClaimKind.OTHER)
    quantities = models.JSONField(default=list, blank=True)
    entities = models.JSONField(default=list, blank=True)

    workflow = models.CharField(max_length=20, choices=Workflow.choices, default=Workflow.DRAFT)
    verdict = models.ForeignKey(Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="claims")
    verdict_summary = models.CharField(max_length=500, blank=True)
    verdict_explanation = models.TextField(blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    # For imported fact-checks: the ClaimReview url and the publisher's own rating text.
    review_url = models.URLField(max_length=1000, blank=True)
    review_rating_text = models.CharField(max_length=200, blank=True)

    # The claim's words for full-text search (workspace search and link retrieval), kept by
    # the database itself: a stored generated column cannot fall behind an edit or miss a row
    # written by any path. GIN-indexed by claims 0007 (PostgreSQL only, so the index is not
    # in Meta.indexes); NULL on SQLite, where search uses LIKE (see StoredSearchVector).
    search_vector = models.GeneratedField(
        expression=StoredSearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ClaimQuerySet.as_manager()

    class Meta(ArticleSpan.Meta):
        constraints = [
            *ArticleSpan.Meta.constraints,
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1),
                name="claim_score_in_unit_range",
            ),
            models.CheckConstraint(
                condition=~Q(workflow__in=[Workflow.APPROVED, Workflow.PUBLISHED]) | Q(verdict__isnull=False),
                name="claim_approved_has_verdict",
            ),
            # One state machine: a claim past draft was accepted (factcheck.claims.states).
            models.CheckConstraint(
                condition=Q(workflow=Workflow.DRAFT) | Q(status=CandidateStatus.ACCEPTED),
                name="claim_workflow_needs_accepted",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-score", "-id"], name="claim_queue_idx"),
            models.Index(
                fields=["-score", "-id"],
                condition=Q(status=CandidateStatus.CANDIDATE, checkworthy=True),
                name="claim_awaiting_review_idx",
            ),
            models.Index(fields=["updated_at"], condition=Q(verdict__isnull=False), name="claim_labelled_idx"),
            models.Index(fields=["workflow", "-updated_at"], name="claim_workflow_idx"),
            models.Index(fields=["verdict", "-updated_at"], name="claim_verdict_idx"),
            models.Index(fields=["assigned_to", "workflow"], name="claim_assigned_idx"),
            models.Index(fields=["-created_at"], name="claim_created_idx"),
            # The search's default order (score, every claim): read in index order and stop
            # after a page, instead of sorting 200,000 rows (docs/benchmarks.md, "Page costs").
            models.Index(fields=["-score", "-id"], name="claim_score_idx"),
            # "Being checked" (accepted, draft), newest first: the list and its count read only
            # these rows (an index-only count), not every draft candidate under workflow_idx.
            models.Index(
                fields=["-updated_at", "-id"],
                condition=Q(status=CandidateStatus.ACCEPTED, workflow=Workflow.DRAFT),
                name="claim_drafts_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return pk_url("review:claim", self.pk)

    @property
    def state(self) -> ClaimState:
        if self.status == CandidateStatus.REJECTED:
            return ClaimState.REJECTED
        if self.workflow == Workflow.DRAFT:
            return ClaimState.CANDIDATE if self.status == CandidateStatus.CANDIDATE else ClaimState.DRAFT
        return ClaimState(self.workflow)

    def get_public_url(self) -> str:
        return reverse("publishing:detail", args=[self.pk])


class Evidence(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title or self.url


class Comment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty")]

    def __str__(self) -> str:
        return self.body[:60]


class Correction(models.Model):
    """A change to a published verdict: public, dated and explained."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="corrections")
    previous_verdict = models.ForeignKey(Rating, null=True, on_delete=models.PROTECT, related_name="+")
    new_verdict = models.ForeignKey(Rating, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="correction_reason_not_empty")]

    def __str__(self) -> str:
        return f"Correction to claim {self.claim_id}"
