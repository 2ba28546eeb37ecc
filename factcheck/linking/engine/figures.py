"""Do two claims' figures agree? Quantities (the extraction engine's Quantity, as dataclass
or as the dict stored in Claim.quantities) become intervals; figures in the same unit agree
when their intervals overlap, and conflict when no pair of them does.

Tolerances (stated, so editors can reason about them):
- an exact figure is taken to be rounded: +/- EXACT_TOLERANCE (2 %);
- "about/around/some X": +/- ABOUT_TOLERANCE (25 %);
- "1 to 2 km": [1, 2] (+/- 2 %); "more than X": [X, inf); "up to / less than X": [0, X];
- vague amounts ("tens of thousands"): the bounds the extractor gives ([20 000, 99 999]).
Dates (unit "date") are compared separately by `compare_dates`. Bare numbers with no unit
("four", "74") are not compared: without the counted thing, 4 and 74 are not the same kind.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

__all__ = ["ABOUT_TOLERANCE", "EXACT_TOLERANCE", "FigureComparison", "compare_dates", "compare_figures", "interval"]

EXACT_TOLERANCE = 0.02
ABOUT_TOLERANCE = 0.25
CLOSE_RATIO = 1.5


def _as_dict(q: Any) -> Mapping[str, Any]:
    if isinstance(q, Mapping):
        return q
    if is_dataclass(q):
        return asdict(q)
    raise TypeError(f"not a quantity: {q!r}")


def interval(q: Any) -> tuple[float, float] | None:
    """The range of values a stated figure allows, or None if it states none."""
    q = _as_dict(q)
    if q.get("unit") == "date":
        return None
    value, low, high = q.get("value"), q.get("low"), q.get("high")
    approx = q.get("approx") or "exact"
    if approx == "more_than":
        base = low if low is not None else value
        return (base, math.inf) if base is not None else None
    if approx == "less_than":
        base = high if high is not None else value
        return (0.0, base) if base is not None else None
    if low is not None or high is not None:
        lo = low if low is not None else value
        hi = high if high is not None else value
        if lo is None or hi is None:
            return None
        if value is None:
            # A vague amount's bounds are already its edges ("tens of thousands" < 100 000).
            return lo, hi
        return lo * (1 - EXACT_TOLERANCE), hi * (1 + EXACT_TOLERANCE)
    if value is None:
        return None
    tol = ABOUT_TOLERANCE if approx == "about" else EXACT_TOLERANCE
    lo, hi = value * (1 - tol), value * (1 + tol)
    return (min(lo, hi), max(lo, hi))


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _typical(span: tuple[float, float]) -> float:
    """A representative value: the middle of a bounded interval, the bound of an open one."""
    lo, hi = span
    if math.isinf(hi):
        return lo
    return (lo + hi) / 2


def _close(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Overlapping figures whose typical values are also within CLOSE_RATIO: "more than 100"
    overlaps "tens of thousands" but says nothing in its favour."""
    x, y = _typical(a), _typical(b)
    if x <= 0 or y <= 0:
        return x == y
    return max(x, y) / min(x, y) <= CLOSE_RATIO


@dataclass(frozen=True, slots=True)
class FigureComparison:
    # "agree" (overlapping and close), "compatible" (overlapping only because one is open-ended
    # or vague), "conflict" (disjoint), or "none" (no figures in a common unit)
    state: str
    unit: str | None = None
    a_text: str = ""
    b_text: str = ""

    def describe(self) -> str:
        if self.state == "agree":
            if normal(self.a_text) == normal(self.b_text):
                return f"same figure ({self.a_text})"
            return f"figures agree ({self.a_text} / {self.b_text})"
        if self.state == "conflict":
            return f"different figures: {self.a_text} vs {self.b_text}"
        return ""


def normal(text: str) -> str:
    return " ".join(text.lower().split())


def _by_unit(quantities: Iterable[Any]) -> dict[str, list[tuple[tuple[float, float], str]]]:
    groups: dict[str, list[tuple[tuple[float, float], str]]] = {}
    for q in quantities:
        d = _as_dict(q)
        unit = d.get("unit")
        if not unit or unit == "date":
            continue
        span = interval(d)
        if span is not None:
            groups.setdefault(unit, []).append((span, d.get("text") or ""))
    return groups


def compare_figures(a: Iterable[Any], b: Iterable[Any]) -> FigureComparison:
    """Agree if some shared unit has overlapping, close figures; compatible if they only
    overlap loosely; conflict if every shared unit has disjoint figures; none if no unit is shared."""
    ga, gb = _by_unit(a), _by_unit(b)
    conflict: FigureComparison | None = None
    fallback: FigureComparison | None = None
    for unit in ga.keys() & gb.keys():
        compatible = None
        for span_a, text_a in ga[unit]:
            for span_b, text_b in gb[unit]:
                if _overlap(span_a, span_b):
                    if _close(span_a, span_b):
                        return FigureComparison("agree", unit, text_a, text_b)
                    compatible = compatible or FigureComparison("compatible", unit, text_a, text_b)
        if compatible:
            fallback = compatible
            continue
        if conflict is None:
            conflict = FigureComparison("conflict", unit, ga[unit][0][1], gb[unit][0][1])
    return fallback or conflict or FigureComparison("none")


def compare_dates(a: Iterable[Any], b: Iterable[Any]) -> tuple[str, str]:
    """("same", date) if a stated date of one is compatible with one of the other (same day,
    or one is the month/year containing the other), ("differ", "a vs b") if both state dates
    and none is compatible, ("none", "") otherwise."""
    da = [d["iso_date"] for d in map(_as_dict, a) if d.get("unit") == "date" and d.get("iso_date")]
    db = [d["iso_date"] for d in map(_as_dict, b) if d.get("unit") == "date" and d.get("iso_date")]
    if not da or not db:
        return "none", ""
    for x in da:
        for y in db:
            if x.startswith(y) or y.startswith(x):
                return "same", max(x, y, key=len)
    return "differ", f"{da[0]} vs {db[0]}"
