"""Speakers and claimants are matched to one Person by name and alias."""

from __future__ import annotations

import pytest

from factcheck.claims.models import Person, PersonAlias, PersonKind
from factcheck.claims.people import person_resolve

pytestmark = pytest.mark.django_db


def test_spelling_variants_and_titles_are_one_person():
    cache: dict = {}
    first = person_resolve(name="Volodymyr Zelensky")
    for mention in ["Zelenskyy", "Mr Zelenskyy", "President Zelenskyy", "Volodymyr Zelenskyy"]:
        assert person_resolve(name=mention, cache=cache) == first
    assert Person.objects.count() == 1
    assert set(PersonAlias.objects.values_list("normalized_alias", flat=True)) == {"zelenskyy", "volodymyr zelenskyy"}


def test_different_people_with_one_surname_stay_apart():
    anna = person_resolve(name="Anna Smith")
    john = person_resolve(name="John Smith")
    assert anna != john


def test_organisations_are_kept_apart_from_people():
    org = person_resolve(name="International Atomic Energy Agency", kind=PersonKind.ORGANISATION)
    assert org.kind == PersonKind.ORGANISATION
    assert person_resolve(name="International Atomic Energy Agency", kind=PersonKind.ORGANISATION) == org


def test_empty_or_hostile_names():
    assert person_resolve(name="   ") is None
    person = person_resolve(name="<script>alert(1)</script> Smith")
    assert person.name == "<script>alert(1)</script> Smith"  # stored as text; templates escape it


def test_prefetched_names_resolve_by_name_alias_and_variant(django_assert_num_queries):
    from factcheck.claims.people import people_prefetch

    zelensky = person_resolve(name="Volodymyr Zelensky")
    person_resolve(name="Mr Zelenskyy")  # learnt as an alias of the same person
    names = ["Volodymyr Zelensky", "Zelenskyy", "President Volodymyr Zelenskyy", "Maria Lopez"]
    with django_assert_num_queries(2):  # persons by name, then by alias
        cache = people_prefetch(names=names)
    assert cache["zelenskyy"] == cache["volodymyr zelensky"] == zelensky
    assert cache.absent == {"volodymyr zelenskyy", "maria lopez"}
    # Names the prefetch did not find skip the exact lookups: the fuzzy match finds a
    # variant (1 query, plus the alias it learns); a new name is created (fuzzy + insert).
    assert person_resolve(name="President Volodymyr Zelenskyy", cache=cache) == zelensky
    with django_assert_num_queries(4):  # fuzzy match, then SAVEPOINT, INSERT, RELEASE
        lopez = person_resolve(name="Maria Lopez", cache=cache)
    assert lopez.name == "Maria Lopez" and Person.objects.count() == 2
