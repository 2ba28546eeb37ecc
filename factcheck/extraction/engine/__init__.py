"""The text engine: pure Python (spaCy and the standard library, never Django).

`extract(text)` / `extract_many(texts)` return an `Extraction` with segments, sentences,
quotations with speakers, and claims. See pipeline.py for the API and `python -m
factcheck.extraction.engine --help` for the command line.

The names below are exported lazily (PEP 562 module `__getattr__`): `from
factcheck.extraction.engine import extract` works as before, but importing a submodule
that needs no spaCy (`quantities`, `segment`, `quotes`, `people`, `types`) does not load
spaCy through this package, so the regex parts stay cheap to import and reuse.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import EXTRACTOR_VERSION, extract, extract_many, get_nlp
    from .types import ClaimSpan, Entity, Extraction, Quantity, QuoteSpan, Segment

_EXPORTS = {
    "EXTRACTOR_VERSION": "pipeline",
    "extract": "pipeline",
    "extract_many": "pipeline",
    "get_nlp": "pipeline",
    "ClaimSpan": "types",
    "Entity": "types",
    "Extraction": "types",
    "Quantity": "types",
    "QuoteSpan": "types",
    "Segment": "types",
}

__all__ = [
    "EXTRACTOR_VERSION",
    "ClaimSpan",
    "Entity",
    "Extraction",
    "Quantity",
    "QuoteSpan",
    "Segment",
    "extract",
    "extract_many",
    "get_nlp",
]
assert sorted(__all__) == sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
