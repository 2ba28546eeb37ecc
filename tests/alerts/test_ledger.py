"""The repeat ledger's selectors: appearances per check (later vs before), per claimant, the chart."""

from __future__ import annotations

import datetime

import pytest

from factcheck.alerts import selectors
from factcheck.linking.models import LinkState

from .conftest import repeat_of

pytestmark = pytest.mark.django_db
D = datetime.date


def test_appearances_of_a_check_by_date_with_outlets_and_claimants(published_check, imported_check, person):
    before = repeat_of(published_check, outlet="Globe", day=D(2024, 8, 2))
    first = repeat_of(published_check, outlet="Herald", day=D(2024, 8, 12), claimant=person)
    second = repeat_of(published_check, outlet="Globe", day=D(2024, 9, 1), claimant=person)
    repeat_of(published_check, outlet="Post", day=D(2024, 9, 2), state=LinkState.DISMISSED)
    other = repeat_of(imported_check, outlet="Herald", day=D(2024, 8, 20), claimant=person)
    row = selectors.ledger_row(published_check)
    assert row.checked_on == D(2024, 8, 10)
    assert [a.claim.pk for a in row.appearances] == [before.pk, first.pk, second.pk]
    assert [a.claim.pk for a in row.later] == [first.pk, second.pk] and row.earlier_count == 1
    assert row.outlets == ["Globe", "Herald"] and row.claimants == ["Jane Minister"]
    assert row.last_seen == D(2024, 9, 1)
    ledger = selectors.ledger()
    assert [r.checked.pk for r in ledger.rows] == [published_check.pk, imported_check.pk]
    assert (ledger.repeated_checks, ledger.appearances, ledger.outlets, ledger.claimants) == (2, 3, 2, 1)
    assert [a.claim.pk for a in ledger.rows[1].later] == [other.pk]


def test_claimants_and_the_checked_claims_they_repeated(published_check, imported_check, person):
    repeat_of(published_check, outlet="Herald", day=D(2024, 8, 12), claimant=person)
    repeat_of(published_check, outlet="Globe", day=D(2024, 9, 1), claimant=person)
    repeat_of(imported_check, outlet="Herald", day=D(2024, 8, 20), claimant=person)
    repeat_of(imported_check, outlet="Post", day=D(2024, 8, 21))  # no claimant: not in the list
    repeat_of(published_check, outlet="Post", day=D(2024, 8, 1), claimant=person)  # before the check
    (who,) = selectors.claimant_ledger()
    assert (who.name, who.person, who.times) == ("Jane Minister", person, 3)
    assert [(r.checked.pk, r.count) for r in who.repeats] == [(published_check.pk, 2), (imported_check.pk, 1)]
    assert selectors.claimant_ledger(person_id=person.pk)[0].times == 3
    assert selectors.claimant_ledger(person_id=person.pk + 1000) == []


def test_the_chart_has_a_lane_per_outlet_and_a_dot_per_appearance(published_check):
    repeat_of(published_check, outlet="Herald", day=D(2024, 8, 12))
    repeat_of(published_check, outlet="Globe", day=D(2024, 9, 1))
    repeat_of(published_check, outlet="Globe", day=D(2024, 9, 1))
    chart = selectors.appearance_chart(selectors.ledger_row(published_check))
    assert [(lane["name"], lane["count"]) for lane in chart["lanes"]] == [("Globe", 2), ("Herald", 1)]
    xs = sorted(dot.x for dot in chart["dots"])
    assert len(xs) == 3 and chart["plot_left"] < chart["check_x"] < xs[0] < xs[1] < xs[2] <= chart["plot_right"] + 4
    assert (
        selectors.appearance_chart(selectors.ledger_row(published_check).__class__(published_check, D.today())) is None
    )
