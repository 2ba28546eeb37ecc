"""schema.org ClaimReview markup for a published fact-check."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from factcheck.claims.models import Claim


def claim_review_jsonld(claim: Claim, request=None) -> dict:
    url = request.build_absolute_uri(claim.get_public_url()) if request else settings.SITE_URL + claim.get_public_url()
    verdict = claim.verdict
    scale = verdict.scale if verdict else None
    rating = {"@type": "Rating", "alternateName": verdict.label if verdict else ""}
    if verdict and verdict.value is not None:
        rating.update(
            ratingValue=verdict.value,
            bestRating=scale.best_value,
            worstRating=scale.worst_value,
        )
    item = {"@type": "CreativeWork"}
    if claim.article.url:
        item["url"] = claim.article.url
    if claim.article.published:
        item["datePublished"] = claim.article.published.isoformat()
    author_name = claim.claimant.name if claim.claimant else (claim.article.outlet.name if claim.article.outlet else "")
    if author_name:
        item["author"] = {
            "@type": "Person" if claim.claimant else "Organization",
            "name": author_name,
        }
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.text,
        "datePublished": claim.published_at.date().isoformat() if claim.published_at else None,
        "author": {
            "@type": "Organization",
            "name": getattr(settings, "NEWSROOM_NAME", "Fact-check desk"),
        },
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [item],
            **({"author": item["author"]} if "author" in item else {}),
        },
    }


_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def jsonld_script_text(data: dict) -> SafeString:
    """JSON for a <script type="application/ld+json"> element: <, > and & escaped so that
    no text inside (a claim quoting "</script>") can end the element early."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
