"""Speakers and non-quotes, one test per kind of attribution seen in real news (issue 10).

Every sentence here is invented, in the manner of several outlets: wire copy ("said X",
typewriter marks), US papers (double marks, "according to"), British papers (single marks),
vox pops with dashes, transcripts, op-eds and pages with markup left in.
"""

from __future__ import annotations

import pytest

from factcheck.extraction.engine import pipeline
from factcheck.extraction.engine.pipeline import extract
from factcheck.extraction.engine.segment import segment


@pytest.fixture(autouse=True)
def _no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_find_claims", lambda *args, **kwargs: [])


def who(text: str) -> list[tuple[str, str | None, str | None]]:
    """(quote text, speaker, mention) per quotation."""
    out = []
    for q in extract(text).quotes:
        mention = text[q.speaker_start : q.speaker_end] if q.speaker_start is not None else None
        out.append((q.text, q.speaker, mention))
    return out


def speaker_of(text: str, words: str) -> str | None:
    """The speaker of the quotation that contains `words`."""
    for q in extract(text).quotes:
        if words in q.text:
            return q.speaker
    raise AssertionError(f"no quotation contains {words!r}")


# --- verbs that are not speech verbs --------------------------------------------------------


def test_called_him_a() -> None:
    text = "Governor Lena Marsh called her rival a “career politician” at a rally in Dayton."
    assert speaker_of(text, "career politician") == "Lena Marsh"


def test_described_as() -> None:
    text = "Former ambassador Tom Hale described the talks as 'a waste of everybody's time'."
    assert speaker_of(text, "a waste") == "Tom Hale"


def test_cited_as() -> None:
    text = 'Council member Rita Okafor cited the bus cuts as "the last straw" for commuters.'
    assert speaker_of(text, "last straw") == "Rita Okafor"


def test_blamed_on_a_quoted_phrase() -> None:
    text = "At the debate, Senator Paul Vance blamed the shortfall on “reckless spending” in the capital."
    assert speaker_of(text, "reckless spending") == "Paul Vance"


def test_report_found() -> None:
    text = "A 2019 inspector general report found “no evidence of deliberate wrongdoing” by the agency's staff."
    q = extract(text).quotes[0]
    assert q.speaker is not None and "report" in q.speaker
    assert q.speaker_kind == "org"


def test_statement_with_possessor_speaks_for_its_author() -> None:
    text = "Mayor Dana Cole's reply was short: “We will not close the library.”"
    assert speaker_of(text, "close the library") == "Dana Cole"


def test_clause_before_a_colon_introduces_the_quote() -> None:
    text = "Senator Ana Ruiz fired back during the hearing: “If they sue us in Miami, they are going to lose.”"
    assert speaker_of(text, "going to lose") == "Ana Ruiz"


# --- organisations, documents, descriptions --------------------------------------------------


def test_a_description_is_the_speaker() -> None:
    text = 'In the discharge papers, a doctor had typed "acute stress reaction" under the diagnosis.'
    q = extract(text).quotes[0]
    assert q.speaker == "doctor"


def test_the_letter_reads() -> None:
    text = (
        "More than 100 parents signed an open letter to the school board on Monday.\n\n"
        "“Our children are thriving in these schools, and we will fight for them,” the letter reads."
    )
    q = extract(text).quotes[0]
    assert q.speaker is not None and "letter" in q.speaker


def test_newspaper_reports_that() -> None:
    text = 'The Boston Herald reports that the deal was "all but done" by Friday night.'
    assert speaker_of(text, "all but done") == "Boston Herald"


# --- dashes, transcripts, nesting ----------------------------------------------------------------


def test_vox_pop_with_dash_after_the_quote() -> None:
    text = (
        "We asked voters in Phoenix what they thought of the debate.\n\n"
        "“He never answered a single question about wages.” ― Maria Delgado\n\n"
        "“I came away more worried than before.” ― Luis Ortega"
    )
    assert [s for _, s, _ in who(text)] == ["Maria Delgado", "Luis Ortega"]


