"""Triage writes: accept, reject, edit, merge, split and add claims and quotes.

Every function is keyword-only, checks the actor's capability, runs in one transaction
and follows the locking protocol of `factcheck.core.locking` (lock the row, compare the
version the editor saw, save with `update_fields` and a bumped version), then writes an
audit event with the before/after values. A save based on an older version raises
StaleEdit instead of overwriting someone's work; a claim's state is checked against the
action table of `factcheck.claims.states`.

Rejected rows are kept (status=rejected), never deleted: the extraction store leaves
any row an editor touched alone, so a rejected candidate does not come back when the
article is extracted again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from factcheck.accounts.roles import Cap, require_cap
from factcheck.articles.models import Article
from factcheck.audit.services import audit_record, diff_fields, snapshot
from factcheck.claims.models import CandidateStatus, Claim, Origin, Quote
from factcheck.claims.people import person_resolve
from factcheck.claims.states import has_editorial_work, refusal
from factcheck.core.errors import ApplicationError, Conflict
from factcheck.core.locking import copy_saved, lock_for_edit, save_versioned

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

# What an editor changes when editing a quote (and what a stale edit reports).
QUOTE_EDITABLE = ["start", "end", "text", "speaker"]


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


def _status_change(obj: Claim | Quote, *, status: str, actor, expected_version: int | None, reason: str = ""):
    """Lock, compare the version, set the triage status, save, audit. Returns the stored row
    (and updates `obj`, the caller's copy)."""
    current = lock_for_edit(obj, expected_version=expected_version, fields=["status"])
    if isinstance(current, Claim):
        action = "accept" if status == CandidateStatus.ACCEPTED else "reject"
        if action == "accept" and current.status == CandidateStatus.ACCEPTED:
            return current  # already accepted (whatever its workflow): nothing to do
        if problem := refusal(current, action):
            raise Conflict(problem)
    before = snapshot(current, ["status"])
    current.status = status
    current.edited_by = actor
    save_versioned(current, fields=["status", "edited_by"])
    audit_record(
        actor=actor, obj=current, action=status, changes=diff_fields(current, before, ["status"]), reason=reason
    )
    copy_saved(current, obj, ["status", "edited_by"])
    return current


@transaction.atomic
def claim_accept(*, claim: Claim, actor, expected_version: int | None = None) -> Claim:
    require_cap(actor, Cap.REVIEW, "accept claims")
    _status_change(claim, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=expected_version)
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, actor, expected_version: int | None = None, reason: str = "") -> Claim:
    require_cap(actor, Cap.REVIEW, "reject claims")
    _status_change(
        claim, status=CandidateStatus.REJECTED, actor=actor, expected_version=expected_version, reason=reason
    )
    return claim


@transaction.atomic
def quote_accept(*, quote: Quote, actor, expected_version: int | None = None) -> Quote:
    require_cap(actor, Cap.REVIEW, "accept quotes")
    _status_change(quote, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=expected_version)
    return quote


