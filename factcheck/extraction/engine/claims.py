"""Claim candidates: every sentence of the headline and paragraph segments, scored for
check-worthiness, with its kind, claimant, normalised quantities and named entities.

`find_claims(doc, text=..., segments=..., quotes=...)` reuses the spaCy parse of the whole
text (it never runs spaCy again) and scores all candidate sentences in one batched call
of `checkworthy.score_sentences`, handing it their parsed Spans (its parse view reads the
tags, entities and dependencies off them). Per-sentence rules are cheap token and regex checks.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import date
from typing import Any

from . import checkworthy, docview
from .names import fullest_name
from .quantities import find_quantities
from .types import ClaimSpan, Entity, Quantity, QuoteSpan, Segment

__all__ = ["find_claims", "CLAIM_SEGMENT_KINDS", "MIN_WORDS"]

CLAIM_SEGMENT_KINDS = frozenset({"headline", "paragraph"})
MIN_WORDS = 4  # shorter fragments ("Picture: Getty", "Read more") are not claims

ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE", "LAW", "PRODUCT", "WORK_OF_ART", "MONEY"}
)
REPORTING_VERBS = frozenset(
    {
        "say",
        "state",
        "claim",
        "add",
        "tell",
        "announce",
        "report",
        "warn",
        "insist",
        "deny",
        "accuse",
        "confirm",
        "estimate",
        "allege",
        "argue",
        "assert",
        "declare",
        "note",
        "explain",
        "write",
        "tweet",
        "post",
        "reveal",
        "acknowledge",
        "admit",
        "suggest",
        "predict",
        "promise",
        "vow",
        "stress",
        "maintain",
        "contend",
        "charge",
        "testify",
        "concede",
        "boast",
        "continue",
    }
)
# "continue" reports speech only as a trailing attribution ("..., he continued").
_WEAK_REPORTING = frozenset({"continue"})
_CLAIM_XCOMP = frozenset({"claim", "deny", "admit", "allege", "boast", "report", "promise", "vow"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})

_COMPARISON = re.compile(
    r"\b(?:first|last|only) time\b|\bfor the first\b|\brecord(?:-breaking| high| low| number| levels?)?\b"
    r"|\bsince (?:the )?(?:World War|Second World War|First World War|records began|the end of|the Cold War)"
    r"|\bcompared (?:to|with)\b|\b(?:twice|three times|four times|half) as\b|\bthe same (?:amount|number|level|size)\b"
    r"|\b(?:doubled|tripled|halved|outnumber\w*|surpass\w*|overtak\w*)\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|going to|expected to|likely to|unlikely to|set to|poised to|plans? to|planning to"
    r"|forecasts?|predicts?|predicted|projected to|on track to|due to (?:begin|start|be|take|open|close))\b",
    re.IGNORECASE,
)
_CAUSAL = re.compile(
    r"\b(?:because|due to|as a result|caused|causing|causes|led to|leads to|lead to|leading to|result(?:ed|s)? in"
    r"|thanks to|therefore|consequently|prompted|prompting|triggered|owing to|blamed)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def find_claims(
    doc: Any,
    *,
    text: str,
    segments: list[Segment],
    quotes: list[QuoteSpan],
    published: date | None = None,
) -> list[ClaimSpan]:
    """One ClaimSpan per candidate sentence of the headline/paragraph segments, in text order.

    `published` resolves weekdays in quantities ("on Wednesday"); without it, a date found
    in a dateline or header segment (" date 2024-08-14 ") is used. Every candidate is returned with its score; the
    `checkworthy` flag applies the shipped threshold.
    """
    spans = list(_candidate_spans(doc, text, segments))
    if not spans:
        return []
    ref_date = published or _date_from_datelines(text, segments)
    # The sentences of the article's parse: the scorer reads its parse view off them.
    sent_spans = [doc.char_span(s, e, alignment_mode="expand") for s, e in spans]
    scores = checkworthy.score_sentences([text[s:e] for s, e in spans], parsed=sent_spans)
    # Names that can be claimants: entities of the claim segments only (never a byline's).
    # Everything below is indexed by offset (bisect) so that a claim costs what its own
    # sentence holds, not what the whole article holds: linear in the article's length.
    claim_segments = sorted((s for s in segments if s.kind in CLAIM_SEGMENT_KINDS), key=lambda s: s.start)
    seg_starts = [s.start for s in claim_segments]
    doc_ents = docview.ents(doc)
    ent_starts = [e.start_char for e in doc_ents]
    names = _Names([e for e in doc_ents if e.label_ in _NAME_LABELS and _inside(e, claim_segments, seg_starts)])
    near_quotes = _overlapping(spans, quotes)
    claims: list[ClaimSpan] = []
    for (start, end), span, score, overlapping in zip(spans, sent_spans, scores, near_quotes, strict=True):
        if span is None:
            continue
        quantities = _quantities(span, start, end, ref_date)
        claimant, c_start, c_end, in_quote = _claimant(doc, span, start, end, overlapping, names)
        if claimant and claimant.lower() not in _PRONOUNS:
            # "Smirnov" -> "Alexei Smirnov", "defence ministry" -> "Russia's defence ministry"
            claimant = fullest_name(doc, claimant, at=c_start)
        claims.append(
            ClaimSpan(
                start=start,
                end=end,
                text=text[start:end],
                score=score,
                checkworthy=score >= checkworthy.THRESHOLD,
                kind=_kind(span, text[start:end], quantities, in_quote),
                claimant=claimant,
                claimant_start=c_start,
                claimant_end=c_end,
                quantities=quantities,
                entities=[
                    Entity(text=e.text, label=e.label_, start=e.start_char, end=e.end_char)
                    for e in _ents_between(doc_ents, ent_starts, start, end)
                    if e.label_ in ENTITY_LABELS
                ],
            )
        )
    return claims


# --- offset indexes ---------------------------------------------------------------------


def _inside(ent: Any, segments: list[Segment], starts: list[int]) -> bool:
    """The entity lies inside one of the segments (sorted, never overlapping)."""
    i = bisect_right(starts, ent.start_char) - 1
    return i >= 0 and ent.end_char <= segments[i].end


def _ents_between(ents: list[Any], starts: list[int], start: int, end: int) -> Iterator[Any]:
    """The entities (in text order, never overlapping) that lie inside [start, end)."""
    for i in range(bisect_left(starts, start), len(ents)):
        e = ents[i]
        if e.start_char >= end:
            break
        if e.end_char <= end:
            yield e


def _overlapping(spans: list[tuple[int, int]], quotes: list[QuoteSpan]) -> list[list[QuoteSpan]]:
    """For each span, the quotations that overlap it, in the order of `quotes`.

    One sweep over both sorted by start, with a heap of the open quotations by end: each
    quotation enters and leaves once, instead of every quotation tested for every claim."""
    out: list[list[QuoteSpan]] = [[] for _ in spans]
    by_start = sorted(range(len(quotes)), key=lambda i: quotes[i].start)
    open_: list[tuple[int, int]] = []  # (end, index in quotes)
    p = 0
    for k in sorted(range(len(spans)), key=lambda k: spans[k][0]):
        start, end = spans[k]
        while p < len(by_start) and quotes[by_start[p]].start < end:
            i = by_start[p]
            heapq.heappush(open_, (quotes[i].end, i))
            p += 1
        while open_ and open_[0][0] <= start:
            heapq.heappop(open_)
        out[k] = [quotes[i] for i in sorted(i for q_end, i in open_ if q_end > start and quotes[i].start < end)]
    return out


class _Names:
    """The claim segments' name entities (text order, never overlapping), looked up by offset."""

    def __init__(self, ents: list[Any]) -> None:
        self.ents = ents
        self.starts = [e.start_char for e in ents]
        self.ends = [e.end_char for e in ents]
        # the last entity of some labels ending before an offset: a pronoun's antecedent
        self.by_labels: dict[tuple[str, ...], tuple[list[Any], list[int]]] = {}

    def within(self, lo: int, hi: int) -> list[Any]:
        return list(_ents_between(self.ents, self.starts, lo, hi))

    def last_ending_by(self, pos: int, labels: tuple[str, ...] | None = None) -> Any | None:
        """The last entity (of these labels) that ends at or before `pos`."""
        if labels is None:
            ents, ends = self.ents, self.ends
        else:
            if labels not in self.by_labels:
                chosen = [e for e in self.ents if e.label_ in labels]
                self.by_labels[labels] = (chosen, [e.end_char for e in chosen])
            ents, ends = self.by_labels[labels]
        i = bisect_right(ends, pos) - 1
        return ents[i] if i >= 0 else None


