"""engine.periods: the periods a claim is about, compared; and how score_claims labels a match
about another period. Sentences invented for the tests."""

from __future__ import annotations

import datetime

import pytest

from factcheck.extraction.engine.quantities import find_quantities
from factcheck.linking.engine.periods import compare_periods, periods_in
from factcheck.linking.engine.score import claim_features, score_claims

D2024 = datetime.date(2024, 8, 14)
D2023 = datetime.date(2023, 5, 2)


def labels(text: str, ref: datetime.date | None = D2024) -> list[tuple[str, str]]:
    return [(p.kind, p.label) for p in periods_in(text, ref)]


def compare(a: str, b: str, ref_a: datetime.date | None = D2024, ref_b: datetime.date | None = D2024):
    return compare_periods(periods_in(a, ref_a), periods_in(b, ref_b))


def feats(text: str, ref: datetime.date | None):
    return claim_features(text, quantities=find_quantities(text, ref_date=ref), ref_date=ref)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The jobless rate climbed to 6 percent in 2019.", [("span", "2019")]),
        ("Mid-2019 the plant closed.", [("span", "2019")]),
        ("The 2019 budget cut school meals.", [("span", "2019")]),
        ("Exports grew 4% in the first half of 2023.", [("span", "H1 2023")]),
        ("Exports grew 4% in H2 2023.", [("span", "H2 2023")]),
        ("Revenue fell in Q3 2022.", [("span", "Q3 2022")]),
        ("Revenue fell in the third quarter of 2022.", [("span", "Q3 2022")]),
        ("The deficit doubled in fiscal 2021.", [("span", "FY2021")]),
        ("The deficit doubled in the 2020-21 financial year.", [("span", "FY2020-21")]),
        ("Rents rose by a third between 2015 and 2020.", [("range", "2015-2020")]),
        ("Rents rose by a third over 2015-2020.", [("range", "2015-2020")]),
        ("Since 2010 the number of bus routes has halved.", [("since", "since 2010")]),
        ("Talks have failed since the start of the war in February 2022.", [("since", "since February 2022")]),
        ("Inflation hit 3.2% in March 2024.", [("span", "March 2024")]),
        ("The bridge reopened on 3 June 2024.", [("span", "3 June 2024")]),
        ("The first nine months of 2021 were the wettest.", [("span", "January-September 2021")]),
    ],
)
def test_written_periods(text, expected):
    assert labels(text) == expected


def test_relative_periods_resolve_against_the_publication_date():
    assert labels("Crime fell 8 percent this year.") == [("span", "2024")]
    assert labels("Crime fell 8 percent so far this year.", D2023) == [("span", "2023")]
    assert labels("Crime fell 8 percent last year.") == [("span", "2023")]
    assert labels("Crime fell 8 percent last month.") == [("span", "July 2024")]
    assert labels("The mayor resigned yesterday.") == [("span", "13 August 2024")]
    assert labels("Sales slowed in the first quarter.") == [("span", "Q1 2024")]
    # A quarter that has not begun by the publication date is last year's.
    assert labels("Sales slowed in the fourth quarter.", datetime.date(2024, 2, 1)) == [("span", "Q4 2023")]
    assert labels("The mill closed two years ago.") == [("span", "2022")]


def test_unresolved_periods_stay_unknown():
    assert labels("Crime fell 8 percent this year.", None) == []
    assert compare("Crime fell 8 percent this year.", "Crime fell 8 percent in 2019.", None, D2024) == ("unknown", "")
    assert compare("Crime fell 8 percent.", "Crime fell 8 percent in 2019.") == ("unknown", "")


def test_counts_are_not_years():
    assert labels("Around 2000 troops crossed the border.") == []
    assert labels("2019 people signed the petition.") == []
    assert labels("The council spent $2019 on signs.") == []


def test_compare_same_and_different_periods():
    assert compare("in 2019", "this year") == ("differ", "2019 vs 2024")
    assert compare("in March 2024", "this year") == ("same", "March 2024")
    assert compare("in Q3 2022", "in the third quarter of 2022") == ("same", "Q3 2022")
    assert compare("in Q3 2022", "in Q3 2023")[0] == "differ"
    assert compare("in the first half of 2023", "in 2023") == ("same", "H1 2023")
    assert compare("in the first half of 2023", "in the second half of 2023") == ("differ", "H1 2023 vs H2 2023")
    assert compare("in fiscal 2021", "in the 2020-21 fiscal year")[0] == "same"
    assert compare("in fiscal 2021", "in fiscal 2022") == ("differ", "FY2021 vs FY2022")
    # A fiscal year and a calendar year cannot be compared without the fiscal calendar.
    assert compare("in fiscal 2021", "in 2021") == ("unknown", "")


def test_cumulative_periods_are_not_one_year():
    assert compare("since 2010", "in 2024") == ("differ", "since 2010 vs 2024")
    assert compare("since 2010", "ever since 2010") == ("same", "since 2010")
    assert compare("between 2015 and 2020", "from 2015 to 2020")[0] == "same"
    assert compare("between 2015 and 2020", "in 2018") == ("differ", "2015-2020 vs 2018")


def test_this_year_in_articles_of_different_years():
    assert compare("Crime fell this year.", "Crime fell this year.", D2023, D2024) == ("differ", "2023 vs 2024")
    assert compare("Crime fell this year.", "Crime fell last year.", D2023, D2024) == ("same", "2023")


class TestScoring:
    TEXT = "The city's murder rate fell by 12 percent {}, according to police figures."

    def test_same_claim_different_period_stays_same_and_says_so(self):
        a = feats(self.TEXT.format("in 2019"), D2024)
        b = feats(self.TEXT.format("this year"), D2024)
        match = score_claims(a, b)
        assert match.relation == "same"
        assert match.reason.startswith("same claim, different period (2019 vs 2024): re-check")
        assert match.details["period"] == "differ"

    def test_same_period_is_plain_same(self):
        a = feats(self.TEXT.format("this year"), D2024)
        b = feats(self.TEXT.format("in 2024"), D2024)
        match = score_claims(a, b)
        assert match.relation == "same"
        assert "different period" not in match.reason
        assert "same" in match.reason and "2024" in match.reason

    def test_relative_periods_of_two_articles(self):
        a = feats(self.TEXT.format("this year"), D2023)
        b = feats(self.TEXT.format("this year"), D2024)
        match = score_claims(a, b)
        assert match.relation == "same"
        assert "different period (2023 vs 2024)" in match.reason

    def test_figures_of_different_periods_are_not_a_conflict(self):
        text = "Unemployment in the region stood at {} percent {}, the statistics office said."
        same_period = score_claims(
            feats(text.format(7, "in Q3 2022"), D2024), feats(text.format(9, "in Q3 2022"), D2024)
        )
        assert same_period.relation == "conflicts"
        across = score_claims(feats(text.format(7, "in Q3 2022"), D2024), feats(text.format(9, "in Q3 2023"), D2024))
        assert across.relation != "conflicts"
        assert "Q3 2022 vs Q3 2023" in across.reason
        assert "figures differ across periods" in across.reason

    def test_a_period_on_one_side_only_is_no_difference(self):
        text = "Unemployment in the region stood at {} percent{}, the statistics office said."
        match = score_claims(feats(text.format(7, " in 2019"), D2024), feats(text.format(9, ""), D2024))
        assert match.relation == "conflicts"
        assert match.details["period"] == "unknown"