@transaction.atomic
def quote_reject(*, quote: Quote, actor, expected_version: int | None = None, reason: str = "") -> Quote:
    require_cap(actor, Cap.REVIEW, "reject quotes")
    _status_change(
        quote, status=CandidateStatus.REJECTED, actor=actor, expected_version=expected_version, reason=reason
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
def claim_edit_span(*, claim: Claim, start: int, end: int, actor, expected_version: int | None) -> Claim:
    """Move the claim to [start, end) of its article; the text is re-read from the body."""
    require_cap(actor, Cap.REVIEW, "edit claims")
    fields = ["start", "end", "text"]
    current = lock_for_edit(claim, expected_version=expected_version, fields=fields)
    if problem := refusal(current, "edit"):
        raise Conflict(problem)
    body = Article.objects.only("body").get(pk=current.article_id).body
    start, end = span_clean(body=body, start=start, end=end)
    _unique_span_guard(Claim, article_id=current.article_id, start=start, end=end, exclude_pk=current.pk)
    before = snapshot(current, fields)
    current.start, current.end, current.text = start, end, body[start:end]
    current.edited_by = actor
    save_versioned(current, fields=[*fields, "edited_by"])
    audit_record(actor=actor, obj=current, action="edited", changes=diff_fields(current, before, fields))
    copy_saved(current, claim, [*fields, "edited_by"])
    return claim


@transaction.atomic
def quote_edit(*, quote: Quote, start: int, end: int, speaker_name: str, actor, expected_version: int | None) -> Quote:
    """Change a quote's span and/or speaker. An empty speaker name clears the speaker."""
    require_cap(actor, Cap.REVIEW, "edit quotes")
    current = lock_for_edit(quote, expected_version=expected_version, fields=QUOTE_EDITABLE)
    body = Article.objects.only("body").get(pk=current.article_id).body
    start, end = span_clean(body=body, start=start, end=end)
    _unique_span_guard(Quote, article_id=current.article_id, start=start, end=end, exclude_pk=current.pk)
    before = snapshot(current, QUOTE_EDITABLE)
    fields = ["start", "end", "text"]
    current.start, current.end, current.text = start, end, body[start:end]
    speaker_name = " ".join(speaker_name.split())
    current_name = current.speaker.name if current.speaker_id else current.speaker_text
    if speaker_name != (current_name or ""):
        speaker = person_resolve(name=speaker_name) if speaker_name else None
        if speaker is None or speaker.pk != current.speaker_id:
            # The mention the extractor pointed at no longer names this speaker.
            current.speaker = speaker
            current.speaker_text = speaker_name[:300]
            current.speaker_start = current.speaker_end = None
            current.speaker_confidence = None  # the editor's word, not the extractor's guess
            fields += ["speaker", "speaker_text", "speaker_start", "speaker_end", "speaker_confidence"]
    current.edited_by = actor
    save_versioned(current, fields=[*fields, "edited_by"])
    audit_record(actor=actor, obj=current, action="edited", changes=diff_fields(current, before, QUOTE_EDITABLE))
    copy_saved(current, quote, [*fields, "edited_by"])
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
            _status_change(existing, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=None)
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
    require_cap(actor, Cap.PROPOSE, "add claims")
    start, end = span_clean(body=article.body, start=start, end=end)
    claim, _ = _claim_at_span(article=article, start=start, end=end, actor=actor, defaults={"checkworthy": True})
    return claim


@transaction.atomic
def quote_add(*, article: Article, start: int, end: int, actor, speaker_name: str = "") -> Quote:
    """A quote the extractor missed: origin=editor, accepted; a rejected row at the span is re-accepted."""
    require_cap(actor, Cap.PROPOSE, "add quotes")
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


def _untouched_editor_claim(claim: Claim) -> bool:
    """An editor-added claim nobody has worked on since: safe to delete (the extractor never re-creates it)."""
    return (
        claim.origin == Origin.EDITOR
        and claim.version == 1
        and not has_editorial_work(claim)
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
    save_versioned(claim, fields=["status", "edited_by"])
    audit_record(actor=actor, obj=claim, action=action, changes=diff_fields(claim, before, ["status"]), reason=reason)


@transaction.atomic
def claim_merge(*, claims: list[Claim], actor) -> Claim:
    """Adjacent or overlapping claims of one article become one claim spanning them all.

    The spanning claim is accepted (a new editor claim, or the selected claim whose span
    it already is); the others are rejected as merged, so re-extraction leaves them be.
    """
    require_cap(actor, Cap.REVIEW, "merge claims")
    if len(claims) < 2:
        raise TriageError("Select at least two claims to merge.")
    if len({c.article_id for c in claims}) != 1:
        raise TriageError("Only claims of the same article can be merged.")
    locked = list(Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]).order_by("start", "end"))
    if len(locked) != len(claims):
        raise TriageError("One of the selected claims no longer exists; reload the article.")
    for claim in locked:
        if problem := refusal(claim, "merge"):
            raise TriageError(problem)
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
        _status_change(target, status=CandidateStatus.ACCEPTED, actor=actor, expected_version=None)
    for claim in others:
        _retire(claim, actor=actor, action="merged", reason=f"Merged into claim #{target.pk}.")
    return target


@transaction.atomic
def claim_split(*, claim: Claim, at: int, actor, expected_version: int | None = None) -> tuple[Claim, Claim]:
    """Split a claim at body offset `at` into two accepted claims; the original is retired."""
    require_cap(actor, Cap.REVIEW, "split claims")
    claim = lock_for_edit(claim, expected_version=expected_version, fields=["start", "end", "text"])
    if not (claim.start < at < claim.end):
        raise TriageError(f"The split point must lie inside the claim ({claim.start + 1}–{claim.end - 1}).")
    if has_editorial_work(claim):
        raise TriageError("This claim already has a verdict in progress; it cannot be split.")
    if problem := refusal(claim, "split"):
        raise Conflict(problem)
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
