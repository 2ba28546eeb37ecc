"""Store an Extraction's candidates: idempotent, and never over an editor's work.

A candidate is keyed by its span (article, start, end), which a unique constraint
guards. For each span the new extraction finds:
- no row yet: create it;
- an untouched row (still a candidate from the extractor, never edited): refresh it;
- a row an editor accepted, rejected, edited or linked: leave it exactly as it is
  (so a rejected candidate never comes back), and do not add a new candidate over
  most of its span (so an edited, split or merged span does not come back either).
Untouched rows whose span the new extraction no longer finds are removed.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState
from factcheck.claims.models import CandidateStatus, Claim, Origin, PersonKind, Quote
from factcheck.claims.people import people_prefetch, person_resolve
from factcheck.extraction.engine.types import Extraction
from factcheck.linking.models import LinkState

log = logging.getLogger(__name__)

QUOTE_REFRESH = [
    "text",
    "speaker_text",
    "speaker_start",
    "speaker_end",
    "speaker",
    "speaker_confidence",
    "extractor_version",
]
CLAIM_REFRESH = [
    "text",
    "claimant_text",
    "claimant",
    "score",
    "checkworthy",
    "kind",
    "quantities",
    "entities",
    "extractor_version",
]


def _untouched(qs):
    """Rows nobody has worked on: safe to refresh or remove."""
    return qs.filter(origin=Origin.EXTRACTED, status=CandidateStatus.CANDIDATE, version=1).exclude(
        Q(links_out__state__in=[LinkState.CONFIRMED, LinkState.DISMISSED])
        | Q(links_in__state__in=[LinkState.CONFIRMED, LinkState.DISMISSED])
    )


def _covered(span, touched: list[tuple[int, int]]) -> bool:
    """Does an editor's row of the same kind cover most of this span?

    An editor who moved a span (edit, split, merge) has said what the candidate is: the
    extractor's original span must not come back next to it as a new candidate.
    """
    for start, end in touched:
        overlap = min(end, span.end) - max(start, span.start)
        if overlap > 0 and overlap >= 0.5 * min(end - start, span.end - span.start):
            return True
    return False


def _merge(model, *, articles: dict[int, Article], spans: dict[int, list], values_of, refresh_fields: list[str]):
    """Merge one kind of candidate (quotes or claims) into what each article has.

    `spans[article_id]` are the article's new spans; `values_of(article, span)` gives a
    row's field values. Returns {article_id: (created, removed)}.
    """
    existing: dict[int, dict[tuple[int, int], Any]] = {article_id: {} for article_id in articles}
    for row in model.objects.filter(article_id__in=list(articles)):
        existing[row.article_id][(row.start, row.end)] = row
    worked_on = [article_id for article_id, rows in existing.items() if rows]
    untouched = (
        set(_untouched(model.objects.filter(article_id__in=worked_on)).values_list("id", flat=True))
        if worked_on
        else set()
    )
    new, refresh, stale, counts = [], [], [], {}
    for article_id, article in articles.items():
        rows = existing[article_id]
        touched = [key for key, row in rows.items() if row.pk not in untouched]
        body_len = len(article.body)
        seen: set[tuple[int, int]] = set()
        created = 0
        for span in spans[article_id]:
            key = (span.start, span.end)
            if key in seen or not (0 <= span.start < span.end <= body_len):
                continue
            if key not in rows and _covered(span, touched):
                continue
            seen.add(key)
            values = values_of(article, span)
            row = rows.get(key)
            if row is None:
                new.append(model(article_id=article_id, start=span.start, end=span.end, **values))
                created += 1
            elif row.pk in untouched:
                for name, value in values.items():
                    setattr(row, name, value)
                refresh.append(row)
        gone = [row.pk for key, row in rows.items() if key not in seen and row.pk in untouched]
        stale += gone
        counts[article_id] = (created, len(gone))
    if stale:
        model.objects.filter(pk__in=stale).delete()
    model.objects.bulk_create(new, ignore_conflicts=True)
    model.objects.bulk_update(refresh, refresh_fields)
    return counts


def candidates_store(*, article_id: int, extraction: Extraction, version: str) -> dict[str, int]:
    """Store one article's candidates; see `candidates_store_many`."""
    return candidates_store_many(extractions={article_id: extraction}, version=version).get(
        article_id, {"quotes": 0, "claims": 0, "removed": 0}
    )


