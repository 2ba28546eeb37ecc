"""The fullest name an article gives for a person or an organisation it mentions.

A story names someone in full once ("Alexei Smirnov", "Russia's defence ministry") and then
shortly ("Smirnov", "the defence ministry"). An editor reading a claimant or a speaker wants
the full form, so `fullest_name(doc, name)` looks the short form up among the article's own
mentions:

- people: every PERSON entity, widened to the left over capitalised proper nouns the small
  model left out ("Alexei" in "Alexei Smirnov"), but never over a title ("Gov.") or a place;
  the candidates are the mentions `people.same_person` matches with the name. When they all
  name one person the longest wins (ties: the spelling met first); when the article has two
  people of that surname ("Donald Trump", "Ivanka Trump") the name is left as it is: a bare
  surname then most often means the story's main person, which no local rule can tell.
- organisations: an ORG mention qualified by its country in the article ("Russia's defence
  ministry", "the Russian defence ministry") is the full form of the bare one ("the defence
  ministry", "defence ministry"); two different countries make it ambiguous: the nearest
  before `at` wins.

A name the article never gives more fully is returned exactly as it was given. One
`ArticleNames` index is built per Doc, on first use, and kept in `doc.user_data`. The
speaker code can call `fullest_name` the same way (it only reads the Doc).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from . import docview
from .gazetteer import place_kind
from .people import fold, is_title, normalize_name, same_person

__all__ = ["ArticleNames", "article_names", "fullest_name"]

_KEY = "factcheck_names"
# Words that stand before names in copy but are no part of them ("Candidate Trump").
_MORE_TITLES = frozenset({"candidate", "nominee", "commissioner", "universe", "sens", "reps", "speaker", "first"})
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "al", "el", "ibn"})
_QUALIFIER_LABELS = frozenset({"GPE", "NORP"})
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_POSSESSIVE = re.compile(r"[’']s?$")


def _plain(name: str) -> str:
    """'the defence ministry's' -> 'defence ministry'."""
    return _POSSESSIVE.sub("", _LEADING_THE.sub("", name.strip())).strip()


@dataclass
class ArticleNames:
    """The article's person and organisation mentions, as (start offset, name), in text order."""

    people: list[tuple[int, str]] = field(default_factory=list)
    text: str = ""
    # end offset of a GPE/NORP entity -> (its start, its text): the countries that qualify.
    qualifiers: dict[int, tuple[int, str]] = field(default_factory=dict)
    # (start offset, folded bare name, qualified name): "Russia's defence ministry" under
    # "defence ministry".
    orgs: list[tuple[int, str, str]] = field(default_factory=list)
    # Answers already given, by name: every claim and quotation asks, and a lookup reads all
    # the article's mentions (or, for an organisation, the whole text), so without them the
    # engine was quadratic in the article's length.
    _people_seen: dict[str, str | None] = field(default_factory=dict)
    _orgs_seen: dict[str, tuple[list[tuple[int, str]], int]] = field(default_factory=dict)

    def person(self, name: str, at: int | None = None) -> str | None:
        """The fullest form of a person's name, or None when the article has no fuller one."""
        if name not in self._people_seen:
            self._people_seen[name] = self._person(name)
        return self._people_seen[name]

    def _person(self, name: str) -> str | None:
        norm = normalize_name(name)
        if not norm or not norm[:1].isupper():
            return None  # "who", "the network": not a person's name
        found = [(s, n) for s, n in self.people if same_person(norm, n)]
        fuller = [(s, n) for s, n in found if len(n.split()) > len(norm.split())]
        if not fuller:
            return None
        distinct: list[str] = []
        for _, n in fuller:
            if not any(same_person(n, d) for d in distinct):
                distinct.append(n)
        if len(distinct) > 1:
            # Two people share the surname ("Donald Trump", "Ivanka Trump"): a bare "Trump"
            # most often means the story's main one, which a rule cannot tell: keep it as given.
            return None
        best = max(fuller, key=lambda sn: (len(sn[1].split()), len(sn[1]), -sn[0]))
        return best[1]

    def org(self, name: str, at: int | None = None) -> str | None:
        """The country-qualified form of an organisation's name, or None."""
        plain = _plain(name)
        if plain not in self._orgs_seen:
            forms = self._org_forms(plain)
            self._orgs_seen[plain] = (forms, len({fold(q) for _, q in forms}))
        found, distinct = self._orgs_seen[plain]
        if not found:
            return None
        if distinct > 1 and at is not None:
            before = bisect_left(found, at, key=lambda sq: sq[0])  # found is in text order
            return found[before - 1][1] if before else found[-1][1]
        return found[0][1]

    def _org_forms(self, plain: str) -> list[tuple[int, str]]:
        """(start, qualified form) of every qualified mention of the bare name, in text order."""
        key = fold(plain)
        if not key:
            return []
        found = [(s, q) for s, k, q in self.orgs if k == key and fold(q) != key]
        words = plain.split()
        # A description of two or more words ("transport ministry"), never "that" or "who".
        if not found and len(words) >= 2 and words[-1].isalpha() and words[-1].islower():
            found = self._qualified_in_text(plain)
        return found

    def _qualified_in_text(self, plain: str) -> list[tuple[int, str]]:
        """ "Hungary's transport ministry", "the Hungarian transport ministry" anywhere in the
        text, for a description the model did not tag ("the transport ministry")."""
        out = []
        for m in re.finditer(r"(?<![\w-])" + re.escape(plain) + r"(?![\w-])", self.text, re.IGNORECASE):
            before = self.text[max(0, m.start() - 3) : m.start()]
            if before in ("'s ", "’s "):
                cut = m.start() - 3
            elif before.endswith(" "):
                cut = m.start() - 1
            else:
                continue
            owner = self.qualifiers.get(cut)
            if owner is not None:
                out.append((owner[0], self.text[owner[0] : m.end()]))
        return out


