"""@mentions: what counts as one, and how a comment shows them (escaped, emphasised)."""

from __future__ import annotations

import time

import pytest

from factcheck.notifications.mentions import MAX_MENTIONS, mention_names, render_mentions
from factcheck.notifications.selectors import mentioned_users


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@carl please look", ["carl"]),
        ("Thanks, @Carl.", ["carl"]),  # a sentence's full stop is not the name's
        ("(@chloe) and @eddie's note; @rita-", ["chloe", "eddie", "rita"]),
        ("write to carl@example.org or x@y", []),  # email addresses are not mentions
        ("@first.last, @a_b+c", ["first.last", "a_b+c"]),
        ("@chloé!", ["chloé"]),
        ("@carl @CARL @Carl", ["carl"]),
        ("@ alone, @. and @", []),
        ("", []),
    ],
)
def test_mention_names(text, names):
    assert mention_names(text) == names


def test_hostile_input_is_bounded_and_quick():
    text = " ".join(f"@user{n}" for n in range(50_000)) + "@" * 100_000 + "." * 100_000
    started = time.perf_counter()
    names = mention_names(text)
    assert len(names) == MAX_MENTIONS
    assert mention_names("@" + "a" * 10_000) == []  # longer than any username
    render_mentions(text, set())
    assert time.perf_counter() - started < 5


def test_rendering_escapes_and_emphasises_known_names_only():
    html = render_mentions('<script>alert(1)</script> @Carl & @nobody\n"@rita"', {"carl", "rita"})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert (
        '<strong class="mention">@Carl</strong> &amp; @nobody<br>&quot;<strong class="mention">@rita</strong>' in html
    )


def test_hostile_username_is_escaped_when_rendered():
    html = render_mentions("@a<b>", {"a"})
    assert html == '<strong class="mention">@a</strong>&lt;b&gt;'


def test_mentions_resolve_to_active_desk_members_case_insensitively(checker, checker2, outsider):
    checker2.is_active = False
    checker2.save(update_fields=["is_active"])
    found = mentioned_users(["CARL", "chloe", "otto", "nobody"])
    assert found == [checker]  # chloe is inactive, otto has no role, nobody does not exist
