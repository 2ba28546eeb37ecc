"""Match speakers and claimants to Person records by name and alias."""

from __future__ import annotations

import re
import unicodedata

from django.db import IntegrityError, transaction

from factcheck.claims.models import Person, PersonAlias, PersonKind

TITLES = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "lady",
    "gen",
    "general",
    "col",
    "colonel",
    "maj",
    "major",
    "capt",
    "captain",
    "lt",
    "sgt",
    "gov",
    "governor",
    "sen",
    "senator",
    "rep",
    "president",
    "prime",
    "minister",
    "pm",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "rev",
    "the",
    "mayor",
    "judge",
    "justice",
    "secretary",
    "ambassador",
    "chief",
}


def normalize_name(name: str) -> str:
    """Lower case, no accents, no punctuation, no leading titles: 'Mr. Zelenskyy' -> 'zelenskyy'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").lower()
    text = re.sub(r"'s$", "", text)
    words = re.findall(r"[\w']+", text)
    while len(words) > 1 and words[0].strip(".") in TITLES:
        words = words[1:]
    return " ".join(words)[:200]


def _close(a: str, b: str) -> bool:
    """Transliteration variants of one surname: Zelensky/Zelenskyy, Zelenskiy, Syrsky/Syrskyi."""
    if a == b:
        return True
    if min(len(a), len(b)) < 5 or a[:4] != b[:4]:
        return False
    a2, b2 = re.sub(r"(iy|yy|yi|y|i)$", "y", a), re.sub(r"(iy|yy|yi|y|i)$", "y", b)
    return a2 == b2


def person_resolve(*, name: str, kind: str = PersonKind.PERSON, cache: dict | None = None) -> Person | None:
    """The Person this name refers to, created if new. Aliases are learnt as they are met."""
    norm = normalize_name(name)
    if not norm:
        return None
    if cache is not None and norm in cache:
        return cache[norm]
    person = Person.objects.filter(normalized_name=norm).first()
    if person is None:
        alias = PersonAlias.objects.select_related("person").filter(normalized_alias=norm).first()
        person = alias.person if alias else None
    if person is None:
        person = _fuzzy_match(norm, kind)
        if person is not None:
            _add_alias(person, name, norm)
    if person is None:
        try:
            with transaction.atomic():
                person = Person.objects.create(name=" ".join(name.split())[:200], normalized_name=norm, kind=kind)
        except IntegrityError:
            person = Person.objects.get(normalized_name=norm)
    if cache is not None:
        cache[norm] = person
    return person


def _fuzzy_match(norm: str, kind: str) -> Person | None:
    words = norm.split()
    surname = words[-1]
    candidates = Person.objects.filter(kind=kind, normalized_name__contains=surname[:4])[:50]
    for person in candidates:
        other = person.normalized_name.split()
        if not other or not _close(other[-1], surname):
            continue
        # "zelensky" matches "volodymyr zelenskyy"; "anna smith" does not match "john smith".
        if len(words) == 1 or len(other) == 1 or words[0] == other[0]:
            return person
    return None


def _add_alias(person: Person, name: str, norm: str) -> None:
    if norm == person.normalized_name:
        return
    try:
        with transaction.atomic():
            PersonAlias.objects.get_or_create(normalized_alias=norm, defaults={"person": person, "alias": name[:200]})
    except IntegrityError:
        pass
