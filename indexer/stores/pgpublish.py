"""Writing to the PostgreSQL backend: copy a finished generation in, flip the pointer.

The build itself is unchanged (it writes the index directory as always, which stays the
embedding cache and the incremental state); publishing then copies that generation's records
and vectors into new partitions with COPY, builds their indexes, and in the same transaction
records the generation and points ``current_generation`` at it.

Within a generation the searched tables (passages, postings, sentence vectors) are partitioned
again by council: ``shard`` is 0 for a document without a council and otherwise 1 + a stable
hash of the normalised council name modulo ``SHARDS``, so 400 councils need 17 partitions, not
400, and a council-filtered search reads one of them (the reader adds the shard to its filter,
which PostgreSQL prunes on). The writer computes the key, not PostgreSQL's HASH partitioning,
because hash partitions have no default partition for the documents without a council, and a
distributed setup (Citus) can shard on the same column.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from indexer import layout
from indexer.errors import ScrutinyError

from . import keywords
from .postgres import _TABLES, KEEP, SCHEMA, SHARDED, _connect, _current

Progress = Callable[[str, int, int], None]
HNSW = "WITH (m = 16, ef_construction = 64)"
SHARDS = 16  # council hash partitions per generation, plus shard 0 for no council
_LOCK_KEY = 0x5C2071  # advisory lock: one publisher at a time per database


def _ddl(dim: int) -> str:
    tsv_res = ("setweight(to_tsvector('english', coalesce(text, '')), 'A') || "
               "setweight(to_tsvector('english', coalesce(item_title, '')), 'B')")
    return f"""
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS generations (
    generation bigint PRIMARY KEY, source text, manifest jsonb NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now());
CREATE SEQUENCE IF NOT EXISTS generation_ids;
CREATE TABLE IF NOT EXISTS current_generation (
    one boolean PRIMARY KEY DEFAULT true CHECK (one), generation bigint NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    generation bigint NOT NULL, ord bigint, doc_id text NOT NULL, source text, title text,
    council text, committee text, doc_type text, date text, text text, page_starts text,
    n_items int, n_chunks int, n_resolutions int, published text, url text)
    PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS items (
    generation bigint NOT NULL, id bigint, doc_id text, ord int, ref text, title text,
    char_start int, char_end int, page int) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS chunks (
    generation bigint NOT NULL, chunk_id bigint NOT NULL, doc_id text NOT NULL, item_ref text,
    item_title text, char_start int, char_end int, page int, text text, header text,
    doclen int NOT NULL, embedding vector({dim}) NOT NULL) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS postings (
    generation bigint NOT NULL, lexeme text NOT NULL, chunk_id bigint NOT NULL,
    doc_id text NOT NULL, w float8 NOT NULL) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS sentences (
    generation bigint NOT NULL, sent_id bigint, chunk_id bigint NOT NULL, char_start int,
    char_end int, vec vector({dim}) NOT NULL) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS resolutions (
    generation bigint NOT NULL, id bigint, doc_id text, kind text, item_ref text,
    item_title text, char_start int, char_end int, text text,
    tsv tsvector GENERATED ALWAYS AS ({tsv_res}) STORED) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS res_postings (
    generation bigint NOT NULL, lexeme text NOT NULL, id bigint NOT NULL, w float8 NOT NULL,
    pos int[], doclen int) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS attendance (
    generation bigint NOT NULL, id bigint, doc_id text, name text, role text, char_start int,
    char_end int) PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS shapes (
    generation bigint NOT NULL, shape bigint NOT NULL, doc_id text NOT NULL)
    PARTITION BY LIST (generation);
CREATE TABLE IF NOT EXISTS acronyms (
    generation bigint NOT NULL, acronym text, expansion text, doc_id text)
    PARTITION BY LIST (generation);
""" + _UPGRADE


# A store written before partitioning by council gains its columns here, once (existing rows
# get shard 0 and their generation ``shards`` NULL, which readers take as "not partitioned by
# council"; FTS5's BM25 weights need float8, its phrases positions), so a server keeps serving
# the old generation while the next publish writes the new layout: no rebuild is needed. The
# old postings are rewritten by the type change, once.
_UPGRADE = f"""
DO $$ BEGIN
IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = '{SCHEMA}'
               AND table_name = 'chunks' AND column_name = 'shard') THEN
