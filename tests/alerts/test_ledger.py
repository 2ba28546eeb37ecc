"""The repeat ledger's selectors: appearances per check (later vs before), per claimant, the chart."""

from __future__ import annotations

import datetime

import pytest

from factcheck.alerts import selectors
from factcheck.articles.models import Article
from factcheck.claims.models import Workflow
from factcheck.linking.models import LinkState
from tests.factories import ClaimFactory

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
    checks = list(selectors.ledger_checks())
    assert [c["checked_id"] for c in checks] == [published_check.pk, imported_check.pk]
    assert [(c["later_count"], c["total"]) for c in checks] == [(2, 3), (1, 1)]
    totals = selectors.ledger_totals()
    assert (totals.checks, totals.repeated_checks, totals.appearances, totals.outlets, totals.claimants) == (
        2,
        2,
        3,
        2,
        1,
    )
    rows = selectors.ledger_rows([imported_check.pk, published_check.pk])
    assert [r.checked.pk for r in rows] == [imported_check.pk, published_check.pk]  # in the order asked
    assert [a.claim.pk for a in rows[0].later] == [other.pk]


def _reference(links) -> tuple[list[tuple[int, int, int]], tuple[int, int, int, int]]:
    """The ledger as the Python rules compute it from every link (as the page once did): the
    order and counts of its checks, and its four figures."""
    rows = sorted(selectors._rows(links).values(), key=lambda r: (-len(r.later), -len(r.appearances), -r.checked.pk))
    order = [(r.checked.pk, len(r.later), len(r.appearances)) for r in rows]
    figures = (
        sum(1 for r in rows if r.later),
        sum(len(r.later) for r in rows),
        len({o for r in rows for o in r.outlets}),
        len({c.lower() for r in rows for c in r.claimants}),
    )
    return order, figures


def test_the_databases_ledger_matches_the_python_rules(published_check, imported_check, person, settings):
    """The SQL twins of the rules (dates, later, outlets, claimants) give what the rules give."""
    settings.TIME_ZONE = "Europe/London"  # dates are the desk's local days, in SQL as in Python
    other_check = ClaimFactory(
        labelled=True, text="Rents rose 9% last year.", workflow=Workflow.PUBLISHED, outlet="Daily Planet"
    )
    other_check.published_at = datetime.datetime(2024, 8, 20, 23, 30, tzinfo=datetime.UTC)  # a day later in London
    other_check.save(update_fields=["published_at"])
    repeat_of(published_check, outlet="Globe", day=D(2024, 8, 2))  # before the check
    repeat_of(published_check, outlet="Herald", day=D(2024, 8, 10), claimant=person)  # on the day: later
    repeat_of(published_check, outlet="The Globe", day=D(2024, 9, 1))
    repeat_of(published_check, outlet="Post", day=D(2024, 9, 2), state=LinkState.DISMISSED)  # not a repeat
    repeat_of(published_check, outlet="Post", day=D(2024, 9, 3), score=0.1)  # suggested, too unsure
    repeat_of(published_check, outlet="Post", day=D(2024, 9, 4), score=0.1, state=LinkState.CONFIRMED)
    repeat_of(imported_check, outlet="Herald", day=D(2024, 8, 20), claimant=person)
    named = repeat_of(imported_check, outlet="Herald", day=D(2024, 8, 21))
    named.claimant_text = "JANE MINISTER"  # the same claimant by name, in other letters
    named.save(update_fields=["claimant_text"])
    no_outlet = repeat_of(imported_check, outlet="Gone", day=D(2024, 8, 22))
    no_outlet.article.outlet = None
    no_outlet.article.save(update_fields=["outlet"])
    undated = repeat_of(other_check, outlet="Herald", day=None)  # appeared the day we received it
    Article.objects.filter(pk=undated.article_id).update(
        published=None, created_at=datetime.datetime(2024, 8, 21, 0, 30, tzinfo=datetime.UTC)
    )
    repeat_of(other_check, outlet="Globe", day=D(2024, 8, 21))
    earlier = repeat_of(other_check, outlet="Globe", day=D(2024, 8, 20))
    earlier.claimant_text = "Someone Else"
    earlier.save(update_fields=["claimant_text"])

    order, figures = _reference(selectors.repeat_links().select_related(*selectors._LOADED))
    checks = [(c["checked_id"], c["later_count"], c["total"]) for c in selectors.ledger_checks()]
    totals = selectors.ledger_totals()
    assert checks == order
    assert (totals.repeated_checks, totals.appearances, totals.outlets, totals.claimants) == figures
    assert totals.checks == len(order)
    # The data holds what the test means to check: in London the third check is on 21 Aug (20 Aug
    # in UTC), so its 20 Aug repeat is an earlier one; an article without an outlet counts as one.
    assert order == [(published_check.pk, 3, 4), (imported_check.pk, 3, 3), (other_check.pk, 2, 3)]
    assert figures == (3, 8, 5, 1)


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
