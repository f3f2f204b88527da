"""Vectors for a build's texts: from the caches where possible, from the model otherwise, and
saved as they are made, so a killed build resumes instead of starting again."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import layout, store
from .config import Settings
from .embedding import Embedder, load_embedder
from .models import BuildReport

if TYPE_CHECKING:
    from collections.abc import Callable

    ProgressFn = Callable[[str, int, int], None]


def progress_path(index_dir: Path, variant: str) -> Path:
    """Where a build keeps the vectors it has made so far; one file per kind of vector."""
    return index_dir / f"embed-progress-{variant or 'fp32'}.sqlite"


def embed_texts(conn: sqlite3.Connection, texts: dict[str, str], embedder: Embedder | None,
                settings: Settings, report: BuildReport, notify: ProgressFn,
                old_gen: Path | None, progress: Path | None = None
                ) -> tuple[Embedder | None, int, dict[str, np.ndarray]]:
    """Vectors for every text, from the cache where possible; the model loads only if needed.

    Fresh vectors are also committed batch by batch to ``progress`` (outside the generation,
    removed once a build publishes), so a build killed half way resumes where it stopped
    instead of embedding everything again.
    """
    dim = embedder.dim if embedder is not None else 0
    if not dim and old_gen is not None:
        dim = int(layout.read_manifest(old_gen).get("dim") or 0)
    cached = store.cached_vectors(conn, list(texts), dim) if dim else {}
    need = [h for h in texts if h not in cached]
    if need and embedder is None:
        embedder = load_embedder(settings.model, backend=settings.backend,
                                 precision=settings.onnx_precision)
        report.model_loaded = True
        dim = embedder.dim
        cached = store.cached_vectors(conn, list(texts), dim)
        need = [h for h in texts if h not in cached]
    dim = dim or 384
    saved = store.connect_progress(progress) if progress is not None and need else None
    resumed: dict[str, np.ndarray] = {}
    try:
        if saved is not None:
            resumed = store.cached_vectors(saved, need, dim)
            cached.update(resumed)
            need = [h for h in need if h not in resumed]
        # Shortest first: each batch holds texts of similar length, so little is padding.
        need.sort(key=lambda h: len(texts[h]))
        fresh: dict[str, np.ndarray] = {}
        step = max(1, settings.batch_size * 8)
        for i in range(0, len(need), step):
            notify("embedding", i, len(need))
            part = need[i:i + step]
            vecs = embedder.encode([texts[h] for h in part],  # type: ignore[union-attr]
                                   batch_size=settings.batch_size)
            batch = dict(zip(part, vecs, strict=True))
            fresh.update(batch)
            if saved is not None:
                store.store_vectors(saved, batch)
                saved.commit()
    finally:
        if saved is not None:
            saved.close()
    notify("embedding", len(need), len(need))
    store.store_vectors(conn, {**resumed, **fresh})
    report.chunks_embedded = len(fresh)
    report.chunks_reused = len(texts) - len(fresh)
    return embedder, dim, {**cached, **fresh}
