"""Places, dates and names (issue 10, must-have 4): gazetteer relabelling, dates that are not
quantities, and the fullest name an article gives for a claimant. Sentences are invented."""

from __future__ import annotations

from datetime import date

import pytest

from factcheck.extraction.engine import extract
from factcheck.extraction.engine.gazetteer import place_kind
from factcheck.extraction.engine.names import fullest_name
from factcheck.extraction.engine.pipeline import PLACES_NAME, get_nlp
from factcheck.extraction.engine.quantities import find_quantities


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def labels(doc, text: str) -> list[str]:
    return [e.label_ for e in doc.ents if e.text == text]


# --- the gazetteer ----------------------------------------------------------------------


def test_gazetteer_holds_countries_states_and_cities() -> None:
    assert place_kind("Russia") == "country"
    assert place_kind("Ohio") == "state"
    assert place_kind("Europe") == "continent"
    assert place_kind("Belgorod") == place_kind("Kursk") == "city"
    assert place_kind("Kiev") == "city"  # an English alternate name of a capital
    assert place_kind("Smirnov") is None


def test_the_corrector_runs_after_the_ner(nlp) -> None:
    names = nlp.pipe_names
    assert names.index(PLACES_NAME) == names.index("ner") + 1


def test_towns_are_not_products_or_organisations(nlp) -> None:
    doc = nlp(
        "Shelling hit the Kursk region overnight, and the town of Belgorod declared an emergency. "
        "Convoys left Kursk and Belgorod at dawn."
    )
    for ent in doc.ents:
        if ent.text in ("Kursk", "Belgorod"):
            assert ent.label_ in ("GPE", "LOC"), (ent.text, ent.label_, ent.start_char)


def test_a_capital_that_speaks_for_its_government_is_a_place(nlp) -> None:
    doc = nlp("On Tuesday, Kyiv claimed to have retaken two villages near the border.")
    assert labels(doc, "Kyiv") and set(labels(doc, "Kyiv")) <= {"GPE", "LOC"}


def test_people_named_like_towns_stay_people(nlp) -> None:
    doc = nlp(
        "Senator Maria Lincoln told reporters the bill would pass. Lincoln said she had the votes. "
        "Earlier, President Jackson's aides met donors, and Carson said the plan was sound."
    )
    assert set(labels(doc, "Lincoln")) <= {"PERSON"}
    assert "GPE" not in labels(doc, "Carson")
    assert "GPE" not in labels(doc, "Jackson")


def test_a_person_named_like_a_town_becomes_a_place_only_in_place_context(nlp) -> None:
    doc = nlp("The mayor flew to Jackson, Mississippi, where storms had flooded Jackson's east side.")
    assert labels(doc, "Jackson")[0] in ("GPE", "LOC")
    plain = nlp("Tom Jackson said the storm flooded his street.")
    assert "GPE" not in [e.label_ for e in plain.ents if "Jackson" in e.text]


def test_a_possessive_after_in_is_a_person(nlp) -> None:
    doc = nlp("As argued in Davis' column, the rule is unfair.")
    assert "GPE" not in labels(doc, "Davis")


def test_weekdays_and_months_are_dates(nlp) -> None:
    doc = nlp("Gladkov said on Wednesday that Friday would be calm, as it was in September.")
    for word in ("Wednesday", "Friday", "September"):
        assert set(labels(doc, word)) <= {"DATE"}


# --- dates are not quantities -----------------------------------------------------------

