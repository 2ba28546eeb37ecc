"""Triage writes: accept, reject, edit, merge, split and add claims and quotes.

Every function is keyword-only, runs in one transaction, saves with `update_fields`
(or a conditional UPDATE through `save_if_current`) and writes an audit event with
the before/after values. Editorial saves carry the version the editor saw: a save
based on an older version raises StaleEdit instead of overwriting someone's work.

Rejected rows are kept (status=rejected), never deleted: the extraction store leaves
any row an editor touched alone, so a rejected candidate does not come back when the
article is extracted again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.articles.models import Article
from factcheck.audit.services import audit_record, diff_fields, snapshot
from factcheck.claims.concurrency import StaleEdit, save_if_current
from factcheck.claims.models import CandidateStatus, Claim, Origin, Quote, Workflow
from factcheck.claims.people import person_resolve
from factcheck.core.errors import ApplicationError

__all__ = [
    "TriageError",
    "span_clean",
    "claim_accept",
    "claim_reject",
    "quote_accept",
    "quote_reject",
    "claim_edit_span",
    "quote_edit",
    "claim_add",
    "quote_add",
    "claim_merge",
    "claim_split",
]

# What a triage decision or edit may change, and what the stale-edit message compares.
CLAIM_TRACKED = ["status", "start", "end", "text"]
QUOTE_TRACKED = ["status", "start", "end", "text", "speaker"]


class TriageError(ApplicationError):
    """A triage request that cannot be carried out; the message is for the editor."""


def span_clean(*, body: str, start: int, end: int) -> tuple[int, int]:
    """Validate [start, end) against the body and trim the whitespace a mouse selection picks up."""
    if not (0 <= start < end <= len(body)):
        raise TriageError(f"The selection {start}–{end} is not inside the article text (0–{len(body)}).")
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if start >= end:
        raise TriageError("The selection contains only whitespace.")
    return start, end


def _save_versioned(obj: Claim | Quote, *, expected_version: int | None, fields: list[str], seen: dict[str, Any]):
    """Conditional save of `fields` (plus edited_by/updated_at); StaleEdit if someone saved first."""
    obj.updated_at = timezone.now()
    version = obj.version if expected_version is None else expected_version
    save_if_current(obj, expected_version=version, fields=[*fields, "edited_by", "updated_at"], seen=seen)


def _ensure_current(obj: Claim | Quote, *, expected_version: int, tracked: list[str]) -> None:
    """Raise StaleEdit (listing what changed) unless the stored row is still at `expected_version`."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if current.version != expected_version:
        seen = snapshot(obj, tracked)
        changes = {
            name: [seen[name], getattr(current, name)] for name in tracked if seen[name] != getattr(current, name)
        }
        raise StaleEdit(current, changes or {"version": [expected_version, current.version]})


def _set_status(
    obj: Claim | Quote, *, status: str, actor, expected_version: int | None, tracked: list[str], reason: str = ""
) -> None:
    before = snapshot(obj, tracked)
    obj.status = status
    obj.edited_by = actor
    _save_versioned(obj, expected_version=expected_version, fields=["status"], seen=before)
    audit_record(actor=actor, obj=obj, action=status, changes=diff_fields(obj, before, ["status"]), reason=reason)


@transaction.atomic
def claim_accept(*, claim: Claim, actor, expected_version: int | None = None) -> Claim:
    _set_status(
        claim, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=expected_version, tracked=CLAIM_TRACKED
    )
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, actor, expected_version: int | None = None, reason: str = "") -> Claim:
    if claim.workflow != Workflow.DRAFT:
        raise TriageError("This claim is already in the verdict workflow; it cannot be rejected here.")
    _set_status(
        claim,
        status=CandidateStatus.REJECTED,
        actor=actor,
        expected_version=expected_version,
        tracked=CLAIM_TRACKED,
        reason=reason,
    )
    return claim


@transaction.atomic
def quote_accept(*, quote: Quote, actor, expected_version: int | None = None) -> Quote:
    _set_status(
        quote, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=expected_version, tracked=QUOTE_TRACKED
    )
    return quote


@transaction.atomic
def quote_reject(*, quote: Quote, actor, expected_version: int | None = None, reason: str = "") -> Quote:
    _set_status(
        quote,
        status=CandidateStatus.REJECTED,
        actor=actor,
        expected_version=expected_version,
        tracked=QUOTE_TRACKED,
        reason=reason,
    )
    return quote


def _unique_span_guard(model, *, article_id: int, start: int, end: int, exclude_pk: int | None = None) -> None:
    clash = model.objects.filter(article_id=article_id, start=start, end=end)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.only("pk", "status").first()
    if other is not None:
        noun = model._meta.verbose_name
        raise TriageError(f"Another {noun} (#{other.pk}, {other.get_status_display().lower()}) has exactly this span.")


