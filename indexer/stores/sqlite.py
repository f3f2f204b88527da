"""The index-directory backend: one generation's ``records.sqlite`` (metadata, passages,
FTS5) and ``vectors.faiss`` (passage vectors), opened read-only."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import numpy as np

from indexer import layout, store
from indexer.errors import IndexCorruptError, ScrutinyError

from . import Chunk, DocMeta, Fused, Ranking, Resolution, SentenceVector, rrf_order

log = logging.getLogger("scrutiny.retriever")


def open_store(index_dir: Path, verify: bool = False) -> SqliteStore:
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
                opened = _open(older, index_dir, verify=True)
            except ScrutinyError:
                continue
            log.warning("%s; serving the previous generation %s until it is rebuilt", exc,
                        older.name)
            opened.fallback_from = gen_dir.name
            return opened
        raise


def _open(gen_dir: Path, index_dir: Path, verify: bool) -> SqliteStore:
    manifest = layout.read_manifest(gen_dir)
    layout.check_compatible(manifest)
    damaged = IndexCorruptError(
        f"The index at {index_dir} is damaged ({gen_dir.name}/{layout.RECORDS}). Run "
        f"`scrutiny check` for details and `{layout.BUILD_COMMAND} --rebuild` to repair it.")
    if verify and layout.RECORDS in layout.damaged_files(gen_dir, manifest):
        raise damaged
    try:
        opened = SqliteStore(gen_dir, manifest, index_dir)
        opened.documents()
        if verify:
            opened.warm()
        return opened
    except sqlite3.DatabaseError as exc:
        raise IndexCorruptError(
            f"The index at {index_dir} is damaged ({exc}). Run `scrutiny check` for details "
            f"and `{layout.BUILD_COMMAND} --rebuild` to repair it.") from None


def _damaged(what: str) -> IndexCorruptError:
    return IndexCorruptError(f"The index's {what}. Run `scrutiny check` for details and "
                             f"`{layout.BUILD_COMMAND} --rebuild` to repair it.")


def fts_match(terms: list[str]) -> str | None:
    """An FTS5 MATCH expression that cannot be a syntax error: every term is quoted."""
    quoted = [f'"{c}"' for c in (t.replace('"', "").strip() for t in terms) if c]
    return " OR ".join(dict.fromkeys(quoted)) or None


class SqliteStore:
    """Read-only view of one generation directory; a connection per thread."""

    def __init__(self, gen_dir: Path, manifest: dict[str, Any], index_dir: Path) -> None:
        self.gen_dir = gen_dir
        self.index_dir = index_dir
        self.generation = gen_dir.name
        self.manifest = manifest
        self.fallback_from: str | None = None
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []  # every thread's, so close() ends them all
        self._conns_lock = threading.Lock()
        self._vectors: Any = None
        self._vectors_lock = threading.Lock()
        self._doc_codes: dict[str, int] | None = None
        self._chunk_docs: tuple[np.ndarray, np.ndarray] | None = None

    # -- connections and vectors -------------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
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

                    try:
                        self._vectors = vectors.load(self.gen_dir / layout.VECTORS)
                    except RuntimeError as exc:  # faiss: missing or truncated file
                        raise _damaged(f"{layout.VECTORS} is missing or damaged "
                                       f"({str(exc)[:120]})") from None
        return self._vectors

    def live_generation(self) -> str | None:
        return layout.current_generation(self.index_dir)

    def warm(self) -> None:
        """Read what a filtered search needs, so the first filtered question is not slow."""
        self._allowed_ids([])

    def close(self) -> None:
        """Close every thread's connection and drop the vectors: after a swap the generation
        may be deleted, and open handles would keep its disk space in use."""
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
        self._vectors = None

    # -- catalogue ---------------------------------------------------------------------------
    def documents(self) -> list[DocMeta]:
        conn = self._conn()
        # Indexes built before documents carried links read as having none.
        have = store.document_columns(conn)
        links = ", ".join(c if c in have else f"NULL AS {c}" for c in store.LINK_COLUMNS)
        docs = [DocMeta(*tuple(r)) for r in conn.execute(
            "SELECT doc_id, source, title, council, committee, doc_type, date, n_items, "
            f"n_chunks, n_resolutions, {links} FROM documents")]
        self._doc_codes = {d.doc_id: i for i, d in enumerate(docs)}
        return docs

    def acronyms(self) -> list[tuple[str, str]]:
        return [(a, e) for a, e in self._conn().execute("SELECT acronym, expansion FROM acronyms")]

    def count_chunks(self) -> int:
        return int(self.manifest.get("counts", {}).get("chunks", 0))

    # -- search ------------------------------------------------------------------------------
    def _allowed_ids(self, doc_ids: list[str]) -> np.ndarray:
        """Vector ids of the given documents, for FAISS's pre-filter.

        The (chunk id, document) table is read once per generation and documents are held as
        integer codes: a per-query SQL read of the ids, or ``np.isin`` over strings, cost more
        than the search itself at 100x.
        """
        if self._doc_codes is None:
            self.documents()
        codes_of = self._doc_codes or {}
        if self._chunk_docs is None:
            rows = self._conn().execute("SELECT chunk_id, doc_id FROM chunks").fetchall()
            ids = np.fromiter((r[0] for r in rows), dtype="int64", count=len(rows))
            codes = np.fromiter((codes_of.get(r[1], -1) for r in rows), dtype="int32",
                                count=len(rows))
            self._chunk_docs = (ids, codes)
        ids, codes = self._chunk_docs
        wanted = np.fromiter((codes_of[d] for d in doc_ids if d in codes_of), dtype="int32")
        return ids[np.isin(codes, wanted)]

    def dense_search(self, qvec: np.ndarray, k: int, allowed_docs: list[str] | None
                     ) -> Ranking:
        from indexer import vectors

        allowed = self._allowed_ids(allowed_docs) if allowed_docs is not None else None
        scores, ids = vectors.search(self.vectors, qvec, k, allowed)
        # Equal cosines (the same passage in two documents) in chunk id order, as PostgreSQL
        # orders them: FAISS's order among ties is its heap's.
        return sorted(((int(i), float(s)) for s, i in zip(scores, ids, strict=True)),
                      key=lambda r: (-r[1], r[0]))

    def keyword_search(self, terms: list[str], k: int, allowed_docs: list[str] | None
                       ) -> Ranking:
        match = fts_match(terms)
        if not match or (allowed_docs is not None and not allowed_docs):
            return []
        sql = ("SELECT f.rowid, bm25(chunks_fts, 1.0, 0.4) AS s FROM chunks_fts f "
               "WHERE chunks_fts MATCH ?")
        params: list[object] = [match]
        if allowed_docs is not None:
            # A join on the documents, passed as one JSON value: no limit on how many, and at
            # 100x with 500 documents allowed it took 25 ms where `rowid IN (subquery)` took
            # 10-30 s.
            sql = ("SELECT f.rowid, bm25(chunks_fts, 1.0, 0.4) AS s FROM chunks_fts f "
                   "JOIN chunks c ON c.chunk_id = f.rowid WHERE chunks_fts MATCH ? "
                   "AND c.doc_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(allowed_docs))
        sql += " ORDER BY s LIMIT ?"
        params.append(k)
        try:
            rows = self._conn().execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            return []  # a term FTS5 cannot parse even when quoted: fall back to dense only
        return [(int(r[0]), -float(r[1])) for r in rows]

    def fused(self, qvec: np.ndarray, terms: list[str], k: int, allowed_docs: list[str] | None,
              rrf_k: int = 60, weights: tuple[float, float] = (1.0, 2.0)) -> list[Fused]:
        """Both rankings, fused by reciprocal rank (FAISS and FTS5 cannot share a query)."""
        rows: dict[int, list[Any]] = {
            cid: [cid, s, r, None]
            for r, (cid, s) in enumerate(self.dense_search(qvec, k, allowed_docs))}
        for r, (cid, _s) in enumerate(self.keyword_search(terms, k, allowed_docs)):
            rows.setdefault(cid, [cid, None, None, None])[3] = r
        return rrf_order([(c, s, d, w) for c, s, d, w in rows.values()], rrf_k, weights)

    # -- passages ----------------------------------------------------------------------------
    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        out: dict[int, Chunk] = {}
        for i in range(0, len(ids), 500):
            part = [int(x) for x in ids[i:i + 500]]
            marks = ",".join("?" * len(part))
            for row in self._conn().execute(
                    "SELECT chunk_id, doc_id, item_ref, item_title, char_start, char_end, page, "
                    f"text, header FROM chunks WHERE chunk_id IN ({marks})", part):
                out[row[0]] = Chunk(*tuple(row))
        return out

    def chunk_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        out = {}
        for cid in ids:
            try:
                out[int(cid)] = self.vectors.reconstruct(int(cid))
            except RuntimeError:
                continue
        return out

    def sentences(self, chunk_ids: list[int]) -> dict[int, list[SentenceVector]]:
        """chunk_id -> [(start, end, vector)] of its embedded sentences.

        Read from the records' embedding cache for one question's candidates (a few hundred
        rows, ~2 ms at 100x) instead of holding a sentence index in memory: that index would be
        ~7 GiB at a million chunks, and searching it found no passage the candidates missed.
        """
        out: dict[int, list[SentenceVector]] = {}
        width = 4 * int(self.manifest.get("dim") or 384)
        for i in range(0, len(chunk_ids), 500):
            part = [int(x) for x in chunk_ids[i:i + 500]]
            marks = ",".join("?" * len(part))
            for cid, a, b, blob in self._conn().execute(
                    "SELECT s.chunk_id, s.char_start, s.char_end, e.vec FROM sentences s "
                    f"JOIN embed_cache e ON e.hash = s.embed_hash WHERE s.chunk_id IN ({marks})",
                    part):
                if len(blob) != width:
                    raise _damaged(f"sentence vectors in {layout.RECORDS} are damaged")
                out.setdefault(cid, []).append((a, b, np.frombuffer(blob, dtype="float32")))
        return out

    # -- documents ---------------------------------------------------------------------------
    def text_of(self, doc_id: str) -> str:
        row = self._conn().execute("SELECT text FROM documents WHERE doc_id=?",
                                   (doc_id,)).fetchone()
        return row[0] if row else ""

    def page_starts(self, doc_id: str) -> list[int]:
        row = self._conn().execute("SELECT page_starts FROM documents WHERE doc_id=?",
                                   (doc_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else []

    def _dicts(self, sql: str, params: tuple[object, ...]) -> list[dict[str, Any]]:
        return [dict(r) for r in self._conn().execute(sql, params)]

    def items_of(self, doc_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT ref, title, char_start, char_end, page FROM items "
                           "WHERE doc_id=? ORDER BY ord", (doc_id,))

    def resolutions_of(self, doc_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT kind, item_ref, item_title, char_start, char_end, text "
                           "FROM resolutions WHERE doc_id=? ORDER BY char_start", (doc_id,))

    def attendance_of(self, doc_id: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT name, role, char_start, char_end FROM attendance "
                           "WHERE doc_id=? ORDER BY id", (doc_id,))

    # -- resolutions -------------------------------------------------------------------------
    def resolution_matches(self, terms: list[str], limit: int) -> dict[int, float]:
        match = fts_match(terms)
        if not match:
            return {}
        try:
            return {rid: -s for rid, s in self._conn().execute(
                "SELECT rowid, bm25(resolutions_fts, 1.0, 0.5) FROM resolutions_fts "
                "WHERE resolutions_fts MATCH ? ORDER BY 2 LIMIT ?", (match, limit))}
        except sqlite3.OperationalError:
            return {}

    def resolution_ids(self, doc_id: str, item_ref: str) -> list[int]:
        return [rid for rid, in self._conn().execute(
            "SELECT id FROM resolutions WHERE doc_id=? AND item_ref=?", (doc_id, item_ref))]

    def resolutions(self, ids: list[int] | None, doc_ids: list[str] | None
                    ) -> list[Resolution]:
        sql = ("SELECT id, doc_id, kind, item_ref, item_title, char_start, char_end, text "
               "FROM resolutions")
        where, params = [], []
        if ids is not None:
            where.append("id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps([int(i) for i in ids]))
        if doc_ids is not None:
            where.append("doc_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(doc_ids))
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id"
        return [Resolution(*tuple(r)) for r in self._conn().execute(sql, params)]

    def shape_docs(self, shapes: list[int]) -> dict[int, int]:
        """How many documents hold a sentence of each shape; {} for an index written before
        shapes were kept."""
        out: dict[int, int] = {}
        wanted = sorted(set(shapes))
        for i in range(0, len(wanted), 500):
            part = wanted[i:i + 500]
            marks = ",".join("?" * len(part))
            try:
                rows = self._conn().execute(
                    f"SELECT shape, COUNT(DISTINCT doc_id) FROM shapes WHERE shape IN ({marks}) "
                    "GROUP BY shape", part).fetchall()
            except sqlite3.OperationalError:
                return {}
            out.update((int(a), int(b)) for a, b in rows)
        return out

    def decision_spans(self, doc_ids: list[str]) -> dict[str, list[tuple[int, int]]]:
        spans: dict[str, list[tuple[int, int]]] = {}
        for doc, a, b in self._conn().execute(
                "SELECT doc_id, char_start, char_end FROM resolutions "
                "WHERE doc_id IN (SELECT value FROM json_each(?))", (json.dumps(doc_ids),)):
            spans.setdefault(doc, []).append((a, b))
        return spans
