"""Plain data types shared by the text engine.

The engine is pure Python (spaCy and the standard library, never Django): it turns
text into spans and scores. Offsets are Python string indices into the text given,
end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class Segment:
    """A block of the article: a paragraph or one of the parts that are never claims."""

    start: int
    end: int
    # "headline", "paragraph", "dateline", "byline", "caption", "header"
    kind: str


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # "PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", ...
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number found in a claim, normalised.

    `value` is the best single figure; `low`/`high` bound it ("1 to 2 km" -> 1, 2;
    "more than 100" -> 100, None; "tens of thousands" -> 20000, 99999).
    `unit` is canonical ("km", "km2", "people", "percent", "usd", "date", None).
    """

    text: str
    start: int
    end: int
    value: float | None
    low: float | None = None
    high: float | None = None
    unit: str | None = None
    approx: str = "exact"  # "exact", "about", "more_than", "less_than", "range"
    iso_date: str | None = None  # for unit == "date"


@dataclass(slots=True)
class QuoteSpan:
    start: int  # first character inside the marks
    end: int  # one past the last character inside the marks
    text: str
    speaker: str | None = None  # resolved name ("Vladimir Putin" even where the text says "he")
    speaker_start: int | None = None  # the mention this attribution uses ("he", "Mr Zelenskyy")
    speaker_end: int | None = None
    speaker_kind: str | None = None  # "person" or "org"
    cue: str | None = None  # the cue verb or phrase used ("said", "according to")
    partial: bool = False  # a few words embedded in a sentence
    # This piece continues a quotation from the previous paragraph (opening mark repeated,
    # no closing mark there); its speaker is inherited unless the piece has its own cue.
    continued: bool = False
    # How much the text supports the speaker, in [0, 1]: about 0.9 for a speech verb whose
    # subject is a name, lower for a pronoun, a description, a non-speech verb or a speaker
    # carried over from a neighbouring quotation; None when there is no speaker.
    speaker_confidence: float | None = None


@dataclass(frozen=True, slots=True)
class MarkedPhrase:
    """Words in quotation marks that are not a quotation (see nonquotes.py)."""

    start: int
    end: int
    text: str
    kind: str  # "title", "scare_quote" or "term"


@dataclass(slots=True)
class ClaimSpan:
    start: int
    end: int
    text: str
    score: float
    checkworthy: bool
    kind: str = "other"  # "quantity", "comparison", "event", "causal", "prediction", "quote", "other"
    claimant: str | None = None  # the quoted person, or None for the outlet itself
    claimant_start: int | None = None
    claimant_end: int | None = None
    quantities: list[Quantity] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)


@dataclass(slots=True)
class Extraction:
    segments: list[Segment]
    quotes: list[QuoteSpan]
    claims: list[ClaimSpan]
    # Sentences as (start, end) offsets, never crossing a segment; optional, for consumers that
    # need them (claims, the review UI) without running spaCy again.
    sentences: list[tuple[int, int]] = field(default_factory=list)
    # Titles, scare quotes and terms in marks: kept apart from `quotes`, which holds quotations.
    marked_phrases: list[MarkedPhrase] = field(default_factory=list)

    def to_contract(self, id_: str) -> dict:
        """The fixed JSON Lines contract of `manage.py extract --format jsonl` (extra keys welcome)."""
        return {
            "id": id_,
            "quotes": [
                {
                    "text": q.text,
                    "start": q.start,
                    "end": q.end,
                    "speaker": q.speaker,
                    "speaker_start": q.speaker_start,
                    "speaker_end": q.speaker_end,
                    "speaker_kind": q.speaker_kind,
                    "speaker_confidence": q.speaker_confidence,
                }
                for q in self.quotes
            ],
            "claims": [
                {
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                    "score": round(c.score, 4),
                    "checkworthy": c.checkworthy,
                    "kind": c.kind,
                    "claimant": c.claimant,
                    "quantities": [asdict(q) for q in c.quantities],
                    "entities": [asdict(e) for e in c.entities],
                }
                for c in self.claims
            ],
            "marked_phrases": [asdict(m) for m in self.marked_phrases],
        }
