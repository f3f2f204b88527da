"""One published index generation, opened read-only and held in memory for queries.

Everything a query needs that does not change between queries (document metadata, the FAISS
index, learned acronyms) is loaded once here, so the query path never re-reads files.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer import layout, store
from indexer.errors import IndexCorruptError, ScrutinyError
from indexer.gazetteer import council_matches

from .results import (
    Citation,
    DocumentDetail,
    DocumentSummary,
    Facets,
    Filters,
    clean_ref,
)

log = logging.getLogger("scrutiny.retriever")


@dataclass(slots=True)
class DocMeta:
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


def current_generation(index_dir: Path) -> str | None:
    return layout.current_generation(index_dir)


def open_snapshot(index_dir: Path, verify: bool = False) -> Snapshot:
    """Open the live generation; a damaged one is an ``IndexCorruptError`` that says how to
    repair it, never a raw SQLite error. With ``verify`` (at start-up) the records are
    checked against the manifest's checksum first, and if the live generation is damaged the
    newest older one that is sound is served instead (logged), until a rebuild."""
    gen_dir = layout.generation_path(index_dir)
    try:
        return _open(gen_dir, index_dir, verify)
    except IndexCorruptError as exc:
        for older in layout.older_generations(index_dir, gen_dir.name):
            try:
                snapshot = _open(older, index_dir, verify=True)
            except ScrutinyError:
                continue
            log.warning("%s; serving the previous generation %s until it is rebuilt", exc,
                        older.name)
            snapshot.fallback_from = gen_dir.name
            return snapshot
        raise


def _open(gen_dir: Path, index_dir: Path, verify: bool) -> Snapshot:
    manifest = layout.read_manifest(gen_dir)
    layout.check_compatible(manifest)
    damaged = IndexCorruptError(
        f"The index at {index_dir} is damaged ({gen_dir.name}/{layout.RECORDS}). Run "
        f"`scrutiny check` for details and `{layout.BUILD_COMMAND} --rebuild` to repair it.")
    if verify and layout.RECORDS in layout.damaged_files(gen_dir, manifest):
        raise damaged
    try:
        snapshot = Snapshot(gen_dir, manifest)
        if verify:
            snapshot.warm()
        return snapshot
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(
            f"The index at {index_dir} is damaged ({exc}). Run `scrutiny check` for details "
            f"and `{layout.BUILD_COMMAND} --rebuild` to repair it.") from None


class Snapshot:
    """Read-only view of one generation; safe to use from many threads."""

    def __init__(self, gen_dir: Path, manifest: dict[str, Any]) -> None:
        self.gen_dir = gen_dir
        self.generation = gen_dir.name
        self.manifest = manifest
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []  # every thread's, so close() ends them all
        self._conns_lock = threading.Lock()
        self.fallback_from: str | None = None  # the damaged live generation, if serving older
        self._vectors: Any = None
        self._vectors_lock = threading.Lock()
        conn = self.conn()
        self.docs: dict[str, DocMeta] = {}
        # Indexes built before documents carried links read as having none.
        have = store.document_columns(conn)
        links = ", ".join(c if c in have else f"NULL AS {c}" for c in store.LINK_COLUMNS)
        for r in conn.execute("SELECT doc_id, source, title, council, committee, doc_type, date, "
                              f"n_items, n_chunks, n_resolutions, {links} FROM documents"):
            self.docs[r["doc_id"]] = DocMeta(*tuple(r))
        self.acronyms: dict[str, set[str]] = {}
        for acronym, expansion in conn.execute("SELECT acronym, expansion FROM acronyms"):
            self.acronyms.setdefault(acronym, set()).add(expansion)
        self._facets: Facets | None = None
        self._doc_codes = {doc_id: i for i, doc_id in enumerate(self.docs)}
        self._chunk_docs: tuple[np.ndarray, np.ndarray] | None = None

    # -- connections and vectors -------------------------------------------------------------
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = store.connect_reader(self.gen_dir / layout.RECORDS)
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    @property
    def vectors(self) -> Any:
        """The FAISS index, read on first vector search (listing documents never needs it)."""
        if self._vectors is None:
            with self._vectors_lock:
                if self._vectors is None:
                    from indexer import vectors

                    self._vectors = self._load(vectors, layout.VECTORS)
        return self._vectors

    def _load(self, vectors: Any, name: str) -> Any:
        try:
            return vectors.load(self.gen_dir / name)
        except RuntimeError as exc:  # faiss: missing or truncated file
            raise IndexCorruptError(
                f"The index's {name} is missing or damaged ({str(exc)[:120]}). Run "
                f"`scrutiny check` for details and `{layout.BUILD_COMMAND} --rebuild` to "
                "repair it.") from None

    def sentences_of(self, chunk_ids: list[int]) -> dict[int, list[tuple[int, int, np.ndarray]]]:
        """chunk_id -> [(start, end, vector)] of its embedded sentences.

        Read from the records' embedding cache for one question's candidates (a few hundred
        rows, ~2 ms at 100x) instead of holding a sentence index in memory: that index would be
        ~7 GiB at a million chunks, and searching it found no passage the candidates missed.
        """
        out: dict[int, list[tuple[int, int, np.ndarray]]] = {}
        width = 4 * int(self.manifest.get("dim") or 384)
        for i in range(0, len(chunk_ids), 500):
            part = [int(x) for x in chunk_ids[i:i + 500]]
            marks = ",".join("?" * len(part))
            for cid, a, b, blob in self.conn().execute(
                    "SELECT s.chunk_id, s.char_start, s.char_end, e.vec FROM sentences s "
                    f"JOIN embed_cache e ON e.hash = s.embed_hash WHERE s.chunk_id IN ({marks})",
                    part):
                if len(blob) != width:
                    raise IndexCorruptError(
                        f"The index's sentence vectors in {layout.RECORDS} are damaged. Run "
                        f"`scrutiny check` for details and `{layout.BUILD_COMMAND} --rebuild` to "
                        "repair it.")
                out.setdefault(cid, []).append((a, b, np.frombuffer(blob, dtype="float32")))
        return out

    def shape_docs(self, shapes: list[int]) -> dict[int, int]:
        """How many documents hold a sentence of each shape (``indexer.sentences``): a shape
        in many documents is a publisher's template, not a finding."""
        out: dict[int, int] = {}
        wanted = sorted(set(shapes))
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            marks = ",".join("?" * len(part))
            try:
                rows = self.conn().execute(
                    f"SELECT shape, COUNT(DISTINCT doc_id) FROM shapes WHERE shape IN ({marks}) "
                    "GROUP BY shape", part).fetchall()
            except sqlite3.OperationalError:  # an index written before shapes were kept
                return {}
            out.update((int(a), int(b)) for a, b in rows)
        return out

    def warm(self) -> None:
        """Read what a filtered search needs, so the first filtered question is not slow."""
        self.chunk_ids_for([])

    def close(self) -> None:
        """Close every thread's connection and drop the vectors: after a swap the generation
        may be deleted, and open handles would keep its disk space in use."""
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
        self._vectors = None

    # -- filters -----------------------------------------------------------------------------
    def matching_docs(self, filters: Filters) -> list[str] | None:
        """Doc ids passing ``filters``, or None when there is no filter at all."""
        if filters.is_empty():
            return None
        out = []
        councils: set[str | None] = set()
        if filters.council:  # resolve the name once per distinct council, not per document
            councils = {c for c in {m.council for m in self.docs.values()}
                        if council_matches(filters.council, c)}
        for meta in self.docs.values():
            if filters.council and meta.council not in councils:
                continue
            if filters.committee and filters.committee.lower() not in (meta.committee or
                                                                        "").lower():
                continue
            if filters.doc_type and filters.doc_type != meta.doc_type:
                continue
            if filters.since and (not meta.date or meta.date < filters.since):
                continue
            if filters.until and (not meta.date or meta.date > filters.until):
                continue
            out.append(meta.doc_id)
        return out

    def chunk_ids_for(self, doc_ids: list[str]) -> np.ndarray:
        """Vector ids of the given documents, for FAISS's pre-filter.

        The (chunk id, document) table is read once per snapshot and documents are held as
        integer codes: a per-query SQL read of the ids, or ``np.isin`` over strings, cost more
        than the search itself at 100x.
        """
        if self._chunk_docs is None:
            rows = self.conn().execute("SELECT chunk_id, doc_id FROM chunks").fetchall()
            ids = np.fromiter((r[0] for r in rows), dtype="int64", count=len(rows))
            codes = np.fromiter((self._doc_codes.get(r[1], -1) for r in rows), dtype="int32",
                                count=len(rows))
            self._chunk_docs = (ids, codes)
        ids, codes = self._chunk_docs
        wanted = np.fromiter((self._doc_codes[d] for d in doc_ids if d in self._doc_codes),
                             dtype="int32")
        return ids[np.isin(codes, wanted)]

    # -- records -----------------------------------------------------------------------------
    def count_documents(self) -> int:
        return len(self.docs)

    def count_chunks(self) -> int:
        return int(self.manifest.get("counts", {}).get("chunks", 0))

    def citation(self, doc_id: str, item_ref: str, item_title: str, start: int, end: int,
                 page: int | None) -> Citation:
        meta = self.docs[doc_id]
        return Citation(doc_id=doc_id, title=meta.title, council=meta.council,
                        committee=meta.committee, doc_type=meta.doc_type, date=meta.date,
                        published=meta.published, item_ref=clean_ref(item_ref),
                        item_title=item_title, source=meta.source, url=meta.url,
                        char_start=start, char_end=end, page=page)

    def chunks(self, ids: list[int]) -> dict[int, sqlite3.Row]:
        out: dict[int, sqlite3.Row] = {}
        for i in range(0, len(ids), 500):
            part = [int(x) for x in ids[i:i + 500]]
            marks = ",".join("?" * len(part))
            for row in self.conn().execute(
                    f"SELECT chunk_id, doc_id, item_ref, item_title, char_start, char_end, page, "
                    f"text, header FROM chunks WHERE chunk_id IN ({marks})", part):
                out[row["chunk_id"]] = row
        return out

    def text_of(self, doc_id: str) -> str:
        cache = getattr(self._local, "texts", None)
        if cache is None:
            cache = self._local.texts = {}
        if doc_id not in cache:
            if len(cache) > 64:
                cache.clear()
            row = self.conn().execute("SELECT text FROM documents WHERE doc_id=?",
                                      (doc_id,)).fetchone()
            cache[doc_id] = row[0] if row else ""
        return cache[doc_id]

    def page_at(self, doc_id: str, offset: int) -> int | None:
        row = self.conn().execute("SELECT page_starts FROM documents WHERE doc_id=?",
                                  (doc_id,)).fetchone()
        starts = json.loads(row[0]) if row and row[0] else []
        if not starts:
            return None
        return sum(1 for s in starts if s <= offset) or 1

    def facets(self) -> Facets:
        if self._facets is None:
            self._facets = self._compute_facets()
        return self._facets

    def _compute_facets(self) -> Facets:
        metas = list(self.docs.values())
        dates = sorted(m.date for m in metas if m.date)
        return Facets(councils=sorted({m.council for m in metas if m.council}),
                      committees=sorted({m.committee for m in metas if m.committee}),
                      doc_types=sorted({m.doc_type for m in metas}),
                      date_min=dates[0] if dates else None, date_max=dates[-1] if dates else None)

    def document_summaries(self, filters: Filters) -> list[DocumentSummary]:
        allowed = self.matching_docs(filters)
        metas = [m for m in self.docs.values() if allowed is None or m.doc_id in allowed]
        metas.sort(key=lambda m: (m.date or "", m.doc_id), reverse=True)
        return [self._summary(m) for m in metas]

    def _summary(self, m: DocMeta) -> DocumentSummary:
        return DocumentSummary(doc_id=m.doc_id, title=m.title, council=m.council,
                               committee=m.committee, doc_type=m.doc_type, date=m.date,
                               items=m.n_items, chunks=m.n_chunks, resolutions=m.n_resolutions,
                               source=m.source, published=m.published, url=m.url)

    def document_detail(self, doc_id: str) -> DocumentDetail | None:
        meta = self.docs.get(doc_id)
        if meta is None:
            return None
        conn = self.conn()
        row = conn.execute("SELECT text, page_starts FROM documents WHERE doc_id=?",
                           (doc_id,)).fetchone()
        items = [dict(r) for r in conn.execute(
            "SELECT ref, title, char_start, char_end, page FROM items WHERE doc_id=? ORDER BY ord",
            (doc_id,))]
        resolutions = [dict(r) for r in conn.execute(
            "SELECT kind, item_ref, item_title, char_start, char_end, text FROM resolutions "
            "WHERE doc_id=? ORDER BY char_start", (doc_id,))]
        attendance = [dict(r) for r in conn.execute(
            "SELECT name, role, char_start, char_end FROM attendance WHERE doc_id=? ORDER BY id",
            (doc_id,))]
        return DocumentDetail(summary=self._summary(meta), text=row["text"], items=items,
                              resolutions=resolutions, attendance=attendance,
                              page_starts=json.loads(row["page_starts"] or "[]"))
