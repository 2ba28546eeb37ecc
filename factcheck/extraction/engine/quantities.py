"""Find and normalise the quantities in a claim: numbers, number words, vague amounts,
ranges, percentages, money, measures (converted to metric) and dates.

`find_quantities(text_or_span, ref_date=None)` accepts a plain string (offsets are into
that string) or a spaCy Span/Doc (offsets are into the whole Doc text; the parse is only
used to find the noun a number counts, e.g. "100 Russian servicemen" -> people).
Standard library only, plus the spaCy objects it is given; one regex pass per text.

Conventions (see types.Quantity):
- "more than 100" -> value 100, low 100, approx "more_than"; "up to 5" -> high 5, "less_than";
  "around 2km" -> value 2, unit km, "about".
- "1 to 2 kilometers" -> value 1.5 (midpoint), low 1, high 2, "range".
- "tens of thousands" -> value None, low 20000, high 99999, "range" (no figure was stated).
- Lengths: km (km, miles) or m (metres, feet, inches); areas: km2 (square km/miles,
  hectares, acres) or m2; mass: kg or t; money: usd, gbp, eur, ...; "percent", "pp"
  (percentage points); durations: "year", "month", "week", "day", "hour", "minute";
  counted people (people, soldiers, civilians, ...): "people"; another counted noun: its
  singular form ("74 settlements" -> "settlement").
- Dates: unit "date", iso_date "YYYY-MM-DD", "YYYY-MM" or "YYYY"; weekdays and
  yesterday/today/tomorrow resolve only against `ref_date` (the publication date): a
  weekday is the latest such day on or before it. Dates without a day are dates too, never
  counts or durations: "last week", "earlier this month", "next year" (resolved to the
  month or year where the reference date allows), "in March", "mid-August", "two weeks ago"
  / "a year ago" (resolved against `ref_date`), "three years earlier", "9/11", "8/14/2024".
- A conversion in brackets right after a quantity ("1,000 square kilometers (386 square
  miles)") is the same figure and is dropped.
- Not quantities: ordinals ("first", "4th"), model names ("Su-34", "COVID-19", "G7"),
  clock times, Roman numerals.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from .types import Quantity

__all__ = ["find_quantities", "parse_number_words"]

_SMALL = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Abbreviated scales written after a figure: "£5m", "$2bn", "40k". "m" means million only
# after a currency sign (otherwise it is metres).
_SCALE_ABBR = {"k": 1e3, "bn": 1e9, "b": 1e9, "mn": 1e6, "mln": 1e6, "tn": 1e12, "trn": 1e12}
# "tens of thousands" etc.: the plural scale word gives [2, 9.99..] x the unit.
_VAGUE = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_FRACTIONS = {
    "half": 0.5,
    "third": 1 / 3,
    "thirds": 1 / 3,
    "quarter": 0.25,
    "quarters": 0.25,
    "fifth": 0.2,
    "fifths": 0.2,
}

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}

# unit words (lower case) -> (canonical unit, factor)
_UNITS: dict[str, tuple[str, float]] = {}
for _words, _unit, _factor in [
    (("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"), "km", 1.0),
    (("mile", "miles", "mi"), "km", 1.609344),
    (("metre", "metres", "meter", "meters"), "m", 1.0),
    (("cm", "centimetre", "centimetres", "centimeter", "centimeters"), "m", 0.01),
    (("ft", "foot", "feet"), "m", 0.3048),
    (("inch", "inches"), "m", 0.0254),
    (("yard", "yards"), "m", 0.9144),
    (("km2", "km²", "sqkm"), "km2", 1.0),
    (("hectare", "hectares", "ha"), "km2", 0.01),
    (("acre", "acres"), "km2", 0.0040468564224),
    (("m2", "m²"), "m2", 1.0),
    (("kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"), "kg", 1.0),
    (("lb", "lbs"), "kg", 0.45359237),
    (("tonne", "tonnes", "ton", "tons"), "t", 1.0),
    (("percent", "pc", "%"), "percent", 1.0),
    (("year", "years", "yr", "yrs"), "year", 1.0),
    (("month", "months"), "month", 1.0),
    (("week", "weeks"), "week", 1.0),
    (("day", "days"), "day", 1.0),
    (("hour", "hours", "hr", "hrs"), "hour", 1.0),
    (("minute", "minutes", "mins"), "minute", 1.0),
    (("dollar", "dollars"), "usd", 1.0),
    (("euro", "euros"), "eur", 1.0),
    (("pound", "pounds", "sterling"), "gbp", 1.0),
    (("rouble", "roubles", "ruble", "rubles"), "rub", 1.0),
    (("hryvnia", "hryvnias", "hryvnas"), "uah", 1.0),
    (("yen",), "jpy", 1.0),
    (("yuan",), "cny", 1.0),
]:
    for _w in _words:
        _UNITS[_w] = (_unit, _factor)
_SQUARE_OF = {"km": ("km2", 1.0), "m": ("m2", 1.0)}
_CURRENCY_SIGNS = {"$": "usd", "£": "gbp", "€": "eur", "¥": "jpy", "₽": "rub", "₴": "uah"}
_PEOPLE = frozenset(
    {
        "people",
        "persons",
        "person",
        "civilians",
        "civilian",
        "residents",
        "resident",
        "soldiers",
        "soldier",
        "troops",
        "servicemen",
        "serviceman",
        "servicemembers",
        "fighters",
        "fighter",
        "prisoners",
        "prisoner",
        "pows",
        "captives",
        "children",
        "child",
        "kids",
        "men",
        "man",
        "women",
        "woman",
        "refugees",
        "refugee",
        "migrants",
        "migrant",
        "workers",
        "worker",
        "employees",
        "employee",
        "citizens",
        "citizen",
        "voters",
        "voter",
        "patients",
        "patient",
        "students",
        "student",
        "inhabitants",
        "evacuees",
        "adults",
        "adult",
        "individuals",
        "individual",
        "americans",
        "britons",
        "russians",
        "ukrainians",
        "officers",
        "officer",
        "police",
        "casualties",
        "victims",
        "victim",
        "deaths",
        "staff",
        "members",
        "personnel",
        "doctors",
        "nurses",
        "teachers",
    }
)
_APPROX_BEFORE: list[tuple[tuple[str, ...], str]] = [
    (("more", "than"), "more_than"),
    (("greater", "than"), "more_than"),
    (("at", "least"), "more_than"),
    (("in", "excess", "of"), "more_than"),
    (("upwards", "of"), "more_than"),
    (("no", "fewer", "than"), "more_than"),
    (("no", "less", "than"), "more_than"),
    (("over",), "more_than"),
    (("above",), "more_than"),
    (("exceeding",), "more_than"),
    (("less", "than"), "less_than"),
    (("fewer", "than"), "less_than"),
    (("no", "more", "than"), "less_than"),
    (("as", "many", "as"), "less_than"),
    (("up", "to"), "less_than"),
    (("at", "most"), "less_than"),
    (("under",), "less_than"),
    (("below",), "less_than"),
    (("close", "to"), "about"),
    (("an", "estimated"), "about"),
    (("about",), "about"),
    (("around",), "about"),
    (("some",), "about"),
    (("approximately",), "about"),
    (("approx",), "about"),
    (("roughly",), "about"),
    (("nearly",), "about"),
    (("almost",), "about"),
    (("circa",), "about"),
    (("estimated",), "about"),
    (("~",), "about"),
]

_TOKEN = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+(?:[-'’][A-Za-z]+)*|²|\S")
_DIGITS = re.compile(r"\d")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_RE = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTH_RE}(?:,?\s+(\d{{4}}))?\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?")
_MONTH_YEAR = re.compile(rf"\b{_MONTH_RE}(?:\s+of)?\s+(\d{{4}})\b")
_YEAR = re.compile(r"(?<![\d,.$£€-])\b(1[89]\d\d|20\d\d)s?\b(?![,.]\d|%)")
_RELATIVE_DAY = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|tomorrow)\b", re.IGNORECASE
)
# Dates without a day number: "last week", "earlier this month", "next year", "mid-August",
# "in March" (capitalised month names; "May" only after a word that makes it a month).
_RELATIVE_PERIOD = re.compile(
    r"\b(?:(?:earlier|later) )?(last|this|next|past) (week|weekend|month|year)\b", re.IGNORECASE
)
_FULL_MONTH = (
    r"(?:(?:early|mid|late)[- ])?"
    r"(January|February|March|April|June|July|August|September|October|November|December)\b"
)
_MONTH_ALONE = re.compile(
    rf"\b{_FULL_MONTH}|\b(?:in|since|until|by|early|late|last|next|this|of) (May)\b|\bmid-(May)\b"
)
# "two weeks ago", "a year ago": a point in time, not a duration.
_A_PERIOD_AGO = re.compile(r"\b(?:a|an|one) (day|week|month|year) ago\b", re.IGNORECASE)
# "9/11" names a date; "8/14/2024" is one (month first, as US copy writes it).
_NUMERIC_DATE = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])|(?<![\d/.])9/11(?![\d/])")
_PERIOD_UNITS = frozenset({"day", "week", "month", "year"})
# Every quantity starts at a digit or one of these words (number words, vague amounts,
# fractions, relative days): a text with none of them has no quantity, and most sentences
# are skipped at the cost of one regex search (tests/engine pin that nothing is lost).
_TRIGGER_WORDS = sorted(
    {*_SMALL, *_TENS, *_SCALES, *_VAGUE, *_FRACTIONS, *_WEEKDAYS, "dozen", "yesterday", "today", "tomorrow"}
    | {"an?", "week", "weekend", "month", "year"}
    | {m for m in _MONTHS if len(m) > 3 or m == "may"}
)
_MAY_HOLD_QUANTITY = re.compile(
    r"\d|\b(?:" + "|".join(w for w in _TRIGGER_WORDS if w != "an?") + r")\b|\ban? (?:day|week|month|year) ago\b",
    re.IGNORECASE,
)


def parse_number_words(words: list[str]) -> tuple[float, int] | None:
    """Value of the longest number-word prefix of `words` (lower case) and how many it used.

    "two hundred and fifty thousand" -> 250000; "two and a half" -> 2.5; "a dozen" -> 12;
    "twenty-five" -> 25. Returns None when `words` does not start with a number.
    """
    total = 0.0
    current = 0.0
    used = 0
    seen = False
    i = 0
    while i < len(words):
        w = words[i]
        parts = w.split("-")
        if all(p in _SMALL or p in _TENS for p in parts) and len(parts) <= 2:
            current += sum(_SMALL.get(p, 0) + _TENS.get(p, 0) for p in parts)
            seen = True
            i += 1
            used = i
        elif w == "a" and not seen and i + 1 < len(words) and (words[i + 1] in _SCALES or words[i + 1] == "dozen"):
            current = 1
            seen = True
            i += 1
        elif w == "dozen" and seen:
            current = (current or 1) * 12
            i += 1
            used = i
        elif w in _SCALES and seen:
            scale = _SCALES[w]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
            i += 1
            used = i
        elif w == "and" and seen and i + 1 < len(words):
            # "two hundred and fifty", "two and a half"
            if words[i + 1 : i + 3] == ["a", "half"]:
                current += 0.5
                i += 3
                used = i
            elif words[i + 1] in _SMALL or words[i + 1].split("-")[0] in _TENS:
                i += 1
            else:
                break
        else:
            break
    if not seen or used == 0:
        return None
    return total + current, used


class _Tok:
    __slots__ = ("text", "low", "start", "end")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.low = text.lower().replace("’", "'")
        self.start = start
        self.end = end


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    try:
        if d is not None and m is not None:
            return date(y, m, d).isoformat()
    except ValueError:
        return None
    if m is not None:
        return f"{y:04d}-{m:02d}" if 1 <= m <= 12 else None
    return f"{y:04d}"


def _find_dates(text: str, ref_date: date | None) -> list[Quantity]:
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, iso: str | None) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(Quantity(text=text[start:end], start=start, end=end, value=None, unit="date", iso_date=iso))

    ref_year = ref_date.year if ref_date else None
    for m in _ISO.finditer(text):
        add(m.start(), m.end(), _iso(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in _DAY_MONTH_YEAR.finditer(text):
        year = int(m.group(3)) if m.group(3) else ref_year
        month = _MONTHS[m.group(2).lower()]
        add(m.start(), m.end(), _iso(year, month, int(m.group(1))) if year else None)
    for m in _MONTH_DAY_YEAR.finditer(text):
        if m.group(1) == "May" and not m.group(3):
            pass  # "May 5" is a date, but keep it only with a clear day number
        year = int(m.group(3)) if m.group(3) else ref_year
        month = _MONTHS[m.group(1).lower().rstrip(".")]
        day = int(m.group(2))
        if day > 31:
            continue
        add(m.start(), m.end(), _iso(year, month, day) if year else None)
    for m in _MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), _iso(int(m.group(2)), _MONTHS[m.group(1).lower().rstrip(".")]))
    for m in _RELATIVE_DAY.finditer(text):
        word = m.group(1).lower()
        iso = None
        if ref_date is not None:
            if word in _WEEKDAYS:
                iso = (ref_date - timedelta(days=(ref_date.weekday() - _WEEKDAYS[word]) % 7)).isoformat()
            else:
                iso = (ref_date + timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[word])).isoformat()
        add(m.start(), m.end(), iso)
    for m in _NUMERIC_DATE.finditer(text):
        if m.group(1) is None:
            add(m.start(), m.end(), "2001-09-11")
            continue
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        add(m.start(), m.end(), _iso(year, int(m.group(1)), int(m.group(2))))
    for m in _A_PERIOD_AGO.finditer(text):
        add(m.start(), m.end(), _ago(ref_date, 1, m.group(1).lower()))
    for m in _RELATIVE_PERIOD.finditer(text):
        which, period = m.group(1).lower(), m.group(2).lower()
        iso = None
        if ref_date is not None and which != "past" and period in ("month", "year"):
            step = {"last": -1, "this": 0, "next": 1}[which]
            if period == "year":
                iso = _iso(ref_date.year + step)
            else:
                months = ref_date.year * 12 + ref_date.month - 1 + step
                iso = _iso(months // 12, months % 12 + 1)
        add(m.start(), m.end(), iso)
    for m in _MONTH_ALONE.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g))
        month = _MONTHS[m.group(group).lower()]
        # The month this year when it is not after the publication date, else unresolved.
        iso = _iso(ref_date.year, month) if ref_date is not None and month <= ref_date.month else None
        add(m.start(2) if group == 2 else m.start(), m.end(), iso)
    for m in _YEAR.finditer(text):
        after = text[m.end() : m.end() + 30].lower().split()
        nxt = after[0].strip(".,;:)") if after else ""
        if nxt in _UNITS or nxt in _PEOPLE or nxt in _SCALES:
            continue  # "2000 people": a count, not a year
        iso = _iso(int(m.group(1)))
        if m.group(0).endswith("s"):
            iso = None  # a decade
        add(m.start(), m.end(), iso)
    return found


def _ago(ref_date: date | None, n: float, period: str) -> str | None:
    """The date `n` periods before the publication date ("two weeks ago"), to the period's grain."""
    if ref_date is None:
        return None
    if period in ("day", "week"):
        return (ref_date - timedelta(days=round(n * (7 if period == "week" else 1)))).isoformat()
    if period == "month" and n == int(n):
        months = ref_date.year * 12 + ref_date.month - 1 - int(n)
        return _iso(months // 12, months % 12 + 1)
    if period == "year" and n == int(n):
        return _iso(ref_date.year - int(n))
    return None


def _dates_from_durations(text: str, quantities: list[Quantity], ref_date: date | None) -> list[Quantity]:
    """ "two weeks ago", "three years earlier": a point in time, so a date, not a duration."""
    out = []
    for q in quantities:
        after = _AGO_AFTER.match(text, q.end)
        if q.unit in _PERIOD_UNITS and q.value is not None and q.approx == "exact" and after:
            end = after.end()
            iso = _ago(ref_date, q.value, q.unit) if after.group(1).lower() == "ago" else None
            q = replace(q, text=text[q.start : end], end=end, value=None, unit="date", iso_date=iso)
        out.append(q)
    return out


# "ago", or "earlier"/"before" that ends the phrase ("three years earlier," but not "three
# years before the war", where the figure is a duration).
_AGO_AFTER = re.compile(
    r"\s+(ago\b|(?:earlier|before)\b(?!\s+(?:the|a|an|his|her|its|their|this|that)\b))", re.IGNORECASE
)


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_number_token(t: _Tok) -> bool:
    return bool(_DIGITS.match(t.text))


def _parse_figure(toks: list[_Tok], i: int, text: str) -> tuple[float, int, bool] | None:
    """Parse a figure at toks[i]: (value, index after it, has_scale)."""
    t = toks[i]
    if _is_number_token(t):
        # "Su-34", "G7", "COVID-19", "MH17": part of a name, not a figure.
        if t.start > 0 and (text[t.start - 1].isalpha() or text[t.start - 1] in "_/"):
            return None
        if t.start > 1 and text[t.start - 1] == "-" and text[t.start - 2].isalpha():
            return None
        if i + 1 < len(toks) and toks[i + 1].low in ("st", "nd", "rd", "th") and toks[i + 1].start == t.end:
            return None  # ordinal
        if (
            i + 2 < len(toks)
            and toks[i + 1].text == ":"
            and toks[i + 1].start == t.end
            and _is_number_token(toks[i + 2])
            and toks[i + 2].start == toks[i + 1].end
        ):
            return None  # clock time "10:30"
        if i + 1 < len(toks) and toks[i + 1].low in ("am", "pm", "a.m", "p.m", "gmt", "bst", "cet", "utc"):
            return None
        value = float(t.text.replace(",", ""))
        j = i + 1
        has_scale = False
        if j < len(toks) and toks[j].low in _SCALES:
            value *= _SCALES[toks[j].low]
            j += 1
            has_scale = True
        elif j < len(toks) and toks[j].low in _SCALE_ABBR and toks[j].start == t.end:
            value *= _SCALE_ABBR[toks[j].low]
            j += 1
            has_scale = True
        return value, j, has_scale
    first = t.low.split("-")[0]
    if first not in _SMALL and first not in _TENS and first != "a":
        return None  # cheap exit: most tokens are not number words
    words: list[str] = []
    k = i
    while k < len(toks) and len(words) < 8 and toks[k].low.replace("-", "").isalpha():
        words.append(toks[k].low)
        k += 1
    parsed = parse_number_words(words)
    if parsed is None:
        return None
    value, used = parsed
    if used == 1 and words[0] == "one" and not (len(words) > 1 and (words[1] in _UNITS or words[1] in _PEOPLE)):
        return None  # "one of the ...", "no one": a pronoun far more often than a count
    has_scale = any(w in _SCALES or w == "dozen" for w in words[:used])
    return value, i + used, has_scale


def _approx_before(toks: list[_Tok], i: int) -> tuple[str, int]:
    """Approximation words ending right before toks[i]: (approx, index of their first token)."""
    for words, approx in _APPROX_BEFORE:
        n = len(words)
        if i - n >= 0 and tuple(t.low for t in toks[i - n : i]) == words:
            start = i - n
            if start >= 1 and toks[start - 1].low in ("just", "well", "slightly"):
                start -= 1
            return approx, start
    return "exact", i


def _count_noun_via_parse(span: Any, start: int, end: int) -> tuple[str, int] | None:
    """With a spaCy span: the noun a number counts ("100 Russian servicemen" -> servicemen)."""
    for tok in span:
        if start <= tok.idx < end and tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN"):
            head = tok.head
            if head.idx >= end and head.idx - end < 40:
                return head.lemma_.lower() if head.pos_ == "NOUN" else head.text.lower(), head.idx + len(head.text)
    return None


def _unit_after(
    toks: list[_Tok], j: int, text: str, currency: str | None, scaled: bool
) -> tuple[str | None, float, int]:
    """Unit starting at toks[j]: (unit, factor, index after it)."""
    if j >= len(toks):
        return currency, 1.0, j
    t = toks[j]
    nxt = toks[j + 1].low if j + 1 < len(toks) else ""
    if t.low in ("per", "percentage") and nxt in ("cent", "point", "points"):
        if t.low == "percentage":
            return "pp", 1.0, j + 2
        return "percent", 1.0, j + 2
    if t.low in ("square", "sq") and nxt in _UNITS and _UNITS[nxt][0] in ("km", "m"):
        unit, factor = _UNITS[nxt]
        if unit == "km":
            return "km2", factor * factor, j + 2
        return "m2", factor * factor, j + 2
    if t.low in _UNITS:
        unit, factor = _UNITS[t.low]
        if t.low == "m" and currency:
            return currency, 1.0, j  # handled as a scale by the caller
        if t.low in ("km", "m") and nxt == "²":
            return unit + "2", 1.0, j + 2
        if currency and unit in ("usd", "eur", "gbp", "rub", "uah", "jpy", "cny"):
            return currency, 1.0, j + 1  # "$5 dollars" (rare): keep the sign's currency
        if t.low == "pound" or t.low == "pounds":
            # weight after a measure context is rare in news; money is the usual sense
            return "gbp", 1.0, j + 1
        return unit, factor, j + 1
    if t.low == "m" and t.start == toks[j - 1].end and not currency:
        return "m", 1.0, j + 1  # "100m" without a currency sign: metres
    if currency:
        return currency, 1.0, j
    return None, 1.0, j


def find_quantities(obj: Any, ref_date: date | None = None) -> list[Quantity]:
    """Quantities in a string, or in a spaCy Span/Doc (offsets then index the Doc text)."""
    text = obj if isinstance(obj, str) else obj.text
    if not _MAY_HOLD_QUANTITY.search(text):
        return []
    return _parse_quantities(obj, text, ref_date)


def _parse_quantities(obj: Any, text: str, ref_date: date | None) -> list[Quantity]:
    if isinstance(obj, str):
        base, span = 0, None
    else:
        base = getattr(obj, "start_char", 0)
        span = obj
    quantities = _find_dates(text, ref_date)
    taken = [(q.start, q.end) for q in quantities]

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in taken)

    toks = _tokens(text)
    i = 0
    while i < len(toks):
        t = toks[i]
        if not free(t.start, t.end):
            i += 1
            continue
        # Vague amounts: "tens of thousands", "hundreds of", "dozens of".
        if t.low in _VAGUE and i + 1 < len(toks) and toks[i + 1].low == "of":
            factor = _VAGUE[t.low]
            j = i + 2
            if j < len(toks) and toks[j].low in ("thousands", "millions", "billions") and t.low in ("tens", "hundreds"):
                factor *= _VAGUE[toks[j].low]
                j += 1
                if j < len(toks) and toks[j].low == "of":
                    j += 1
            low = 2.0 * factor
            high = 10.0 * factor - 1 if t.low != "dozens" else 99.0
            unit, end_tok = None, j
            if j < len(toks):
                unit, _, k = _unit_after(toks, j, text, None, True)
                if unit is not None:
                    end_tok = k
            end = toks[end_tok - 1].end
            if unit is None and j < len(toks):
                unit, end = _counted(toks, j, text, span, base, toks[j - 1].end, end)
            start = t.start
            approx_, first = _approx_before(toks, i)
            if first < i:
                start = toks[first].start
            quantities.append(
                Quantity(
                    text=text[start:end],
                    start=start,
                    end=end,
                    value=None,
                    low=low,
                    high=high,
                    unit=unit,
                    approx="range",
                )
            )
            taken.append((start, end))
            i = max(end_tok, i + 1)
            while i < len(toks) and toks[i].start < end:
                i += 1
            continue
        # Fractions of a whole: "half of", "two-thirds of", "a quarter of".
        frac = _fraction(toks, i)
        if frac is not None:
            value, j = frac
            approx, first = _approx_before(toks, i)
            start, end = toks[first].start, toks[j - 1].end
            quantities.append(
                Quantity(
                    text=text[start:end],
                    start=start,
                    end=end,
                    value=round(value * 100, 2),
                    low=round(value * 100, 2) if approx == "more_than" else None,
                    high=round(value * 100, 2) if approx == "less_than" else None,
                    unit="percent",
                    approx=approx,
                )
            )
            taken.append((start, end))
            i = j
            continue
        currency = None
        first_tok = i
        if t.text in _CURRENCY_SIGNS and i + 1 < len(toks) and _is_number_token(toks[i + 1]):
            currency = _CURRENCY_SIGNS[t.text]
            if i >= 1 and toks[i - 1].low in ("us", "a", "c", "nz", "hk") and toks[i - 1].end == t.start:
                first_tok = i - 1
                currency = (
                    {"us": "usd", "a": "aud", "c": "cad", "nz": "nzd", "hk": "hkd"}[toks[i - 1].low]
                    if t.text == "$"
                    else currency
                )
            i += 1
            t = toks[i]
        fig = _parse_figure(toks, i, text)
        if fig is None:
            i += 1
            continue
        value, j, scaled = fig
        if (
            j < len(toks)
            and toks[j].low == "m"
            and toks[j].start == toks[j - 1].end
            and (currency or _counts_after(toks, j + 1))
        ):
            # "£5m", "3m people": million; a bare "100m" stays metres
            value *= 1e6
            j += 1
            scaled = True
        approx, approx_first = _approx_before(toks, first_tok)
        low = high = None
        # Ranges: "1 to 2 km", "1-2 km", "between 5 and 10 million", "from 5 to 10".
        second = None
        if j + 1 < len(toks) and (
            toks[j].text in ("-", "–", "—", "to")
            or (toks[j].low == "and" and approx_first > 0 and toks[approx_first - 1].low == "between")
        ):
            k = j + 1
            if k < len(toks) and toks[k].text in _CURRENCY_SIGNS:
                k += 1
            if k < len(toks):
                second = _parse_figure(toks, k, text)
        if toks[first_tok - 1].low == "between" if first_tok >= 1 else False:
            approx_first = first_tok - 1
        if second is not None:
            v2, j2, scaled2 = second
            if currency and j2 < len(toks) and toks[j2].low == "m" and toks[j2].start == toks[j2 - 1].end:
                v2 *= 1e6
                j2 += 1
                scaled2 = True
            if scaled2 and not scaled and v2 > 0:
                scale = v2 / float(toks[k].text.replace(",", "")) if _is_number_token(toks[k]) else 1.0
                value *= scale
            if v2 > value:
                low, high, approx = value, v2, "range"
                j = j2
        unit, factor, j_after = _unit_after(toks, j, text, currency, scaled)
        end = toks[j_after - 1].end if j_after > j else toks[j - 1].end
        if unit is None:
            unit, end = _counted(toks, j, text, span, base, toks[j - 1].end, end)
        if unit is not None and factor != 1.0:
            value *= factor
            low = low * factor if low is not None else None
            high = high * factor if high is not None else None
        start = toks[approx_first].start if approx_first < first_tok else toks[first_tok].start
        if approx == "range":
            val: float | None = (low + high) / 2 if low is not None and high is not None else value
        else:
            val = value
            if approx == "more_than":
                low = value
            elif approx == "less_than":
                high = value
        quantities.append(
            Quantity(
                text=text[start:end],
                start=start,
                end=end,
                value=_tidy(val),
                low=_tidy(low),
                high=_tidy(high),
                unit=unit,
                approx=approx,
            )
        )
        taken.append((start, end))
        i = max(j_after, j, i + 1)
        while i < len(toks) and toks[i].start < end:
            i += 1
    quantities.sort(key=lambda q: q.start)
    quantities = _dates_from_durations(text, quantities, ref_date)
    quantities = _drop_bracketed_conversions(text, quantities)
    if base:  # offsets into the Doc's text, not the span's
        quantities = [replace(q, start=q.start + base, end=q.end + base) for q in quantities]
    return quantities


