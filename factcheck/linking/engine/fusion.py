"""Retrieval fusion for "has this been checked before?": query cleaning for social posts,
BM25 over a candidate list (never the store), the ranking score (cosine + BM25 as a share of
the query's own), its calibration into a match probability, near-duplicate grouping; also
reciprocal rank fusion and the logistic blend the benchmark compares. Pure Python (numpy for
the duplicate test's matrix product).

RANK_BM25 is chosen and CALIBRATION fitted on CLEF CheckThat! 2020 task 2 train, and both
checked on its dev split (benchmarks/retrieval_clef.py; figures in docs/benchmarks.md,
"Already checked?").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from factcheck.linking.engine.text import content_terms

__all__ = [
    "CALIBRATION",
    "DUPLICATE_COSINE",
    "RANK_BM25",
    "Blend",
    "TermCounts",
    "bm25_scores",
    "bm25_scores_counted",
    "clean_query",
    "duplicate_groups",
    "duplicate_test",
    "group_duplicates",
    "fusion_features",
    "match_probabilities",
    "bm25_ceiling",
    "rank_scores",
    "rrf",
    "split_hashtag",
    "term_counts",
]

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+", re.I)
# The embed trailer of a copied tweet: "— Name (@handle) January 14, 2020".
_TRAILER_RE = re.compile(
    r"\s*[—–-]{1,2}\s*(?P<name>[^—–()]{0,80}?)\s*\(@\w+\)\s*(?:[A-Z][a-z]+\.? \d{1,2}, \d{4})?\s*$"
)
_HASHTAG_RE = re.compile(r"#(\w+)")
_HANDLE_RE = re.compile(r"(?<!\w)@(\w+)")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def split_hashtag(tag: str) -> str:
    """ "AustralianFires" -> "Australian Fires"; "COVID19" -> "COVID 19"; "maga" stays."""
    parts = _CAMEL_RE.findall(tag)
    return " ".join(parts) if parts else tag


def clean_query(text: str, *, keep_author: bool = True) -> str:
    """A social post as a claim: links dropped, hashtags and @handles split into words, the
    embed trailer ("— Name (@handle) date") reduced to the author's name (or dropped)."""
    text = _URL_RE.sub(" ", text)
    m = _TRAILER_RE.search(text)
    if m:
        name = m.group("name").strip()
        text = text[: m.start()] + ((" " + name) if keep_author and name else "")
    text = _HASHTAG_RE.sub(lambda m: " " + split_hashtag(m.group(1)) + " ", text)
    text = _HANDLE_RE.sub(lambda m: split_hashtag(m.group(1)), text)
    return " ".join(text.split())


# BM25 ---------------------------------------------------------------------------------------

BM25_K1 = 1.2
BM25_B = 0.75


def bm25_scores(
    query: Sequence[str],
    docs: Sequence[Sequence[str]],
    df: Mapping[str, float],
    n_docs: float,
    avgdl: float,
    *,
    k1: float = BM25_K1,
    b: float = BM25_B,
) -> list[float]:
    """Okapi BM25 of each document (a list of terms) for a query (terms), with document
    frequencies `df` (of the whole store, or scaled up from a sample) among `n_docs` documents
    of mean length `avgdl`. Scores only the documents given: the candidates, never the store."""
    qterms = list(dict.fromkeys(query))
    idf = {t: math.log(1.0 + (n_docs - df.get(t, 0.0) + 0.5) / (df.get(t, 0.0) + 0.5)) for t in qterms}
    avgdl = max(avgdl, 1e-9)
    out = []
    for doc in docs:
        tf: dict[str, int] = {}
        for t in doc:
            if t in idf:
                tf[t] = tf.get(t, 0) + 1
        norm = k1 * (1 - b + b * len(doc) / avgdl)
        out.append(sum(idf[t] * f * (k1 + 1) / (f + norm) for t, f in tf.items()))
    return out


def terms(text: str) -> list[str]:
    """BM25's terms: the engine's stemmed content words, repeats kept."""
    return content_terms(text)


# BM25 over candidates counted once ------------------------------------------------------------
# An article's claims share many candidates, and every candidate was tokenised again for each
# claim it was scored against. A candidate's terms are now counted once per article
# (`term_counts`) and scored from the counts (`bm25_scores_counted`), with exactly the
# arithmetic of `bm25_scores`, term for term in the same order, so the scores are the same
# floats (tests/linking/test_unchanged_ranking.py).


