"""The periods a claim is about, and whether two claims are about the same one.

`periods_in(text, ref_date)` finds the time references of a claim and turns each into a
`Period`: a half-open interval of days [start, end) with a kind and a label for editors.
- calendar spans: "in 2019", "March 2024", "14 August 2024", "Q3 2022", "the third quarter
  of 2022", "the first half of 2023", "H1 2023", "the first nine months of 2021";
- relative spans, resolved against `ref_date` (the article's publication date): "this
  year", "so far this year", "last year", "next year", "this/last month", "this/last
  quarter", "this/last week", "yesterday", "today", "two years ago", "in the first quarter"
  (of the publication year, or the year before if that quarter has not begun), "in March"
  (this year's March if it is not after the publication month);
- fiscal years ("fiscal 2021", "FY2021", "fiscal year 2021", "the 2020-21 fiscal year"),
  keyed by the year they end in and compared only with fiscal years;
- cumulative periods: "between 2015 and 2020", "from 2015 to 2020", "2015-2020" (a range),
  "since 2010", "since the start of the war in February 2022" (from a start, open-ended).
Without a reference date a relative period is left out: an unresolved period is unknown,
never a difference.

`compare_periods(a, b)` -> ("same" | "differ" | "unknown", "label a vs label b"):
- "unknown" when either claim states no period, or no pair of periods can be compared
  (a fiscal year against a calendar one);
- "same" when some period of one matches some period of the other: calendar spans match
  when one contains the other ("March 2024" is in "2024"); a range or a "since" matches only
  a period with the same start (and, for ranges, the same end): "since 2010" is a total
  over years, not the figure of one year;
- "differ" otherwise (at least one comparable pair, none matching).
Pure Python, standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Period", "compare_periods", "periods_in"]

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = [
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "final": 4}
_COUNTS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1,
}  # fmt: skip

_MONTH_RE = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_YEAR_RE = r"((?:19|20)\d{2})"
_DAY_RE = r"(\d{1,2})(?:st|nd|rd|th)?"
# Words after which a four-digit number is surely a year ("in 2019", "mid-2019"), and words
# after which it is one unless a counted noun follows ("the 2019 budget", not "the 2000 people").
_YEAR_LEAD = re.compile(
    r"\b(?:in|during|since|until|till|through|throughout|year|early|late|mid|end\s+of|start\s+of|before|after"
    r"|summer|winter|spring|autumn|fall)\s*-?\s*$|'$",
    re.I,
)
_YEAR_WEAK_LEAD = re.compile(r"\b(?:the|and|to|for|of|by|from|around|between)\s+$", re.I)
_YEAR_COUNT_AFTER = re.compile(r"\s*(?:%|percent|per\b|[a-z]+s\b(?!')|,\d)", re.I)
_YEAR_END = re.compile(r"\s*(?:$|[.,;:)!?]|'s\b|’s\b)")


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # exclusive; for "since", the day after the reference date (or start + 1 day)
    kind: str  # "span" (a calendar period), "range" (from one to another), "since" (open-ended)
    label: str  # for editors: "2019", "Q3 2022", "H1 2023", "March 2024", "2015-2020", "since 2010"
    text: str = ""  # as written
    fiscal: bool = False  # a fiscal year: compared only with fiscal years

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


# Building blocks ------------------------------------------------------------------------


def _year(y: int) -> tuple[date, date, str]:
    return date(y, 1, 1), date(y + 1, 1, 1), str(y)


def _month(y: int, m: int) -> tuple[date, date, str]:
    end = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
    return date(y, m, 1), end, f"{_MONTH_NAMES[m]} {y}"


def _months(y: int, first: int, count: int, label: str) -> tuple[date, date, str]:
    last = first + count  # exclusive month number, may be 13
    end = date(y + 1, 1, 1) if last > 12 else date(y, last, 1)
    return date(y, first, 1), end, label


def _quarter(y: int, q: int) -> tuple[date, date, str]:
    return _months(y, 3 * q - 2, 3, f"Q{q} {y}")


def _half(y: int, h: int) -> tuple[date, date, str]:
    return _months(y, 6 * h - 5, 6, f"H{h} {y}")


def _day(d: date) -> tuple[date, date, str]:
    return d, d + timedelta(days=1), f"{d.day} {_MONTH_NAMES[d.month]} {d.year}"


def _safe_day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _shift_months(y: int, m: int, step: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + step
    return n // 12, n % 12 + 1


def _count(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return _COUNTS.get(word)


# Atomic periods -------------------------------------------------------------------------

_I = re.I
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Fiscal years first: "2020-21" would otherwise be a range.
    ("fiscal_pair", re.compile(r"\b(\d{4})\s*[-–/]\s*(\d{2}|\d{4})\s+(?:fiscal|financial|tax)\s+year\b", _I)),
    ("fiscal_pair", re.compile(r"\b(?:fiscal|financial|tax)\s+year\s+(\d{4})\s*[-–/]\s*(\d{2}|\d{4})\b", _I)),
    ("fiscal", re.compile(r"\b(?:fiscal(?:\s+year)?|financial\s+year|FY)\s*'?(\d{4}|\d{2})\b", _I)),
    ("iso_day", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("day_month_year", re.compile(rf"\b{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE}\s*,?\s+{_YEAR_RE}\b", _I)),
    ("month_day_year", re.compile(rf"\b{_MONTH_RE}\s+{_DAY_RE},?\s+{_YEAR_RE}\b", _I)),
    ("quarter_code", re.compile(r"\bQ([1-4])\s*(?:of\s+)?'?(\d{4}|\d{2})?\b", _I)),
    ("year_quarter_code", re.compile(rf"\b{_YEAR_RE}\s*Q([1-4])\b", _I)),
    (
        "quarter",
        re.compile(
            r"\b(?:the\s+)?(first|second|third|fourth|final|1st|2nd|3rd|4th)\s+quarter"
            rf"(?:\s+(?:of\s+)?(?:(?:the\s+)?year\s+)?{_YEAR_RE}\b)?",
            _I,
        ),
    ),
    ("half_code", re.compile(rf"\bH([12])\s*(?:of\s+)?{_YEAR_RE}?\b", _I)),
    (
        "half",
        re.compile(
            rf"\b(?:the\s+)?(first|second|1st|2nd)\s+half(?:\s+of)?(?:\s+(?:the\s+year\s+)?{_YEAR_RE}\b)?(?!\s+of\s+(?!the\s+year))",
            _I,
        ),
    ),
    (
        "first_months",
        re.compile(
            r"\b(?:the\s+)?first\s+(two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2})\s+months"
            rf"(?:\s+of\s+(?:the\s+year\s+)?{_YEAR_RE}\b|\s+of\s+(?:this|the)\s+year\b)?",
            _I,
        ),
    ),
    ("month_year", re.compile(rf"\b{_MONTH_RE}\s+(?:of\s+)?{_YEAR_RE}\b", _I)),
    ("relative", re.compile(r"\b(this|last|next|current|previous|past)\s+(year|month|quarter|week)\b", _I)),
    (
        "ago",
        re.compile(r"\b(a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(year|month)s?\s+ago\b", _I),
    ),
    ("relative_day", re.compile(r"\b(yesterday|today)\b", _I)),
    (
        "month_alone",
        re.compile(
            rf"\b(?:in|since|during|from|until|till|through|by|early|late|mid-?|end\s+of|start\s+of)\s+{_MONTH_RE}(?![\w-]|\s+\d)",
            _I,
        ),
    ),
    (
        "year_range",
        re.compile(
            rf"(?:\b(?:between|from)\s+(?:the\s+years?\s+)?{_YEAR_RE}\s*(?:and|to|until|till|through|-|–)\s*{_YEAR_RE}"
            rf"|(?<![\d$£€.,/]){_YEAR_RE}\s*[-–]\s*{_YEAR_RE})\b",
            _I,
        ),
    ),
    ("year", re.compile(rf"(?<![\d$£€.,/]){_YEAR_RE}(?![\d%]|s\b|\.\d|,\d)", _I)),
]


def _atom(kind: str, m: re.Match[str], ref: date | None) -> tuple[date, date, str, bool] | None:  # noqa: C901, PLR0911, PLR0912
    """One matched time reference as (start, end, label, fiscal), or None if unresolved."""
    g = m.group
    if kind == "fiscal_pair":
        first, second = int(g(1)), g(2)
        end_year = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if end_year != first + 1:
            return None
        return date(end_year, 1, 1), date(end_year + 1, 1, 1), f"FY{first}-{str(end_year)[-2:]}", True
    if kind == "fiscal":
        y = int(g(1))
        y = y if y >= 1000 else 2000 + y
        return date(y, 1, 1), date(y + 1, 1, 1), f"FY{y}", True
    if kind == "iso_day":
        d = _safe_day(int(g(1)), int(g(2)), int(g(3)))
        return (*_day(d), False) if d else None
    if kind == "day_month_year":
        d = _safe_day(int(g(3)), _MONTHS[g(2).lower()], int(g(1)))
        return (*_day(d), False) if d else None
    if kind == "month_day_year":
        d = _safe_day(int(g(3)), _MONTHS[g(1).lower()], int(g(2)))
        return (*_day(d), False) if d else None
    if kind in ("quarter_code", "year_quarter_code", "quarter"):
        if kind == "year_quarter_code":
            y, q = int(g(1)), int(g(2))
        else:
            q = int(g(1)) if kind == "quarter_code" else _ORDINALS[g(1).lower()]
            y = _year_of(g(2), ref, first_month=3 * q - 2)
        return (*_quarter(y, q), False) if y else None
    if kind in ("half_code", "half"):
        h = int(g(1)) if kind == "half_code" else _ORDINALS[g(1).lower()]
        y = _year_of(g(2), ref, first_month=6 * h - 5)
        return (*_half(y, h), False) if y else None
    if kind == "first_months":
        n = _count(g(1))
        y = _year_of(g(2), ref, first_month=1)
        if not n or not 1 <= n <= 12 or not y:
            return None
        label = f"H1 {y}" if n == 6 else f"January-{_MONTH_NAMES[n]} {y}"
        return (*_months(y, 1, n, label), False)
    if kind == "month_year":
        return (*_month(int(g(2)), _MONTHS[g(1).lower()]), False)
    if kind == "relative":
        which, unit = g(1).lower(), g(2).lower()
        if ref is None or which == "past":  # "the past year": the twelve months to date, a rolling window
            return None
        step = {"this": 0, "current": 0, "last": -1, "previous": -1, "next": 1}[which]
        if unit == "year":
            return (*_year(ref.year + step), False)
        if unit == "month":
            return (*_month(*_shift_months(ref.year, ref.month, step)), False)
        if unit == "quarter":
            y, m = _shift_months(ref.year, 3 * ((ref.month - 1) // 3) + 1, 3 * step)
            return (*_quarter(y, (m - 1) // 3 + 1), False)
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=step)
        return monday, monday + timedelta(days=7), f"week of {_day(monday)[2]}", False
    if kind == "ago":
        n = _count(g(1)) or 1
        if ref is None:
            return None
        if g(2).lower() == "year":
            return (*_year(ref.year - n), False)
        return (*_month(*_shift_months(ref.year, ref.month, -n)), False)
    if kind == "relative_day":
        if ref is None:
            return None
        return (*_day(ref - timedelta(days=1) if g(1).lower() == "yesterday" else ref), False)
    if kind == "month_alone":
        month = _MONTHS[g(1).lower()]
        if ref is None or month > ref.month:
            return None  # later in the year than the article: this year's (to come) or last year's
        return (*_month(ref.year, month), False)
    if kind == "year_range":
        first, last = (int(y) for y in m.groups() if y)
        if last <= first:
            return None
        return date(first, 1, 1), date(last + 1, 1, 1), f"{first}-{last}", False
    if kind == "year":
        before = m.string[max(0, m.start() - 16) : m.start()]
        after = m.string[m.end() : m.end() + 20]
        sure = _YEAR_LEAD.search(before) or _YEAR_END.match(after)
        if not sure and not (_YEAR_WEAK_LEAD.search(before) and not _YEAR_COUNT_AFTER.match(after)):
            return None  # a number that may be a count: "2019 people", "around 2000 troops"
        return (*_year(int(g(1))), False)
    return None


def _year_of(text: str | None, ref: date | None, *, first_month: int) -> int | None:
    """The year written ("2022", "'22", "22"), or, with none, the publication year, or the year
    before when the period had not begun by the publication date ("the fourth quarter" in a
    February article)."""
    if text:
        y = int(text)
        return y if y >= 1000 else 2000 + y
    if ref is None:
        return None
    return ref.year if first_month <= ref.month else ref.year - 1


# Combining: ranges and "since" ----------------------------------------------------------

_SINCE_BEFORE = re.compile(
    r"\b(?:ever\s+)?since\s+(?:(?:the\s+)?(?:start|beginning|end|middle|turn)\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?"
    r"(?:in\s+)?)?$",
    re.I,
)
_RANGE_LEAD = re.compile(r"\b(?:between|from)\s+(?:the\s+years?\s+)?$", re.I)
_RANGE_JOIN = re.compile(r"\s*(?:and|to|until|till|through|thru|-|–|—)\s*(?:the\s+end\s+of\s+)?$", re.I)


@dataclass(slots=True)
class _Found:
    start_pos: int
    end_pos: int
    start: date
    end: date
    label: str
    fiscal: bool
    kind: str = "span"


def periods_in(text: str, ref_date: date | None = None) -> list[Period]:
    """The periods `text` is about, in the order written (see the module docstring)."""
    taken: list[tuple[int, int]] = []
    found: list[_Found] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            atom = _atom(kind, m, ref_date)
            if atom is None:
                if kind not in ("year", "month_alone"):
                    taken.append((m.start(), m.end()))  # unresolved, but not to be re-read as a bare year
                continue
            taken.append((m.start(), m.end()))
            found.append(_Found(m.start(), m.end(), *atom, kind="range" if kind == "year_range" else "span"))
    found.sort(key=lambda f: f.start_pos)

    out: list[Period] = []
    i = 0
    while i < len(found):
        f = found[i]
        before = text[max(0, f.start_pos - 80) : f.start_pos]
        nxt = found[i + 1] if i + 1 < len(found) else None
        if f.kind == "range":
            out.append(Period(f.start, f.end, "range", f.label, text[f.start_pos : f.end_pos]))
            i += 1
            continue
        if nxt is not None and nxt.kind == "span" and not f.fiscal and not nxt.fiscal and nxt.start > f.start:
            between = text[f.end_pos : nxt.start_pos]
            dash = between.strip() in ("-", "–", "—")
            if _RANGE_JOIN.fullmatch(between) and (dash or _RANGE_LEAD.search(before)):
                label = f"{f.label}-{nxt.label}"
                out.append(Period(f.start, nxt.end, "range", label, text[f.start_pos : nxt.end_pos]))
                i += 2
                continue
        if _SINCE_BEFORE.search(before) and not f.fiscal:
            end = max(ref_date + timedelta(days=1), f.start + timedelta(days=1)) if ref_date else f.end
            out.append(Period(f.start, end, "since", f"since {f.label}", text[f.start_pos : f.end_pos]))
        else:
            out.append(Period(f.start, f.end, "span", f.label, text[f.start_pos : f.end_pos], f.fiscal))
        i += 1
    return out


# Comparing ------------------------------------------------------------------------------


def _match(p: Period, q: Period) -> bool | None:
    """True if the two periods are the same as far as a claim goes, False if different, None
    if they cannot be compared."""
    if p.fiscal != q.fiscal:
        return None
    if p.kind == "span" and q.kind == "span":
        return p.contains(q) or q.contains(p)
    if p.kind != q.kind:
        return False
    if p.kind == "since":
        return p.start == q.start
    return p.start == q.start and p.end == q.end


def compare_periods(a: Sequence[Period] | Iterable[Period], b: Sequence[Period] | Iterable[Period]) -> tuple[str, str]:
    """("same", label), ("differ", "label a vs label b") or ("unknown", "")."""
    a, b = list(a), list(b)
    if not a or not b:
        return "unknown", ""
    first_difference = ""
    for p in a:
        for q in b:
            result = _match(p, q)
            if result:
                return "same", p.label if p.end - p.start <= q.end - q.start else q.label
            if result is False and not first_difference:
                first_difference = f"{p.label} vs {q.label}"
    if first_difference:
        return "differ", first_difference
    return "unknown", ""