def test_fact_check_with_the_name_on_the_next_line() -> None:
    text = (
        "Here is what was said at the town hall.\n\n"
        '"Almost all new income is going to the top one percent."\n\n'
        "- Senator Ed Brody.\n\n"
        "The figure comes from a 2012 study."
    )
    assert who(text)[0][1] == "Ed Brody"


def test_transcript_labels_inside_the_marks() -> None:
    text = (
        "Ms. Kerr and Governor Pike met in the second debate on Tuesday.\n\n"
        '"KERR: Governor, I want to ask you about the budget.\n\n'
        '"PIKE: And that is why we balanced it three years running."'
    )
    got = who(text)
    assert [s for _, s, _ in got] == ["Kerr", "Pike"]
    assert [m for _, _, m in got] == ["KERR", "PIKE"]


def test_question_and_answer_labels() -> None:
    text = 'The interview has been edited for length.\n\n"Q: Why did you run again?"\n\n"A: Because nobody else would."'
    assert [m for _, _, m in who(text)] == ["Q", "A"]


def test_according_to_x_y_said_gives_y() -> None:
    text = "According to pool reporters, Governor Ray Tallis said the plant would stay “open for good”."
    assert speaker_of(text, "open for good") == "Ray Tallis"


# --- pronouns, titles and relative clauses -----------------------------------------------------


def test_pronoun_two_paragraphs_later_resolves_to_the_person() -> None:
    text = (
        "Interior Minister Clara Weiss visited the border crossing on Sunday.\n\n"
        "Queues of trucks stretched for several miles in the heat.\n\n"
        "“We will open two more lanes this week,” she told reporters."
    )
    got = who(text)
    assert got[0][1] == "Clara Weiss" and got[0][2] == "she"


def test_relative_pronoun_who_said() -> None:
    text = "The plan was attacked by Mayor Ben Ochoa, who said it was “dead on arrival”."
    q = extract(text).quotes[0]
    assert q.speaker == "Ben Ochoa"
    assert "who" in text[q.speaker_start : q.speaker_end]


def test_the_senator_resolves_to_the_titled_person() -> None:
    text = (
        "Senator Joan Pruitt of Kansas spoke to farmers in Salina on Friday.\n\n"
        '"Nobody in Washington is listening to you," the senator said.'
    )
    assert who(text)[0][1] == "Joan Pruitt"


def test_previous_reporting_sentence_gives_the_speaker() -> None:
    text = (
        "Ms. Hart said she and the mayor had made progress on housing. "
        '"I really believe the city has turned a corner on this."'
    )
    assert who(text)[0][1] == "Hart"


# --- confidence, and null rather than a guess ---------------------------------------------------


def test_confidence_is_high_for_said_and_lower_for_a_carried_speaker() -> None:
    text = (
        '"The bridge will reopen in May," said Transport Secretary Omar Fields.\n\n'
        '"Crews are working around the clock."'
    )
    first, second = extract(text).quotes
    assert first.speaker == second.speaker == "Omar Fields"
    assert 0.8 <= first.speaker_confidence <= 1
    assert 0 < second.speaker_confidence < first.speaker_confidence


def test_no_speaker_rather_than_a_guess() -> None:
    text = (
        "The storm reached the coast before dawn.\n\n"
        "Residents woke to flooded streets and no power.\n\n"
        '"It was like the sea came into town and stayed for the night."'
    )
    (q,) = extract(text).quotes
    assert q.speaker is None and q.speaker_confidence is None


def test_contract_carries_speaker_confidence_and_marked_phrases() -> None:
    row = extract('"Yes," said Jo Lane, who hosts "Night Talk" on Fridays.').to_contract("a1")
    assert 0 <= row["quotes"][0]["speaker_confidence"] <= 1
    assert "marked_phrases" in row


# --- marks that are not quotations ----------------------------------------------------------------


def test_show_title_is_a_marked_phrase_not_a_quote() -> None:
    text = 'The interview aired on "Meet the Nation," which drew four million viewers.'
    x = extract(text)
    assert x.quotes == []
    assert [(m.text, m.kind) for m in x.marked_phrases] == [("Meet the Nation,", "title")]


