"""Import other organisations' fact-checks (ClaimReview) into the pool of checked claims.

Each review becomes an Article(kind=factcheck) whose body is the claim reviewed (headline
and summary: the fact-check's own title and description), and one accepted, imported
Claim spanning that body, with the review's url, the publisher's own rating words and,
where it maps, a verdict on our default scale.

What identifies a review is its `review_key` (url, claim, rating, dates): re-importing
changes nothing, and two organisations' checks of the same claim text are both kept. One
organisation's update of its check (the same url and claim text, with a later dateModified
or datePublished) replaces the stored version in place; an older version read after a newer
one changes nothing. The claim's appearance (itemReviewed.appearance) and date
(itemReviewed.datePublished) and the review's dateModified are stored on the article; an
unusable one is left out and reported (`ImportReport.skipped`), the review still imported.

Writes are batched (`bulk_create`, one transaction per batch of reviews), so a batch is
stored whole or not at all; a batch that races another import on the same reviews falls
back to one review at a time. Vectors for the new claims are computed in batches after
the writes: in Celery workers (`embed_claims` tasks) when a broker is configured, in this
process otherwise.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from factcheck.articles.models import Article, ArticleKind, ExtractionState, Outlet, body_fingerprint
from factcheck.articles.services import outlet_get_or_create
from factcheck.claims.models import CandidateStatus, Claim, ClaimKind, Origin, Rating, RatingScale
from factcheck.core.problems import IntakeProblem
from factcheck.linking import embeddings
from factcheck.linking.claimreview import Review, iter_reviews, rating_to_scale, review_key

log = logging.getLogger(__name__)

__all__ = [
    "ImportReport",
    "claimreview_embed",
    "claimreview_import_batch",
    "claimreview_import_paths",
]

BATCH_SIZE = 1000
_MIN_DATE = datetime.date.min
EMBED_TASK_SIZE = 512
UPDATE_CHUNK = 100  # rows per bulk_update statement (SQLite only)


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)  # claim ids
    unchanged: int = 0
    problems: list[IntakeProblem] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)  # claim ids replaced by a newer version
    skipped: list[IntakeProblem] = field(default_factory=list)  # fields left out, review imported


@dataclass
class _Context:
    by_slug: dict[str, Rating]
    labels: list[tuple[str, str, int | None]]
    outlets: dict[str, Outlet] = field(default_factory=dict)


def _context() -> _Context:
    scale = RatingScale.objects.filter(is_default=True).first()
    ratings = list(scale.ratings.all()) if scale is not None else []
    return _Context({r.slug: r for r in ratings}, [(r.label, r.slug, r.value) for r in ratings])


def _rows(review: Review, key: str, ctx: _Context) -> tuple[Article, Claim]:
    """The unsaved article and claim that store one review."""
    now = timezone.now()
    outlet = outlet_get_or_create(name=review.publisher, cache=ctx.outlets) if review.publisher else None
    body = review.claim_reviewed
    article = Article(
        kind=ArticleKind.FACTCHECK,
        body=body,
        fingerprint=body_fingerprint(body),
        review_key=key,
        published=review.date_published,
        review_modified=review.date_modified,
        claim_appearance_url=review.appearance_url,
        claim_date=review.claim_date,
        outlet=outlet,
        url=review.url,
        headline=(review.headline or body)[:500],
        summary=review.description,
        source_name=review.source[:500],
        # Nothing to extract: the claim is the whole text, stored below.
        extraction_state=ExtractionState.DONE,
        extraction_finished_at=now,
    )
    slug = rating_to_scale(review, ctx.labels)
    claim = Claim(
        start=0,
        end=len(body),
        text=body,
        claimant_text=review.claimant[:300],
        score=1.0,
        checkworthy=True,
        kind=ClaimKind.OTHER,
        status=CandidateStatus.ACCEPTED,
        origin=Origin.IMPORTED,
        review_url=review.url,
        review_rating_text=review.rating_text[:200],
        verdict=ctx.by_slug.get(slug) if slug else None,
    )
    return article, claim


def _store(pairs: list[tuple[Article, Claim]]) -> list[int]:
    with transaction.atomic():
        Article.objects.bulk_create([a for a, _ in pairs])
        for article, claim in pairs:
            claim.article = article
        Claim.objects.bulk_create([c for _, c in pairs])
    return [c.pk for _, c in pairs]


def _version_date(review: Review):
    return review.date_modified or review.date_published


# What an update rewrites (everything a review carries; identity is url + claim text).
_UPDATED_ARTICLE_FIELDS = [
    "review_key",
    "published",
    "review_modified",
    "claim_appearance_url",
    "claim_date",
    "outlet",
    "headline",
    "summary",
    "source_name",
    "body",
    "fingerprint",
    "updated_at",
]
_UPDATED_CLAIM_FIELDS = [
    "start",
    "end",
    "text",
    "claimant_text",
    "review_rating_text",
    "verdict",
    "version",
    "updated_at",
]


def _updates(todo: dict[str, Review]) -> tuple[list[tuple[str, Review, Article, Claim]], set[str]]:
    """Which new reviews are a later version of a stored one (same url and claim text, a
    later version date), and which are an older version of one (nothing to do). Two
    queries for the whole batch: the stored fact-checks of these claim texts, their claims."""
    wanted: dict[tuple[str, str], list[str]] = {}
    for key, r in todo.items():
        wanted.setdefault((r.url, body_fingerprint(r.claim_reviewed)), []).append(key)
    latest: dict[tuple[str, str], Article] = {}
    for article in Article.objects.filter(
        kind=ArticleKind.FACTCHECK, fingerprint__in={fp for _, fp in wanted}, url__in={u for u, _ in wanted}
    ).order_by("id"):
        ident = (article.url, article.fingerprint)
        if ident not in wanted:
            continue
        best = latest.get(ident)
        if best is None or (article.review_modified or article.published or _MIN_DATE) >= (
            best.review_modified or best.published or _MIN_DATE
        ):
            latest[ident] = article
    if not latest:
        return [], set()
    claims = {
        c.article_id: c
        for c in Claim.objects.filter(article__in=latest.values(), origin=Origin.IMPORTED).order_by("-id")
    }
    updates, stale = [], set()
    for ident, article in latest.items():
        old = article.review_modified or article.published or _MIN_DATE
        replaced = False
        for key in wanted[ident]:
            review = todo[key]
            new = _version_date(review) or _MIN_DATE
            if new < old:
                stale.add(key)  # an older version of what is stored
            elif new > old and not replaced and article.pk in claims:
                updates.append((key, review, article, claims[article.pk]))
                replaced = True
            # Otherwise (same date, different content): stored beside it, as before.
    return updates, stale


def _apply_update(key: str, review: Review, article: Article, claim: Claim, ctx: _Context) -> None:
    new_article, new_claim = _rows(review, key, ctx)
    for name in _UPDATED_ARTICLE_FIELDS[:-1]:
        setattr(article, name, getattr(new_article, name))
    for name in _UPDATED_CLAIM_FIELDS[:-2]:
        setattr(claim, name, getattr(new_claim, name))
    claim.version += 1
    # bulk_update does not touch auto_now fields.
    article.updated_at = claim.updated_at = timezone.now()


def _bulk_update(model, objs: list, fields: list[str]) -> None:
    """One UPDATE ... FROM unnest(arrays) per table on PostgreSQL (Django's bulk_update
    builds a CASE per field and row: 1,000 updated reviews cost seconds of Python);
    bulk_update in chunks elsewhere (SQLite)."""
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields, batch_size=UPDATE_CHUNK)
        return
    columns = [model._meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    sets = ", ".join(f"{qn(c.column)} = v.{qn(c.column)}" for c in columns)
    arrays = ", ".join(["%s::bigint[]"] + [f"%s::{c.db_type(connection)}[]" for c in columns])
    names = ", ".join(["id"] + [qn(c.column) for c in columns])
    params = [[o.pk for o in objs]] + [
        [c.get_db_prep_save(getattr(o, c.attname), connection) for o in objs] for c in columns
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) WHERE {table}.id = v.id",  # noqa: S608 - names from the model
            params,
        )


def claimreview_import_batch(reviews: list[Review], ctx: _Context | None = None) -> ImportReport:
    """Store a batch of reviews in one transaction: those already stored are counted as
    unchanged, repeats within the batch once; a later version of a stored review replaces
    it (`updated`), an older one is counted as unchanged."""
    ctx = ctx or _context()
    report = ImportReport()
    keyed: dict[str, Review] = {}
    for review in reviews:
        key = review_key(review)
        if key in keyed:
            report.unchanged += 1
        else:
            keyed[key] = review
            report.skipped += [IntakeProblem(review.source, reason) for reason in review.skipped]
    stored = set(
        Article.objects.filter(kind=ArticleKind.FACTCHECK, review_key__in=list(keyed)).values_list(
            "review_key", flat=True
        )
    )
    report.unchanged += len(stored)
    pending = {key: review for key, review in keyed.items() if key not in stored}
    if not pending:
        return report

    # Within one batch, an older version of a review (same url and claim) than another in it
    # goes no further; same-dated versions with different content are all kept, as across batches.
    def ident(review: Review) -> tuple[str, str]:
        return (review.url, body_fingerprint(review.claim_reviewed))

    newest: dict[tuple[str, str], datetime.date] = {}
    for review in pending.values():
        newest[ident(review)] = max(newest.get(ident(review), _MIN_DATE), _version_date(review) or _MIN_DATE)
    dropped = {key for key, r in pending.items() if (_version_date(r) or _MIN_DATE) < newest[ident(r)]}
    report.unchanged += len(dropped)
    pending = {key: review for key, review in pending.items() if key not in dropped}
    updates, stale = _updates(pending)
    report.unchanged += len(stale)
    if updates:
        with transaction.atomic():
            for key, review, article, claim in updates:
                _apply_update(key, review, article, claim, ctx)
            _bulk_update(Article, [u[2] for u in updates], _UPDATED_ARTICLE_FIELDS)
            _bulk_update(Claim, [u[3] for u in updates], _UPDATED_CLAIM_FIELDS)
        report.updated += [u[3].pk for u in updates]
    done = stale | {u[0] for u in updates}
    todo = [(key, review) for key, review in pending.items() if key not in done]
    if not todo:
        return report
    try:
        report.created += _store([_rows(review, key, ctx) for key, review in todo])
    except DatabaseError:
        # Another import stored some of these meanwhile, or one review cannot be stored:
        # one at a time, each in its own transaction, so the rest of the batch goes on.
        for key, review in todo:
            try:
                report.created += _store([_rows(review, key, ctx)])
            except DatabaseError as exc:
                if Article.objects.filter(kind=ArticleKind.FACTCHECK, review_key=key).exists():
                    report.unchanged += 1
                else:
                    report.problems.append(IntakeProblem(review.source, f"not stored: {exc.__class__.__name__}"))
    return report


def _batches(items: Iterator, size: int) -> Iterator[list]:
    while batch := list(islice(items, size)):
        yield batch


def claimreview_import_paths(
    paths: Iterable[str],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every ClaimReview under these paths; problems are reported, not raised.
    `progress(n)` is called after each batch with the number of items it read."""
    report = ImportReport()
    ctx = _context()
    for batch in _batches(iter_reviews(list(paths)), batch_size):
        reviews = [item for item in batch if isinstance(item, Review)]
        report.problems += [item for item in batch if isinstance(item, IntakeProblem)]
        try:
            done = claimreview_import_batch(reviews, ctx)
        except Exception as exc:  # noqa: BLE001 - one bad batch must not stop the rest
            log.exception("import failed for a batch starting at %s", reviews[0].source if reviews else "?")
            report.problems += [
                IntakeProblem(r.source, f"not stored: {exc.__class__.__name__}: {exc}") for r in reviews
            ]
        else:
            report.created += done.created
            report.unchanged += done.unchanged
            report.updated += done.updated
            report.skipped += done.skipped
        if progress is not None:
            progress(len(batch))
    return report


def claimreview_embed(ids: list[int], *, progress: Callable[[int], None] | None = None) -> tuple[str, int]:
    """Vectors for newly imported claims: queued to the workers in batches when a broker is
    configured ("queued", n), computed here otherwise or when the broker cannot be reached
    ("embedded", n). Until its vector exists a fact-check is still found by full-text search."""
    from factcheck.linking.tasks import embed_claims

    if not ids or not embeddings.embeddings_enabled():
        return "skipped", 0
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            for start in range(0, len(ids), EMBED_TASK_SIZE):
                embed_claims.delay(ids[start : start + EMBED_TASK_SIZE])
        except Exception:  # noqa: BLE001 - the broker is down: compute them here instead
            log.warning("could not queue embedding tasks; computing the vectors in this process", exc_info=True)
        else:
            return "queued", len(ids)
    return "embedded", embeddings.embeddings_for_ids(ids, progress=progress)