# --- candidates -------------------------------------------------------------------------


def _candidate_spans(doc: Any, text: str, segments: list[Segment]) -> Iterator[tuple[int, int]]:
    """Sentences clipped to the claim segments, split at line breaks, trimmed, long enough."""
    allowed = sorted((s for s in segments if s.kind in CLAIM_SEGMENT_KINDS), key=lambda s: s.start)
    if not allowed:
        return
    ends = [s.end for s in allowed]
    seen: set[tuple[int, int]] = set()
    for sent in docview.sents(doc):
        # segments ending before the sentence cannot overlap it: start at the first that may
        for seg in allowed[bisect_right(ends, sent.start_char) :]:
            if seg.start >= sent.end_char:
                break
            lo, hi = max(sent.start_char, seg.start), min(sent.end_char, seg.end)
            if lo >= hi:
                continue
            piece_start = lo
            for line in text[lo:hi].split("\n"):
                s, e = piece_start, piece_start + len(line)
                piece_start = e + 1
                while s < e and text[s].isspace():
                    s += 1
                while e > s and text[e - 1].isspace():
                    e -= 1
                if (s, e) in seen or len(_WORD.findall(text[s:e])) < MIN_WORDS:
                    continue
                seen.add((s, e))
                yield s, e


def _date_from_datelines(text: str, segments: list[Segment]) -> date | None:
    for seg in segments:
        if seg.kind not in ("dateline", "header"):
            continue
        for q in find_quantities(text[seg.start : seg.end]):
            if q.iso_date and len(q.iso_date) == 10:
                return date.fromisoformat(q.iso_date)
    return None