def test_scare_quote_is_a_marked_phrase() -> None:
    text = "The new tariff is a “solution” in search of a problem."
    x = extract(text)
    assert x.quotes == []
    assert [m.kind for m in x.marked_phrases] == ["scare_quote"]


def test_words_as_words_are_not_quotes() -> None:
    text = "The candidate has used the phrase “radical agenda” often in his speeches."
    assert extract(text).quotes == []


def test_us_style_headline_single_marks_are_not_quotes() -> None:
    text = (
        "Mayor calls budget 'a disgrace'\n\n"
        'Mayor Ann Toller said on Monday the budget was "a disgrace" and vowed to veto it.'
    )
    assert [q.text for q in extract(text).quotes] == ["a disgrace"]
    assert extract(text).quotes[0].start > text.index("\n")


def test_british_style_single_marks_stay_quotes() -> None:
    text = (
        "The minister said the plan was 'fully costed'.\n\n"
        "'We have done the sums,' she said. 'Every penny is accounted for.'"
    )
    assert len(extract(text).quotes) == 3


def test_typewriter_marks_are_one_double_mark() -> None:
    text = "''We are not going anywhere,'' Mr. Dorsey said. ''I told them, 'Not this year.'''"
    got = [q.text for q in extract(text).quotes]
    assert got == ["We are not going anywhere,", "I told them, 'Not this year.'"]
    assert all(not t.startswith("'") for t in got)
    assert extract(text).quotes[0].speaker == "Dorsey"


def test_markup_never_yields_quotes() -> None:
    text = (
        "The senator replied on social media.\n\n"
        '<tweet tweet-author="@senjones" tweet-date="May 2, 2016">We will “never” give up</tweet>\n\n'
        '<a href="https://example.com/story" title="Read more">link</a> "This is real," she said.'
    )
    assert [q.text for q in extract(text).quotes] == ["This is real,"]


# --- paragraphs ----------------------------------------------------------------------------------


def test_single_newline_paragraphs_are_paragraphs_but_hard_wraps_are_not() -> None:
    text = (
        "The council met on Monday night to vote on the plan.\n"
        "It passed by six votes to three after a long debate.\n\n"
        "Members spent most of the evening arguing about\n"
        "the cost of the new depot and who would pay for it."
    )
    paras = [text[s.start : s.end] for s in segment(text) if s.kind == "paragraph"]
    assert len(paras) == 3
    assert paras[2].startswith("Members") and paras[2].endswith("pay for it.")


# --- second round (issue 10): asides, nesting, phrasal verbs, paragraphs, titles' places ----------


def test_as_x_put_it_aside_names_the_speaker() -> None:
    text = (
        "Most renters in the district, lawmakers say, now pay rent that is “a second mortgage "
        "without the house,” as Mayor Ines Barros put it."
    )
    assert speaker_of(text, "second mortgage") == "Ines Barros"


def test_according_to_a_document_beats_the_governing_subject() -> None:
    text = (
        "The two developers ran a “carefully hidden scheme” for eight years, according to a "
        "complaint filed by state regulators."
    )
    q = extract(text).quotes[0]
    assert "complaint" in text[q.speaker_start : q.speaker_end]


def test_per_the_bylaws() -> None:
    text = "Proxy votes are not allowed when members vote “to fill a vacancy on the board,” per the club's bylaws."
    q = extract(text).quotes[0]
    assert "bylaws" in text[q.speaker_start : q.speaker_end]


def test_according_to_a_speech_someone_gave() -> None:
    text = (
        "The aim is to reward “patient investors” over quick traders, according to a speech "
        "Senator Maria Vos gave in Denver last spring."
    )
    assert speaker_of(text, "patient investors") == "Maria Vos"


def test_one_word_name_that_speaks_is_an_antecedent() -> None:
    text = (
        '"We have had trouble with hackers before," Okafor said after meeting Prime Minister '
        "Liam Hartley in Oslo. He did not name a country. "
        '"Our goal is to set rules that everybody follows."'
    )
    assert who(text)[1][1] == "Okafor"


