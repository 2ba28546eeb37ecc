"""Read schema.org ClaimReview JSON-LD from files, folders and JSON Lines feeds.

Pure Python (no Django). A source may hold one object, a list, an {"@graph": [...]}
document, or (in .jsonl / .ndjson files) one such document per line; HTML pages are read
for their <script type="application/ld+json"> blocks. Every ClaimReview found becomes a
`Review`; everything that cannot be read becomes an `IntakeProblem` with a one-line reason
(the type the article importer uses too, factcheck.core.problems), and reading carries on.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcheck.core.lines import BadLine, loads
from factcheck.core.problems import IntakeProblem
from factcheck.core.validators import parse_publication_date, web_url

__all__ = ["Review", "iter_reviews", "parse_document", "rating_to_scale", "review_key"]

# Bounds on what one review may carry (longer text is cut, not refused: a fact-check's
# claim is a sentence or two; 5,000 characters is far beyond any real one).
MAX_CLAIM_CHARS = 5000
MAX_HEADLINE_CHARS = 500
MAX_DESCRIPTION_CHARS = 5000

JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json", ".jsonld"}
HTML_SUFFIXES = {".html", ".htm"}
_SCRIPT_RE = re.compile(
    r"<script[^>]*type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)


@dataclass(frozen=True, slots=True)
class Review:
    source: str  # "path" or "path:line"
    url: str
    claim_reviewed: str
    publisher: str
    date_published: datetime.date | None
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    rating_text: str
    claimant: str
    appearance_url: str
    headline: str = ""  # the fact-check's own title
    description: str = ""  # its standfirst / summary
    date_modified: datetime.date | None = None
    claim_date: datetime.date | None = None  # itemReviewed.datePublished: when the claim was made
    # Optional fields that were present but unusable, each with its reason: the review is
    # still imported without them, and the import summary says what was left out.
    skipped: tuple[str, ...] = ()


def review_key(review: Review) -> str:
    """What identifies one stored review: its url with the claim, rating and dates it
    carries. Re-importing the same review gives the same key (nothing changes); the same
    organisation's update (a new rating or dateModified at the same url) and another
    organisation's review of the same claim text give new keys, so every one is kept."""
    rating = review.rating_text or ("" if review.rating_value is None else repr(review.rating_value))
    return review_key_of(review.url, review.claim_reviewed, rating, review.date_published, review.date_modified)


def review_key_of(
    url: str, claim: str, rating: str, published: datetime.date | None, modified: datetime.date | None
) -> str:
    """review_key from its parts (the articles migration that introduced it backfills with
    the same recipe: keep the two in step)."""
    parts = [url, claim, rating[:200], str(published or ""), str(modified or "")]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _text(value: Any, limit: int) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\x00", " ").split())[:limit]


