"""The library's public facade: one object opened on an index directory.

The CLI, the HTTP API and the TUI all go through ``Assistant``; none of them touches a store
(indexer/stores) or the model. The object is safe to share between threads: the index generation it
reads is swapped atomically when a rebuild lands (``refresh``), and the model is loaded once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from indexer.config import Settings
from indexer.errors import NotFoundError, QueryError
from indexer.layout import built_precision, check_compatible

from .results import (
    AskResult,
    DocumentDetail,
    DocumentSummary,
    Facets,
    Filters,
    Health,
    PrepareResult,
    ResolutionsResult,
    SearchResult,
)

if TYPE_CHECKING:
    from indexer.embedding import Embedder

    from .snapshot import Snapshot

MAX_QUERY_CHARS = 1000
# How long a swapped-out generation stays open for the requests that started on it.
RETIRE_GRACE_S = 30.0
SORTS = ("relevance", "date")


def check_query(text: str, *, allow_empty: bool = False) -> str:
    """Reject queries that cannot be searched, with a message the user can act on."""
    if not isinstance(text, str):
        raise QueryError("The query must be text.")
    cleaned = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text).strip()
    if not cleaned and not allow_empty:
        raise QueryError("The query is empty: type a question or some words to search for.")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(cleaned)} characters long; the limit is "
                         f"{MAX_QUERY_CHARS}. Shorten it to the question you want answered.")
    return cleaned


class Assistant:
    """Search, cited answers, resolutions and documents over one index directory."""

    def __init__(self, index_dir: Path | str, *, settings: Settings | None = None,
                 embedder: Embedder | None = None) -> None:
        from .snapshot import open_snapshot

        self.index_dir = Path(index_dir)
        self.settings = settings or Settings.from_env(index_dir=self.index_dir)
        self._embedder = embedder
        self._loads_embedder = embedder is None
        self._embedder_lock = threading.Lock()
        self._swap_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._snapshot: Snapshot = open_snapshot(self.index_dir, verify=True,
                                                     store=self.settings.store)
        self._retired: list[tuple[float, Snapshot]] = []

    @classmethod
    def open(cls, index_dir: Path | str, *, settings: Settings | None = None,
             embedder: Embedder | None = None) -> Assistant:
        """Open an index; raises ``IndexMissingError`` / ``IndexIncompatibleError``."""
        return cls(index_dir, settings=settings, embedder=embedder)

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def embedder(self) -> Embedder:
        """The query embedder, loaded on first use (so listing documents never loads torch)."""
        if self._embedder is None:
            with self._embedder_lock:
                if self._embedder is None:
                    from indexer.embedding import load_embedder

                    manifest = self._snapshot.manifest
                    # Questions are embedded like the index's passages unless told otherwise.
                    precision = (self.settings.onnx_precision
                                 or built_precision(manifest))
                    embedder = load_embedder(manifest.get("model_ref") or self.settings.model,
                                             backend=self.settings.backend, precision=precision)
                    check_compatible(manifest, dim=embedder.dim)
                    self._embedder = embedder
        return self._embedder

    def query_vector(self, text: str) -> np.ndarray:
        """The question's embedding; repeated questions (a TUI re-ask, an API retry, the
        search-then-ask of one question) reuse it instead of running the model again."""
        with self._cache_lock:
            vec = self._query_cache.get(text)
            if vec is not None:
                self._query_cache.move_to_end(text)
                return vec
        vec = self.embedder().encode([text])[0]
        with self._cache_lock:
            self._query_cache[text] = vec
            if len(self._query_cache) > 512:
                self._query_cache.popitem(last=False)
        return vec

    def warm_up(self) -> None:
        """Load the model and run one query so the first user question is fast."""
        self._snapshot.warm()
        self.search("warm up", k=1)

    def refresh(self) -> bool:
        """Switch to a newer index generation if a rebuild has landed; True if it switched.

        Requests already running keep the snapshot they started with, so none fails.
        """
        from .snapshot import open_snapshot

        self._close_retired()
        if self._current_served():
            return False
        with self._swap_lock:
            if self._current_served():
                return False
            fresh = open_snapshot(self.index_dir, store=self.settings.store)
            fresh.warm()  # before the swap, so no request pays for it
            rebuilt_as = fresh.manifest.get("vectors")
            if self._loads_embedder and rebuilt_as != self._snapshot.manifest.get("vectors"):
                # rebuilt with --fast or without it: questions must follow the new vectors
                with self._embedder_lock, self._cache_lock:
                    self._embedder = None
                    self._query_cache.clear()
            self._retired.append((time.monotonic(), self._snapshot))
            self._snapshot = fresh
        return True

    def _current_served(self) -> bool:
        snap = self._snapshot
        live = snap.live_generation()
        return live in (snap.generation, snap.fallback_from)

    def _close_retired(self, grace: float | None = None) -> None:
        """Close generations swapped out more than ``RETIRE_GRACE_S`` ago: requests that
        started on them have finished by then, and their files can then really go."""
        grace = RETIRE_GRACE_S if grace is None else grace
        if not self._retired:
            return
        with self._swap_lock:
            now = time.monotonic()
            done = [s for t, s in self._retired if now - t >= grace]
            self._retired = [(t, s) for t, s in self._retired if now - t < grace]
        for snapshot in done:
            snapshot.close()

    def close(self) -> None:
        self._close_retired(grace=0)
        self._snapshot.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- read-only views ---------------------------------------------------------------------
    def health(self) -> Health:
        snap = self._snapshot
        return Health(status="ok", documents=snap.count_documents(), chunks=snap.count_chunks(),
                      model=str(snap.manifest.get("model", self.settings.model)),
                      index_built_at=snap.manifest.get("built_at"))

    def facets(self) -> Facets:
        return self._snapshot.facets()

    def documents(self, filters: Filters | None = None) -> list[DocumentSummary]:
        return self._snapshot.document_summaries(filters or Filters())

    def document(self, doc_id: str) -> DocumentDetail:
        detail = self._snapshot.document_detail(doc_id)
        if detail is None:
            raise NotFoundError(f"No document with id {doc_id!r} in this index. "
                                "List them with `scrutiny documents`.")
        return detail

    # -- search and answers ------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters | None = None,
               sort: str = "relevance", offset: int = 0,
               history: list[dict[str, str]] | None = None) -> SearchResult:
        from .search import run_search

        query = check_query(query)
        self._check_paging(k, offset, sort)
        t0 = time.perf_counter()
        snap = self._snapshot
        hits, understood = run_search(snap, self, query, k=k, filters=filters or Filters(),
                                      sort=sort, offset=offset, history=history or [])
        return SearchResult(query=query, hits=hits, took_ms=(time.perf_counter() - t0) * 1000,
                            understood=understood.understanding())

    def ask(self, question: str, history: list[dict[str, str]] | None = None,
            filters: Filters | None = None, k: int = 8) -> AskResult:
        from .answer import answer_question

        question = check_query(question)
        self._check_paging(k, 0, "relevance")
        t0 = time.perf_counter()
        result = answer_question(self._snapshot, self, question, history or [],
                                 filters or Filters(), k=k)
        result.took_ms = (time.perf_counter() - t0) * 1000
        return result

    def resolutions(self, query: str = "", filters: Filters | None = None,
                    sort: str = "date", limit: int = 50, offset: int = 0) -> ResolutionsResult:
        from .records import find_resolutions

        query = check_query(query, allow_empty=True)
        self._check_paging(limit, offset, sort, k_max=1000)
        return find_resolutions(self._snapshot, self, query, filters or Filters(), sort=sort,
                                limit=limit, offset=offset)

    def prepare(self, topic: str, filters: Filters | None = None,
                per_kind: int = 5) -> PrepareResult:
        """Previous member questions, officer undertakings and open recommendations on a topic."""
        from .records import prepare_questions

        topic = check_query(topic)
        return prepare_questions(self._snapshot, self, topic, filters or Filters(),
                                 per_kind=per_kind)

    @staticmethod
    def _check_paging(k: int, offset: int, sort: str, k_max: int = 100) -> None:
        if not 1 <= int(k) <= k_max:
            raise QueryError(f"k must be between 1 and {k_max}; got {k}.")
        if offset < 0:
            raise QueryError(f"offset must be 0 or more; got {offset}.")
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}; got {sort!r}.")
