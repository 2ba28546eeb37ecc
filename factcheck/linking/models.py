"""Links between claims, and between quotes, across articles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Relation(models.TextChoices):
    SAME = "same", "Same"
    RELATED = "related", "Related"
    CONFLICTS = "conflicts", "Conflicts"
    SUPPORTS = "supports", "Supports"


class LinkOrigin(models.TextChoices):
    SYSTEM = "system", "Suggested by the system"
    EDITOR = "editor", "Made by an editor"


class LinkState(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class LinkQuerySet(models.QuerySet):
    def involving(self, obj_id: int) -> LinkQuerySet:
        return self.filter(Q(source_id=obj_id) | Q(target_id=obj_id))

    def suggested(self) -> LinkQuerySet:
        return self.filter(state=LinkState.SUGGESTED)

    def live(self) -> LinkQuerySet:
        return self.exclude(state=LinkState.DISMISSED)


class BaseLink(models.Model):
    """A link is undirected: services store it with source_id < target_id, and the
    check constraint makes that the only way, so (a, b) and (b, a) cannot both exist."""

    relation = models.CharField(max_length=20, choices=Relation.choices)
    origin = models.CharField(max_length=20, choices=LinkOrigin.choices)
    state = models.CharField(max_length=20, choices=LinkState.choices, default=LinkState.SUGGESTED)
    score = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def link_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(source__lt=F("target")),
                name=f"{prefix}_ordered_no_self_link",
            ),
            models.UniqueConstraint(fields=["source", "target"], name=f"{prefix}_unique_pair"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=1)),
                name=f"{prefix}_score_range",
            ),
        ]


class ClaimLink(BaseLink):
    source = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="links_in")

    class Meta:
        ordering = ["-score", "-id"]
        constraints = BaseLink.link_constraints("claimlink")
        indexes = [
            models.Index(fields=["state", "-score"], name="claimlink_state_idx"),
            models.Index(fields=["target", "state"], name="claimlink_target_idx"),
        ]

    def __str__(self) -> str:
        return f"claim {self.source_id} {self.relation} claim {self.target_id}"


class QuoteLink(BaseLink):
    source = models.ForeignKey("claims.Quote", on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey("claims.Quote", on_delete=models.CASCADE, related_name="links_in")

    class Meta:
        ordering = ["-score", "-id"]
        constraints = BaseLink.link_constraints("quotelink")
        indexes = [
            models.Index(fields=["state", "-score"], name="quotelink_state_idx"),
            models.Index(fields=["target", "state"], name="quotelink_target_idx"),
        ]

    def __str__(self) -> str:
        return f"quote {self.source_id} {self.relation} quote {self.target_id}"


class ClaimEmbedding(models.Model):
    """Linking's vector row for a claim: its sentence embedding (float16 bytes), for the
    in-process vector index (factcheck.linking.embeddings). `text_hash` (md5 of the text)
    says which text the vector describes: an edited claim is re-embedded when next needed.
    `updated_at` lets each process pick up only what changed."""

    claim = models.OneToOneField("claims.Claim", on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=32)
    vector = models.BinaryField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["updated_at"], name="claimembedding_updated_idx")]

    def __str__(self) -> str:
        return f"embedding of claim {self.claim_id}"
