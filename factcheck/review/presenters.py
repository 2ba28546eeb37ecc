"""How the reader and the claim page show things: which claims the reader highlights, the
article body without its intake header, counts in words, and the audit trail as sentences
("carl changed the verdict from True to Mostly true").

Plain functions over rows the selectors already loaded: no queries here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from factcheck.articles.intake import HEADER_RE
from factcheck.articles.models import ExtractionState
from factcheck.claims.models import CandidateStatus, Origin
from factcheck.review.selectors import article_status


def counted(number: int, noun: str, plural: str = "") -> str:
    """ "1 claim", "1,204 claims": the number with thousands separators and the right noun."""
    return f"{intcomma(number)} {noun if number == 1 else plural or noun + 's'}"


def extraction_message(
    article: Any, done_what: str = "submitted", *, meanwhile: str = "They appear below by themselves"
) -> str:
    """What a person is told once an article is in ("submitted", "fetched"): the truth about its
    extraction right now. With the in-process default (no worker) it has already run, so the
    message gives what it found; with a worker it says it is running and why the first one is slow."""
    article.refresh_from_db(fields=["extraction_state", "extraction_error"])
    if article.extraction_state == ExtractionState.DONE:
        status = article_status(article)
        return (
            f"Article {done_what} and extracted: {counted(status['claims'], 'claim')} and "
            f"{counted(status['quotes'], 'quote')} to review."
        )
    if article.extraction_state == ExtractionState.FAILED:
        return f"Article {done_what}, but its extraction failed: {article.extraction_error}"
    return (
        f"Article {done_what}; the extractor is looking for quotes and claims. {meanwhile}; a worker "
        "that has just started loads its language model first, which can take up to about 30 seconds."
    )


# --- The reader -------------------------------------------------------------------------------


def claim_worth_showing(claim: Any, threshold: float | None) -> bool:
    """Is this claim in the reader's default view? Every claim an editor decided on or added, and
    the open candidates at or above the newsroom's threshold (READER_CLAIM_THRESHOLD; unset: the
    extractor's own check-worthy flag, which the dashboard's counts use too)."""
    if claim.status != CandidateStatus.CANDIDATE or claim.origin == Origin.EDITOR:
        return True
    return claim.checkworthy if threshold is None else claim.score >= threshold


# --- The reader's body ------------------------------------------------------------------------


def _escaped(piece: str) -> str:
    # As selectors.body_html escapes each piece (CR kept as a character reference).
    return escape(piece).replace("\r", "&#13;")


def intake_header_length(body: str, first_span_start: int | None) -> int:
    """The length of the sample format's ` date 2024-08-14 ` header at the start of `body`, when no
    candidate starts inside it (0 otherwise: the text is then shown as it is)."""
    match = HEADER_RE.match(body)
    if not match:
        return 0
    if first_span_start is not None and first_span_start < match.end():
        return 0
    return match.end()


def hide_intake_header(body: str, html: SafeString, *, first_span_start: int | None) -> SafeString:
    """`html` (selectors.body_html of `body`) with the intake header line wrapped in a hidden span.

    The header stays in the DOM, so the text content, from which the reader computes selection
    offsets, is still the body character for character; it is only not drawn (the date is in
    the page's header already)."""
    length = intake_header_length(body, first_span_start)
    prefix = _escaped(body[:length])
    if not length or not html.startswith(prefix):
        return html
    rest = html[len(prefix) :]
    return mark_safe(f'<span class="intake-header" hidden>{prefix}</span>{rest}')  # noqa: S308 - escaped above


# --- History in words -------------------------------------------------------------------------

# Texts longer than this are shortened (between words) in the sentence; the full text is in
# the entry's details.
SHORT = 80

FIELD_NAMES = {
    "verdict": "the verdict",
    "verdict_summary": "the summary",
    "verdict_explanation": "the explanation",
    "claimant_text": "the claimant",
    "assigned_to": "the assignee",
    "speaker": "the speaker",
    "text": "the text",
    "status": "the status",
    "workflow": "the stage",
}
# Long free texts: named in the sentence ("rewrote the summary"), shown in full in the details.
LONG_FIELDS = {"verdict_summary", "verdict_explanation", "comment", "text"}
WORDED = {
    "status": {"candidate": "to review", "accepted": "accepted", "rejected": "rejected"},
    "workflow": {"draft": "draft", "in_review": "in review", "approved": "approved", "published": "published"},
}
# Actions that are one fixed sentence whatever they changed (their changes are the stage).
FIXED = {
    "submit_for_review": "submitted the verdict for review",
    "approve": "approved the verdict",
    "approve_despite_disagreement": "approved it although a matched check has another verdict",
    "publish": "published the fact-check",
    "send_back": "sent the {noun} back to draft",
    "accepted": "accepted the {noun}",
    "rejected": "rejected the {noun}",
    "merged": "merged this {noun} into another",
    "split": "split this {noun} in two",
    "deleted": "removed this {noun}",
    "submitted": "submitted the article",
}
LINK_VERBS = {
    "link_create": "linked this {noun}",
    "link_propose": "suggested a link",
    "link_confirm": "confirmed a link",
    "link_dismiss": "dismissed a link",
}


def shorten(text: str, limit: int = SHORT) -> str:
    """`text` on one line, cut between words (never inside one) when longer than `limit`."""
    line = " ".join(str(text).split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(",;:") + "…"


@dataclass
class HistoryEntry:
    who: str
    sentence: str  # "changed the verdict from True to Mostly true"
    reason: str  # the why, quoted after the sentence
    when: Any  # an aware datetime
    action: str  # the stored code, kept for styling and tests
    details: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after), full texts


def _worded(name: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    return WORDED.get(name, {}).get(str(value), str(value))


def _source(stored: Any) -> str:
    """The audit's "Title <url>" (claims.services.workflow._evidence_text) as "Title (url)"."""
    match = re.fullmatch(r"(.*) <(\S+)>", str(stored or ""), re.S)
    return f"{match.group(1)} ({match.group(2)})" if match else str(stored or "")


def _label(name: str) -> str:
    return FIELD_NAMES.get(name, name.replace("_", " ")).removeprefix("the ").capitalize()


def _join(clauses: list[str]) -> str:
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]


def _clause(name: str, before: Any, after: Any, noun: str) -> str:
    """One change in words: "changed the verdict from True to Mostly true"."""
    was, now = _worded(name, before), _worded(name, after)
    label = FIELD_NAMES.get(name, "the " + name.replace("_", " "))
    if name == "status":
        return {"accepted": f"accepted the {noun}", "rejected": f"rejected the {noun}"}.get(now, f"reopened the {noun}")
    if name == "workflow":
        return f"moved it from {was} back to {now}" if now == "draft" else f"moved it to {now}"
    if name in LONG_FIELDS:
        if not was:
            return f"wrote {label}"
        return f"removed {label}" if not now else f"rewrote {label}"
    if name == "assigned_to":
        return f"assigned the {noun} to {now}" if now else f"unassigned the {noun} (was {was})"
    if not was:
        return f"set {label} to {shorten(now)}"
    if not now:
        return f"removed {label} ({shorten(was)})"
    return f"changed {label} from {shorten(was)} to {shorten(now)}"


def _span_sentence(changes: dict, noun: str) -> list[str]:
    clauses = []
    if {"start", "end", "text"} & changes.keys():
        text = changes.get("text", [None, None])[1]
        clauses.append(f"moved the {noun}'s span" + (f" to “{shorten(text)}”" if text else ""))
    if "speaker" in changes:
        clauses.append(_clause("speaker", *changes["speaker"], noun))
    return clauses


def history_entry(event: Any, noun: str = "claim") -> HistoryEntry:
    """One AuditEvent as a sentence, with the full texts it changed as details."""
    actor = event.actor
    who = (actor.get_full_name() or actor.get_username()) if actor else "The system"
    changes: dict[str, list[Any]] = event.changes or {}
    action = event.action
    reason = event.reason
    details = [
        (
            FIELD_NAMES.get(name, name.replace("_", " ")).removeprefix("the ").capitalize(),
            _worded(name, b),
            _worded(name, a),
        )
        for name, (b, a) in changes.items()
        if name in LONG_FIELDS and (len(str(a or "")) > SHORT or len(str(b or "")) > SHORT or name != "text")
    ]
    if action in FIXED:
        sentence = FIXED[action].format(noun=noun)
        if action == "merged" and reason.startswith("Merged into "):
            sentence, reason = f"merged this {noun} into {reason.removeprefix('Merged into ').rstrip('.')}", ""
    elif action in LINK_VERBS:
        before, after = (changes.get("link") or [None, None])[:2]
        sentence = LINK_VERBS[action].format(noun=noun)
        if after:
            sentence += f": {after}"
    elif action == "evidence_add":
        sentence = f"cited a source: {_source((changes.get('evidence') or [None, ''])[1])}"
    elif action == "evidence_remove":
        sentence = f"removed a source: {_source((changes.get('evidence') or [''])[0])}"
    elif action == "comment":
        body = (changes.get("comment") or [None, ""])[1] or ""
        sentence = f"commented: “{shorten(body)}”"
        details = [("Comment", "", body)] if len(body) > SHORT else []
    elif action == "added":
        sentence = f"added this {noun}" + (f": “{shorten(changes['text'][1])}”" if changes.get("text") else "")
        if changes.get("speaker") and changes["speaker"][1]:
            sentence += f", spoken by {changes['speaker'][1]}"
        details = []
    elif action == "edited":
        sentence = _join(_span_sentence(changes, noun)) or f"edited the {noun}"
        details = [d for d in details if d[0] != "Text" or len(d[2]) > SHORT]
    elif action == "correct":
        clauses = [_clause(name, b, a, noun) for name, (b, a) in changes.items()]
        sentence = "published a correction: " + (_join(clauses) or "no field changed")
    elif changes:
        # "label", "assign" and anything new: each change in words.
        order = ["status", "verdict", "verdict_summary", "verdict_explanation", "claimant_text", "workflow"]
        names = sorted(changes, key=lambda n: order.index(n) if n in order else len(order))
        sentence = _join([_clause(name, *changes[name], noun) for name in names])
    else:
        sentence = action.replace("_", " ")
    return HistoryEntry(
        who=who, sentence=sentence, reason=reason, when=event.created_at, action=action, details=details
    )


def history_in_words(events: list[Any], noun: str = "claim") -> list[HistoryEntry]:
    return [history_entry(event, noun) for event in events]