@dataclass(frozen=True, slots=True)
class TermCounts:
    """A document's BM25 terms counted: `counts` in order of first appearance, `length` with
    repeats (BM25's document length)."""

    counts: dict[str, int]
    length: int


def term_counts(doc: Sequence[str]) -> TermCounts:
    """`doc` (a list of terms, `terms(text)`) counted once for every query scored against it."""
    counts: dict[str, int] = {}
    for t in doc:
        counts[t] = counts.get(t, 0) + 1
    return TermCounts(counts, len(doc))


def bm25_scores_counted(
    query: Sequence[str],
    docs: Sequence[TermCounts],
    df: Mapping[str, float],
    n_docs: float,
    avgdl: float,
    *,
    k1: float = BM25_K1,
    b: float = BM25_B,
) -> list[float]:
    """`bm25_scores` of documents already counted (`term_counts`): the same floats."""
    qterms = list(dict.fromkeys(query))
    idf = {t: math.log(1.0 + (n_docs - df.get(t, 0.0) + 0.5) / (df.get(t, 0.0) + 0.5)) for t in qterms}
    avgdl = max(avgdl, 1e-9)
    out = []
    for doc in docs:
        norm = k1 * (1 - b + b * doc.length / avgdl)
        # The order of first appearance in the document, as bm25_scores sums (floats).
        out.append(sum(idf[t] * f * (k1 + 1) / (f + norm) for t, f in doc.counts.items() if t in idf))
    return out


# Fusion -------------------------------------------------------------------------------------


def rrf(rankings: Sequence[Sequence[int]], k: int = 60) -> dict[int, float]:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank), rank from 1."""
    out: dict[int, float] = {}
    for ranking in rankings:
        for r, key in enumerate(ranking, 1):
            out[key] = out.get(key, 0.0) + 1.0 / (k + r)
    return out


FEATURES = ("cos_doc", "cos_claim", "cos_title", "bm25", "dice", "cos_gap", "bm25_gap")


def fusion_features(
    cos_doc: Sequence[float],
    bm25: Sequence[float],
    *,
    cos_claim: Sequence[float] | None = None,
    cos_title: Sequence[float] | None = None,
    dice: Sequence[float] | None = None,
) -> list[dict[str, float]]:
    """Each candidate's features for the blend, from its cosine with the query (`cos_doc`: the
    stored document's vector, claim + title for a fact-check), its BM25 against the query and,
    where known, its cosines with the claim and the title alone and its Dice overlap of content
    words. The gaps are to the query's best candidate, so the blend can tell a clear winner from
    a crowd; BM25 is scaled by the query's best, so long and short queries compare."""
    n = len(cos_doc)
    if not n:
        return []
    top_cos = max(cos_doc)
    top_bm = max(bm25) if bm25 else 0.0
    scale = top_bm if top_bm > 0 else 1.0
    out = []
    for i in range(n):
        f = {
            "cos_doc": cos_doc[i],
            "bm25": bm25[i] / scale,
            "cos_gap": top_cos - cos_doc[i],
            "bm25_gap": (top_bm - bm25[i]) / scale,
        }
        f["cos_claim"] = cos_claim[i] if cos_claim is not None else cos_doc[i]
        f["cos_title"] = cos_title[i] if cos_title is not None else cos_doc[i]
        f["dice"] = dice[i] if dice is not None else 0.0
        out.append(f)
    return out


@dataclass(frozen=True, slots=True)
class Blend:
    """Logistic regression over named `fusion_features`: the probability that a candidate is a
    match (a fact-check of the query's claim). Fitted on CLEF 2020 train."""

    weights: Mapping[str, float]
    bias: float

    def logit(self, features: Mapping[str, float]) -> float:
        return self.bias + sum(w * features[name] for name, w in self.weights.items())

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.logit(features)
        if z < -35:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))


# Ranking: score = cosine(query, claim) + RANK_BM25 * BM25(query, claim + title + description)
# scaled by the query's best candidate; RANK_BM25 chosen on CLEF 2020 train for MAP@5
# (benchmarks/retrieval_clef.py). The probability: logistic regression on the score and its gap
# to the query's best, fitted on train candidates (--fit prints both constants).
RANK_BM25 = 1.0
# Stored documents whose claim vectors are this close are one claim reviewed twice (a copy, an
# update, another organisation's review): grouped, oldest first (group_duplicates).
DUPLICATE_COSINE = 0.95
CALIBRATION = Blend(weights={"score": 8.5251, "score_gap": -20.1879}, bias=-5.4478)