@transaction.atomic
def claim_edit_span(*, claim: Claim, start: int, end: int, actor, expected_version: int) -> Claim:
    """Move the claim to [start, end) of its article; the text is re-read from the body."""
    body = Article.objects.only("body").get(pk=claim.article_id).body
    start, end = span_clean(body=body, start=start, end=end)
    _unique_span_guard(Claim, article_id=claim.article_id, start=start, end=end, exclude_pk=claim.pk)
    before = snapshot(claim, CLAIM_TRACKED)
    claim.start, claim.end, claim.text = start, end, body[start:end]
    claim.edited_by = actor
    _save_versioned(claim, expected_version=expected_version, fields=["start", "end", "text"], seen=before)
    audit_record(actor=actor, obj=claim, action="edited", changes=diff_fields(claim, before, ["start", "end", "text"]))
    return claim


@transaction.atomic
def quote_edit(*, quote: Quote, start: int, end: int, speaker_name: str, actor, expected_version: int) -> Quote:
    """Change a quote's span and/or speaker. An empty speaker name clears the speaker."""
    body = Article.objects.only("body").get(pk=quote.article_id).body
    start, end = span_clean(body=body, start=start, end=end)
    _unique_span_guard(Quote, article_id=quote.article_id, start=start, end=end, exclude_pk=quote.pk)
    before = snapshot(quote, QUOTE_TRACKED)
    fields = ["start", "end", "text"]
    quote.start, quote.end, quote.text = start, end, body[start:end]
    speaker_name = " ".join(speaker_name.split())
    current_name = quote.speaker.name if quote.speaker_id else quote.speaker_text
    if speaker_name != (current_name or ""):
        speaker = person_resolve(name=speaker_name) if speaker_name else None
        if speaker is None or speaker.pk != quote.speaker_id:
            # The mention the extractor pointed at no longer names this speaker.
            quote.speaker = speaker
            quote.speaker_text = speaker_name[:300]
            quote.speaker_start = quote.speaker_end = None
            fields += ["speaker", "speaker_text", "speaker_start", "speaker_end"]
    quote.edited_by = actor
    _save_versioned(quote, expected_version=expected_version, fields=fields, seen=before)
    audit_record(
        actor=actor, obj=quote, action="edited", changes=diff_fields(quote, before, ["start", "end", "text", "speaker"])
    )
    return quote


def _candidate_at_span(
    model,
    *,
    article: Article,
    start: int,
    end: int,
    actor,
    defaults: dict[str, Any] | Callable[[], dict[str, Any]],
    audit_extra: dict | None = None,
):
    """The accepted claim or quote at exactly this span: an existing row (re-accepted if
    rejected) or a new one added by the editor. Returns (row, created). `defaults` may be
    a function, called only when a row is created."""
    noun = model._meta.verbose_name
    existing = model.objects.filter(article=article, start=start, end=end).first()
    if existing is not None:
        if existing.status != CandidateStatus.ACCEPTED:
            tracked = CLAIM_TRACKED if model is Claim else QUOTE_TRACKED
            _set_status(existing, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=None, tracked=tracked)
        return existing, False
    try:
        with transaction.atomic():
            row = model.objects.create(
                article=article,
                start=start,
                end=end,
                text=article.body[start:end],
                origin=Origin.EDITOR,
                status=CandidateStatus.ACCEPTED,
                edited_by=actor,
                **(defaults() if callable(defaults) else defaults),
            )
    except IntegrityError:
        raise TriageError(f"Someone else just added a {noun} at this span; reload the article.") from None
    changes = {"start": [None, start], "end": [None, end], "text": [None, row.text], **(audit_extra or {})}
    audit_record(actor=actor, obj=row, action="added", changes=changes)
    return row, True


def _claim_at_span(*, article: Article, start: int, end: int, actor, defaults: dict[str, Any]) -> tuple[Claim, bool]:
    return _candidate_at_span(Claim, article=article, start=start, end=end, actor=actor, defaults=defaults)


@transaction.atomic
def claim_add(*, article: Article, start: int, end: int, actor) -> Claim:
    """A claim the extractor missed, selected by an editor: origin=editor, accepted."""
    start, end = span_clean(body=article.body, start=start, end=end)
    claim, _ = _claim_at_span(article=article, start=start, end=end, actor=actor, defaults={"checkworthy": True})
    return claim


@transaction.atomic
def quote_add(*, article: Article, start: int, end: int, actor, speaker_name: str = "") -> Quote:
    """A quote the extractor missed: origin=editor, accepted; a rejected row at the span is re-accepted."""
    start, end = span_clean(body=article.body, start=start, end=end)
    speaker_name = " ".join(speaker_name.split())
    quote, _ = _candidate_at_span(
        Quote,
        article=article,
        start=start,
        end=end,
        actor=actor,
        # Resolved only for a new row: an existing quote keeps its speaker.
        defaults=lambda: {
            "speaker": person_resolve(name=speaker_name) if speaker_name else None,
            "speaker_text": speaker_name[:300],
        },
        audit_extra={"speaker": [None, speaker_name]},
    )
    return quote


