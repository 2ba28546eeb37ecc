"""Score a pair of claims (or of quotes): a score in [0, 1], a relation and a reason in words.

Claims. `topic` is how alike the two sentences are: a mix of the embedding cosine (meaning,
paraphrase) and the overlap of stemmed content words (exact terms, names, numbers). Then
the contents re-rank it: figures in a common unit that agree, the same place or date push
it up; a different place or date pulls it down. Relation:
- "conflicts": the claims are about the same thing (topic >= CONFLICT_TOPIC, no place or
  date contradiction) and in the same period, and every figure they share a unit for
  disagrees beyond tolerance;
- "same": score >= SAME_SCORE; when the two claims are about different periods (engine.periods:
  "in 2019" vs "this year" in a 2024 article) the relation stays "same" but the reason opens
  with "same claim, different period (2019 vs 2024): re-check" (details["period"] ==
  "differ", which callers never auto-confirm), and their figures are not a conflict;
- "related": anything lower (the caller keeps it only above its suggest threshold).

Quotes. Same speaker (Person, or same surname), then the words: identical apart from
punctuation and case is the same quote; a shared run of at least MIN_SHARED_WORDS words is
the same utterance worded differently, which we report as relation "same" with the reason
"misquote: wording differs" (and a word diff): the two articles report one statement, so it
is one quote, and the flag tells the editor the wording needs checking. "conflicts" is kept
for claims whose figures disagree.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from factcheck.extraction.engine.people import same_person
from factcheck.linking.engine.figures import FigureComparison, compare_dates, compare_figures
from factcheck.linking.engine.periods import Period, compare_periods, periods_in
from factcheck.linking.engine.text import content_terms, fold, names_in, normalise, word_diff

__all__ = [
    "CONFLICT_TOPIC",
    "SAME_SCORE",
    "ClaimFeatures",
    "Match",
    "QuoteMatch",
    "claim_features",
    "compare_quotes",
    "same_speaker",
    "score_claims",
]

# Weights of the topic mix, and the bonuses. Tuned on the seed pair (docs/linking.md).
W_COSINE = 0.6
W_LEXICAL = 0.4
FIGURES_AGREE = 0.15
FIGURES_CONFLICT = 0.2  # added to the topic of a conflicting pair: a conflict is worth seeing
SAME_DATE = 0.05
DATE_DIFFERS = -0.15
SAME_PLACE = 0.05
NAME_OVERLAP = 0.05
PLACE_DIFFERS = -0.1
SAME_SCORE = 0.57
CONFLICT_TOPIC = 0.45
MIN_SHARED_WORDS = 3

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "PERSON", "NORP", "EVENT"})


@dataclass(slots=True)
class ClaimFeatures:
    text: str
    terms: frozenset[str]
    quantities: list[Mapping[str, Any]]
    places: frozenset[str]
    names: frozenset[str]
    periods: tuple[Period, ...] = ()


def claim_features(
    text: str,
    *,
    quantities: Iterable[Any] = (),
    entities: Iterable[Mapping[str, Any]] = (),
    ref_date: datetime.date | None = None,
) -> ClaimFeatures:
    """Features of a claim. `quantities` as stored in Claim.quantities (or Quantity objects);
    `entities` as stored in Claim.entities; without entities, capitalised names stand in.
    `ref_date`: the publication date of the claim's article, which relative periods ("this
    year", "last month") are resolved against; without it they stay unknown."""
    from dataclasses import asdict, is_dataclass

    qs = [asdict(q) if is_dataclass(q) else dict(q) for q in quantities]
    ents = [asdict(e) if is_dataclass(e) else dict(e) for e in entities]
    if ents:
        places = frozenset(_name_key(e["text"]) for e in ents if e.get("label") in PLACE_LABELS)
        names = frozenset(_name_key(e["text"]) for e in ents if e.get("label") in NAME_LABELS)
    else:
        places = frozenset()
        names = frozenset(names_in(text))
    return ClaimFeatures(
        text=text,
        terms=frozenset(content_terms(text)),
        quantities=qs,
        places=places,
        names=names,
        periods=tuple(periods_in(text, ref_date)),
    )


def _name_key(text: str) -> str:
    key = fold(text)
    for prefix in ("the ",):
        key = key.removeprefix(prefix)
    return key.removesuffix("'s").strip()


def lexical(a: ClaimFeatures, b: ClaimFeatures) -> float:
    """Dice overlap of stemmed content words."""
    if not a.terms or not b.terms:
        return 0.0
    return 2 * len(a.terms & b.terms) / (len(a.terms) + len(b.terms))


