"""SQLite records of the index: documents, items, chunks, resolutions, attendance, FTS5.

The same file also caches embeddings by content hash, so an unchanged passage is never
embedded twice, even when its document is re-indexed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from .models import Chunk, Document
from .sentences import sentence_fingerprint, sentence_shape

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, title TEXT, council TEXT, committee TEXT,
    doc_type TEXT, date TEXT, date_start TEXT, text TEXT NOT NULL, page_starts TEXT,
    content_hash TEXT, n_items INTEGER, n_chunks INTEGER, n_resolutions INTEGER,
    published TEXT, url TEXT);
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER, ref TEXT, title TEXT,
    char_start INTEGER, char_end INTEGER, page INTEGER);
CREATE INDEX IF NOT EXISTS items_doc ON items(doc_id);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, item_ref TEXT,
    item_title TEXT, char_start INTEGER, char_end INTEGER, page INTEGER, text TEXT,
    header TEXT, embed_hash TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS resolutions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, kind TEXT, item_ref TEXT,
    item_title TEXT, char_start INTEGER, char_end INTEGER, text TEXT);
CREATE INDEX IF NOT EXISTS resolutions_doc ON resolutions(doc_id);
CREATE TABLE IF NOT EXISTS attendance (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, name TEXT, role TEXT, char_start INTEGER,
    char_end INTEGER);
CREATE INDEX IF NOT EXISTS attendance_doc ON attendance(doc_id);
CREATE TABLE IF NOT EXISTS acronyms (acronym TEXT, expansion TEXT, doc_id TEXT);
CREATE INDEX IF NOT EXISTS acronyms_doc ON acronyms(doc_id);
CREATE TABLE IF NOT EXISTS sentences (
    sent_id INTEGER PRIMARY KEY AUTOINCREMENT, chunk_id INTEGER NOT NULL, doc_id TEXT NOT NULL,
    char_start INTEGER, char_end INTEGER, embed_hash TEXT);
CREATE INDEX IF NOT EXISTS sentences_chunk ON sentences(chunk_id);
CREATE INDEX IF NOT EXISTS sentences_doc ON sentences(doc_id);
CREATE TABLE IF NOT EXISTS embed_cache (hash TEXT PRIMARY KEY, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS shapes (shape INTEGER NOT NULL, doc_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS shapes_shape ON shapes(shape);
CREATE INDEX IF NOT EXISTS shapes_doc ON shapes(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, header, tokenize = 'porter unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS resolutions_fts USING fts5(
    text, item_title, tokenize = 'porter unicode61 remove_diacritics 2');
"""


def connect_writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.executescript(SCHEMA)
    _add_link_columns(conn)
    return conn


LINK_COLUMNS = ("published", "url")


def _add_link_columns(conn: sqlite3.Connection) -> None:
    """Indexes written before documents had ``published``/``url`` gain the columns on their
    next update, so they stay usable without a rebuild."""
    have = document_columns(conn)
    for column in LINK_COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE documents ADD COLUMN {column} TEXT")


def document_columns(conn: sqlite3.Connection) -> set[str]:
    return {r[1] for r in conn.execute("PRAGMA table_info(documents)")}


def connect_progress(path: Path) -> sqlite3.Connection:
    """The vectors a build has made so far (just an embedding cache), committed as it goes."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS embed_cache "
                     "(hash TEXT PRIMARY KEY, vec BLOB NOT NULL)")
    except sqlite3.DatabaseError:  # damaged by a crash mid-write: start it again
        conn.close()
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE embed_cache (hash TEXT PRIMARY KEY, vec BLOB NOT NULL)")
    conn.commit()
    return conn


def vacuum_if_sparse(conn: sqlite3.Connection, free_share: float = 0.2) -> bool:
    """VACUUM when more than ``free_share`` of the file is free pages left by deletions;
    otherwise each removal leaves the records file as large as before, forever."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    if pages and free / pages > free_share:
        conn.execute("VACUUM")
        return True
    return False


