"""Check-worthiness scorer: is a sentence a check-worthy factual claim?

A linear model (logistic regression) over three cheap views of the sentence:

1. hashed word 1-3-grams, TF-IDF (sublinear tf, l2),
2. hashed character 2-5-grams within word boundaries, TF-IDF (sublinear tf, l2),
3. a static semantic embedding: the SIF-weighted mean of per-wordpiece vectors distilled
   from all-MiniLM-L6-v2 at training time (each piece's mean output vector in context over
   the training sentences, plus its vector run alone; the Model2Vec/tokenlearn idea),
   PCA-reduced, l2-normalised.

No transformer runs at inference: scoring is a tokenizer call, two hashing passes and a
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
    intercept: float

    def logits(self, texts: list[str]) -> np.ndarray:
        word = tfidf_dot(self.word.transform(texts), self.idf_word, self.coef_word)
        char = tfidf_dot(self.char.transform(texts), self.idf_char, self.coef_char)
        xs = static_embeddings(wordpiece_ids(self.tokenizer, texts), self.table, self.sif)
        return word + char + xs @ self.coef_static + self.intercept

    def score(self, texts: list[str]) -> list[float]:
        z = np.clip(self.logits(texts), -40, 40)
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


def score_sentences(texts: list[str]) -> list[float]:
    """Check-worthiness in [0, 1] for each text, in one batched pass (same order as given).

    Each text is scored on its own (no context), so a sentence gets the same score alone
    or in a batch.
    """
    if not texts:
        return []
    return get_scorer().score(list(texts))


def is_checkworthy(score: float) -> bool:
    return score >= THRESHOLD