def test_participle_on_the_wrong_clause_goes_to_the_speaking_subject() -> None:
    text = (
        "Coach Dale Bennett denied the rumour that a shake-up is coming, explaining that he was "
        "simply “taking a day off” on Tuesday."
    )
    assert speaker_of(text, "taking a day off") == "Dale Bennett"


def test_phrasal_speech_verbs() -> None:
    text = (
        "Senator Hugo Rivera took questions for an hour.\n\n"
        '"This bill is a gift to the lobbyists and nothing else," Rivera fired back.'
    )
    assert who(text)[0][1] == "Hugo Rivera"


def test_words_in_an_asserted_clause_are_the_asserters() -> None:
    text = (
        "Senator Ana Ruiz spoke for twenty minutes.\n\n"
        "She assured the volunteers that they had made “real cracks in the ceiling” this year."
    )
    got = who(text)
    assert got[0][1] == "Ana Ruiz" and got[0][2] == "She"


def test_nested_reporting_verbs_give_the_outer_speaker() -> None:
    text = (
        "Dr. Lina Park worked at a clinic in Fresno in the nineties.\n\n"
        "She said she recalls her colleagues being “confused” by the order."
    )
    got = who(text)
    assert got[0][1] == "Lina Park" and got[0][2] == "She"


def test_question_framed_by_told() -> None:
    text = "“Who knows what happens next?” Mayor Tom Reyes told a local radio station on Monday."
    assert who(text)[0][1] == "Tom Reyes"


def test_quotation_paragraph_after_a_paragraph_about_a_person() -> None:
    text = (
        "The vote is on Thursday.\n\n"
        "Council president Ada Brooks is confident about the vote, in part because she sees the plan as popular.\n\n"
        "“We will win this one by a wide margin, and everybody in the building knows it.”"
    )
    assert who(text)[0][1] == "Ada Brooks"


def test_title_after_a_possessive_is_a_title_even_with_a_speaker() -> None:
    text = 'Senator Mark Ellis said on CBS\'s "Sunday Desk" that the bill was "dead in the water."'
    x = extract(text)
    assert [q.text for q in x.quotes] == ["dead in the water."]
    assert [(m.text, m.kind) for m in x.marked_phrases] == [("Sunday Desk", "title")]


def test_title_after_a_work_noun() -> None:
    text = "Director Ana Lind, who made the documentary “River Town,” said she is “not done with the river.”"
    x = extract(text)
    assert [m.kind for m in x.marked_phrases] == ["title"]
    assert [q.text for q in x.quotes] == ["not done with the river."]


def test_words_as_words_are_terms() -> None:
    text = "The phrase “hard border” appears nowhere in the draft."
    x = extract(text)
    assert x.quotes == []
    assert [(m.text, m.kind) for m in x.marked_phrases] == [("hard border", "term")]


def test_partial_quotation_framed_by_an_outlet_after_it() -> None:
    text = (
        "Ms. Olsen said at a conference in Reno that she was “entirely comfortable with the deal,” "
        "the Tribune reported."
    )
    q = extract(text).quotes[0]
    assert "Tribune" in text[q.speaker_start : q.speaker_end]


def test_quote_after_a_colon_framed_by_a_comma_and_a_verb() -> None:
    text = (
        "Senator Hal Greer had an excuse for missing the hearing: "
        '"I have a lot going on, and I just don\'t have the time," he wrote.'
    )
    q = extract(text).quotes[0]
    assert q.speaker == "Hal Greer" and text[q.speaker_start : q.speaker_end] == "he"


def test_a_document_sent_by_someone_speaks_for_them() -> None:
    text = (
        "A fundraising email sent by Senator Rosa Vance on Tuesday warned that the fight "
        "“will be long and it will be expensive.”"
    )
    assert speaker_of(text, "long and it will") == "Rosa Vance"


def test_footage_of_a_person_saying() -> None:
    text = "The ad uses footage of Carla Benton asking, “Why aren’t I fifty points ahead, you might ask?”"
    assert speaker_of(text, "fifty points") == "Carla Benton"


