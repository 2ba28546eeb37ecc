"""Import other organisations' fact-checks (ClaimReview) into the pool of checked claims.

Each review becomes an Article(kind=factcheck) whose body is the claim reviewed, and one
accepted, imported Claim spanning that body, with the review's url, the publisher's own
rating words and, where it maps, a verdict on our default scale. Re-importing changes
nothing: the review url (and the article fingerprint) identify what is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from factcheck.articles.models import ArticleKind
from factcheck.articles.services import article_create
from factcheck.claims.models import CandidateStatus, Claim, ClaimKind, Origin, Rating, RatingScale
from factcheck.core.problems import IntakeProblem
from factcheck.linking import embeddings
from factcheck.linking.claimreview import Review, iter_reviews, rating_to_scale

log = logging.getLogger(__name__)

__all__ = ["ImportReport", "claimreview_import", "claimreview_import_paths"]


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)  # claim ids
    unchanged: int = 0
    problems: list[IntakeProblem] = field(default_factory=list)


def _default_labels() -> tuple[dict[str, Rating], list[tuple[str, str, int | None]]]:
    scale = RatingScale.objects.filter(is_default=True).first()
    if scale is None:
        return {}, []
    ratings = list(scale.ratings.all())
    return {r.slug: r for r in ratings}, [(r.label, r.slug, r.value) for r in ratings]


def claimreview_import(*, review: Review, ratings=None) -> tuple[Claim | None, bool]:
    """Store one review; returns (claim, created). (None, False) when the same claim text is
    already stored as a different article (the fingerprint refuses the copy)."""
    existing = Claim.objects.filter(review_url=review.url, origin=Origin.IMPORTED).first()
    if existing is not None:
        return existing, False
    by_slug, labels = ratings if ratings is not None else _default_labels()
    slug = rating_to_scale(review, labels)
    with transaction.atomic():
        result = article_create(
            body=review.claim_reviewed,
            published=review.date_published,
            outlet_name=review.publisher,
            url=review.url,
            headline=review.claim_reviewed[:500],
            source_name=review.source,
            kind=ArticleKind.FACTCHECK,
            extract=False,
        )
        article = result.article
        claim = Claim.objects.filter(article=article, start=0, end=len(article.body)).first()
        if claim is not None:
            return (claim, False) if claim.review_url == review.url or not result.created else (None, False)
        if not result.created:
            return None, False
        claim = Claim.objects.create(
            article=article,
            start=0,
            end=len(article.body),
            text=article.body,
            claimant_text=review.claimant[:300],
            score=1.0,
            checkworthy=True,
            kind=ClaimKind.OTHER,
            status=CandidateStatus.ACCEPTED,
            origin=Origin.IMPORTED,
            review_url=review.url,
            review_rating_text=review.rating_text[:200],
            verdict=by_slug.get(slug) if slug else None,
        )
    return claim, True


def claimreview_import_paths(paths: Iterable[str]) -> ImportReport:
    """Import every ClaimReview under these paths; problems are reported, not raised."""
    report = ImportReport()
    ratings = _default_labels()
    for item in iter_reviews(list(paths)):
        if isinstance(item, IntakeProblem):
            report.problems.append(item)
            continue
        try:
            claim, created = claimreview_import(review=item, ratings=ratings)
        except Exception as exc:  # noqa: BLE001 - one bad review must not stop the rest
            log.exception("import failed for %s", item.source)
            report.problems.append(IntakeProblem(item.source, f"not stored: {exc.__class__.__name__}: {exc}"))
            continue
        if claim is None:
            report.problems.append(
                IntakeProblem(item.source, "the same claim text is already stored from another source")
            )
        elif created:
            report.created.append(claim.pk)
        else:
            report.unchanged += 1
    if report.created:
        try:
            embeddings.embeddings_ensure(list(Claim.objects.filter(pk__in=report.created).only("id", "text")))
        except Exception:  # noqa: BLE001 - embeddings can be backfilled later
            log.exception("embedding imported claims failed; `manage.py similar` backfills them")
    return report
