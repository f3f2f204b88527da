"""FAISS vector index whose ids are the chunk row ids.

Exact inner product on normalised vectors by default; past ``ann_threshold`` chunks an HNSW
index is built instead, trading a little recall for query time that stays flat as the
collection grows. faiss is imported lazily so the CLI starts instantly.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np


def _faiss() -> Any:
    """faiss, imported quietly.

    Its loader tries the AVX512-SPR, AVX512 and AVX2 builds in turn and logs each miss
    (``ModuleNotFoundError("No module named 'faiss.swigfaiss_avx512_spr'")``) through the
    ``faiss.loader`` logger; the server's INFO logging printed that on every start, where it
    reads like an error. A build that truly fails to load still raises on import.
    """
    logging.getLogger("faiss.loader").setLevel(logging.ERROR)
    import faiss

    return faiss


faiss_module = _faiss


def new_index(dim: int, count: int, ann_threshold: int) -> tuple[Any, str]:
    faiss = _faiss()
    if count >= ann_threshold:
        hnsw = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 80
        hnsw.hnsw.efSearch = 256  # 0.994 recall@10 at 1M vectors vs 0.964 at 128 (docs/scaling.md)
        return faiss.IndexIDMap2(hnsw), "hnsw32"
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim)), "flat"


def build(ids: np.ndarray, vectors: np.ndarray, dim: int, ann_threshold: int) -> tuple[Any, str]:
    index, kind = new_index(dim, len(ids), ann_threshold)
    if len(ids):
        index.add_with_ids(np.ascontiguousarray(vectors, dtype="float32"),
                           np.ascontiguousarray(ids, dtype="int64"))
    return index, kind


def load(path: Path) -> Any:
    return _faiss().read_index(str(path))


def save(index: Any, path: Path) -> None:
    _faiss().write_index(index, str(path))


def remove(index: Any, ids: list[int]) -> None:
    if ids:
        faiss = _faiss()
        index.remove_ids(faiss.IDSelectorBatch(np.asarray(ids, dtype="int64")))


def add(index: Any, ids: list[int], vectors: np.ndarray) -> None:
    if ids:
        index.add_with_ids(np.ascontiguousarray(vectors, dtype="float32"),
                           np.asarray(ids, dtype="int64"))


def kind_of(index: Any) -> str:
    faiss = _faiss()
    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    return "hnsw32" if isinstance(inner, faiss.IndexHNSWFlat) else "flat"


def stored_vectors(index: Any) -> np.ndarray | None:
    """A copy of the float vectors of a flat or HNSW index (row i = the i-th added); None for
    other kinds."""
    faiss = _faiss()
    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    if isinstance(inner, faiss.IndexHNSWFlat):
        inner = faiss.downcast_index(inner.storage)
    if not isinstance(inner, faiss.IndexFlat):
        return None
    return faiss.vector_to_array(inner.codes).view("float32").reshape(-1, inner.d)


def all_finite(index: Any) -> bool:
    """False if any stored vector holds a NaN or infinity (damage: the model never gives one)."""
    raw = stored_vectors(index)
    return raw is None or bool(np.isfinite(raw).all())


_QUERY_THREADS_SET = False


def search(index: Any, query: np.ndarray, k: int, allowed: np.ndarray | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, ids); ``allowed`` restricts the search *before* ranking (pre-filter).

    One query at a time runs on one OpenMP thread: with two, searches ran 3.5-9x slower
    on a busy 2-core machine (the server parallelises across requests instead).
    """
    global _QUERY_THREADS_SET
    faiss = _faiss()
    if not _QUERY_THREADS_SET:
        faiss.omp_set_num_threads(1)
        _QUERY_THREADS_SET = True
    if index.ntotal == 0 or k <= 0:
        return np.zeros(0, dtype="float32"), np.zeros(0, dtype="int64")
    q = np.ascontiguousarray(query.reshape(1, -1), dtype="float32")
    k = min(k, index.ntotal)
    if allowed is None:
        scores, ids = index.search(q, k)
    else:
        if len(allowed) == 0:
            return np.zeros(0, dtype="float32"), np.zeros(0, dtype="int64")
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype="int64"))
        inner = faiss.downcast_index(index.index)
        if isinstance(inner, faiss.IndexHNSWFlat):
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(256, 2 * k))
        else:
            params = faiss.SearchParameters(sel=selector)
        k = min(k, len(allowed))
        scores, ids = index.search(q, k, params=params)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]
