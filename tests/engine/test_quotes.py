"""Quotation spans: exact offsets of the words inside the marks, on varied outlet styles."""

from __future__ import annotations

import pytest

from factcheck.extraction.engine.quotes import find_quotes
from factcheck.extraction.engine.segment import segment
from factcheck.extraction.engine.types import QuoteSpan


def quotes(text: str) -> list[QuoteSpan]:
    found = find_quotes(text, segment(text))
    for q in found:
        assert text[q.start : q.end] == q.text  # offsets are exact
    return found


def texts(text: str) -> list[str]:
    return [q.text for q in quotes(text)]


def test_ap_said_after_straight_marks() -> None:
    assert texts('"We will not back down," said Gov. Jane Smith.') == ["We will not back down,"]


def test_curly_marks_and_apostrophe_inside() -> None:
    assert texts("“It’s a disaster for everyone,” she said.") == ["It’s a disaster for everyone,"]


def test_partial_quote_in_sentence() -> None:
    (q,) = quotes('She warned that the war was "coming home" for many families.')
    assert q.text == "coming home" and q.partial


def test_full_quote_is_not_partial() -> None:
    (q,) = quotes('He said: "We have done everything we could to stop this."')
    assert not q.partial


def test_straight_open_curly_close() -> None:
    assert texts('The army said it was acting "with the help of its allies” on the ground.') == [
        "with the help of its allies"
    ]


def test_single_nested_in_double_is_part_of_the_quote() -> None:
    text = "\"They told us 'leave now' and we did,\" he said."
    assert texts(text) == ["They told us 'leave now' and we did,"]


def test_bbc_single_quotes_headline_and_body() -> None:
    text = "Ukraine 'captures 100 prisoners' as troops advance\n\nThe PM said the plan was 'dead in the water'."
    assert texts(text) == ["captures 100 prisoners", "dead in the water"]


def test_double_nested_in_single_is_not_a_separate_quote() -> None:
    text = "She said: 'The sign read \"closed\" when we arrived.'"
    assert texts(text) == ['The sign read "closed" when we arrived.']


def test_single_quote_with_plural_possessive_inside() -> None:
    text = "He said: 'The soldiers' families are tired of waiting.'"
    assert texts(text) == ["The soldiers' families are tired of waiting."]


def test_apostrophes_are_not_quotes() -> None:
    text = (
        "Russia’s army didn't stop. The soldiers' families remember rock 'n' roll in the '90s, "
        "when the ministers’ cars were Ladas and it’s said that 'em all were happy."
    )
    assert texts(text) == []


def test_multi_paragraph_quote_one_piece_per_paragraph() -> None:
    text = (
        'The minister said: "The first point is simple.\n\n'
        '"The second point is harder.\n\n'
        '"And the third is the hardest of all," she added.\n\n'
        "The meeting ended at noon."
    )
    found = quotes(text)
    assert [q.text for q in found] == [
        "The first point is simple.",
        "The second point is harder.",
        "And the third is the hardest of all,",
    ]
    assert [q.continued for q in found] == [False, True, True]


def test_unbalanced_mark_does_not_swallow_the_article() -> None:
    text = 'He called the plan "a total failure and left the room.\n\nLater, she described it as "bold".'
    assert texts(text) == ["a total failure and left the room.", "bold"]


def test_missing_closing_mark_on_full_quote_runs_to_paragraph_end() -> None:
    text = 'The coach said: "We played well. We deserved more\n\nThe club declined to comment.'
    assert texts(text) == ["We played well. We deserved more"]


def test_guillemets() -> None:
    assert texts("The banner read «Closed for good» on Monday.") == ["Closed for good"]


def test_names_and_terms_are_not_quotes() -> None:
    text = 'The unit, known as the \'Wolves\', and a militia called "Storm" were sent. He called it "a disgrace".'
    assert texts(text) == ["a disgrace"]


def test_inch_marks_are_not_quotes() -> None:
    assert texts('The TV has a 55" screen and costs £400.') == []


def test_quotes_in_captions_and_bylines_are_ignored() -> None:
    text = 'Intro paragraph.\n\nProtesters hold a banner reading "Stop the war". Picture: AP\n\nBy Jo Bloggs'
    assert texts(text) == []


def test_two_partial_quotes_in_one_sentence() -> None:
    text = "The envoy said talks would be “at minimum” on a “long pause”. Nothing else changed."
    assert texts(text) == ["at minimum", "long pause"]


def test_closing_mark_without_opening_in_continuation_paragraph() -> None:
    text = 'She said: "We will rebuild.\n\nEvery house will stand again," she added.'
    found = quotes(text)
    assert [q.text for q in found] == ["We will rebuild.", "Every house will stand again,"]
    assert found[1].continued


def test_question_and_exclamation_quotes() -> None:
    assert texts('"Why now?" asked one resident. "Enough!" shouted another.') == ["Why now?", "Enough!"]


def test_seed_lbc_mixed_marks_and_multi_paragraph() -> None:
    text = (
        'Mr Smith said: "Russia brought war to others, now it’s coming home.\n\n'
        '"Ukraine has always wanted only peace.”\n\n'
        'Putin has vowed to "kick the enemy out" and said "it\'s obvious".'
    )
    assert texts(text) == [
        "Russia brought war to others, now it’s coming home.",
        "Ukraine has always wanted only peace.",
        "kick the enemy out",
        "it's obvious",
    ]


@pytest.mark.parametrize("text", ["", "No quotes at all here.", '"', "“”", "' '"])
def test_degenerate_inputs(text: str) -> None:
    assert texts(text) == []