def connect_reader(path: Path) -> sqlite3.Connection:
    """Read-only and immutable: a published generation never changes, so no locking needed."""
    uri = f"file:{path}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def delete_documents(conn: sqlite3.Connection, doc_ids: Iterable[str]) -> list[int]:
    """Remove documents and everything derived from them; returns the removed chunk ids (the
    vector index drops the same ids)."""
    removed: list[int] = []
    for doc_id in doc_ids:
        ids = [r[0] for r in conn.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
        removed.extend(ids)
        conn.executemany("DELETE FROM chunks_fts WHERE rowid=?", [(i,) for i in ids])
        res = [r[0] for r in conn.execute("SELECT id FROM resolutions WHERE doc_id=?", (doc_id,))]
        conn.executemany("DELETE FROM resolutions_fts WHERE rowid=?", [(i,) for i in res])
        for table in ("chunks", "sentences", "shapes", "resolutions", "items", "attendance",
                      "acronyms", "documents"):
            conn.execute(f"DELETE FROM {table} WHERE doc_id=?", (doc_id,))
    return removed


def insert_document(conn: sqlite3.Connection, doc: Document, chunks: list[Chunk],
                    embed_hashes: list[str], acronyms: dict[str, str],
                    sentences: list[list[tuple[int, int, str]]]) -> list[int]:
    """Insert one document with its records; returns the new chunk ids in order."""
    conn.execute(
        "INSERT INTO documents (doc_id, source, title, council, committee, doc_type, date, "
        "date_start, text, page_starts, content_hash, n_items, n_chunks, n_resolutions, "
        "published, url) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (doc.doc_id, doc.source, doc.title, doc.council, doc.committee, doc.doc_type, doc.date,
         doc.date_start, doc.text, json.dumps(doc.page_starts), doc.content_hash,
         len(doc.items), len(chunks), len(doc.resolutions), doc.published, doc.url))
    conn.executemany(
        "INSERT INTO items (doc_id, ord, ref, title, char_start, char_end, page) "
        "VALUES (?,?,?,?,?,?,?)",
        [(doc.doc_id, i, it.ref, it.title, it.char_start, it.char_end, it.page)
         for i, it in enumerate(doc.items)])
    chunk_ids: list[int] = []
    for chunk, h, sents in zip(chunks, embed_hashes, sentences, strict=True):
        cur = conn.execute(
            "INSERT INTO chunks (doc_id, item_ref, item_title, char_start, char_end, page, text, "
            "header, embed_hash) VALUES (?,?,?,?,?,?,?,?,?)",
            (doc.doc_id, chunk.item_ref, chunk.item_title, chunk.char_start, chunk.char_end,
             chunk.page, chunk.text, chunk.header, h))
        chunk_id = int(cur.lastrowid)  # type: ignore[arg-type]
        chunk.chunk_id = chunk_id
        chunk_ids.append(chunk_id)
        conn.execute("INSERT INTO chunks_fts (rowid, text, header) VALUES (?,?,?)",
                     (chunk_id, chunk.text, chunk.header))
        conn.executemany("INSERT INTO sentences (chunk_id, doc_id, char_start, char_end, "
                         "embed_hash) VALUES (?,?,?,?,?)",
                         [(chunk_id, doc.doc_id, a, b, sh) for a, b, sh in sents])
    # What each sentence says once names and numbers are left out: the same shape in many
    # documents is a publisher's template, which the answer layer ranks down.
    # The exact sentence's fingerprint goes in the same table: recurring word for word, it is
    # boilerplate rather than a template whose slots hold this document's facts.
    spans = [doc.text[a:b] for sents in sentences for a, b, _h in sents]
    shapes = {sentence_shape(t) for t in spans} | {sentence_fingerprint(t) for t in spans}
    conn.executemany("INSERT INTO shapes (shape, doc_id) VALUES (?,?)",
                     [(sh, doc.doc_id) for sh in shapes if sh is not None])
    for res in doc.resolutions:
        cur = conn.execute(
            "INSERT INTO resolutions (doc_id, kind, item_ref, item_title, char_start, char_end, "
            "text) VALUES (?,?,?,?,?,?,?)",
            (doc.doc_id, res.kind, res.item_ref, res.item_title, res.char_start, res.char_end,
             res.text))
        conn.execute("INSERT INTO resolutions_fts (rowid, text, item_title) VALUES (?,?,?)",
                     (cur.lastrowid, res.text, res.item_title))
    conn.executemany(
        "INSERT INTO attendance (doc_id, name, role, char_start, char_end) VALUES (?,?,?,?,?)",
        [(doc.doc_id, a.name, a.role, a.char_start, a.char_end) for a in doc.attendance])
    conn.executemany("INSERT INTO acronyms VALUES (?,?,?)",
                     [(a, e, doc.doc_id) for a, e in acronyms.items()])
    return chunk_ids


def cached_vectors(conn: sqlite3.Connection, hashes: list[str], dim: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    unique = list(dict.fromkeys(hashes))
    for i in range(0, len(unique), 500):
        part = unique[i:i + 500]
        marks = ",".join("?" * len(part))
        for h, blob in conn.execute(f"SELECT hash, vec FROM embed_cache WHERE hash IN ({marks})",
                                    part):
            vec = np.frombuffer(blob, dtype="float32")
            if vec.shape[0] == dim and np.isfinite(vec).all():  # damage is re-embedded
                out[h] = vec
    return out


def store_vectors(conn: sqlite3.Connection, items: dict[str, np.ndarray]) -> None:
    conn.executemany("INSERT OR REPLACE INTO embed_cache VALUES (?,?)",
                     [(h, np.asarray(v, dtype="float32").tobytes()) for h, v in items.items()])


def prune_cache(conn: sqlite3.Connection) -> None:
    """Forget vectors no chunk uses any more, so the cache does not grow without bound."""
    conn.execute("DELETE FROM embed_cache WHERE hash NOT IN (SELECT embed_hash FROM chunks "
                 "UNION SELECT embed_hash FROM sentences)")


def all_vectors(conn: sqlite3.Connection, dim: int, table: str = "chunks"
                ) -> tuple[np.ndarray, np.ndarray]:
    """(ids, vectors) of every chunk or sentence, from the cache: enough to rebuild any FAISS
    index without the model."""
    key = "chunk_id" if table == "chunks" else "sent_id"
    ids: list[int] = []
    vecs: list[np.ndarray] = []
    for chunk_id, blob in conn.execute(
            f"SELECT c.{key}, e.vec FROM {table} c JOIN embed_cache e ON e.hash = c.embed_hash "
            f"ORDER BY c.{key}"):
        ids.append(chunk_id)
        vecs.append(np.frombuffer(blob, dtype="float32"))
    if not ids:
        return np.zeros(0, dtype="int64"), np.zeros((0, dim), dtype="float32")
    return np.asarray(ids, dtype="int64"), np.vstack(vecs).astype("float32")
