"""schema.org ClaimReview markup for a published fact-check.

Follows https://schema.org/ClaimReview and Google's fact-check markup guidelines:
url, claimReviewed, datePublished, author (the newsroom), reviewRating (ratingValue,
bestRating, worstRating where the rating has a number; alternateName always) and
itemReviewed, a Claim with its author, datePublished and appearance (the article), and
dateModified once a correction was issued. docs/claimreview.schema.json is the JSON Schema
the tests hold this markup to (tests/publishing/test_claimreview_schema.py).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from factcheck.claims.models import Claim, PersonKind


def _claim_author(claim: Claim) -> dict[str, Any] | None:
    if claim.claimant:
        kind = "Organization" if claim.claimant.kind == PersonKind.ORGANISATION else "Person"
        return {"@type": kind, "name": claim.claimant.name}
    if claim.claimant_text:
        return {"@type": "Person", "name": claim.claimant_text}
    if claim.article.outlet:
        # No claimant: the outlet made the claim in its own voice.
        return {"@type": "Organization", "name": claim.article.outlet.name}
    return None


def claim_review_jsonld(claim: Claim, request=None) -> dict[str, Any]:
    url = request.build_absolute_uri(claim.get_public_url()) if request else settings.SITE_URL + claim.get_public_url()
    verdict = claim.verdict
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": verdict.label if verdict else ""}
    if verdict and verdict.value is not None:
        scale = verdict.scale
        rating.update(ratingValue=verdict.value, bestRating=scale.best_value, worstRating=scale.worst_value)

    article = claim.article
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article.url:
        appearance["url"] = article.url
    if article.headline:
        appearance["headline"] = article.headline
    if article.published:
        appearance["datePublished"] = article.published.isoformat()
    if article.outlet:
        appearance["publisher"] = {"@type": "Organization", "name": article.outlet.name}

    item: dict[str, Any] = {"@type": "Claim", "appearance": [appearance]}
    author = _claim_author(claim)
    if author:
        item["author"] = author
    if article.published:
        item["datePublished"] = article.published.isoformat()

    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "author": {
            "@type": "Organization",
            "name": settings.NEWSROOM_NAME,
            "url": settings.SITE_URL,
        },
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if claim.published_at:
        data["datePublished"] = claim.published_at.date().isoformat()
    modified = last_correction_at(claim)
    if modified:
        data["dateModified"] = modified.isoformat()
    return data


def last_correction_at(claim: Claim):
    """When the fact-check last changed in public: its latest correction (prefetched
    `corrections` are used as they are; otherwise one query)."""
    return max((c.made_at for c in claim.corrections.all()), default=None)


_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def jsonld_script_text(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element: <, > and & escaped so that
    no text inside (a claim quoting "</script>") can end the element early."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
