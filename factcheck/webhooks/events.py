"""Which editorial changes are webhook events, and what their bodies say.

`types_for(audit_event)` maps one audit event to the webhook events it is (usually none).
The mapping reads the audit actions written by the services:

- `submit_for_review` (claims/services/workflow.py) -> claim.submitted
- `label` or `correct` whose changes include `verdict` -> claim.verdict_changed: the verdict
  itself changed, from none or another rating (a new summary or explanation alone is not);
- `publish` -> factcheck.published;
- `correct` -> factcheck.corrected (a published fact-check changed, with a public correction);
- `link_confirm`, or `link_create` of a link made confirmed (linking/services.py) ->
  link.confirmed. The linking services audit a decision on both ends; only the audit event
  of the link's source end (the lower id) becomes the webhook event, so one decision is one
  event. A link the engine confirms by itself (LINK_AUTOCONFIRM) is audited the same way, as
  the system's `link_confirm` (actor None, linking.services.links_autoconfirmed_record), so
  it is a link.confirmed event too.

`article.extracted` has no audit event: extraction's store step calls
`services.webhooks_articles_extracted` after it commits.

`body_for(event)` is the JSON sent: the object as the API serialises it (the same serializer
classes as /api/v1/, so the webhook's object equals the API's), and its API and page URLs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from factcheck.webhooks.models import TEST_EVENT, EventType

LINK_CONFIRMED_ACTIONS = {"link_confirm", "link_create"}
_OTHER_END = re.compile(r" as (claim|quote) (\d+) \(confirmed\)$")


@dataclass(frozen=True)
class Subject:
    type: str
    model: str  # "app_label.model"
    object_id: int


def subjects_for(event) -> list[Subject]:
    """The webhook events one AuditEvent is, from its action and changes; no database query
    except for a confirmed link (whose id the audit event does not carry)."""
    action = event.action
    content_type = ContentType.objects.get_for_id(event.content_type_id)  # cached: no query
    model = f"{content_type.app_label}.{content_type.model}"
    changes = event.changes or {}
    out: list[Subject] = []
    if model == "claims.claim":
        if action == "submit_for_review":
            out.append(Subject(EventType.CLAIM_SUBMITTED, model, event.object_id))
        if action in ("label", "correct") and "verdict" in changes:
            out.append(Subject(EventType.CLAIM_VERDICT_CHANGED, model, event.object_id))
        if action == "publish":
            out.append(Subject(EventType.FACTCHECK_PUBLISHED, model, event.object_id))
        if action == "correct":
            out.append(Subject(EventType.FACTCHECK_CORRECTED, model, event.object_id))
    if action in LINK_CONFIRMED_ACTIONS and model in ("claims.claim", "claims.quote"):
        link_id = _confirmed_link(model, event.object_id, changes)
        if link_id is not None:
            link_model = "linking.claimlink" if model == "claims.claim" else "linking.quotelink"
            out.append(Subject(EventType.LINK_CONFIRMED, link_model, link_id))
    return out


def _confirmed_link(model: str, object_id: int, changes: dict) -> int | None:
    after = (changes.get("link") or [None, None])[1] or ""
    match = _OTHER_END.search(after)
    if match is None:
        return None  # a suggestion or a dismissal
    other = int(match.group(2))
    if other < object_id:
        return None  # the target end's record of the same decision
    from factcheck.linking.models import ClaimLink, QuoteLink

    links = ClaimLink if model == "claims.claim" else QuoteLink
    return links.objects.filter(source_id=object_id, target_id=other).values_list("pk", flat=True).first()


def event_id(*, source: str, type: str) -> str:
    """The event's public id: derived from what caused it, so the same cause is the same event."""
    return f"evt_{source}_{type.replace('.', '_')}"


class _Site:
    """What the API serializers ask of a request: absolute URLs, here on SITE_URL."""

    def build_absolute_uri(self, path: str) -> str:
        return urljoin(settings.SITE_URL.rstrip("/") + "/", path)


def absolute(path: str) -> str:
    return _Site().build_absolute_uri(path)


def _serialised(event) -> tuple[dict[str, Any] | None, dict[str, str | None], dict[str, Any]]:
    """(object, links, extra) for the event's subject; object None if the row is gone."""
    from factcheck.api import serializers
    from factcheck.articles.models import Article
    from factcheck.claims.models import Claim
    from factcheck.linking.models import ClaimLink, QuoteLink
    from factcheck.review.selectors import article_status

    context = {"request": _Site()}
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    if event.type == TEST_EVENT:
        return {"message": "A test event from the fact-check desk."}, {"api": None, "web": None}, {}
    if model is Article:
        article = Article.objects.with_outlet().filter(pk=event.object_id).first()
        if article is None:
            return None, {}, {}
        data = serializers.ArticleSerializer(article, context=context).data
        api = reverse("api:article-detail", args=[article.pk])
        return (
            data,
            {"api": absolute(api), "web": absolute(article.get_absolute_url())},
            {"extraction": article_status(article)},
        )
    if model is Claim:
        claim = Claim.objects.with_related().filter(pk=event.object_id).first()
        if claim is None:
            return None, {}, {}
        # One row, once per event (the body is frozen): the serializers' own lookups suffice.
        published = event.type in (EventType.FACTCHECK_PUBLISHED, EventType.FACTCHECK_CORRECTED)
        if published:
            data = serializers.FactcheckSerializer(claim, context=context).data
            api = reverse("api:factcheck-detail", args=[claim.pk])
            web = claim.get_public_url()
        else:
            data = serializers.ClaimSerializer(claim, context=context).data
            api = reverse("api:claim-detail", args=[claim.pk])
            web = claim.get_absolute_url()
        return data, {"api": absolute(api), "web": absolute(web)}, {}
    if model in (ClaimLink, QuoteLink):
        link = model.objects.select_related("source", "target").filter(pk=event.object_id).first()
        if link is None:
            return None, {}, {}
        serializer = serializers.ClaimLinkSerializer if model is ClaimLink else serializers.QuoteLinkSerializer
        name = "claimlink-detail" if model is ClaimLink else "quotelink-detail"
        api = reverse(f"api:{name}", args=[link.pk])
        return (
            serializer(link, context=context).data,
            {"api": absolute(api), "web": absolute(link.source.get_absolute_url())},
            {},
        )
    return None, {}, {}


def body_for(event) -> str:
    """The event's JSON body, as sent (UTF-8, keys in a fixed order)."""
    obj, links, extra = _serialised(event)
    payload = {
        "id": event.event_id,
        "type": event.type,
        "created": event.occurred_at.isoformat().replace("+00:00", "Z"),
        "data": {"object": obj, **extra, "changes": event.changes or {}},
        "links": links,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def content_type_for(model: str) -> ContentType:
    app_label, name = model.split(".")
    return ContentType.objects.get_by_natural_key(app_label, name)