def _has_editorial_work(claim: Claim) -> bool:
    return claim.workflow != Workflow.DRAFT or claim.verdict_id is not None


def _untouched_editor_claim(claim: Claim) -> bool:
    """An editor-added claim nobody has worked on since: safe to delete (the extractor never re-creates it)."""
    return (
        claim.origin == Origin.EDITOR
        and claim.version == 1
        and not _has_editorial_work(claim)
        and not claim.evidence.exists()
        and not claim.comments.exists()
    )


def _retire(claim: Claim, *, actor, action: str, reason: str) -> None:
    """Take a claim out of the live set after a merge or split: delete if untouched editor work, else reject."""
    if _untouched_editor_claim(claim):
        audit_record(actor=actor, obj=claim, action="deleted", reason=reason)
        claim.delete()
        return
    before = snapshot(claim, ["status"])
    claim.status = CandidateStatus.REJECTED
    claim.edited_by = actor
    _save_versioned(claim, expected_version=None, fields=["status"], seen=before)
    audit_record(actor=actor, obj=claim, action=action, changes=diff_fields(claim, before, ["status"]), reason=reason)


@transaction.atomic
def claim_merge(*, claims: list[Claim], actor) -> Claim:
    """Adjacent or overlapping claims of one article become one claim spanning them all.

    The spanning claim is accepted (a new editor claim, or the selected claim whose span
    it already is); the others are rejected as merged, so re-extraction leaves them be.
    """
    if len(claims) < 2:
        raise TriageError("Select at least two claims to merge.")
    if len({c.article_id for c in claims}) != 1:
        raise TriageError("Only claims of the same article can be merged.")
    locked = list(Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]).order_by("start", "end"))
    if len(locked) != len(claims):
        raise TriageError("One of the selected claims no longer exists; reload the article.")
    for claim in locked:
        if _has_editorial_work(claim):
            raise TriageError(f"Claim #{claim.pk} already has a verdict in progress; it cannot be merged.")
    article = Article.objects.only("id", "body").get(pk=locked[0].article_id)
    reach = locked[0].end
    for claim in locked[1:]:
        if claim.start > reach and article.body[reach : claim.start].strip():
            raise TriageError("Only adjacent or overlapping claims can be merged: there is other text between them.")
        reach = max(reach, claim.end)
    start, end = locked[0].start, reach
    target = next((c for c in locked if (c.start, c.end) == (start, end)), None)
    others = [c for c in locked if c is not target]
    clash = Claim.objects.filter(article=article, start=start, end=end).exclude(pk__in=[c.pk for c in locked])
    if target is None and clash.exists():
        target = clash.get()
    if target is None:
        best = max(locked, key=lambda c: c.score)
        target, _ = _claim_at_span(
            article=article,
            start=start,
            end=end,
            actor=actor,
            defaults={
                "score": best.score,
                "checkworthy": any(c.checkworthy for c in locked),
                "kind": best.kind,
                "claimant": next((c.claimant for c in locked if c.claimant_id), None),
                "claimant_text": next((c.claimant_text for c in locked if c.claimant_text), ""),
            },
        )
    elif target.status != CandidateStatus.ACCEPTED:
        _set_status(target, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=None, tracked=CLAIM_TRACKED)
    for claim in others:
        _retire(claim, actor=actor, action="merged", reason=f"Merged into claim #{target.pk}.")
    return target


@transaction.atomic
def claim_split(*, claim: Claim, at: int, actor, expected_version: int | None = None) -> tuple[Claim, Claim]:
    """Split a claim at body offset `at` into two accepted claims; the original is retired."""
    if expected_version is not None:
        _ensure_current(claim, expected_version=expected_version, tracked=CLAIM_TRACKED)
    if not (claim.start < at < claim.end):
        raise TriageError(f"The split point must lie inside the claim ({claim.start + 1}–{claim.end - 1}).")
    if _has_editorial_work(claim):
        raise TriageError("This claim already has a verdict in progress; it cannot be split.")
    article = Article.objects.only("id", "body").get(pk=claim.article_id)
    try:
        left = span_clean(body=article.body, start=claim.start, end=at)
        right = span_clean(body=article.body, start=at, end=claim.end)
    except TriageError:
        raise TriageError("Both parts of a split must contain text.") from None
    defaults = {
        "score": claim.score,
        "checkworthy": claim.checkworthy,
        "kind": claim.kind,
        "claimant": claim.claimant,
        "claimant_text": claim.claimant_text,
    }
    reason = f"Split at offset {at}."
    _retire(claim, actor=actor, action="split", reason=reason)
    first, _ = _claim_at_span(article=article, start=left[0], end=left[1], actor=actor, defaults=defaults)
    second, _ = _claim_at_span(article=article, start=right[0], end=right[1], actor=actor, defaults=defaults)
    return first, second
