"""Read-once views of a parsed spaCy Doc.

spaCy rebuilds `Doc.text`, `Doc.sents` and `Doc.ents` on every access, walking every token
(`Doc.text` joins them). The engine reads them many times per article, so each is built
once and kept in `doc.user_data`; the engine never changes a Doc after parsing it.
"""

from __future__ import annotations

from typing import Any

_TEXT, _SENTS, _ENTS = "factcheck_text", "factcheck_sents", "factcheck_ents"


def text(doc: Any) -> str:
    if _TEXT not in doc.user_data:
        doc.user_data[_TEXT] = doc.text
    return doc.user_data[_TEXT]


def sents(doc: Any) -> list[Any]:
    if _SENTS not in doc.user_data:
        doc.user_data[_SENTS] = list(doc.sents)
    return doc.user_data[_SENTS]


def ents(doc: Any) -> list[Any]:
    if _ENTS not in doc.user_data:
        doc.user_data[_ENTS] = list(doc.ents)
    return doc.user_data[_ENTS]
