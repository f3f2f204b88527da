"""The storage seam: what the retriever reads from one published index generation.

Two backends implement ``Store``: the generation directory of today (``records.sqlite`` +
``vectors.faiss``, ``indexer/stores/sqlite.py``) and PostgreSQL with pgvector
(``indexer/stores/postgres.py``). As in txtai, where the ANN index and the document database
sit behind factories, the retriever never sees a row, a cursor or a FAISS index: only the
domain objects below. ``open_store`` picks the backend from ``SCRUTINY_STORE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from indexer.errors import SettingsError

SentenceVector = tuple[int, int, np.ndarray]  # (char_start, char_end, unit vector)
Ranking = list[tuple[int, float]]  # (chunk_id, score), best first
# (chunk_id, cosine or None, dense rank or None, keyword rank or None), best fused rank first
Fused = tuple[int, float | None, int | None, int | None]


def rrf_order(rows: list[Fused], rrf_k: int, weights: tuple[float, float]) -> list[Fused]:
    """Reciprocal-rank order, ties to the lower chunk id (as the SQL backends order them)."""
    def score(r: Fused) -> float:
        return ((weights[0] / (rrf_k + r[2]) if r[2] is not None else 0.0)
                + (weights[1] / (rrf_k + r[3]) if r[3] is not None else 0.0))
    return sorted(rows, key=lambda r: (-score(r), r[0]))


@dataclass(slots=True)
class DocMeta:
    """A document's catalogue entry, held in memory for filters and citations."""

    doc_id: str
    source: str
    title: str
    council: str | None
    committee: str | None
    doc_type: str
    date: str | None
    n_items: int
    n_chunks: int
    n_resolutions: int
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """One passage: its place in the document and its text (offsets are the document's)."""

    chunk_id: int
    doc_id: str
    item_ref: str
    item_title: str
    char_start: int
    char_end: int
    page: int | None
    text: str
    header: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """A decision or agreement recorded in minutes."""

    id: int
    doc_id: str
    kind: str
    item_ref: str
    item_title: str
    char_start: int
    char_end: int
    text: str


class Store(Protocol):
    """One published generation, read-only and safe to share between threads.

    ``allowed_docs`` is None for "every document"; a list restricts a search *before* ranking,
    so a filter never empties a top-k cut.
    """

    generation: str
    manifest: dict[str, Any]
    fallback_from: str | None  # the damaged live generation when an older one is served

    def live_generation(self) -> str | None: ...
    def documents(self) -> list[DocMeta]: ...
    def acronyms(self) -> list[tuple[str, str]]: ...
    def count_chunks(self) -> int: ...
    def dense_search(self, qvec: np.ndarray, k: int, allowed_docs: list[str] | None
                     ) -> Ranking: ...
    def keyword_search(self, terms: list[str], k: int, allowed_docs: list[str] | None
                       ) -> Ranking: ...
    def fused(self, qvec: np.ndarray, terms: list[str], k: int, allowed_docs: list[str] | None,
              rrf_k: int = 60, weights: tuple[float, float] = (1.0, 2.0)
              ) -> list[Fused]: ...
    def chunks(self, ids: list[int]) -> dict[int, Chunk]: ...
    def chunk_vectors(self, ids: list[int]) -> dict[int, np.ndarray]: ...
    def sentences(self, chunk_ids: list[int]) -> dict[int, list[SentenceVector]]: ...
    def text_of(self, doc_id: str) -> str: ...
    def page_starts(self, doc_id: str) -> list[int]: ...
    def items_of(self, doc_id: str) -> list[dict[str, Any]]: ...
    def resolutions_of(self, doc_id: str) -> list[dict[str, Any]]: ...
    def attendance_of(self, doc_id: str) -> list[dict[str, Any]]: ...
    def resolution_matches(self, terms: list[str], limit: int) -> dict[int, float]: ...
    def resolution_ids(self, doc_id: str, item_ref: str) -> list[int]: ...
    def resolutions(self, ids: list[int] | None, doc_ids: list[str] | None
                    ) -> list[Resolution]: ...
    def decision_spans(self, doc_ids: list[str]) -> dict[str, list[tuple[int, int]]]: ...
    def shape_docs(self, shapes: list[int]) -> dict[int, int]: ...
    def warm(self) -> None: ...
    def close(self) -> None: ...


def damage_errors() -> tuple[type[Exception], ...]:
    """What the index directory's engine raises when it meets damage mid-query (a page nobody
    read at start-up), for callers that answer it with the repair message."""
    import sqlite3

    return (sqlite3.DatabaseError,)


def is_postgres(setting: str) -> bool:
    return setting.startswith(("postgresql://", "postgres://"))


def check_setting(setting: str) -> str:
    """``SCRUTINY_STORE``: empty for the index directory, or a PostgreSQL URL."""
    setting = setting.strip()
    if setting and not is_postgres(setting):
        raise SettingsError(f"SCRUTINY_STORE={setting!r} is not valid: leave it empty to use the "
                            "index directory, or give a postgresql://user@host:port/db URL.")
    return setting


def open_store(setting: str, index_dir: Path, verify: bool = False) -> Store:
    """The live generation from the backend ``setting`` names (see ``check_setting``)."""
    if is_postgres(setting):
        from . import postgres

        return postgres.open_store(setting, index_dir)
    from . import sqlite

    return sqlite.open_store(index_dir, verify)


def live_generation(setting: str, index_dir: Path) -> str | None:
    """The generation a new reader would open, without opening it."""
    if is_postgres(setting):
        from . import postgres

        return postgres.live_generation(setting)
    from indexer import layout

    return layout.current_generation(index_dir)