def bm25_ceiling(query: Sequence[str], df: Mapping[str, float], n_docs: float, avgdl: float) -> float:
    """BM25 of the query against itself: what a document holding exactly its words scores, so
    a candidate's BM25 divided by it is an absolute share of the query matched (not relative to
    the other candidates: a claim with no match in the store must not look like one)."""
    return bm25_scores(query, [list(query)], df, n_docs, avgdl)[0]


def rank_scores(cosines: Sequence[float], bm25: Sequence[float], ceiling: float) -> list[float]:
    """The ranking score of each candidate of one query: its cosine plus RANK_BM25 times its
    share of the query's BM25 ceiling (capped at 1)."""
    scale = ceiling if ceiling > 0 else 1.0
    return [c + RANK_BM25 * min(1.0, b / scale) for c, b in zip(cosines, bm25, strict=True)]


def match_probabilities(scores: Sequence[float], calibration: Blend | None = None) -> list[float]:
    """Calibrated match probabilities of one query's candidates, from their ranking scores:
    monotone in the score (the gap's weight is negative), so the order is the same."""
    calibration = calibration or CALIBRATION
    top = max(scores, default=0.0)
    return [calibration.probability({"score": s, "score_gap": top - s}) for s in scores]


def duplicate_groups(ranked: Sequence[int], same: Callable[[int, int], bool]) -> list[list[int]]:
    """`ranked` (keys best first) as groups of near-duplicates: each key joins the group of the
    first earlier key it duplicates (`same(leader, key)`); groups in order of their best member,
    members in `ranked` order."""
    groups: list[list[int]] = []
    for key in ranked:
        for group in groups:
            if same(group[0], key):
                group.append(key)
                break
        else:
            groups.append([key])
    return groups


# The cosine of each pair of candidates in one matrix product instead of one dot product per
# pair tried. A matrix product may differ from np.dot in the last bits of a float32 (another
# order of summation: ~1e-5 at most for 384 dimensions), so a pair whose product lies within
# DUPLICATE_MARGIN (times the norms, for vectors that are not unit) of the threshold is decided
# by np.dot itself, as before: the groups are exactly those of the pairwise test.
DUPLICATE_MARGIN = 1e-3


def duplicate_test(
    keys: Sequence[int], vectors: Mapping[int, np.ndarray], threshold: float = DUPLICATE_COSINE
) -> Callable[[int, int], bool]:
    """`same(a, b)` for `duplicate_groups` over `keys`: both have a vector and
    float(np.dot(va, vb)) >= threshold, with every pair's cosine from one matrix product."""
    have = [k for k in dict.fromkeys(keys) if vectors.get(k) is not None]
    if len(have) < 2:
        return lambda a, b: False
    position = {k: i for i, k in enumerate(have)}
    matrix = np.stack([vectors[k] for k in have])
    cos = matrix @ matrix.T
    norms = np.linalg.norm(matrix, axis=1)
    margin = DUPLICATE_MARGIN * np.maximum(1.0, np.outer(norms, norms))
    sure = (cos >= threshold + margin).tolist()
    maybe = (cos > threshold - margin).tolist()

    def same(a: int, b: int) -> bool:
        i, j = position.get(a), position.get(b)
        if i is None or j is None or not maybe[i][j]:
            return False
        if sure[i][j]:
            return True
        return float(np.dot(vectors[a], vectors[b])) >= threshold

    return same


def group_duplicates(ranked: Sequence[int], same: Callable[[int, int], bool]) -> list[int]:
    """`ranked` with near-duplicates together at their best member's place, oldest first
    (smallest key: stored first). Several reviews of one claim are shown together, the original
    first."""
    return [key for group in duplicate_groups(ranked, same) for key in sorted(group)]


# Documents ----------------------------------------------------------------------------------


def document_text(claim: str, headline: str = "", summary: str = "") -> str:
    """What a stored fact-check is matched on: the claim reviewed, then the review's headline
    and description where they add words (an import that copied the claim into the headline
    adds nothing). A news claim is its own text."""
    parts = [" ".join(claim.split())]
    seen = fold_key(parts[0])
    for extra in (headline, summary):
        extra = " ".join((extra or "").split())
        key = fold_key(extra)
        if key and key not in seen:
            parts.append(extra)
            seen += " " + key
    return " ".join(p for p in parts if p)


def fold_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
