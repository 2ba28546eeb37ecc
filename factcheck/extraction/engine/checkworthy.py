"""Check-worthiness scorer: is a sentence a check-worthy factual claim?

A linear model (logistic regression) over four cheap views of the sentence:

1. hashed word 1-3-grams, TF-IDF (sublinear tf, l2),
2. hashed character 2-5-grams within word boundaries, TF-IDF (sublinear tf, l2),
3. a static semantic embedding: the SIF-weighted mean of per-wordpiece vectors distilled
   from all-MiniLM-L6-v2 at training time (each piece's mean output vector in context over
   the training sentences, plus its vector run alone; the Model2Vec/tokenlearn idea),
   PCA-reduced, l2-normalised;
4. a syntactic/semantic-type view read off the spaCy parse the pipeline runs anyway:
   hashed n-grams of coarse and fine part-of-speech tags, of a "shape" sequence (entity
   types for entities, the word for closed-class words, the fine tag otherwise: "we VBP
   CARDINAL NNS of NN"), entity types, dependency labels, the root's tag, lemma and
   children, and a few flags (tense, modals, first/second person, numbers, length,
   question), TF-IDF (sublinear tf, l2). These do not memorise debate topics, so they carry
   to later debates and to news better than the word n-grams (see the model card).

`score_sentences(texts, parsed=...)` takes the spaCy Spans/Docs of the texts when the caller
has them (claims.py passes the sentences of the article's parse); without them the texts
are parsed here with the pipeline's own `get_nlp()`, so the features always come from the
same model and components as at training time.

No transformer runs at inference: scoring is a tokenizer call, three hashing passes and a
few sparse/dense products, so it costs a small fraction of the spaCy parse (a MiniLM
forward pass per sentence costs several times the parse on the workers' CPUs; see the
model card). The threshold is calibrated on held-out folds of both development files,
in-domain (dev) and out-of-domain (dev-test). Trained on
ClaimBuster (Arslan et al., ICWSM 2020, CC BY 4.0) as binarised for CLEF CheckThat!
2024 task 1; see `models/checkworthy/MODEL_CARD.md` and `benchmarks/train_checkworthy.py`.

The artefact is self-contained (`models/checkworthy/`: `model.npz`, `config.json` and the
MiniLM `tokenizer.json`); it is loaded once per process and never downloads anything.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ARTEFACT_DIR = Path(__file__).resolve().parent / "models" / "checkworthy"
CONFIG_PATH = ARTEFACT_DIR / "config.json"
MODEL_PATH = ARTEFACT_DIR / "model.npz"
TOKENIZER_PATH = ARTEFACT_DIR / "tokenizer.json"

# Feature settings shared by training and inference (training writes them to config.json).
WORD_NGRAMS = (1, 3)
CHAR_NGRAMS = (2, 5)
HASH_BITS = 19
SYNTAX_HASH_BITS = 18


def _read_config() -> dict[str, Any]:
    if CONFIG_PATH.exists():
        return json.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    return {"threshold": 0.5}


_CONFIG = _read_config()
#: The shipped decision threshold: a sentence is check-worthy when score >= THRESHOLD.
THRESHOLD: float = float(_CONFIG["threshold"])


def hashing_vectorizers(hash_bits: int = HASH_BITS) -> tuple[Any, Any]:
    """The word and character hashing vectorizers (raw counts; stateless, so nothing to store)."""
    from sklearn.feature_extraction.text import HashingVectorizer

    word = HashingVectorizer(ngram_range=WORD_NGRAMS, n_features=2**hash_bits, alternate_sign=False, norm=None)
    char = HashingVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, n_features=2**hash_bits, alternate_sign=False, norm=None
    )
    return word, char


def syntax_hasher(hash_bits: int = SYNTAX_HASH_BITS) -> Any:
    """Hashes the strings of `syntax_features` (raw counts; stateless)."""
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=2**hash_bits, input_type="string", alternate_sign=False)


# Closed-class words keep their form in the shape sequence; open-class words become tags.
_CLOSED_POS = frozenset({"PRON", "DET", "ADP", "AUX", "CCONJ", "SCONJ", "PART", "INTJ"})
_KEPT_PUNCT = frozenset({"%", "$", "?"})
_FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "mine", "ours", "myself", "ourselves"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves"})


def _grams(out: list[str], prefix: str, seq: list[str], hi: int) -> None:
    for n in range(1, hi + 1):
        for i in range(len(seq) - n + 1):
            out.append(prefix + " ".join(seq[i : i + n]))


def syntax_features(tokens: Iterable[Any]) -> list[str]:
    """The parse view of one sentence: feature strings from its spaCy tokens (a Span or Doc).

    Reads pos_, tag_, dep_, ent_type_, ent_iob_, lemma_, lower_, like_num, morph, head and
    children: the tagger, parser, NER, attribute ruler and lemmatizer of the pipeline.
    """
    toks = list(tokens)
    out: list[str] = []
    pos: list[str] = []
    tags: list[str] = []
    shape: list[str] = ["<s>"]
    prev_ent = ""
    first = second = False
    numbers = 0
    for t in toks:
        p = t.pos_
        if p == "SPACE":
            prev_ent = ""
            continue
        tag, lower = t.tag_, t.lower_
        tags.append(tag)
        if p != "PUNCT":
            pos.append(p)
        if lower in _FIRST_PERSON:
            first = True
        elif lower in _SECOND_PERSON:
            second = True
        if t.like_num or tag == "CD":
            numbers += 1
        if tag == "MD":
            out.append("x:md:" + lower)
        morph = str(t.morph)
        if "Tense=" in morph:
            out.append("x:" + morph.split("Tense=", 1)[1].split("|", 1)[0])
        if p == "PUNCT" and lower not in _KEPT_PUNCT:
            prev_ent = ""
            continue
        ent = t.ent_type_
        if ent:
            if t.ent_iob_ == "B" or prev_ent != ent:
                shape.append(ent)
                out.append("e:" + ent)
            prev_ent = ent
        else:
            prev_ent = ""
            shape.append(lower if p in _CLOSED_POS or p == "PUNCT" or tag == "MD" else tag)
        if p != "PUNCT":
            dep = t.dep_
            out.append("d:" + dep)
            out.append("dh:" + dep + ">" + t.head.pos_)
            if dep == "ROOT":
                out.append("r:" + tag)
                out.append("rl:" + t.lemma_.lower())
                for c in t.children:
                    kept = c.lower_ if c.pos_ in _CLOSED_POS or c.tag_ == "MD" else c.tag_
                    out.append("rc:" + c.dep_ + ":" + kept)
    shape.append("</s>")
    _grams(out, "p:", pos, 3)
    _grams(out, "t:", tags, 3)
    _grams(out, "m:", shape, 4)
    out.append(f"len:{min(len(pos).bit_length(), 7)}")
    out.append(f"x:nums{min(numbers, 3)}")
    if first:
        out.append("x:first")
    if second:
        out.append("x:second")
    if toks and toks[-1].lower_ == "?":
        out.append("x:question")
    return out


def parse(texts: list[str]) -> list[Any]:
    """Texts parsed by the extraction pipeline's spaCy model (same components as claims.py
    sees), for callers that have only text."""
    from .pipeline import get_nlp  # lazy: the pipeline imports this module

    return list(get_nlp().pipe(texts, batch_size=64))


def tfidf(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear TF-IDF with l2 rows, as sklearn's TfidfTransformer(sublinear_tf=True)."""
    from sklearn.preprocessing import normalize

    x = counts.tocsr().astype(np.float64)
    x.data = np.log(x.data) + 1.0
    x = x.multiply(idf.astype(np.float64)).tocsr()
    return normalize(x, norm="l2", copy=False)