def _counts_after(toks: list[_Tok], k: int) -> bool:
    """A plural noun or a people word follows: "3m copies", "2m people"."""
    if k >= len(toks) or not toks[k].text.isalpha():
        return False
    w = toks[k].low
    return w in _PEOPLE or (w.endswith("s") and len(w) > 3 and w not in _UNITS)


def _tidy(v: float | None) -> float | None:
    if v is None:
        return None
    r = round(v, 6)
    return float(r)


def _fraction(toks: list[_Tok], i: int) -> tuple[float, int] | None:
    t = toks[i]
    parts = t.low.split("-")
    if len(parts) == 2 and parts[0] in _SMALL and parts[1] in _FRACTIONS:
        value, j = _SMALL[parts[0]] * _FRACTIONS[parts[1]], i + 1
    elif t.low in ("a", "one") and i + 1 < len(toks) and toks[i + 1].low in _FRACTIONS:
        value, j = _FRACTIONS[toks[i + 1].low], i + 2
    elif t.low in _SMALL and i + 1 < len(toks) and toks[i + 1].low in ("thirds", "quarters", "fifths"):
        value, j = _SMALL[t.low] * _FRACTIONS[toks[i + 1].low], i + 2
    elif t.low == "half":
        value, j = 0.5, i + 1
    else:
        return None
    if j < len(toks) and toks[j].low == "of":
        return value, j
    return None


def _counted(
    toks: list[_Tok], j: int, text: str, span: Any, base: int, fig_end: int, end: int
) -> tuple[str | None, int]:
    """The noun a figure counts (within three words): "people" for persons, else its singular."""
    if span is not None:
        found = _count_noun_via_parse(span, base + toks[j - 1].start, base + fig_end)
        if found is not None:
            noun, noun_end = found
            unit = "people" if noun in _PEOPLE or noun + "s" in _PEOPLE else noun
            return unit, noun_end - base
    for k in range(j, min(j + 3, len(toks))):
        w = toks[k].low
        if w in _PEOPLE:
            return "people", toks[k].end
        if not toks[k].text[:1].isalpha():
            break
    return None, end


def _drop_bracketed_conversions(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """ "1,000 square kilometers (386 square miles)": the bracketed figure repeats the first."""
    out: list[Quantity] = []
    for q in quantities:
        if out:
            prev = out[-1]
            between = text[prev.end : q.start]
            if between.strip() == "(" and prev.unit == q.unit and q.unit is not None:
                continue
        out.append(q)
    return out