def test_party_and_state_in_brackets_are_not_the_speaker() -> None:
    # The parse the tagger gave one such frame, "Rep. Ivan Cole (R-WI) said": no subject
    # for "said", so the nearest source-like word is sought; the bracket is not one.
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from factcheck.extraction.engine import speakers

    words = ["Rep.", "Ivan", "Cole", "(", "R", "-", "WI", ")", "said"]
    doc = Doc(
        Vocab(),
        words=words,
        pos=["PROPN", "PROPN", "PROPN", "PUNCT", "NOUN", "PUNCT", "PROPN", "PUNCT", "VERB"],
        deps=["compound", "compound", "nsubjpass", "punct", "compound", "punct", "appos", "punct", "ROOT"],
        heads=[2, 2, 8, 2, 6, 6, 2, 8, 8],
        ents=["O", "B-PERSON", "I-PERSON", "O", "O", "O", "O", "O", "O"],
    )
    got = speakers._nearest_nominal(doc, 0, 8, 8, [False] * len(doc))
    assert got is not None and got.text == "Cole"


def test_a_document_states_tagged_as_a_noun() -> None:
    text = '"We reject the proposal in full," the memo states.'
    assert speaker_of(text, "reject the proposal") == "memo"


# --- engine-1.3.1: quoted words that go on after a framed quotation -------------------------


def test_partial_quote_after_a_framed_sentence_goes_on_with_its_speaker() -> None:
    text = (
        "''The budget is a mess,'' said Carla Benning, a fiscal analyst at the Cato Group. "
        "Unless lawmakers act soon, ''the county will be out of cash by spring.''"
    )
    assert speaker_of(text, "out of cash") == "Carla Benning"


def test_partial_quote_after_said_x_in_wire_style() -> None:
    text = (
        '"We knew it would be close," Mayor Dan Ortiz said. Instead, the count turned into '
        '"a nightmare for every volunteer."'
    )
    assert speaker_of(text, "a nightmare") == "Dan Ortiz"


def test_partial_quote_in_the_next_paragraph_is_not_carried_over() -> None:
    text = (
        '"We knew it would be close," Mayor Dan Ortiz said.\n\n'
        'Critics have called the new count a "nightmare" ever since.'
    )
    assert speaker_of(text, "nightmare") != "Dan Ortiz"


# --- participles of speech hung on the wrong clause ------------------------------------------


def test_second_participle_on_the_reported_clause_keeps_the_teller() -> None:
    text = (
        "Judge Amelia Gross stepped up her criticism on Monday, telling a radio host that the "
        "governor is a “bully” and asking how he has “kept his job this long.”"
    )
    assert speaker_of(text, "kept his job") == "Amelia Gross"


def test_fronted_place_taken_for_a_subject_is_not_the_speaker() -> None:
    text = (
        "Campaigning at a diner in Concord, New Hampshire, Senator Rob Kline went after his "
        "rival, calling him “a total lightweight.”"
    )
    assert speaker_of(text, "lightweight") == "Rob Kline"


def test_dateline_is_not_the_speaker() -> None:
    text = (
        "Paris (AFP) – Minister Claire Dubois has taken a swipe at the opposition's plan, "
        "saying that “empty promises” will not fix the hospitals."
    )
    assert speaker_of(text, "empty promises") == "Claire Dubois"


def test_frame_before_the_marks_beats_a_verb_in_the_next_sentence() -> None:
    text = (
        "Mr. Pryce spoke first. Ms. Landry seemed to mock his plan, saying at one point, "
        "''The answer is not to shout louder.'' But Mr. Pryce did not respond."
    )
    assert speaker_of(text, "shout louder") == "Landry"


def test_participle_whose_quote_the_parser_took_for_the_main_clause() -> None:
    text = (
        "Paul Weaver did not seem impressed with the minister's remarks on Friday, telling "
        "reporters, “A lot of people said the minister should resign.”"
    )
    assert speaker_of(text, "should resign") == "Paul Weaver"


# --- relative clauses: the mention runs to the pronoun the clause uses -----------------------