""" + "".join(f"    ALTER TABLE {t} ADD COLUMN shard smallint NOT NULL DEFAULT 0;\n"
              for t in ("documents", *SHARDED)) + """
    ALTER TABLE generations ADD COLUMN shards int;
    ALTER TABLE postings ALTER COLUMN w TYPE float8;
    ALTER TABLE postings ADD COLUMN pos int[];
    ALTER TABLE postings ADD COLUMN doclen int;
END IF;
END $$;
"""


def council_shard(council: str | None) -> int:
    """The partition of a council's rows: 0 without a council, else 1..SHARDS. Case, spacing
    and punctuation do not move a council (CRC-32: stable across processes and versions)."""
    key = " ".join(re.findall(r"[a-z0-9]+", (council or "").lower()))
    return 1 + zlib.crc32(key.encode()) % SHARDS if key else 0


def _indexes(g: int) -> list[str]:
    return [
        f"CREATE INDEX ON documents_g{g} (doc_id)",
        f"CREATE INDEX ON items_g{g} (doc_id)",
        f"CREATE INDEX ON chunks_g{g} (chunk_id)",
        f"CREATE INDEX ON chunks_g{g} (doc_id)",
        f"CREATE INDEX ON postings_g{g} (lexeme, w DESC) INCLUDE (chunk_id, doc_id, pos, doclen)",
        f"CREATE INDEX ON chunks_g{g} USING hnsw (embedding vector_ip_ops) {HNSW}",
        f"CREATE INDEX ON sentences_g{g} (chunk_id)",
        f"CREATE INDEX ON shapes_g{g} (shape)",
        f"CREATE INDEX ON resolutions_g{g} (doc_id, item_ref)",
        f"CREATE INDEX ON resolutions_g{g} (id)",
        f"CREATE INDEX ON resolutions_g{g} USING gin (tsv)",
        f"CREATE INDEX ON res_postings_g{g} (lexeme, w DESC) INCLUDE (id)",
        f"CREATE INDEX ON attendance_g{g} (doc_id)",
    ]


# (table, columns in the directory's records, SELECT that reads them)
_COPIES: list[tuple[str, str, str]] = [
    ("documents", "ord, doc_id, source, title, council, committee, doc_type, date, text, "
     "page_starts, n_items, n_chunks, n_resolutions, published, url",
     "SELECT rowid, doc_id, source, title, council, committee, doc_type, date, text, "
     "page_starts, n_items, n_chunks, n_resolutions, {links} FROM documents ORDER BY rowid"),
    ("items", "id, doc_id, ord, ref, title, char_start, char_end, page",
     "SELECT id, doc_id, ord, ref, title, char_start, char_end, page FROM items"),
    ("resolutions", "id, doc_id, kind, item_ref, item_title, char_start, char_end, text",
     "SELECT id, doc_id, kind, item_ref, item_title, char_start, char_end, text "
     "FROM resolutions"),
    ("attendance", "id, doc_id, name, role, char_start, char_end",
     "SELECT id, doc_id, name, role, char_start, char_end FROM attendance"),
    ("acronyms", "acronym, expansion, doc_id", "SELECT acronym, expansion, doc_id FROM acronyms"),
    ("shapes", "shape, doc_id", "SELECT shape, doc_id FROM shapes"),
]


def _source(manifest: dict[str, Any], gen_dir: Path) -> str:
    return f"{gen_dir.parent}:{gen_dir.name}:{manifest.get('built_at', '')}"


def publish(url: str, index_dir: Path, progress: Progress | None = None) -> str | None:
    """Copy the directory's live generation into PostgreSQL and make it current there.

    Three steps: load the new partitions and build their indexes (one transaction, invisible
    to readers), VACUUM ANALYZE them (so index-only scans need no heap visits), then record the
    generation and flip the pointer (one transaction). A publish that dies before the flip
    leaves partitions no generation owns; the next publish drops them. Returns the new
    generation id, or None when the server already serves this one.
    """
    notify = progress or (lambda stage, done, total: None)
    gen_dir = layout.generation_path(index_dir)
    manifest = layout.read_manifest(gen_dir)
    source = _source(manifest, gen_dir)
    with _connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        # VACUUM marks the new pages all-visible only once their commit is flushed.
        conn.execute("SET synchronous_commit = on")
        try:
            current = _current(conn)
            if current is not None and conn.execute(
                    "SELECT source FROM generations WHERE generation = %s",
                    (int(current),)).fetchone() == (source,):
                return None
            g, bm25 = _load(conn, gen_dir, int(manifest.get("dim") or 384), notify)
            for table in _TABLES:
                conn.execute(f"VACUUM (ANALYZE) {table}_g{g}")
            with conn.transaction():
                conn.execute("INSERT INTO generations (generation, source, manifest, shards) "
                             "VALUES (%s, %s, %s, %s)",
                             (g, source, json.dumps(manifest | {"bm25": bm25}), SHARDS))
                conn.execute("INSERT INTO current_generation (one, generation) VALUES (true, %s) "
                             "ON CONFLICT (one) DO UPDATE SET generation = excluded.generation",
                             (g,))
            with conn.transaction():
                _prune(conn, g)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
    return str(g)


def _load(conn: Any, gen_dir: Path, dim: int, notify: Progress) -> tuple[int, dict[str, float]]:
    """New partitions holding ``gen_dir``'s records and vectors, indexed; not yet current.
    Also returns the keyword statistics (passages, mean length) phrases are scored with."""
    from pgvector.psycopg import register_vector

    with conn.transaction():
        conn.execute(_ddl(dim))
        _drop_orphans(conn)
    register_vector(conn)
    with conn.transaction():
        g = int(conn.execute("SELECT nextval('generation_ids')").fetchone()[0])
        for table in _TABLES:
            by_council = " PARTITION BY LIST (shard)" if table in SHARDED else ""
            conn.execute(f"CREATE TABLE {table}_g{g} PARTITION OF {table} FOR VALUES IN ({g})"
                         + by_council)
            for shard in range(SHARDS + 1) if by_council else ():
                conn.execute(f"CREATE TABLE {table}_g{g}_s{shard} PARTITION OF {table}_g{g} "
                             f"FOR VALUES IN ({shard})")
        # Vectors stay in the row (the text goes to TOAST instead): an exact scan of a small
        # council partition then reads no TOAST, and is cheaper than its HNSW search.
        conn.execute(f"ALTER TABLE chunks_g{g} ALTER COLUMN embedding SET STORAGE PLAIN")
        src = sqlite3.connect(f"file:{gen_dir / layout.RECORDS}?mode=ro&immutable=1", uri=True)
        try:
            bm25 = _copy(conn, src, g, gen_dir, notify)
        finally:
            src.close()
        for i, ddl in enumerate(_indexes(g)):
            notify("postgres indexes", i, len(_indexes(g)))
            conn.execute(ddl)
        notify("postgres indexes", len(_indexes(g)), len(_indexes(g)))
    return g, bm25


def _drop_orphans(conn: Any) -> None:
    """Partitions of a publish that died before its flip (no row in ``generations``)."""
    owned = {int(r[0]) for r in conn.execute("SELECT generation FROM generations")}
    for (name,) in conn.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE p.relname = 'chunks' AND n.nspname = %s", (SCHEMA,)).fetchall():
        g = int(name.rsplit("_g", 1)[1])
        if g not in owned:
            for table in _TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {table}_g{g}")


def _copy(conn: Any, src: sqlite3.Connection, g: int, gen_dir: Path, notify: Progress
          ) -> dict[str, float]:
    from indexer import store, vectors

    have = store.document_columns(src)
    links = ", ".join(c if c in have else f"NULL AS {c}" for c in store.LINK_COLUMNS)
    tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    shard_of = {d: council_shard(c) for d, c in src.execute(
        "SELECT doc_id, council FROM documents")}
    for table, cols, select in _COPIES:
        if table not in tables:  # an index written before the table existed: nothing to copy
            continue
        notify(f"postgres {table}", 0, 1)
        documents = table == "documents"  # its doc_id is the second column
        with conn.cursor().copy(f"COPY {table}_g{g} (generation, {cols}"
                                f"{', shard' if documents else ''}) FROM STDIN") as cp:
            for row in src.execute(select.format(links=links)):
                cp.write_row((g, *row, shard_of[row[1]]) if documents else (g, *row))
    index = vectors.load(gen_dir / layout.VECTORS)
    stored = vectors.stored_vectors(index)
    if stored is None:
        raise ScrutinyError("This index's vectors cannot be read back for PostgreSQL.")
    ids = vectors.faiss_module().vector_to_array(index.id_map)
    row_of = {int(cid): i for i, cid in enumerate(ids)}
    total = len(row_of)
    doclen, bm25, weights = keywords.postings(src)
    with conn.cursor().copy(
            f"COPY chunks_g{g} (generation, chunk_id, doc_id, item_ref, item_title, char_start, "
            "char_end, page, text, header, doclen, embedding, shard) FROM STDIN WITH "
            "(FORMAT BINARY)"
    ) as cp:
        cp.set_types(["int8", "int8", "text", "text", "text", "int4", "int4", "int4", "text",
                      "text", "int4", "vector", "int2"])
        for n, r in enumerate(src.execute(
                "SELECT chunk_id, doc_id, item_ref, item_title, char_start, char_end, page, "
                "text, header FROM chunks")):
            if r[0] in row_of:  # a passage without a vector is not searchable in either store
                cp.write_row((g, *r, doclen.get(r[0], 0), stored[row_of[r[0]]],
                              shard_of.get(r[1], 0)))
            if n % 2000 == 0:
                notify("postgres chunks", n, total)
    notify("postgres postings", 0, 1)
    doc_of = {int(c): d for c, d in src.execute("SELECT chunk_id, doc_id FROM chunks")}
    with conn.cursor().copy(f"COPY postings_g{g} (generation, shard, lexeme, chunk_id, doc_id, "
                            "w, pos, doclen) FROM STDIN WITH (FORMAT BINARY)") as cp:
        cp.set_types(["int8", "int2", "text", "int8", "text", "float8", "int4[]", "int4"])
        for cid, word, w, pos in weights:
            if cid in row_of:  # as for passages: searchable only with a vector
                cp.write_row((g, shard_of.get(doc_of[cid], 0), word, cid, doc_of[cid], w, pos,
                              doclen[cid]))
    if "resolutions_fts" in tables:
        res_len, bm25["resolutions"], res_weights = keywords.postings(src, "resolutions_fts")
        with conn.cursor().copy(f"COPY res_postings_g{g} (generation, lexeme, id, w, pos, "
                                "doclen) FROM STDIN WITH (FORMAT BINARY)") as cp:
            cp.set_types(["int8", "text", "int8", "float8", "int4[]", "int4"])
            for rid, word, w, pos in res_weights:
                cp.write_row((g, word, rid, w, pos, res_len[rid]))
    width = 4 * int(index.d)
    with conn.cursor().copy(
            f"COPY sentences_g{g} (generation, sent_id, chunk_id, char_start, char_end, vec, "
            "shard) FROM STDIN WITH (FORMAT BINARY)") as cp:
        cp.set_types(["int8", "int8", "int8", "int4", "int4", "vector", "int2"])
        for sid, cid, a, b, blob, doc in src.execute(
                "SELECT s.sent_id, s.chunk_id, s.char_start, s.char_end, e.vec, c.doc_id "
                "FROM sentences s JOIN embed_cache e ON e.hash = s.embed_hash "
                "JOIN chunks c ON c.chunk_id = s.chunk_id"):
            if len(blob) == width:
                cp.write_row((g, sid, cid, a, b, np.frombuffer(blob, dtype="float32"),
                              shard_of.get(doc, 0)))
    return bm25


def _prune(conn: Any, live: int) -> None:
    """Drop generations older than the newest ``KEEP``: readers of the previous one finish."""
    old = [r[0] for r in conn.execute(
        "SELECT generation FROM generations WHERE generation <> %s ORDER BY generation DESC "
        "OFFSET %s", (live, KEEP - 1))]
    for g in old:
        for table in _TABLES:
            conn.execute(f"DROP TABLE IF EXISTS {table}_g{int(g)}")
        conn.execute("DELETE FROM generations WHERE generation = %s", (g,))


def check(url: str) -> list[str]:
    """What is wrong with the served generation: missing, or counts that differ from its
    manifest (a copy that lost rows)."""
    with _connect(url) as conn:
        gen = _current(conn)
        if gen is None:
            return [f"no generation is published to PostgreSQL ({SCHEMA}.current_generation)"]
        row = conn.execute("SELECT manifest FROM generations WHERE generation = %s",
                           (int(gen),)).fetchone()
        if row is None:
            return [f"current_generation points at {gen}, which is not in generations"]
        counts = row[0].get("counts", {})
        problems = []
        for table, key in (("documents", "documents"), ("chunks", "chunks")):
            n = conn.execute(f"SELECT count(*) FROM {table} WHERE generation = %s",
                             (int(gen),)).fetchone()[0]
            if key in counts and int(counts[key]) != int(n):
                problems.append(f"PostgreSQL generation {gen} holds {n} {table}; its manifest "
                                f"says {counts[key]}")
        return problems