def _quantities(span: Any, start: int, end: int, ref_date: date | None) -> list[Quantity]:
    return [q for q in find_quantities(span, ref_date=ref_date) if q.start >= start and q.end <= end]


# --- claimant ---------------------------------------------------------------------------


def _claimant(
    doc: Any, span: Any, start: int, end: int, quotes: list[QuoteSpan], names: _Names
) -> tuple[str | None, int | None, int | None, bool]:
    """(claimant, mention start, mention end, sentence is mostly a direct quotation).

    `quotes`: the quotations that overlap the sentence (the others cannot matter)."""
    length = max(1, end - start)
    in_quote = False
    inside: QuoteSpan | None = None  # a quotation covering most of the sentence
    mentioned: list[QuoteSpan] = []  # quotations whose speaker is named in the sentence
    for q in quotes:
        overlap = min(end, q.end) - max(start, q.start)
        if overlap <= 0 or not q.speaker and overlap * 2 < length:
            continue
        if overlap * 2 >= length:
            in_quote = in_quote or not q.partial
            if q.speaker and inside is None:
                inside = q
        elif q.speaker_start is not None and start <= q.speaker_start < end:
            mentioned.append(q)
    if inside is not None:
        return inside.speaker, inside.speaker_start, inside.speaker_end, in_quote
    found = _reported_speaker(doc, span, names)
    if found is not None:
        name, s, e = found
        # The quote resolver may know the mention better ("He" -> "Vladimir Putin").
        for q in mentioned:
            if q.speaker_start is not None and q.speaker_end is not None and q.speaker_start < e and s < q.speaker_end:
                return q.speaker, q.speaker_start, q.speaker_end, in_quote
        return name, s, e, in_quote
    if mentioned:
        q = min(mentioned, key=lambda q: q.start)
        return q.speaker, q.speaker_start, q.speaker_end, in_quote
    return None, None, None, in_quote


def _reported_speaker(doc: Any, span: Any, names: _Names) -> tuple[str, int, int] | None:
    """The source of reported speech: "X said (that) ...", "..., X added", "according to X"."""
    for tok in span:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            objs = [c for c in doc[tok.i + 1].children if c.dep_ == "pobj"]
            if objs:
                return _name_of(doc, objs[0], span, names)
    for tok in span:
        lemma = tok.lemma_.lower()
        if tok.pos_ not in ("VERB", "AUX") or lemma not in REPORTING_VERBS:
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue  # "Kyiv didn't acknowledge ...": the outlet's claim, not Kyiv's
        has_content = any(c.dep_ in ("ccomp", "parataxis") for c in tok.children)
        # "Kyiv has claimed to have control over ...": the claim is the verb's complement.
        has_content = has_content or (lemma in _CLAIM_XCOMP and any(c.dep_ == "xcomp" for c in tok.children))
        trailing = tok.i > tok.head.i and tok.dep_ in ("parataxis", "ccomp", "conj")
        if lemma in _WEAK_REPORTING:
            # "..., he continued." only: no object or complement of its own
            if not (trailing or (tok.dep_ == "ROOT" and _content_before(tok))) or any(
                c.dep_ in ("dobj", "xcomp") for c in tok.children
            ):
                continue
        elif not (has_content or trailing):
            continue
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return _name_of(doc, subjects[0], span, names)
        if trailing:
            # "..., Ukraine's Gen. Oleksandr Syrskyi, said in a video": the parser often
            # misses the subject of a trailing attribution; take the name right before it.
            e = names.last_ending_by(tok.idx)
            if (
                e is not None
                and e.start_char >= span.start_char
                and not docview.text(doc)[e.end_char : tok.idx].strip(" ,’'s")
            ):
                return _full_name(e, names), e.start_char, e.end_char
    return None


