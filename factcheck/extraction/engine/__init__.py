"""The text engine: pure Python (spaCy and the standard library, never Django).

`extract(text)` / `extract_many(texts)` return an `Extraction` with segments, sentences,
quotations with speakers, and claims. See pipeline.py for the API and `python -m
factcheck.extraction.engine --help` for the command line.
"""

from .pipeline import EXTRACTOR_VERSION, extract, extract_many, get_nlp
from .types import ClaimSpan, Entity, Extraction, Quantity, QuoteSpan, Segment

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