def tfidf_dot(counts: Any, idf: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """`tfidf(counts, idf) @ coef` without building the TF-IDF matrix: one pass over the
    non-zeros (the same numbers up to rounding; tests/engine pin the equality)."""
    x = counts.tocsr()
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    values = (np.log(x.data.astype(np.float64)) + 1.0) * idf[x.indices]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=x.shape[0]))
    dots = np.bincount(rows, weights=values * coef[x.indices], minlength=x.shape[0])
    return np.divide(dots, norms, out=np.zeros(x.shape[0]), where=norms > 0)


def static_embeddings(ids: list[list[int]], table: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """SIF-weighted mean of the wordpiece vectors of each text, l2-normalised (zeros if empty)."""
    out = np.zeros((len(ids), table.shape[1]), dtype=np.float32)
    lengths = np.fromiter((len(piece_ids) for piece_ids in ids), dtype=np.int64, count=len(ids))
    if not lengths.any():
        return out
    idx = np.fromiter((i for piece_ids in ids for i in piece_ids), dtype=np.int64, count=int(lengths.sum()))
    nonempty = lengths > 0
    starts = (np.cumsum(lengths) - lengths)[nonempty]
    out[nonempty] = np.add.reduceat(table[idx].astype(np.float32) * weights[idx, None], starts, axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return np.divide(out, norms, out=out, where=norms > 0)


def load_tokenizer(path: Path) -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def wordpiece_ids(tokenizer: Any, texts: list[str]) -> list[list[int]]:
    # One by one: encode_batch's thread pool costs more than it saves on article-sized batches.
    return [tokenizer.encode(t, add_special_tokens=False).ids for t in texts]


@dataclass
class _Scorer:
    tokenizer: Any
    word: Any
    char: Any
    idf_word: np.ndarray
    idf_char: np.ndarray
    table: np.ndarray  # (vocab, dims) float16
    sif: np.ndarray  # (vocab,) float32
    coef_word: np.ndarray
    coef_char: np.ndarray
    coef_static: np.ndarray
    syntax: Any
    idf_syntax: np.ndarray
    coef_syntax: np.ndarray
    intercept: float

    def logits(self, texts: list[str], parsed: Sequence[Any]) -> np.ndarray:
        word = tfidf_dot(self.word.transform(texts), self.idf_word, self.coef_word)
        char = tfidf_dot(self.char.transform(texts), self.idf_char, self.coef_char)
        xs = static_embeddings(wordpiece_ids(self.tokenizer, texts), self.table, self.sif)
        syn = tfidf_dot(self.syntax.transform(syntax_features(p) for p in parsed), self.idf_syntax, self.coef_syntax)
        return word + char + syn + xs @ self.coef_static + self.intercept

    def score(self, texts: list[str], parsed: Sequence[Any]) -> list[float]:
        z = np.clip(self.logits(texts, parsed), -40, 40)
        return [float(p) for p in 1.0 / (1.0 + np.exp(-z))]


_SCORER: _Scorer | None = None
_LOCK = threading.Lock()


def _load_scorer() -> _Scorer:
    with np.load(MODEL_PATH) as m:
        arrays = {k: m[k] for k in m.files}
    word, char = hashing_vectorizers(int(_CONFIG.get("hash_bits", HASH_BITS)))
    return _Scorer(
        tokenizer=load_tokenizer(TOKENIZER_PATH),
        word=word,
        char=char,
        idf_word=arrays["idf_word"].astype(np.float64),
        idf_char=arrays["idf_char"].astype(np.float64),
        table=arrays["static_table"],
        sif=arrays["sif_weights"].astype(np.float32),
        coef_word=arrays["coef_word"].astype(np.float64),
        coef_char=arrays["coef_char"].astype(np.float64),
        coef_static=arrays["coef_static"].astype(np.float64),
        syntax=syntax_hasher(int(_CONFIG.get("syntax_hash_bits", SYNTAX_HASH_BITS))),
        idf_syntax=arrays["idf_syntax"].astype(np.float64),
        coef_syntax=arrays["coef_syntax"].astype(np.float64),
        intercept=float(arrays["intercept"]),
    )


def get_scorer() -> _Scorer:
    """The process-wide scorer, loaded on first use (thread-safe)."""
    global _SCORER
    if _SCORER is None:
        with _LOCK:
            if _SCORER is None:
                _SCORER = _load_scorer()
    return _SCORER


def score_sentences(texts: list[str], parsed: Sequence[Any | None] | None = None) -> list[float]:
    """Check-worthiness in [0, 1] for each text, in one batched pass (same order as given).

    `parsed`, if given, holds each text's spaCy Span or Doc from the pipeline's model
    (`pipeline.get_nlp()`), in the same order; texts without one (None, or no `parsed` at
    all) are parsed here with that model. Each text is scored on its own (no context), so
    a sentence gets the same score alone or in a batch.
    """
    if not texts:
        return []
    texts = list(texts)
    spans: list[Any] = list(parsed) if parsed is not None else [None] * len(texts)
    if len(spans) != len(texts):
        raise ValueError(f"{len(texts)} texts but {len(spans)} parsed sentences")
    missing = [i for i, s in enumerate(spans) if s is None]
    if missing:
        for i, doc in zip(missing, parse([texts[i] for i in missing]), strict=True):
            spans[i] = doc
    return get_scorer().score(texts, spans)


def is_checkworthy(score: float) -> bool:
    return score >= THRESHOLD


# Refinement with the claim's sentence vector ---------------------------------------------
#
# Every candidate claim is encoded with all-MiniLM-L6-v2 for cross-linking. Where that
# vector exists, a second opinion is read off it: a logistic regression over the vector
# (`dense.npz`, trained by benchmarks/train_checkworthy_dense.py on train.tsv only), its
# logit blended with the cheap scorer's. It ranks better off home ground (the model card),
# at no cost to extraction: the worker refines the scores when the linking task has
# computed the vectors, and `manage.py extract` encodes its claims and refines them inline.

DENSE_PATH = ARTEFACT_DIR / "dense.npz"
_REFINE: dict[str, Any] = _CONFIG.get("refine") or {}
#: The threshold for refined scores (None when the artefact has no refinement).
REFINED_THRESHOLD: float | None = float(_REFINE["threshold"]) if _REFINE else None
_DENSE: tuple[np.ndarray, float] | None = None


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def blend(cheap: Sequence[float] | np.ndarray, dense_logits: np.ndarray, weight: float) -> np.ndarray:
    """Probabilities from the cheap scores and the vector model's logits: a logit blend."""
    z = (1 - weight) * _logit(np.asarray(cheap)) + weight * np.asarray(dense_logits, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))


def can_refine() -> bool:
    return bool(_REFINE) and DENSE_PATH.exists()


def refine_scores(cheap: Sequence[float], vectors: np.ndarray) -> list[float]:
    """Refined scores (compare with REFINED_THRESHOLD) from the cheap scores and the claims'
    unit-length MiniLM vectors (rows in the same order)."""
    global _DENSE
    if not can_refine():
        raise RuntimeError("this check-worthiness artefact has no refinement (dense.npz)")
    if _DENSE is None:
        with np.load(DENSE_PATH) as d:
            _DENSE = (d["coef"].astype(np.float32), float(d["intercept"][0]))
    coef, intercept = _DENSE
    if len(cheap) == 0:
        return []
    dense = np.asarray(vectors, dtype=np.float32) @ coef + intercept
    return [float(p) for p in blend(cheap, dense, float(_REFINE["weight"]))]
