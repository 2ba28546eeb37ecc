"""Speakers of quotations, and the person-name helpers the Django side reuses.

Examples are written in the styles of several outlets (AP/Reuters "said X", BBC single
quotes, Guardian, "according to", organisations, pronouns, titles, multi-paragraph quotes).
"""

from __future__ import annotations

import pytest

from factcheck.extraction.engine import people, pipeline
from factcheck.extraction.engine.pipeline import extract
from factcheck.extraction.engine.types import QuoteSpan


@pytest.fixture(autouse=True)
def _no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims belong to claims.py; these tests are about quotations only."""
    monkeypatch.setattr(pipeline, "_find_claims", lambda *args, **kwargs: [])


def speakers(text: str) -> list[tuple[str, str | None, str | None]]:
    """(quote text, speaker, mention text) for each quotation."""
    out = []
    for q in extract(text).quotes:
        mention = text[q.speaker_start : q.speaker_end] if q.speaker_start is not None else None
        out.append((q.text, q.speaker, mention))
    return out


def only(text: str) -> QuoteSpan:
    (q,) = extract(text).quotes
    return q


# --- cue after the quotation -------------------------------------------------------------


def test_ap_said_x_with_title_stripped() -> None:
    text = '"We will not back down," said Gov. Jane Smith of Ohio.'
    assert speakers(text) == [("We will not back down,", "Jane Smith", "Gov. Jane Smith")]


def test_pronoun_after_quote_resolves_to_previous_subject() -> None:
    text = (
        "German Chancellor Olaf Scholz arrived in Warsaw on Monday.\n\n"
        "“We must stand together against this aggression,” he said."
    )
    assert speakers(text) == [("We must stand together against this aggression,", "Olaf Scholz", "he")]


def test_she_added_after_intervening_sentence() -> None:
    text = (
        'Health Secretary Maria Lopez said hospitals were "under enormous pressure". '
        "Waiting lists have grown for a year.\n\n"
        '"We need more nurses, and we need them now," she added.'
    )
    got = speakers(text)
    assert [s for _, s, _ in got] == ["Maria Lopez", "Maria Lopez"]


# --- cue before the quotation ------------------------------------------------------------


def test_colon_cue_and_mr_title() -> None:
    text = (
        "Prime Minister Keir Starmer visited the flooded towns on Friday.\n\n"
        'Mr Starmer said: "We will give every family the help it needs."'
    )
    q = only(text)
    assert q.speaker == "Keir Starmer"
    assert text[q.speaker_start : q.speaker_end] == "Mr Starmer"
    assert q.speaker_kind == "person"


def test_told_reporters_partial_quote() -> None:
    text = "Senator John Doe told reporters the bill was “dead on arrival” in the Senate."
    assert speakers(text) == [("dead on arrival", "John Doe", "Senator John Doe")]


def test_subject_of_describing_verb_for_partial_quote() -> None:
    text = "Former finance minister Ana Ruiz described the budget as 'a fantasy' on Tuesday."
    assert speakers(text)[0][1] == "Ana Ruiz"


def test_warned_that() -> None:
    text = 'The central bank governor, Mark Hill, warned that inflation could "get worse before it gets better".'
    assert speakers(text)[0][1] == "Mark Hill"


def test_appositive_name_beats_description() -> None:
    text = 'The Kremlin\'s spokesman, Dmitry Peskov, told reporters: "There is no such plan."'
    q = only(text)
    assert q.speaker == "Dmitry Peskov"


def test_according_to() -> None:
    text = "The talks were “very productive”, according to Kremlin spokesman Dmitry Peskov."
    assert only(text).speaker == "Dmitry Peskov"
    assert only(text).cue == "according to"


# --- titles, organisations ----------------------------------------------------------------


def test_the_president_resolves_to_nearest_president() -> None:
    text = (
        "French President Emmanuel Macron met Italian Prime Minister Giorgia Meloni in Rome.\n\n"
        'The president said the summit had been "a turning point" for Europe.'
    )
    q = only(text)
    assert q.speaker == "Emmanuel Macron"
    assert text[q.speaker_start : q.speaker_end] == "The president"


def test_organisation_speaker_and_fullest_org_name() -> None:
    text = (
        "Russia's Defence Ministry said on Monday that it had shot down 20 drones.\n\n"
        "The ministry added that the attack had caused “no significant damage”."
    )
    q = only(text)
    assert q.speaker_kind == "org"
    assert q.speaker is not None and q.speaker.endswith("Defence Ministry")


def test_acronym_org_resolves_to_full_name() -> None:
    text = (
        "The World Health Organization issued new guidance on Friday.\n\n"
        'The WHO said the risk to the public remained "low".'
    )
    q = only(text)
    assert q.speaker == "World Health Organization"
    assert q.speaker_kind == "org"


def test_kremlin_as_speaker() -> None:
    q = only('The Kremlin said the claims were "absurd".')
    assert q.speaker == "Kremlin" and q.speaker_kind == "org"


# --- multi-paragraph and follow-on quotations -----------------------------------------------


def test_multi_paragraph_quote_inherits_speaker() -> None:
    text = (
        'Labour leader Anne Fox said: "The first point is simple.\n\n'
        '"The second point is harder.\n\n'
        '"And the third is the hardest of all."\n\n'
        "The meeting ended at noon."
    )
    got = speakers(text)
    assert [s for _, s, _ in got] == ["Anne Fox"] * 3


def test_follow_on_quote_paragraph_without_cue_keeps_speaker() -> None:
    text = (
        'Coach Peter Brand said the team had been "unlucky".\n\n'
        '"We created chances. We will take them next week."\n\n'
        "The club is fourth in the table."
    )
    assert [s for _, s, _ in speakers(text)] == ["Peter Brand", "Peter Brand"]


def test_two_speakers_in_turn() -> None:
    text = (
        '"The deal is done," said Trade Secretary Liam Cole.\n\n'
        'But opposition spokeswoman Rita Patel said it was "a giveaway".'
    )
    assert [s for _, s, _ in speakers(text)] == ["Liam Cole", "Rita Patel"]


def test_surname_only_mention_canonicalised_to_full_name() -> None:
    text = (
        "Ukrainian President Volodymyr Zelenskyy spoke on Tuesday.\n\n"
        'Later, Zelensky said his forces would "hold the line".'
    )
    assert only(text).speaker == "Volodymyr Zelenskyy"


def test_bbc_headline_quote_gets_headline_subject() -> None:
    text = "Council 'will close' three libraries\n\nThe council announced cuts on Monday."
    q = extract(text).quotes[0]
    assert q.text == "will close"
    assert q.speaker == "Council"


def test_seed_style_participle_inherits_reporter() -> None:
    text = (
        "Russian President Vladimir Putin spoke to officials.\n\n"
        'He said Kyiv aimed to "sow chaos", adding that the attack was an attempt "with the help of its allies" '
        "to gain leverage."
    )
    assert [s for _, s, _ in speakers(text)] == ["Vladimir Putin", "Vladimir Putin"]


# --- people.py -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Zelensky", "Volodymyr Zelenskyy", True),
        ("Mr Zelenskyy", "Ukrainian President Volodymyr Zelensky", True),
        ("Zelenskiy", "Zelenskyy", True),
        ("Gen. Oleksandr Syrskyi", "Oleksandr Syrsky", True),
        ("Boris Johnson", "Lyndon Johnson", False),
        ("J. Biden", "Joe Biden", True),
        ("Putin", "Biden", False),
        ("Ursula von der Leyen", "von der Leyen", True),
        ("", "Biden", False),
    ],
)
def test_same_person(a: str, b: str, same: bool) -> None:
    assert people.same_person(a, b) is same


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        ("Belgorod Gov. Vyacheslav Gladkov", "Vyacheslav Gladkov"),
        ("President Volodymyr Zelenskyy’s", "Volodymyr Zelenskyy"),
        ("Dr Jane  Goodall", "Jane Goodall"),
        ("Martin Luther King Jr.", "Martin Luther King"),
        ("Putin", "Putin"),
    ],
)
def test_normalize_name(raw: str, norm: str) -> None:
    assert people.normalize_name(raw) == norm


def test_fullest_name_prefers_longest_matching() -> None:
    names = ["Zelensky", "Volodymyr Zelensky", "Vladimir Putin"]
    assert people.fullest_name("Mr Zelenskyy", names) == "Volodymyr Zelensky"
    assert people.fullest_name("Biden", names) == "Biden"


def test_he_and_she_do_not_collapse_onto_one_person() -> None:
    text = (
        "Angela Rayner, the deputy prime minister, met Ed Miliband. "
        'She said the plan was "ambitious". He said it was "necessary".'
    )
    assert [s for _, s, _ in speakers(text)] == ["Angela Rayner", "Ed Miliband"]


def test_lone_pronoun_is_kept_as_mention() -> None:
    got = speakers('"We are ready," she said, "and we will fight."')
    assert got == [("We are ready,", "she", "she"), ("and we will fight.", "she", "she")]


def test_foreign_office_is_an_organisation() -> None:
    q = only('The Foreign Office said in a statement: "We are aware of the reports."')
    assert (q.speaker, q.speaker_kind) == ("Foreign Office", "org")


def test_lead_paragraph_ending_in_quote_is_not_a_headline() -> None:
    text = "Rishi Sunak told MPs: 'We will stop the boats.'\n\n'And we will do it this year,' he added."
    assert [s for _, s, _ in speakers(text)] == ["Rishi Sunak", "Rishi Sunak"]
