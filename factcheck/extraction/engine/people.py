"""Person names: normalise a mention and decide whether two mentions name the same person.

Newsrooms spell the same person several ways (Zelensky, Zelenskyy, Zelenskiy; "Mr Zelenskyy";
"Ukrainian President Volodymyr Zelensky"), so matching on exact strings splits one speaker
into several. These helpers strip titles and possessives, compare surnames with a small edit
distance that tolerates transliteration, and check that given names, when both mentions have
them, agree. They are pure functions with no spaCy or Django import: the extraction engine
uses them to canonicalise speakers and the Django side reuses them for Person alias matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

# Lower-case titles and honorifics, with and without the full stop. Multi-word titles are
# stripped word by word ("Prime", "Minister"), which is enough because they only ever precede
# the name.
TITLE_WORDS: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "professor",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "reverend",
        "fr",
        "father",
        "sister",
        "president",
        "vice-president",
        "vice",
        "prime",
        "minister",
        "deputy",
        "foreign",
        "defence",
        "defense",
        "interior",
        "finance",
        "secretary",
        "chancellor",
        "premier",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "cardinal",
        "bishop",
        "archbishop",
        "sheikh",
        "emir",
        "sultan",
        "ayatollah",
        "gov",
        "governor",
        "lt",
        "lieutenant",
        "gen",
        "general",
        "col",
        "colonel",
        "maj",
        "major",
        "capt",
        "captain",
        "cmdr",
        "commander",
        "adm",
        "admiral",
        "sgt",
        "sergeant",
        "cpl",
        "corporal",
        "pvt",
        "private",
        "marshal",
        "field",
        "sen",
        "senator",
        "rep",
        "representative",
        "congressman",
        "congresswoman",
        "mp",
        "mep",
        "councillor",
        "councilman",
        "councilwoman",
        "mayor",
        "judge",
        "justice",
        "chief",
        "attorney",
        "ambassador",
        "envoy",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "minister's",
        "president's",
        "former",
        "acting",
        "interim",
        "late",
        "st",
        "saint",
        "hon",
        "honourable",
        "honorable",
        "ceo",
        "chairman",
        "chairwoman",
        "chair",
        "director",
        "head",
        "leader",
        "mrs.",
        "mr.",
        "ms.",
        "dr.",
        "prof.",
        "gov.",
        "gen.",
        "lt.",
        "col.",
        "maj.",
        "capt.",
        "sen.",
        "rep.",
        "adm.",
        "sgt.",
        "cpl.",
        "rev.",
        "fr.",
        "st.",
        "hon.",
        "pres.",
        "supt.",
        "insp.",
        "det.",
        "inspector",
        "superintendent",
        "detective",
        "officer",
        "agent",
        "pres",
        "supt",
        "insp",
        "det",
    ]
)
# What a title abbreviation means, so that "Gov. Gladkov" is found by "the governor".
TITLE_CANON: dict[str, str] = {
    "gov": "governor",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "maj": "major",
    "capt": "captain",
    "cmdr": "commander",
    "adm": "admiral",
    "sgt": "sergeant",
    "sen": "senator",
    "rep": "representative",
    "pres": "president",
    "prof": "professor",
    "dr": "doctor",
    "rev": "reverend",
    "supt": "superintendent",
    "insp": "inspector",
    "det": "detective",
    "pm": "prime minister",
    "spokeswoman": "spokesperson",
    "spokesman": "spokesperson",
    "congressman": "representative",
    "congresswoman": "representative",
}
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "jnr", "snr", "phd", "mp", "qc", "kc"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "el", "ibn"})
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


@lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Lower-case ASCII folding: accents dropped, curly apostrophes made straight."""
    s = unicodedata.normalize("NFKD", s.translate(_APOSTROPHES))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def canonical_title(word: str) -> str:
    """'Gov.' -> 'governor', 'President' -> 'president'."""
    w = fold(word).strip(".")
    return TITLE_CANON.get(w, w)


def is_title(word: str) -> bool:
    return fold(word) in TITLE_WORDS or fold(word).strip(".") in TITLE_WORDS


def strip_possessive(name: str) -> str:
    """'Zelenskyy’s' -> 'Zelenskyy', "soldiers'" -> 'soldiers'."""
    return _POSSESSIVE_RE.sub("", name.strip())


