"""@username mentions in comments: finding them (plain Python) and rendering them (escaped).

A mention is "@" followed by a username (Django's characters: letters, digits and @ . + - _),
not preceded by a letter, digit or one of those characters, so the "@" of an email address
(bob@example.org) is not a mention. The name ends on a letter, digit or underscore: the full
stop or dash after "@carl." or "@carl-" is the sentence's, not the name's. Names are matched
case-insensitively against active users by the caller; at most MAX_MENTIONS names are read
from one text, so a hostile comment cannot make one query enormous.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_MENTIONS = 20
MAX_NAME = 150  # Django's username length

MENTION = re.compile(r"(?<![\w@.+\-])@([\w.@+\-]+)")
TRAILING = ".@+-"


def _mentions(text: str):
    """(start, end, name) of each mention: the name without the punctuation that ends it."""
    for match in MENTION.finditer(text):
        name = match.group(1).rstrip(TRAILING)
        if name and len(name) <= MAX_NAME:
            yield match.start(), match.start() + 1 + len(name), name


def mention_names(text: str) -> list[str]:
    """The distinct names mentioned in `text`, lower-cased, in order of first appearance."""
    seen: dict[str, None] = {}
    for _, _, name in _mentions(text or ""):
        name = name.lower()
        if name not in seen:
            seen[name] = None
            if len(seen) >= MAX_MENTIONS:
                break
    return list(seen)


def render_mentions(text: str, known: Iterable[str] | Callable[[list[str]], Iterable[str]]) -> SafeString:
    """`text` escaped, line breaks kept, and each mention of a known name (lower-case) in <strong>.

    `known` is the set of names that are real people, or a function that finds them for the
    names this text mentions (one query, only when the text mentions someone).
    """
    text = text or ""
    names = mention_names(text)
    if callable(known):
        known = known(names) if names else ()
    known = {name.lower() for name in known}
    parts: list[str] = []
    last = 0
    for start, end, name in _mentions(text):
        if name.lower() not in known:
            continue
        parts.append(escape(text[last:start]))
        parts.append(f'<strong class="mention">@{escape(name)}</strong>')
        last = end
    parts.append(escape(text[last:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 (every piece of the text was escaped above)