REF = date(2026, 3, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "phrase", "iso"),
    [
        ("Officials met on Wednesday to count the ballots.", "Wednesday", "2026-03-18"),
        ("The port reopened last week after repairs.", "last week", None),
        ("Fares will rise next year, the operator said.", "next year", "2027"),
        ("Rents climbed earlier this month across the city.", "earlier this month", "2026-03"),
        ("The plant closed in January and staff left.", "January", "2026-01"),
        ("Inflation peaked in mid-February at the ports.", "mid-February", "2026-02"),
        ("Talks stalled in May over the budget.", "May", None),
        ("Two weeks ago the council voted to close the pool.", "Two weeks ago", "2026-03-04"),
        ("A year ago the mill employed 400 people.", "A year ago", "2025"),
        ("Three years earlier, the bridge had failed.", "Three years earlier", None),
        ("Memorials to 9/11 stand in many towns.", "9/11", "2001-09-11"),
        ("The vote on 11/3/2026 was close.", "11/3/2026", "2026-11-03"),
    ],
)
def test_date_phrases_are_dates(text: str, phrase: str, iso: str | None) -> None:
    found = find_quantities(text, ref_date=REF)
    dates = [q for q in found if q.unit == "date"]
    assert [q.text for q in dates] == [phrase]
    assert dates[0].value is None and dates[0].iso_date == iso
    assert text[dates[0].start : dates[0].end] == phrase
    # and the phrase is nowhere a number
    assert not [q for q in found if q.unit != "date" and q.start < dates[0].end and dates[0].start < q.end]


@pytest.mark.parametrize(
    "text",
    ["You may see delays.", "Theresa May spoke briefly.", "The crowd began to march slowly."],
)
def test_may_and_march_as_words_are_not_dates(text: str) -> None:
    assert [q for q in find_quantities(text, ref_date=REF) if q.unit == "date"] == []


def test_durations_stay_quantities() -> None:
    (q,) = find_quantities("He served three years before the war ended.", ref_date=REF)
    assert (q.value, q.unit) == (3, "year")
    (q,) = find_quantities("The siege lasted 40 days.", ref_date=REF)
    assert (q.value, q.unit) == (40, "day")


def test_a_claim_with_only_a_weekday_is_not_a_quantity_claim() -> None:
    text = "Harbour officials in Gdansk said on Wednesday that the new terminal had opened."
    (claim,) = extract(text).claims
    assert claim.kind != "quantity"
    assert {q.unit for q in claim.quantities} == {"date"}
    assert ("Wednesday", "DATE") in {(e.text, e.label) for e in claim.entities}


# --- fullest names ----------------------------------------------------------------------

ARTICLE = (
    "Mirela Kovacs, the head of the port authority, said cargo volumes fell by a third.\n\n"
    "Hungary's transport ministry said it would review the figures.\n\n"
    "Kovacs said on Monday that 200 jobs were at risk.\n\n"
    "The transport ministry said the port would stay open.\n\n"
    "Peter Orsos and Anna Orsos run the ferry firm. Anna Orsos said 12 boats were idle."
)


def test_claimants_get_the_fullest_name_the_article_gives() -> None:
    claims = {c.text[:20]: c for c in extract(ARTICLE).claims}
    assert claims["Kovacs said on Monda"].claimant == "Mirela Kovacs"
    assert claims["The transport minist"].claimant == "Hungary's transport ministry"
    assert claims["Mirela Kovacs, the h"].claimant == "Mirela Kovacs"


def test_fullest_name_helper(nlp) -> None:
    doc = nlp(ARTICLE)
    assert fullest_name(doc, "Kovacs") == "Mirela Kovacs"
    assert fullest_name(doc, "Ms Kovacs") == "Mirela Kovacs"
    assert fullest_name(doc, "the transport ministry") == "Hungary's transport ministry"
    assert fullest_name(doc, "Vesna Ilic") == "Vesna Ilic"  # never mentioned: as given
    # Two people share the surname: a bare surname is left as given.
    assert fullest_name(doc, "Orsos", at=ARTICLE.index("Anna Orsos said")) == "Orsos"
    assert fullest_name(doc, "Anna Orsos") == "Anna Orsos"
    # Titles, plural titles and a capitalised verb at a sentence start are no given names.
    other = nlp("Senators Tomas Brandt and Ilse Moor met. Injecting Brandt into the race was odd. Brandt left.")
    assert fullest_name(other, "Brandt") == "Tomas Brandt"
    assert fullest_name(other, "who") == "who"