@dataclass(slots=True)
class Match:
    score: float
    relation: str  # "same", "conflicts", "related"
    reason: str
    topic: float
    figures: FigureComparison
    details: dict[str, Any] = field(default_factory=dict)


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def score_claims(a: ClaimFeatures, b: ClaimFeatures, cosine: float | None = None) -> Match:
    """Compare claim a with claim b. `cosine` is the embedding similarity, if available;
    without it the lexical overlap stands in (scaled, since Dice runs lower than cosine)."""
    lex = lexical(a, b)
    if cosine is None:
        topic = _clamp(0.25 + 0.9 * lex) if lex > 0 else 0.0
    else:
        topic = W_COSINE * max(0.0, cosine) + W_LEXICAL * lex
    reasons: list[str] = []
    bonus = 0.0

    figures = compare_figures(a.quantities, b.quantities)
    if figures.state == "agree":
        bonus += FIGURES_AGREE
        reasons.append(figures.describe())

    date_state, date_text = compare_dates(a.quantities, b.quantities)
    # The periods (years, quarters, fiscal years, "since", relative periods resolved against
    # each article's date) decide when both claims state one; the stated dates otherwise.
    period_state, period_text = compare_periods(a.periods, b.periods)
    date_word = "date"
    if period_state == "same" and date_state != "same":
        date_state, date_text, date_word = "same", period_text, "period"
    elif period_state == "differ":
        date_state, date_text = "period", period_text
    if date_state == "same":
        bonus += SAME_DATE
        reasons.append(f"same {date_word} ({date_text})")
    elif date_state == "differ":
        bonus += DATE_DIFFERS
        reasons.append(f"different dates ({date_text})")

    place_state = "none"
    if a.places and b.places:
        shared = a.places & b.places
        if shared:
            place_state = "same"
            bonus += SAME_PLACE
            reasons.append(f"same place ({', '.join(sorted(shared)[:2]).title()})")
        else:
            place_state = "differ"
            bonus += PLACE_DIFFERS
            reasons.append("different places")
    shared_names = (a.names & b.names) - a.places - b.places
    if shared_names:
        bonus += NAME_OVERLAP
        if place_state == "none":
            reasons.append(f"same names ({', '.join(sorted(shared_names)[:2]).title()})")

    wording = "similar wording" if topic >= 0.55 else "related wording"
    # Conflicting figures change the words around them ("fled" vs "forced to flee"), so the
    # subject test leans on meaning (the cosine) more than on shared words.
    subject = max(topic, 0.85 * cosine) if cosine is not None else topic
    details = {"lexical": lex, "cosine": cosine, "period": period_state}
    conflict_ok = date_state not in ("differ", "period") and place_state != "differ"
    if figures.state == "conflict" and subject >= CONFLICT_TOPIC and conflict_ok:
        score = _clamp(subject + FIGURES_CONFLICT + max(0.0, bonus))
        reason = "; ".join([figures.describe(), f"same subject ({wording} {subject:.2f})", *reasons])
        return Match(round(score, 4), "conflicts", reason, subject, figures, details)

    score = _clamp(topic + bonus)
    relation = "same" if score >= SAME_SCORE and date_state != "differ" else "related"
    reasons.insert(0, f"{wording} ({topic:.2f})")
    if date_state == "period":
        # The same claim about another period: worth showing, never confirmed on its own.
        if relation == "same":
            reasons.insert(0, f"same claim, different period ({date_text}): re-check")
        else:
            reasons.append(f"different periods ({date_text})")
        if figures.state == "conflict":
            reasons.append(f"figures differ across periods ({figures.a_text} vs {figures.b_text})")
    return Match(round(score, 4), relation, "; ".join(reasons), topic, figures, details)


# Quotes ------------------------------------------------------------------------------


def _surname(name: str) -> str:
    parts = [p for p in normalise(name).split() if p not in {"mr", "mrs", "ms", "dr", "president", "gen"}]
    return parts[-1] if parts else ""


def same_speaker(a: str, b: str) -> bool:
    """Same speaker by name: the extraction engine's name matcher (it knows titles and
    transliterations: Zelenskyy / Zelensky), else equal surnames."""
    if not a or not b:
        return False
    if same_person(a, b):
        return True
    sa, sb = _surname(a), _surname(b)
    return bool(sa) and sa == sb


@dataclass(slots=True)
class QuoteMatch:
    score: float
    relation: str  # always "same" (see the module docstring)
    reason: str
    misquote: bool
    diff: list[Any]


def compare_quotes(a: str, b: str) -> QuoteMatch | None:
    """The same speaker's words in two articles: None if they are different statements."""
    wa, wb = normalise(a).split(), normalise(b).split()
    if not wa or not wb:
        return None
    if wa == wb:
        # Identical words: certain, except that one- or two-word scare quotes are common phrases.
        score = 1.0 if len(wa) >= MIN_SHARED_WORDS else 0.6
        return QuoteMatch(score, "same", "same words", False, [])
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    longest = max((blk.size for blk in matcher.get_matching_blocks()), default=0)
    shorter = min(len(wa), len(wb))
    if longest < MIN_SHARED_WORDS or longest / shorter < 0.6:
        return None
    containment = sum(blk.size for blk in matcher.get_matching_blocks()) / shorter
    score = _clamp(0.5 * containment + 0.5 * matcher.ratio())
    diff = word_diff(a, b)
    dropped = " ".join(op.text for op in diff if op.op == "delete")
    added = " ".join(op.text for op in diff if op.op == "insert")
    detail = []
    if dropped:
        detail.append(f"only in one: “{dropped}”")
    if added:
        detail.append(f"only in the other: “{added}”")
    reason = "misquote: wording differs" + (f" ({'; '.join(detail)})" if detail else "")
    # A wording difference is never certain enough to confirm on its own.
    return QuoteMatch(round(min(score, 0.9), 4), "same", reason[:480], True, diff)