def candidates_store_many(*, extractions: dict[int, Extraction], version: str) -> dict[int, dict[str, int]]:
    """Store several articles' candidates in one transaction and mark them done.

    One transaction, and a handful of statements, for a whole multi-article task: the
    articles are locked in id order (so two workers never deadlock), each kind of
    candidate is merged with one read and one bulk write, and the task's articles become
    done together or, on an error, not at all (the task's retry then does them again).
    Articles deleted meanwhile are skipped. Returns per article the quotes and claims
    created and the stale candidates removed.
    """
    names = [
        name
        for extraction in extractions.values()
        for name in [q.speaker for q in extraction.quotes] + [c.claimant for c in extraction.claims]
        if name
    ]
    people = people_prefetch(names=names)

    def quote_values(article: Article, span) -> dict:
        speaker = None
        if span.speaker:
            kind = PersonKind.ORGANISATION if span.speaker_kind == "org" else PersonKind.PERSON
            speaker = person_resolve(name=span.speaker, kind=kind, cache=people)
        mention = article.body[span.speaker_start : span.speaker_end] if span.speaker_start is not None else ""
        return {
            "text": span.text,
            "speaker_text": mention[:300],
            "speaker_start": span.speaker_start,
            "speaker_end": span.speaker_end,
            "speaker": speaker,
            "speaker_confidence": span.speaker_confidence if speaker is not None else None,
            "extractor_version": version,
        }

    def claim_values(article: Article, span) -> dict:
        return {
            "text": span.text,
            "claimant_text": (span.claimant or "")[:300],
            "claimant": person_resolve(name=span.claimant, cache=people) if span.claimant else None,
            "score": min(1.0, max(0.0, float(span.score))),
            "checkworthy": span.checkworthy,
            "kind": span.kind,
            "quantities": [asdict(q) for q in span.quantities],
            "entities": [asdict(e) for e in span.entities],
            "extractor_version": version,
        }

    with transaction.atomic():
        locked = Article.objects.select_for_update().only("id", "body").filter(pk__in=list(extractions))
        articles = {article.pk: article for article in locked.order_by("pk")}
        quotes = _merge(
            Quote,
            articles=articles,
            spans={pk: extractions[pk].quotes for pk in articles},
            values_of=quote_values,
            refresh_fields=QUOTE_REFRESH,
        )
        claims = _merge(
            Claim,
            articles=articles,
            spans={pk: extractions[pk].claims for pk in articles},
            values_of=claim_values,
            refresh_fields=CLAIM_REFRESH,
        )
        Article.objects.filter(pk__in=list(articles)).update(
            extraction_state=ExtractionState.DONE,
            extraction_error="",
            extraction_finished_at=timezone.now(),
            extractor_version=version,
        )
        done = list(articles)
        transaction.on_commit(lambda: _after_extraction(done))
    return {
        pk: {"quotes": quotes[pk][0], "claims": claims[pk][0], "removed": quotes[pk][1] + claims[pk][1]}
        for pk in articles
    }


def _after_extraction(article_ids: list[int]) -> None:
    """What follows extraction: link suggestions (factcheck.linking), on their own queue, and
    the article.extracted webhooks (factcheck.webhooks)."""
    from factcheck.linking.tasks import suggest_links  # linking imports extraction: import late

    for article_id in article_ids:
        try:
            suggest_links.delay(article_id)
        except Exception:  # noqa: BLE001 - the broker is down: the link sweep enqueues it later
            log.warning("could not enqueue link suggestions for article %s; the sweep will", article_id)
    # Webhooks' article.extracted (no audit event: the extractor is not an editor).
    from factcheck.webhooks.services import webhooks_articles_extracted

    try:
        webhooks_articles_extracted(article_ids=article_ids)
    except Exception:  # noqa: BLE001 - never fail the extraction that already committed
        log.exception("article.extracted webhooks not recorded for articles %s", article_ids)