def _name(obj: Any) -> str:
    if isinstance(obj, str):
        return _text(obj, 300)
    if isinstance(obj, dict):
        return _text(obj.get("name") or obj.get("alternateName") or "", 300)
    if isinstance(obj, list) and obj:
        return _name(obj[0])
    return ""


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any, name: str) -> datetime.date | None:
    """An optional ClaimReview date: absent is None; present, it must pass the one
    publication-date rule (factcheck.core.validators), or the review is refused."""
    if value is None or value == "":
        return None
    try:
        return parse_publication_date(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _is_type(obj: dict, name: str) -> bool:
    t = obj.get("@type")
    types = t if isinstance(t, list) else [t]
    return any(isinstance(x, str) and x.rsplit("/", 1)[-1] == name for x in types)


def _flatten(doc: Any) -> Iterator[dict]:
    if isinstance(doc, list):
        for item in doc:
            yield from _flatten(item)
    elif isinstance(doc, dict):
        if "@graph" in doc:
            yield from _flatten(doc["@graph"])
        else:
            yield doc


def _review(obj: dict, source: str) -> Review | IntakeProblem:
    url = str(obj.get("url") or obj.get("@id") or "").strip()
    claim = _text(obj.get("claimReviewed"), MAX_CLAIM_CHARS)
    if not url.startswith(("http://", "https://")):
        return IntakeProblem(source, "ClaimReview has no http(s) url")
    try:
        url = web_url(url)
        date_published = _date(obj.get("datePublished"), "datePublished")
        date_modified = _date(obj.get("dateModified"), "dateModified")
    except ValueError as exc:
        return IntakeProblem(source, f"ClaimReview {exc}")
    if not claim:
        return IntakeProblem(source, "ClaimReview has no claimReviewed text")
    rating = obj.get("reviewRating") or {}
    if isinstance(rating, list):
        rating = rating[0] if rating else {}
    if not isinstance(rating, dict):
        rating = {}
    item = obj.get("itemReviewed") or {}
    if isinstance(item, list):
        item = item[0] if item else {}
    skipped: list[str] = []
    appearance_url = _appearance_url(item.get("appearance") if isinstance(item, dict) else None, skipped)
    claim_date = None
    if isinstance(item, dict):
        try:
            claim_date = _date(item.get("datePublished"), "itemReviewed.datePublished")
        except ValueError as exc:
            skipped.append(f"{exc} (left out)")
    claimant = _name(item.get("author")) if isinstance(item, dict) else ""
    return Review(
        source=source,
        url=url[:1000],
        claim_reviewed=claim,
        publisher=_name(obj.get("author")) or _name(obj.get("publisher")),
        date_published=date_published,
        rating_value=_number(rating.get("ratingValue")),
        best_rating=_number(rating.get("bestRating")),
        worst_rating=_number(rating.get("worstRating")),
        rating_text=_text(rating.get("alternateName") or rating.get("name") or "", 200),
        claimant=claimant,
        appearance_url=appearance_url,
        headline=_text(obj.get("headline") or obj.get("name"), MAX_HEADLINE_CHARS),
        description=_text(obj.get("description") or obj.get("abstract"), MAX_DESCRIPTION_CHARS),
        date_modified=date_modified,
        claim_date=claim_date,
        skipped=tuple(skipped),
    )


def _appearance_url(appearance: Any, skipped: list[str]) -> str:
    """The first usable http(s) address where the claim appeared (itemReviewed.appearance:
    a url, a CreativeWork with a url, or a list of those); "" if none. Unusable ones are
    noted in `skipped`."""
    items = appearance if isinstance(appearance, list) else [appearance]
    for item in items:
        if isinstance(item, dict):
            item = item.get("url") or item.get("@id")
        if item is None or item == "":
            continue
        if not isinstance(item, str):
            skipped.append("itemReviewed.appearance: not a web address (left out)")
            continue
        try:
            item.encode("utf-8")  # a lone surrogate cannot be stored
            return web_url(item)
        except UnicodeEncodeError:
            skipped.append("itemReviewed.appearance: not valid UTF-8 (left out)")
        except ValueError as exc:
            skipped.append(f"itemReviewed.appearance: {exc} (left out)")
    return ""


def parse_document(doc: Any, source: str) -> list[Review | IntakeProblem]:
    """The ClaimReviews in one parsed JSON-LD document; a document with none is a IntakeProblem."""
    found: list[Review | IntakeProblem] = []
    for obj in _flatten(doc):
        if _is_type(obj, "ClaimReview"):
            found.append(_review(obj, source))
    if not found:
        found.append(IntakeProblem(source, "no ClaimReview object in it"))
    return found


def _read_text(path: Path) -> str | IntakeProblem:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return IntakeProblem(str(path), f"cannot read: {exc.__class__.__name__}: {exc}")


def _iter_file(path: Path) -> Iterator[Review | IntakeProblem]:
    text = _read_text(path)
    if isinstance(text, IntakeProblem):
        yield text
        return
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        blocks = _SCRIPT_RE.findall(text)
        if not blocks:
            yield IntakeProblem(str(path), "no JSON-LD script in the page")
        for n, block in enumerate(blocks, 1):
            doc = loads(block)
            if isinstance(doc, BadLine):
                yield IntakeProblem(f"{path}#script{n}", doc.reason)
                continue
            yield from (r for r in parse_document(doc, f"{path}#script{n}") if not _is_empty_problem(r))
        return
    stripped = text.lstrip()
    if suffix in JSONL_SUFFIXES or (suffix not in JSON_SUFFIXES and not stripped.startswith("[") and "\n{" in text):
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            source = f"{path}:{lineno}"
            doc = loads(line)
            if isinstance(doc, BadLine):
                yield IntakeProblem(source, doc.reason)
                continue
            yield from parse_document(doc, source)
        return
    doc = loads(text)
    if isinstance(doc, BadLine):
        yield IntakeProblem(str(path), doc.reason)
        return
    yield from parse_document(doc, str(path))


def _is_empty_problem(r: Review | IntakeProblem) -> bool:
    # A page's other JSON-LD blocks (Organization, BreadcrumbList) are not errors.
    return isinstance(r, IntakeProblem) and r.reason == "no ClaimReview object in it"


def iter_reviews(paths: list[str | Path]) -> Iterator[Review | IntakeProblem]:
    """Every ClaimReview (or problem) in these files and folders (folders read recursively,
    files in name order)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in JSON_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES
            )
            if not files:
                yield IntakeProblem(str(path), "folder holds no .json, .jsonld, .jsonl, .ndjson or .html files")
            for file in files:
                yield from _iter_file(file)
        elif path.is_file():
            yield from _iter_file(path)
        else:
            yield IntakeProblem(str(path), "no such file or folder")


# Ratings ---------------------------------------------------------------------------------

# Common publisher wordings that mean one of our labels (matched after folding).
RATING_ALIASES = {
    "correct": "true",
    "accurate": "true",
    "mostly correct": "mostly true",
    "mostly accurate": "mostly true",
    "half-true": "half true",
    "mixture": "half true",
    "mixed": "half true",
    "partly true": "half true",
    "partly false": "mostly false",
    "partially false": "mostly false",
    "mostly incorrect": "mostly false",
    "incorrect": "false",
    "inaccurate": "false",
    "fake": "false",
    "wrong": "false",
    "pants-on-fire": "pants on fire",
    "pants on fire!": "pants on fire",
    "unproven": "unverifiable",
    "unsupported": "unverifiable",
    "no evidence": "unverifiable",
}


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def rating_to_scale(review: Review, labels: list[tuple[str, str, int | None]]) -> str | None:
    """The slug of our rating for a review, or None. `labels` is (label, slug, value) of the
    default scale. The publisher's words decide first when they name one of our labels;
    otherwise ratingValue is placed proportionally from [worstRating, bestRating] (schema.org
    default 1..5) onto our value range."""
    text = _fold(review.rating_text)
    if text:
        text = RATING_ALIASES.get(text, text)
        for label, slug, _value in labels:
            if text in (_fold(label), _fold(slug.replace("-", " ")), slug):
                return slug
    valued = [(value, slug) for _label, slug, value in labels if value is not None]
    if review.rating_value is None or not valued:
        return None
    best = review.best_rating if review.best_rating is not None else 5.0
    worst = review.worst_rating if review.worst_rating is not None else 1.0
    if best == worst or not (min(worst, best) <= review.rating_value <= max(worst, best)):
        return None
    fraction = (review.rating_value - worst) / (best - worst)
    lo, hi = min(v for v, _ in valued), max(v for v, _ in valued)
    target = lo + fraction * (hi - lo)
    return min(valued, key=lambda vs: (abs(vs[0] - target), -vs[0]))[1]
