"""The embeddings service: MiniLM vectors of claims, stored as ClaimEmbedding rows (the only
code that writes them), and the in-process vector index built from those rows.

Vectors are computed when needed (an article's new claims, candidates stored before
embeddings were on, `manage.py similar --backfill`), and recomputed when a claim's text no
longer matches the row's `text_hash`. The encoder runs in one background thread, so a
caller can run its full-text query meanwhile (PostgreSQL and torch then use both cores).
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from factcheck.claims.models import Claim
from factcheck.linking.engine import embed
from factcheck.linking.models import ClaimEmbedding

__all__ = [
    "PendingEmbeddings",
    "embeddings_backfill",
    "embeddings_enabled",
    "embeddings_ensure",
    "embeddings_for_ids",
    "embeddings_start",
    "encode_in_background",
    "warm_in_background",
    "index_reset",
    "stored_vectors",
    "vector_index",
]


def embeddings_enabled() -> bool:
    return bool(settings.LINK_EMBEDDINGS) and embed.available()


# The in-process vector index ------------------------------------------------------------


class _IndexHolder:
    """One VectorIndex per process, brought up to date from ClaimEmbedding.updated_at."""

    def __init__(self) -> None:
        self.index = embed.VectorIndex()
        self.synced_to: datetime.datetime | None = None
        self.alias: str | None = None
        self.overlap_at = 0.0
        self.lock = threading.Lock()

    def reset(self) -> None:
        with self.lock:
            self.index = embed.VectorIndex()
            self.synced_to = None

    def sync(self) -> embed.VectorIndex:
        with self.lock:
            db_name = str(connection.settings_dict.get("NAME"))
            if self.alias != db_name:  # tests and benchmarks switch databases
                self.index, self.synced_to, self.alias = embed.VectorIndex(), None, db_name
            rows = ClaimEmbedding.objects.filter(model=embed.MODEL_NAME)
            now = time.monotonic()
            if self.synced_to is not None:
                since = self.synced_to
                if now - self.overlap_at > 60:
                    # Once a minute, re-read the last 30 s: a transaction that started before the
                    # last sync may have committed rows stamped earlier than it.
                    since -= datetime.timedelta(seconds=30)
                    self.overlap_at = now
                rows = rows.filter(updated_at__gt=since)
            else:
                self.overlap_at = now
            latest = None
            ids: list[int] = []
            vectors: list[np.ndarray] = []
            for pk, vector, updated in rows.values_list("claim_id", "vector", "updated_at").iterator(chunk_size=5000):
                ids.append(pk)
                vectors.append(np.frombuffer(bytes(vector), dtype=np.float16))
                latest = updated if latest is None or updated > latest else latest
                if len(ids) >= 50_000:
                    self.index.upsert(ids, np.stack(vectors))
                    ids, vectors = [], []
            if ids:
                self.index.upsert(ids, np.stack(vectors))
            if latest is not None:
                self.synced_to = latest
            return self.index


_holder = _IndexHolder()


def vector_index(*, sync: bool = True) -> embed.VectorIndex:
    """This process's vector index, first brought up to date with the stored rows (unless
    `sync` is False: then as it is, possibly empty)."""
    return _holder.sync() if sync else _holder.index


def index_reset() -> None:
    """Forget the in-process index (tests, benchmarks)."""
    _holder.reset()


def stored_vectors(ids: Iterable[int]) -> dict[int, np.ndarray]:
    """The stored vectors of these claims (those that have one)."""
    return {
        pk: embed.from_bytes(vector)
        for pk, vector in ClaimEmbedding.objects.filter(claim_id__in=list(ids), model=embed.MODEL_NAME).values_list(
            "claim_id", "vector"
        )
    }


# Writes ---------------------------------------------------------------------------------

_encoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linking-encode")


def warm_in_background() -> Future | None:
    """Load and warm the encoder on the encoder thread, so a web process's first search does
    not stall for the model (a search that comes meanwhile queues behind it on the same
    thread). Called once per web process from wsgi.py when LINK_WARM_WEB is on."""
    if not settings.LINK_WARM_WEB or not embeddings_enabled():
        return None
    return _encoder.submit(embed.warm)


def encode_in_background(texts: Sequence[str]) -> Future:
    """Encode texts on the encoder thread (torch releases the GIL)."""
    return _encoder.submit(embed.encode, list(texts))


class PendingEmbeddings:
    """Vectors being computed: `result()` waits for the encoder, stores the new rows (in the
    calling thread: the encoder thread never touches the database) and returns all vectors."""

    def __init__(self, out: dict[int, np.ndarray], todo: list[Claim], future: Future | None) -> None:
        self.out, self.todo, self.future = out, todo, future

    def discard(self) -> None:
        """Wait for the encoder (so it is idle for the next caller) and drop its work."""
        if self.future is not None:
            wait([self.future])
            self.future = None

    def result(self) -> dict[int, np.ndarray]:
        if self.future is None:
            return self.out
        vectors, self.future = self.future.result(), None
        rows = [
            ClaimEmbedding(
                claim_id=c.pk, model=embed.MODEL_NAME, text_hash=embed.text_hash(c.text), vector=embed.to_bytes(v)
            )
            for c, v in zip(self.todo, vectors, strict=True)
        ]
        with transaction.atomic():
            ClaimEmbedding.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["claim"],
                update_fields=["model", "text_hash", "vector", "updated_at"],
            )
        for c, v in zip(self.todo, vectors, strict=True):
            self.out[c.pk] = v
        return self.out


def embeddings_start(
    claims: Sequence[Claim], *, background: bool = False, batch_size: int = embed.BATCH_SIZE
) -> PendingEmbeddings:
    """Start computing the vectors `embeddings_ensure` returns. With `background`, the model
    runs in the encoder thread, so the caller can run its full-text query meanwhile."""
    if not claims or not embeddings_enabled():
        return PendingEmbeddings({}, [], None)
    stored = {
        pk: (text_hash, vector)
        for pk, text_hash, vector in ClaimEmbedding.objects.filter(
            claim_id__in=[c.pk for c in claims], model=embed.MODEL_NAME
        ).values_list("claim_id", "text_hash", "vector")
    }
    out: dict[int, np.ndarray] = {}
    todo: list[Claim] = []
    for claim in claims:
        row = stored.get(claim.pk)
        if row is not None and row[0] == embed.text_hash(claim.text):
            out[claim.pk] = embed.from_bytes(row[1])
        else:
            todo.append(claim)
    if not todo:
        return PendingEmbeddings(out, [], None)
    texts = [c.text for c in todo]
    if background:
        future = encode_in_background(texts)
    else:
        future = Future()
        try:
            future.set_result(embed.encode(texts, batch_size=batch_size))
        except Exception as exc:  # noqa: BLE001 - re-raised by result()
            future.set_exception(exc)
    return PendingEmbeddings(out, todo, future)


def embeddings_ensure(claims: Sequence[Claim]) -> dict[int, np.ndarray]:
    """Vectors for these claims, computing and storing those missing or out of date."""
    return embeddings_start(claims).result()


# Model batch for bulk work (imports, backfills): with hundreds of texts sorted by length,
# 32 pads little and runs about 1.3x faster than the 4 tuned for one article's claims.
BULK_BATCH_SIZE = 32


def embeddings_for_ids(ids: Sequence[int], *, batch: int = 256, progress: Callable[[int], None] | None = None) -> int:
    """Make sure these claims have current vectors, `batch` at a time (one model call and
    one upsert each); returns how many claims were looked at. Idempotent."""
    if not embeddings_enabled():
        return 0
    done = 0
    for start in range(0, len(ids), batch):
        chunk = list(ids[start : start + batch])
        claims = list(Claim.objects.filter(pk__in=chunk).only("id", "text"))
        embeddings_start(claims, batch_size=BULK_BATCH_SIZE).result()
        done += len(chunk)
        if progress is not None:
            progress(len(chunk))
    return done


def embeddings_backfill(*, limit: int = 5000, batch: int = 256) -> int:
    """Embed up to `limit` live claims that have no vector yet; returns how many."""
    if not embeddings_enabled():
        return 0
    done = 0
    while done < limit:
        claims = list(
            Claim.objects.live()
            .filter(embedding__isnull=True)
            .only("id", "text")
            .order_by("-id")[: min(batch, limit - done)]
        )
        if not claims:
            break
        embeddings_ensure(claims)
        done += len(claims)
    return done