def who_said(text: str, words: str) -> tuple[str | None, str | None]:
    """(speaker, mention) of the quotation that contains `words`."""
    for q, speaker, mention in who(text):
        if words in q:
            return speaker, mention
    raise AssertionError(f"no quotation contains {words!r}")


def test_quote_inside_a_who_clause_after_said_x() -> None:
    text = (
        "''The roads are a disgrace,'' said Councillor Maria Lund, who thinks the county "
        "''needs to stop patching and start paving.''"
    )
    speaker, mention = who_said(text, "start paving")
    assert speaker == "Maria Lund"
    assert mention is not None and mention.endswith("who")


def test_quote_inside_a_who_clause_of_the_subject() -> None:
    text = 'Hallman, who estimates his costs were "well into six figures," sued the firm in May.'
    speaker, mention = who_said(text, "six figures")
    assert speaker == "Hallman"
    assert mention == "Hallman, who"


def test_the_name_alone_when_the_quote_is_outside_the_clause() -> None:
    text = 'Hallman, who sued the firm in May, called the ruling "a joke."'
    speaker, mention = who_said(text, "a joke")
    assert speaker == "Hallman"
    assert mention == "Hallman"


def test_which_reported_parsed_as_a_clause_of_its_own() -> None:
    text = (
        "To settle it, reporters turned to the Ohio Highway Patrol which reported "
        "“1,204 crashes” on the interstate last year."
    )
    speaker, mention = who_said(text, "1,204 crashes")
    assert speaker == "Ohio Highway Patrol"
    assert mention is not None and mention.endswith("which")


# --- asides earlier in the sentence: "as X put it", "he said," ------------------------------


def test_as_x_observed_far_from_the_marks() -> None:
    text = (
        "Yet, as Ms. Okonjo observed, in the first months of a new cabinet -- when nobody "
        "is worried about the polls -- ''who would stop them?''"
    )
    assert speaker_of(text, "who would stop them") == "Okonjo"


def test_as_x_put_it_in_a_statement() -> None:
    text = (
        "As Mr. Brandt put it in a statement to our reporter in June, the network is "
        "“giving viewers a view they won't get anywhere else.”"
    )
    assert speaker_of(text, "anywhere else") == "Brandt"


def test_he_said_between_commas_before_a_partial_quote() -> None:
    text = (
        "“Museums can help a visitor understand anger,” Mr. Lane said. And perhaps, he said, "
        "they could help a visitor see officers who, “in fits and starts, are trying to do "
        "the right thing.”"
    )
    speaker, mention = who_said(text, "fits and starts")
    assert speaker == "Lane"
    assert mention == "he"


def test_said_with_its_own_clause_is_not_an_aside() -> None:
    text = "Chen said the vote was close, and critics later called the count “a farce” online."
    assert speaker_of(text, "a farce") != "Chen"


# --- descriptions the parser left without a plain subject ----------------------------------


def test_said_the_age_description_refers_to_the_person_named_before() -> None:
    text = (
        "The retired nurse Joan Albright took the stage on Monday night.\n\n"
        "“My town deserves better than this,” said the 71-year-old."
    )
    speaker, mention = who_said(text, "deserves better")
    assert speaker == "Joan Albright"
    assert mention == "the 71-year-old"


def test_subject_with_a_who_clause_swallowed_into_a_clause() -> None:
    text = (
        "One delegate, who like others spoke on the condition of anonymity to describe the "
        'closed session, said the mood was that "nobody wants a fight before the vote."'
    )
    assert speaker_of(text, "nobody wants a fight") == "One delegate"


def test_a_relative_clause_of_another_noun_does_not_stretch_the_mention() -> None:
    text = "Senator Ana Ruiz wants a party platform that calls for “a living wage in every state.”"
    for q, speaker, mention in who(text):
        if "living wage" in q and speaker is not None:
            assert mention is not None and not mention.endswith("that")


def test_a_title_in_apposition_taken_for_a_second_subject_is_not_the_speaker() -> None:
    text = (
        "Laura Penn, research director at the Institute for Fiscal Studies, said the plan "
        'would leave families "badly squeezed".'
    )
    assert speaker_of(text, "badly squeezed") == "Laura Penn"