@lru_cache(maxsize=65536)  # a pure function of the string, asked once per known name per lookup
def normalize_name(name: str) -> str:
    """Display form of a person's name: no titles, no possessive, single spaces.

    'Ukrainian President Volodymyr Zelensky' keeps 'Ukrainian' only when it cannot tell it is
    a nationality; callers that have NER drop such words first. Leading title words are
    removed until a non-title word is met: 'Belgorod Gov. Vyacheslav Gladkov' becomes
    'Vyacheslav Gladkov' because everything up to the last title is dropped.
    """
    words = [strip_possessive(w) for w in name.translate(_APOSTROPHES).replace(",", " ").split()]
    words = [w for w in words if w]
    while len(words) > 1 and fold(words[-1]).strip(".") in _SUFFIXES:
        words = words[:-1]
    last_title = -1
    for i, w in enumerate(words[:-1]):
        if is_title(w):
            last_title = i
    return " ".join(words[last_title + 1 :])


def name_parts(name: str) -> tuple[list[str], str]:
    """(given names, surname) of a normalised name, folded for comparison."""
    given, last = _name_parts(name)
    return list(given), last


@lru_cache(maxsize=65536)
def _name_parts(name: str) -> tuple[tuple[str, ...], str]:
    # Speakers compare every name with every other in an article: the parts are memoised.
    words = [fold(w).strip(".") for w in normalize_name(name).split()]
    if not words:
        return (), ""
    surname_start = len(words) - 1
    while surname_start > 0 and words[surname_start - 1] in _PARTICLES:
        surname_start -= 1
    return tuple(words[:surname_start]), " ".join(words[surname_start:])


def surname(name: str) -> str:
    """Folded surname: 'Mr Zelenskyy' -> 'zelenskyy', 'Ursula von der Leyen' -> 'von der leyen'."""
    return name_parts(name)[1]


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit` (returns limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        best = i
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            best = min(best, cur[j])
        if best > limit:
            return limit + 1
        prev = cur
    return prev[-1]


_TRANSLIT = (("yy", "y"), ("iy", "y"), ("yi", "y"), ("ij", "y"), ("kh", "h"), ("ts", "c"), ("ou", "u"), ("ff", "v"))


def _translit_key(s: str) -> str:
    """A rough key that merges common transliteration variants (Zelenskyy/Zelenskiy/Zelensky)."""
    s = s.replace("-", "").replace("'", "")
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)


def similar_words(a: str, b: str) -> bool:
    """Folded words that are the same name spelt differently."""
    if a == b:
        return True
    if not a or not b or a[0] != b[0]:
        return False
    if _translit_key(a) == _translit_key(b):
        return True
    shortest = min(len(a), len(b))
    if shortest < 5:
        return False
    return edit_distance(a, b, 2) <= (1 if shortest < 8 else 2)


def _given_compatible(a: Sequence[str], b: Sequence[str]) -> bool:
    """Given names agree when either is missing, one is an initial of the other, or they match."""
    if not a or not b:
        return True
    x, y = a[0], b[0]
    if len(x) == 1 or len(y) == 1:
        return x[0] == y[0]
    return similar_words(x, y)


@lru_cache(maxsize=65536)
def same_person(a: str, b: str) -> bool:
    """Do two mentions name the same person? ('Mr Zelenskyy', 'Volodymyr Zelensky') -> True."""
    ga, sa = _name_parts(a)
    gb, sb = _name_parts(b)
    if not sa or not sb:
        return False
    return similar_words(sa, sb) and _given_compatible(ga, gb)


def fullest_name(mention: str, names: Iterable[str]) -> str:
    """The longest known name for the person `mention` names, or the normalised mention.

    Ties go to the spelling met first (names are given in text order), so an article that
    writes "Volodymyr Zelenskyy" throughout keeps its own spelling.
    """
    best = normalize_name(mention)
    best_key = (len(best.split()), len(best))
    for name in names:
        if not same_person(mention, name):
            continue
        norm = normalize_name(name)
        key = (len(norm.split()), len(norm))
        if key > best_key:
            best, best_key = norm, key
    return best
