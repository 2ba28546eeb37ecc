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


def candidates_store(*, article_id: int, extraction: Extraction, version: str) -> dict[str, int]:
    speakers = [q.speaker for q in extraction.quotes if q.speaker]
    people = people_prefetch(names=speakers + [c.claimant for c in extraction.claims if c.claimant])
    body_len = None
    with transaction.atomic():
        article = Article.objects.select_for_update().only("id", "body").get(pk=article_id)
        body_len = len(article.body)
        counts = {"quotes": 0, "claims": 0, "removed": 0}

        existing_quotes = {(q.start, q.end): q for q in article.quotes.all()}
        untouched_quotes = (
            set(_untouched(article.quotes.all()).values_list("id", flat=True)) if existing_quotes else set()
        )
        touched = [k for k, q in existing_quotes.items() if q.pk not in untouched_quotes]
        new_quotes, refresh_quotes, seen = [], [], set()
        for span in extraction.quotes:
            key = (span.start, span.end)
            if key in seen or not (0 <= span.start < span.end <= body_len):
                continue
            if key not in existing_quotes and _covered(span, touched):
                continue
            seen.add(key)
            speaker = None
            if span.speaker:
                kind = PersonKind.ORGANISATION if span.speaker_kind == "org" else PersonKind.PERSON
                speaker = person_resolve(name=span.speaker, kind=kind, cache=people)
            speaker_text = article.body[span.speaker_start : span.speaker_end] if span.speaker_start is not None else ""
            values = {
                "text": span.text,
                "speaker_text": speaker_text[:300],
                "speaker_start": span.speaker_start,
                "speaker_end": span.speaker_end,
                "speaker": speaker,
                "extractor_version": version,
            }
            row = existing_quotes.get(key)
            if row is None:
                new_quotes.append(Quote(article_id=article_id, start=span.start, end=span.end, **values))
            elif row.pk in untouched_quotes:
                for name, value in values.items():
                    setattr(row, name, value)
                refresh_quotes.append(row)
        stale = [q.pk for k, q in existing_quotes.items() if k not in seen and q.pk in untouched_quotes]
        counts["removed"] += Quote.objects.filter(pk__in=stale).delete()[0] if stale else 0
        Quote.objects.bulk_create(new_quotes, ignore_conflicts=True)
        Quote.objects.bulk_update(refresh_quotes, QUOTE_REFRESH)
        counts["quotes"] = len(new_quotes)

        existing_claims = {(c.start, c.end): c for c in article.claims.all()}
        untouched_claims = (
            set(_untouched(article.claims.all()).values_list("id", flat=True)) if existing_claims else set()
        )
        touched = [k for k, c in existing_claims.items() if c.pk not in untouched_claims]
        new_claims, refresh_claims, seen = [], [], set()
        for span in extraction.claims:
            key = (span.start, span.end)
            if key in seen or not (0 <= span.start < span.end <= body_len):
                continue
            if key not in existing_claims and _covered(span, touched):
                continue
            seen.add(key)
            claimant = person_resolve(name=span.claimant, cache=people) if span.claimant else None
            values = {
                "text": span.text,
                "claimant_text": (span.claimant or "")[:300],
                "claimant": claimant,
                "score": min(1.0, max(0.0, float(span.score))),
                "checkworthy": span.checkworthy,
                "kind": span.kind,
                "quantities": [asdict(q) for q in span.quantities],
                "entities": [asdict(e) for e in span.entities],
                "extractor_version": version,
            }
            row = existing_claims.get(key)
            if row is None:
                new_claims.append(Claim(article_id=article_id, start=span.start, end=span.end, **values))
            elif row.pk in untouched_claims:
                for name, value in values.items():
                    setattr(row, name, value)
                refresh_claims.append(row)
        stale = [c.pk for k, c in existing_claims.items() if k not in seen and c.pk in untouched_claims]
        counts["removed"] += Claim.objects.filter(pk__in=stale).delete()[0] if stale else 0
        Claim.objects.bulk_create(new_claims, ignore_conflicts=True)
        Claim.objects.bulk_update(refresh_claims, CLAIM_REFRESH)
        counts["claims"] = len(new_claims)

        Article.objects.filter(pk=article_id).update(
            extraction_state=ExtractionState.DONE,
            extraction_error="",
            extraction_finished_at=timezone.now(),
            extractor_version=version,
        )
        transaction.on_commit(lambda: _after_extraction(article_id))
    return counts


def _after_extraction(article_id: int) -> None:
    """Hook for what follows extraction (link suggestions); see factcheck.linking."""
    try:
        from factcheck.linking.tasks import suggest_links
    except ImportError:
        return
    suggest_links.delay(article_id)
