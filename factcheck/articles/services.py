"""Writes for articles: creating them from any source, one transaction each."""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from factcheck.articles.models import Article, ArticleKind, Outlet, body_fingerprint
from factcheck.audit.services import audit_record
from factcheck.core.errors import ApplicationError
from factcheck.core.validators import publication_date, web_url
from factcheck.extraction.services import extraction_request


@dataclass(frozen=True, slots=True)
class CreateResult:
    article: Article
    created: bool


def outlet_get_or_create(*, name: str, cache: dict[str, Outlet] | None = None) -> Outlet | None:
    name = " ".join(name.split())[:200]
    if not name:
        return None
    if cache is not None and name.lower() in cache:
        return cache[name.lower()]
    outlet = Outlet.objects.filter(name__iexact=name).first() or _outlet_create(name)
    if cache is not None and outlet is not None:
        cache[name.lower()] = outlet
    return outlet


def _outlet_create(name: str) -> Outlet:
    slug = slugify(name)[:200] or "outlet"
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name, slug=slug)
    except IntegrityError:
        # Another import created it first, or another name slugs the same way.
        return Outlet.objects.filter(name__iexact=name).first() or Outlet.objects.create(
            name=name, slug=f"{slug[:180]}-{Outlet.objects.count() + 1}"
        )


def article_source_check(*, url: str, published: datetime.date | None) -> tuple[str, datetime.date | None]:
    """The article's web address and publication date by the shared input rules
    (factcheck.core.validators): http(s) only, a plausible date. Both are optional."""
    url = (url or "").strip()
    if url:
        try:
            url = web_url(url)
        except ValueError as exc:
            raise ApplicationError(str(exc), field="url") from None
    if published is not None:
        try:
            publication_date(published)
        except ValueError as exc:
            raise ApplicationError(str(exc), field="published") from None
    return url, published


def article_create(
    *,
    body: str,
    published: datetime.date | None,
    outlet_name: str = "",
    url: str = "",
    headline: str = "",
    byline: str = "",
    source_name: str = "",
    submitted_by=None,
    kind: str = ArticleKind.NEWS,
    extract: bool = True,
    outlet_cache: dict[str, Outlet] | None = None,
) -> CreateResult:
    """Store an article unless the same text is already stored; queue its extraction.

    Re-importing an article changes nothing: the fingerprint's unique constraint
    decides, so two imports racing on the same text still store it once.
    """
    if not body or not body.strip():
        raise ApplicationError("The article text is empty.", field="body")
    limit = settings.ARTICLE_MAX_CHARS
    if len(body) > limit:
        # Refused here, for every face, rather than accepted and failed by the worker later.
        raise ApplicationError(
            f"The article is {len(body):,} characters long; the limit is {limit:,}. Split it into parts.",
            field="body",
        )
    url, published = article_source_check(url=url, published=published)
    # Insert first and let the unique fingerprint refuse a duplicate: new articles (the
    # common case in bulk imports) then cost one statement less than look-then-insert.
    outlet = outlet_get_or_create(name=outlet_name, cache=outlet_cache) if outlet_name else None
    # One INSERT is a transaction of its own in autocommit mode; an explicit one (a
    # BEGIN round trip more) is opened only when the audit event must commit with it, or
    # as a savepoint inside a caller's transaction.
    needs_block = submitted_by is not None or transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if needs_block else contextlib.nullcontext():
            article = Article.objects.create(
                kind=kind,
                body=body,
                published=published,
                outlet=outlet,
                url=url,
                headline=headline[:500],
                byline=byline[:300],
                source_name=source_name[:500],
                submitted_by=submitted_by,
                extraction_queued_at=timezone.now() if extract else None,
            )
            if submitted_by is not None:
                audit_record(actor=submitted_by, obj=article, action="submitted")
            if extract:
                extraction_request(article=article, new=True)
    except IntegrityError:
        fingerprint = body_fingerprint(body)
        existing = Article.objects.filter(fingerprint=fingerprint).only("id", "fingerprint", "headline").first()
        if existing is None:
            raise
        return CreateResult(existing, False)
    return CreateResult(article, True)