def article_names(doc: Any) -> ArticleNames:
    """The index of `doc`'s names, built once per Doc."""
    cached = doc.user_data.get(_KEY)
    if cached is None:
        cached = _build(doc)
        doc.user_data[_KEY] = cached
    return cached


def fullest_name(doc: Any, name: str, at: int | None = None, label: str | None = None) -> str:
    """The fullest form of `name` the article gives (see the module docstring).

    `at` is the offset of the mention being named (it settles two people with one surname);
    `label` ("PERSON", "ORG", ...) when the caller knows it, else both kinds are tried.
    """
    names = article_names(doc)
    plain = _plain(name)
    if label in (None, "PERSON"):
        full = names.person(plain, at)
        if full is not None:
            return full
    if label != "PERSON":
        full = names.org(plain, at)
        if full is not None:
            return full
    return name


def _build(doc: Any) -> ArticleNames:
    out = ArticleNames(text=docview.text(doc))
    ents = docview.ents(doc)
    out.qualifiers = {e.end_char: (e.start_char, e.text) for e in ents if e.label_ in _QUALIFIER_LABELS}
    # Runs of two or three capitalised proper nouns outside any entity: the small model
    # misses names, most often at the start of a sentence ("Alexei Smirnov, the governor, ...").
    run: list[Any] = []
    for tok in [*doc, None]:
        ok = tok is not None and _name_word(tok) and tok.ent_type_ in ("", "PERSON")
        if ok and not (run and tok.is_sent_start):
            run.append(tok)
            continue
        if 2 <= len(run) <= 3 and any(t.ent_type_ == "" for t in run):
            name = _person_name([t.text for t in run])
            if name:
                out.people.append((run[0].idx, name))
        run = [tok] if ok else []
    for ent in ents:
        if ent.label_ == "PERSON":
            start = _widen_left(doc, ent)
            name = _person_name(_plain(doc[start : ent.end].text).split())
            if name:
                out.people.append((doc[start].idx, name))
        elif ent.label_ == "ORG":
            bare = _plain(ent.text)
            qualified = _qualified(doc, ent) or bare
            out.orgs.append((ent.start_char, fold(bare), qualified))
            # "the Russian defence ministry" is also the full form of "defence ministry".
            first = ent[0] if ent[0].lower_ != "the" else (ent[1] if len(ent) > 1 else None)
            if first is not None and len(ent) > 2 and _is_country_word(first):
                rest = _plain(doc[first.i + 1 : ent.end].text)
                out.orgs.append((ent.start_char, fold(rest), _plain(ent.text)))
    out.people.sort(key=lambda sn: sn[0])
    return out


def _name_word(tok: Any) -> bool:
    if not (tok.pos_ == "PROPN" and tok.is_alpha and tok.text[:1].isupper()) or _title_like(tok.text):
        return False
    # A capitalised verb at a sentence start ("Injecting Clinton's ...") is not a given name.
    return not (tok.is_sent_start and tok.lower_.endswith(("ing", "ed")))


def _title_like(word: str) -> bool:
    """A title, a plural one ("Senators"), or a word that stands before names in copy."""
    w = fold(word).strip(".")
    return is_title(word) or is_title(w.rstrip("s")) or w in _MORE_TITLES


def _person_name(words: list[str]) -> str | None:
    """The name in a run of words: leading titles dropped, every word capitalised."""
    while words and _title_like(words[0]):
        words = words[1:]
    if not words or not all(w[:1].isupper() or fold(w) in _PARTICLES for w in words):
        return None
    return normalize_name(" ".join(words)) or None


def _is_country_word(tok: Any) -> bool:
    """'Russian', 'Ukraine': a nationality or a country at the head of an organisation's name."""
    if place_kind(tok.text) in ("country", "state"):
        return True
    return tok.text[:1].isupper() and len(tok.text) > 5 and tok.lower_.endswith(("ian", "ese", "ean", "ish"))


def _widen_left(doc: Any, ent: Any) -> int:
    """Start of the PERSON mention with up to two given names NER left out."""
    i = ent.start
    while i > 0 and ent.start - i < 2 and not doc[i].is_sent_start:
        tok = doc[i - 1]
        if not (_name_word(tok) and tok.ent_type_ in ("", "PERSON")):
            break
        i -= 1
    return i


def _qualified(doc: Any, ent: Any) -> str | None:
    """ "Russia's defence ministry" for the ORG "defence ministry" written after "Russia's"."""
    i = ent.start
    if i >= 2 and doc[i - 1].tag_ == "POS":
        owner = doc[i - 2]
        if owner.ent_type_ in _QUALIFIER_LABELS:
            j = i - 2
            while (
                j > 0
                and doc[j - 1].ent_type_ == owner.ent_type_
                and doc[j - 1].ent_iob_ == "I"
                or (j > 0 and doc[j].ent_iob_ == "I")
            ):
                j -= 1
            return f"{doc[j : i - 1].text}{doc[i - 1].text} {_plain(ent.text)}"
    if i >= 1 and doc[i - 1].ent_type_ in _QUALIFIER_LABELS and doc[i - 1].tag_ in ("NNP", "JJ"):
        # "the Russian [defence ministry]": the nationality left outside the entity.
        j = i - 1
        while j > 0 and doc[j].ent_iob_ == "I":
            j -= 1
        return f"{doc[j:i].text} {_plain(ent.text)}"
    return None
