"""Atom and JSON Feed (1.1) of published fact-checks, newest change first: a fact-check is
an entry when it is published and again (same id, new `updated` date) when a correction is
issued, so feed readers and partners hear of both.

Conditional GET: the ETag and Last-Modified come from one aggregate over the published
claims and their corrections (`feed_state`, an index-only read of two columns), so a poll
when nothing changed costs that one query and answers 304.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, DateTimeField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator

from factcheck.claims.models import Claim, Correction

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedState:
    published: int
    last_published: datetime | None
    last_correction: datetime | None
    corrections: int

    @property
    def last_modified(self) -> datetime | None:
        return max((d for d in (self.last_published, self.last_correction) if d), default=None)

    @property
    def etag(self) -> str:
        parts = [self.published, self.last_published, self.last_correction, self.corrections]
        return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def feed_state(request=None) -> FeedState:
    """What the feeds depend on, read once per request (the ETag and Last-Modified
    functions of the `condition` decorator both ask)."""
    cached = getattr(request, "_feed_state", None)
    if cached is not None:
        return cached
    published = Claim.objects.published()
    claims = published.aggregate(n=Count("id"), last=Max("published_at"))
    corrections = Correction.objects.filter(claim__in=published.values("pk")).aggregate(
        n=Count("id"), last=Max("made_at")
    )
    state = FeedState(claims["n"], claims["last"], corrections["last"], corrections["n"])
    if request is not None:
        request._feed_state = state
    return state


def feed_etag(request, *args, **kwargs) -> str:
    return feed_state(request).etag


def feed_last_modified(request, *args, **kwargs) -> datetime | None:
    return feed_state(request).last_modified


def feed_items():
    """The latest published or corrected fact-checks, newest change first."""
    latest = Correction.objects.filter(claim=OuterRef("pk")).order_by("-made_at").values("made_at")[:1]
    return list(
        Claim.objects.published()
        .select_related("verdict", "claimant", "article__outlet")
        .defer("article__body", "search_vector")
        .annotate(corrected_at=Subquery(latest, output_field=DateTimeField()))
        .annotate(changed_at=Coalesce(Greatest("published_at", "corrected_at"), "published_at"))
        .order_by("-changed_at", "-id")[:FEED_SIZE]
    )


def _title(claim: Claim) -> str:
    verdict = claim.verdict.label if claim.verdict else "Checked"
    return f"{verdict}: {Truncator(claim.text).chars(120)}"


def _summary(claim: Claim) -> str:
    claimant = claim.claimant.name if claim.claimant else claim.claimant_text
    parts = [f"Claimed by {claimant}." if claimant else "", claim.verdict_summary]
    if claim.corrected_at:
        parts.append(f"Corrected on {claim.corrected_at:%-d %B %Y}.")
    return " ".join(p for p in parts if p)


class AtomFeed(Feed):
    feed_type = Atom1Feed
    description_template = None

    def title(self):
        return f"{settings.NEWSROOM_NAME}: fact-checks"

    def subtitle(self):
        return "Newly published and corrected fact-checks."

    def link(self):
        return reverse("publishing:list")

    def feed_url(self):
        return reverse("publishing:feed_atom")

    def author_name(self):
        return settings.NEWSROOM_NAME

    def items(self):
        return feed_items()

    def item_title(self, item: Claim) -> str:
        return _title(item)

    def item_description(self, item: Claim) -> str:
        # Atom's summary is type="html": the text is escaped so that it stays text.
        return escape(_summary(item))

    def item_link(self, item: Claim) -> str:
        return item.get_public_url()

    def item_pubdate(self, item: Claim):
        return item.published_at

    def item_updateddate(self, item: Claim):
        return item.changed_at

    def item_categories(self, item: Claim):
        return ["correction"] if item.corrected_at else ["fact-check"]


def json_feed(request) -> JsonResponse:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    absolute = request.build_absolute_uri
    items = []
    for claim in feed_items():
        url = absolute(claim.get_public_url())
        item = {
            "id": url,
            "url": url,
            "title": _title(claim),
            "content_text": _summary(claim) or claim.text,
            "date_published": claim.published_at.isoformat(),
            "date_modified": claim.changed_at.isoformat(),
            "tags": ["correction"] if claim.corrected_at else ["fact-check"],
        }
        items.append(item)
    body = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{settings.NEWSROOM_NAME}: fact-checks",
        "home_page_url": absolute(reverse("publishing:list")),
        "feed_url": absolute(reverse("publishing:feed_json")),
        "description": "Newly published and corrected fact-checks.",
        "authors": [{"name": settings.NEWSROOM_NAME, "url": settings.SITE_URL}],
        "language": "en",
        "items": items,
    }
    return JsonResponse(body, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})
