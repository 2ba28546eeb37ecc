"""Match speakers and claimants to Person records by name and alias."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from factcheck.claims.models import Person, PersonAlias, PersonKind
from factcheck.extraction.engine import people as engine_people


def normalize_name(name: str) -> str:
    """The key names are matched on: no titles or possessive, accents folded, lower case.

    'Mr. Zelenskyy' -> 'zelenskyy'; 'Belgorod Gov. Vyacheslav Gladkov' -> 'vyacheslav gladkov'.
    The rules for names live in the text engine (factcheck.extraction.engine.people).
    """
    display = engine_people.normalize_name(name)
    text = engine_people.fold(display).lower()
    return " ".join(re.findall(r"[\w']+", text))[:200]


def person_resolve(*, name: str, kind: str = PersonKind.PERSON, cache: dict | None = None) -> Person | None:
    """The Person this name refers to, created if new. Aliases are learnt as they are met."""
    norm = normalize_name(name)
    if not norm:
        return None
    if cache is not None and norm in cache:
        return cache[norm]
    person = None
    if norm not in getattr(cache, "absent", ()):  # people_prefetch already looked this name up
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
    """A stored person whose name is a variant of this one (Zelensky / Volodymyr Zelenskyy)."""
    surname = norm.split()[-1]
    candidates = Person.objects.filter(kind=kind, normalized_name__contains=surname[:4])[:50]
    for person in candidates:
        if engine_people.same_person(norm, person.normalized_name):
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


class PeopleCache(dict):
    """Persons by normalised name, for person_resolve; `absent` holds the names already
    looked up, by name and by alias, and not found (so only the fuzzy match is left)."""

    absent: frozenset[str] = frozenset()


def people_prefetch(*, names: list[str]) -> PeopleCache:
    """A cache for person_resolve holding every stored person these names match exactly,
    fetched in two queries instead of one or more per name."""
    norms = {normalize_name(name) for name in names} - {""}
    cache = PeopleCache((p.normalized_name, p) for p in Person.objects.filter(normalized_name__in=norms))
    for alias in PersonAlias.objects.select_related("person").filter(normalized_alias__in=norms - set(cache)):
        cache[alias.normalized_alias] = alias.person
    cache.absent = frozenset(norms - set(cache))
    return cache
