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

from dataclasses import asdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from factcheck.articles.models import Article, ExtractionState
from factcheck.claims.models import CandidateStatus, Claim, Origin, PersonKind, Quote
from factcheck.claims.people import people_prefetch, person_resolve
from factcheck.extraction.engine.types import Extraction
from factcheck.linking.models import LinkState

QUOTE_REFRESH = [
    "text",
    "speaker_text",
    "speaker_start",
    "speaker_end",
    "speaker",
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


def _merge(model, *, article: Article, spans: list, values_of, refresh_fields: list[str]) -> tuple[int, int]:
    """Merge one kind of candidate (quotes or claims) into what the article has.

    Returns (created, removed). `values_of(span)` gives the row's field values.
    """
    existing = {(row.start, row.end): row for row in model.objects.filter(article=article)}
    untouched = (
        set(_untouched(model.objects.filter(article=article)).values_list("id", flat=True)) if existing else set()
    )
    touched = [key for key, row in existing.items() if row.pk not in untouched]
    body_len = len(article.body)
    new, refresh, seen = [], [], set()
    for span in spans:
        key = (span.start, span.end)
        if key in seen or not (0 <= span.start < span.end <= body_len):
            continue
        if key not in existing and _covered(span, touched):
            continue
        seen.add(key)
        values = values_of(span)
        row = existing.get(key)
        if row is None:
            new.append(model(article_id=article.pk, start=span.start, end=span.end, **values))
        elif row.pk in untouched:
            for name, value in values.items():
                setattr(row, name, value)
            refresh.append(row)
    stale = [row.pk for key, row in existing.items() if key not in seen and row.pk in untouched]
    removed = model.objects.filter(pk__in=stale).delete()[0] if stale else 0
    model.objects.bulk_create(new, ignore_conflicts=True)
    model.objects.bulk_update(refresh, refresh_fields)
    return len(new), removed


def candidates_store(*, article_id: int, extraction: Extraction, version: str) -> dict[str, int]:
    speakers = [q.speaker for q in extraction.quotes if q.speaker]
    people = people_prefetch(names=speakers + [c.claimant for c in extraction.claims if c.claimant])

    def quote_values(span) -> dict:
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
            "extractor_version": version,
        }

    def claim_values(span) -> dict:
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
        article = Article.objects.select_for_update().only("id", "body").get(pk=article_id)
        quotes, removed_quotes = _merge(
            Quote, article=article, spans=extraction.quotes, values_of=quote_values, refresh_fields=QUOTE_REFRESH
        )
        claims, removed_claims = _merge(
            Claim, article=article, spans=extraction.claims, values_of=claim_values, refresh_fields=CLAIM_REFRESH
        )
        Article.objects.filter(pk=article_id).update(
            extraction_state=ExtractionState.DONE,
            extraction_error="",
            extraction_finished_at=timezone.now(),
            extractor_version=version,
        )
        transaction.on_commit(lambda: _after_extraction(article_id))
    return {"quotes": quotes, "claims": claims, "removed": removed_quotes + removed_claims}


def _after_extraction(article_id: int) -> None:
    """What follows extraction: link suggestions (factcheck.linking), on their own queue."""
    from factcheck.linking.tasks import suggest_links  # linking imports extraction: import late

    suggest_links.delay(article_id)