def _content_before(verb: Any) -> bool:
    return any(c.dep_ in ("ccomp", "parataxis") and c.i < verb.i for c in verb.children)


def _name_of(doc: Any, head: Any, span: Any, names: _Names) -> tuple[str, int, int]:
    """A readable name for the subject token: its entity, a pronoun's antecedent, or its phrase."""
    subtree = [t for t in head.subtree if span.start <= t.i < span.end] or [head]
    lo, hi = subtree[0].idx, subtree[-1].idx + len(subtree[-1].text)
    ents = names.within(lo, hi)
    if head.lower_ in _PRONOUNS and not ents:
        want = ("PERSON",) if head.lower_ in ("he", "she", "i") else ("ORG", "GPE", "PERSON")
        prior = names.last_ending_by(head.idx, want)
        if prior is not None:
            return _full_name(prior, names), head.idx, head.idx + len(head.text)
        return head.text, head.idx, head.idx + len(head.text)
    if ents and head.pos_ == "PROPN" and not any(e.start <= head.i < e.end for e in ents):
        # "Alexei Smirnov, the governor of Kursk, said": the model missed the name; the
        # subject is the name, not the place in its apposition.
        left = min([c.i for c in head.children if c.dep_ == "compound" and c.i < head.i] + [head.i])
        s, e = doc[left].idx, head.idx + len(head.text)
        return fullest_name(doc, docview.text(doc)[s:e], at=s), s, e
    if ents:
        ents.sort(key=lambda e: (e.label_ != "PERSON", e.label_ != "ORG", e.start_char))
        e = ents[0]
        return _full_name(e, names), e.start_char, e.end_char
    phrase = doc[subtree[0].i : subtree[-1].i + 1]
    return _strip_possessive(phrase.text), lo, hi


def _full_name(ent: Any, names: _Names) -> str:
    """A surname alone ("Gladkov") becomes the fuller name the article gives ("Vyacheslav Gladkov")."""
    return fullest_name(ent.doc, _strip_possessive(ent.text), at=ent.start_char, label=ent.label_)


def _strip_possessive(name: str) -> str:
    name = re.sub(r"^(?:the|The)\s+", "", name.strip())
    return re.sub(r"[’']s$", "", name)


# --- kind -------------------------------------------------------------------------------


def _kind(span: Any, sentence: str, quantities: list[Quantity], in_quote: bool) -> str:
    """comparison > quantity > prediction > causal > quote > event > other (first that applies)."""
    if _is_comparison(span, sentence):
        return "comparison"
    if any(q.unit != "date" for q in quantities):
        return "quantity"
    if _PREDICTION.search(sentence):
        return "prediction"
    if _CAUSAL.search(sentence):
        return "causal"
    if in_quote:
        return "quote"
    if _is_event(span):
        return "event"
    return "other"


def _is_comparison(span: Any, sentence: str) -> bool:
    if _COMPARISON.search(sentence):
        return True
    for tok in span:
        if tok.tag_ in ("JJS", "RBS") and tok.lower_ not in ("most", "least"):
            return True
        if tok.tag_ in ("JJR", "RBR") and tok.i + 1 < len(tok.doc):
            nxt = tok.doc[tok.i + 1]
            after = tok.doc[tok.i + 2] if tok.i + 2 < len(tok.doc) else None
            if nxt.lower_ == "than" and not (after is not None and after.like_num):
                return True
    return False


def _is_event(span: Any) -> bool:
    """A past action with a subject: "Belgorod declared an emergency", "two were damaged"."""
    for tok in span:
        if (
            tok.pos_ == "VERB"
            and tok.tag_ in ("VBD", "VBN")
            and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        ):
            return True
    return False
