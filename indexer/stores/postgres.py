"""The PostgreSQL + pgvector backend: many readers on one server, generations by pointer.

Layout (schema ``scrutiny``): every table is partitioned by ``generation``; a build (see
``pgpublish``) copies a finished index-directory generation into new partitions, builds their
indexes (HNSW on the normalised passage vectors with inner product, BM25 postings for
passages, GIN on a weighted tsvector for decisions), then inserts the generation and flips
``current_generation`` in the same transaction, so readers see the old generation or the new
one, never half of one. Each reader is bound to the generation it opened; the previous one is
kept (like the directory's two) and older ones are dropped as whole partitions. Within a
generation, passages, postings and sentence vectors are partitioned again by council (see
``pgpublish``); a filtered search names the shards of its documents, so PostgreSQL reads only
those partitions.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from indexer.errors import IndexMissingError, StoreUnavailableError

from . import Chunk, DocMeta, Fused, Ranking, Resolution, SentenceVector, keywords

SCHEMA = "scrutiny"
EF_SEARCH = 200  # HNSW candidates per search: >= the largest pool the retriever asks for
KEEP = 2
_TABLES = ("documents", "items", "chunks", "postings", "sentences", "shapes", "resolutions",
           "res_postings", "attendance", "acronyms")
SHARDED = ("chunks", "postings", "sentences")  # partitioned by council within a generation
# Postings read per query word, best first: a word in most passages ("report", "children")
# would otherwise make every query rank most of the table (ts_rank_cd over a GIN match took
# 370 ms at 100x); past this depth a word's weakest postings do not count.
DEPTH = 2000


def _connect(url: str, autocommit: bool = True) -> Any:
    import psycopg
    from pgvector.psycopg import register_vector

    try:
        conn = psycopg.connect(url, autocommit=autocommit,
                               options=f"-c search_path={SCHEMA},public")
    except psycopg.OperationalError as exc:
        raise StoreUnavailableError(f"Cannot reach PostgreSQL at SCRUTINY_STORE ({_safe(url)}): "
                                    f"{_first_line(exc)}") from None
    try:
        register_vector(conn)
    except psycopg.ProgrammingError:
        pass  # no vector type yet: the first publish creates the extension
    return conn


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


@contextmanager
def _translated(url: str) -> Iterator[None]:
    """Any failure of the server or of a query (the server stopped or restarted, the
    connection killed, a statement cancelled) as ``StoreUnavailableError``: the faces answer
    it with one line (the API with 503), never a driver traceback."""
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        raise StoreUnavailableError(f"PostgreSQL ({_safe(url)}) failed mid-query: "
                                    f"{_first_line(exc)}. Try again when it is back.") from None


def _array(value: Any) -> np.ndarray:
    """A pgvector value as float32 (the adapter returns ``Vector`` or an array by version)."""
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, "float32")


def tsquery(terms: list[str]) -> str | None:
    """A ``to_tsquery`` expression that cannot be a syntax error: words only, phrases kept
    as phrases, terms ORed (as the FTS5 expression of the directory backend)."""
    parts = []
    for t in terms:
        words = re.findall(r"\w+", t.lower())
        if words:
            parts.append(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")")
    return " | ".join(dict.fromkeys(parts)) or None


def live_generation(url: str) -> str | None:
    with _translated(url), _connect(url) as conn:
        return _current(conn)


def _current(conn: Any) -> str | None:
    import psycopg

    try:
        row = conn.execute("SELECT generation FROM current_generation").fetchone()
    except psycopg.errors.UndefinedTable:  # no schema yet: nothing published
        if not conn.autocommit:
            conn.rollback()
        return None
    return str(row[0]) if row else None


def open_store(url: str, index_dir: Path) -> PostgresStore:
    with _translated(url), _connect(url) as conn:
        gen = _current(conn)
        if gen is None:
            raise IndexMissingError(
                f"No index has been published to PostgreSQL ({_safe(url)}). Build one with "
                "`SCRUTINY_STORE=... scrutiny index`.")
        # to_jsonb: a store published before partitioning by council has no ``shards`` column
        manifest, shards = conn.execute(
            "SELECT manifest, (to_jsonb(g) ->> 'shards')::int FROM generations g "
            "WHERE generation = %s", (int(gen),)).fetchone()
    return PostgresStore(url, int(gen), manifest, shards)


class PostgresStore:
    """One published generation on a server; a connection per thread."""

    def __init__(self, url: str, generation: int, manifest: dict[str, Any],
                 shards: int | None = None) -> None:
        self.url = url
        self.gen = int(generation)  # an integer, so it is safe to write into SQL
        self.generation = str(generation)
        self.manifest = manifest
        self.shards = shards  # None: a generation written before partitioning by council
        self._shard_of: dict[str, int] | None = None
        self.fallback_from: str | None = None
        self._local = threading.local()
        self._conns: list[Any] = []
        self._lock = threading.Lock()

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = _connect(self.url)
            conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
            conn.execute("SET hnsw.iterative_scan = relaxed_order")  # filtered HNSW searches
            self._local.conn = conn
            with self._lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def _using(self) -> Iterator[Any]:
        """This thread's connection; on a failure it is dropped, so the next call opens a
        fresh one and the reader recovers by itself once the server is back."""
        try:
            with _translated(self.url):
                yield self._conn()
        except StoreUnavailableError:
            conn, self._local.conn = getattr(self._local, "conn", None), None
            if conn is not None:
                with self._lock:
                    self._conns = [c for c in self._conns if c is not conn]
                conn.close()
            raise

    def _rows(self, sql: str, params: Any = (), vectors: bool = False
              ) -> list[tuple[Any, ...]]:
        # Binary results: parsing 384 floats from text per sentence vector cost ~9 ms a query.
        sql = sql.replace("{G}", str(self.gen))
        with self._using() as conn:
            if not vectors:
                return conn.execute(sql, params, binary=True).fetchall()
            # A vector search over the council partitions: the planner prices 17 HNSW scans
            # above a sequential scan of every partition, which reads every vector (300 ms at
            # 174k generated vectors, see docs/scaling.md); without them it uses the indexes.
            with conn.transaction():
                conn.execute("SET LOCAL enable_seqscan = off")
                return conn.execute(sql, params, binary=True).fetchall()

    def live_generation(self) -> str | None:
        with self._using() as conn:
            return _current(conn)

    def warm(self) -> None:
        self._rows("SELECT 1 FROM chunks WHERE generation = {G} LIMIT 1")

    def close(self) -> None:
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- catalogue ---------------------------------------------------------------------------
    def documents(self) -> list[DocMeta]:
        return [DocMeta(*r) for r in self._rows(
            "SELECT doc_id, source, title, council, committee, doc_type, date, n_items, "
            "n_chunks, n_resolutions, published, url FROM documents WHERE generation = {G} "
            "ORDER BY ord")]

    def acronyms(self) -> list[tuple[str, str]]:
        return [(a, e) for a, e in self._rows(
            "SELECT acronym, expansion FROM acronyms WHERE generation = {G}")]

    def count_chunks(self) -> int:
        return int(self.manifest.get("counts", {}).get("chunks", 0))

    # -- search ------------------------------------------------------------------------------
    def _docs_clause(self, allowed_docs: list[str] | None) -> str:
        """The document filter, with the councils' shards named so PostgreSQL reads only
        their partitions (``%(shards)s``, from ``_params``)."""
        if allowed_docs is None:
            return ""
        return " AND doc_id = ANY(%(docs)s)" + (
            " AND shard = ANY(%(shards)s::smallint[])" if self.shards else "")

    def _scored(self, phrases: list[str], table: str = "postings") -> set[str]:
        """Which of these phrases the publisher scored (they have postings of their own)."""
        return {p for (p,) in self._rows(
            f"SELECT DISTINCT lexeme FROM {table}_g{{G}} WHERE lexeme = ANY(%s)", (phrases,))}

    def _params(self, allowed_docs: list[str] | None, **more: Any) -> dict[str, Any]:
        if allowed_docs is not None and self.shards:
            if self._shard_of is None:  # a generation never changes: read once
                self._shard_of = {d: int(s) for d, s in self._rows(
                    "SELECT doc_id, shard FROM documents WHERE generation = {G}")}
            more["shards"] = sorted({self._shard_of[d] for d in allowed_docs
                                     if d in self._shard_of})
        return {"docs": allowed_docs, **more}

    def dense_search(self, qvec: np.ndarray, k: int, allowed_docs: list[str] | None
                     ) -> Ranking:
        if allowed_docs is not None and not allowed_docs:
            return []
        params = self._params(allowed_docs, q=np.asarray(qvec, "float32"), k=k)
        return [(int(c), float(s)) for c, s in self._rows(
            f"SELECT chunk_id, score FROM ({self._dense_sql(allowed_docs, params)}) d "
            "ORDER BY score DESC, chunk_id LIMIT %(k)s", params, vectors=True)]

    def _dense_sql(self, allowed_docs: list[str] | None, params: dict[str, Any]) -> str:
        """The k nearest passages (chunk_id, score). Over council partitions, each one the
        search needs is searched on its own (its HNSW index read to k) and the results
        appended: as one ORDER BY over the partitioned table, PostgreSQL appends every
        partition's scan and sorts, which drains each iterative HNSW scan (260 ms at 174k
        generated vectors against a few ms; a LATERAL per shard is planned the same way)."""
        one = ("SELECT chunk_id, -(embedding <#> %(q)s) AS score FROM {table} WHERE "
               f"generation = {{G}}{self._docs_clause(allowed_docs)} "
               "ORDER BY embedding <#> %(q)s LIMIT %(k)s")
        if not self.shards:
            return one.replace("{table}", "chunks")
        shards = params.get("shards")
        parts = shards if shards is not None else range(self.shards + 1)
        return " UNION ALL ".join(f"({one.replace('{table}', f'chunks_g{{G}}_s{int(p)}')})"
                                  for p in parts) or one.replace("{table}", "chunks")

    def keyword_search(self, terms: list[str], k: int, allowed_docs: list[str] | None
                       ) -> Ranking:
        """BM25 as FTS5 computes it, from postings of FTS5's own tokens (``keywords``)."""
        query = keywords.ranking_sql(terms, self._docs_clause(allowed_docs),
                                     self.manifest.get("bm25"), scored=self._scored)
        if query is None or (allowed_docs is not None and not allowed_docs):
            return []
        return [(int(c), float(s)) for c, s in self._rows(
            query[0], self._params(allowed_docs, k=k, depth=DEPTH, **query[1]))]

    def fused(self, qvec: np.ndarray, terms: list[str], k: int, allowed_docs: list[str] | None,
              rrf_k: int = 60, weights: tuple[float, float] = (1.0, 2.0)) -> list[Fused]:
        """Both rankings fused by reciprocal rank in one query, filters applied before either
        ranks: (chunk_id, cosine or None, dense rank or None, keyword rank or None)."""
        if allowed_docs is not None and not allowed_docs:
            return []
        sql, params = self._fused_query(qvec, terms, k, allowed_docs, rrf_k, weights)
        return [(int(c), None if s is None else float(s), None if dr is None else int(dr),
                 None if kr is None else int(kr))
                for c, s, dr, kr in self._rows(sql, params, vectors=True)]

    def plan(self, qvec: np.ndarray, terms: list[str], k: int, allowed_docs: list[str] | None
             ) -> str:
        """PostgreSQL's plan for ``fused`` (EXPLAIN, no costs): which partitions it reads."""
        sql, params = self._fused_query(qvec, terms, k, allowed_docs, 60, (1.0, 2.0))
        return "\n".join(r[0] for r in self._rows("EXPLAIN (COSTS OFF) " + sql, params,
                                                   vectors=True))

    def _fused_query(self, qvec: np.ndarray, terms: list[str], k: int,
                     allowed_docs: list[str] | None, rrf_k: int, weights: tuple[float, float]
                     ) -> tuple[str, dict[str, Any]]:
        docs = self._docs_clause(allowed_docs)
        query = keywords.ranking_sql(terms, docs, self.manifest.get("bm25"), scored=self._scored)
        params = self._params(allowed_docs, q=np.asarray(qvec, "float32"), k=k, depth=DEPTH,
                              rrf=float(rrf_k), wd=weights[0], wk=weights[1],
                              **(query[1] if query else {}))
        keyword = ("SELECT chunk_id, row_number() OVER (ORDER BY s DESC, chunk_id) - 1 AS r "
                   f"FROM ({query[0]}) kw") if query else \
            "SELECT NULL::bigint AS chunk_id, NULL::bigint AS r WHERE false"
        sql = (
            "WITH d AS (SELECT chunk_id, score, row_number() OVER (ORDER BY score DESC, "
            f"chunk_id) - 1 AS r FROM ({self._dense_sql(allowed_docs, params)}) dense "
            f"ORDER BY score DESC, chunk_id LIMIT %(k)s), k AS ({keyword}) "
            "SELECT chunk_id, d.score, d.r, k.r FROM d FULL JOIN k USING (chunk_id) "
            "ORDER BY coalesce(%(wd)s / (%(rrf)s + d.r), 0) + "
            "coalesce(%(wk)s / (%(rrf)s + k.r), 0) DESC, chunk_id")
        return sql, params

    # -- passages ----------------------------------------------------------------------------
    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        return {r[0]: Chunk(*r) for r in self._rows(
            "SELECT chunk_id, doc_id, item_ref, item_title, char_start, char_end, page, text, "
            "header FROM chunks WHERE generation = {G} AND chunk_id = ANY(%s)",
            ([int(i) for i in ids],))}

    def chunk_vectors(self, ids: list[int]) -> dict[int, np.ndarray]:
        return {int(c): _array(v) for c, v in self._rows(
            "SELECT chunk_id, embedding FROM chunks WHERE generation = {G} AND "
            "chunk_id = ANY(%s)", ([int(i) for i in ids],))}

    def sentences(self, chunk_ids: list[int]) -> dict[int, list[SentenceVector]]:
        out: dict[int, list[SentenceVector]] = {}
        for cid, a, b, vec in self._rows(
                "SELECT chunk_id, char_start, char_end, vec FROM sentences WHERE generation = "
                "{G} AND chunk_id = ANY(%s) ORDER BY sent_id", ([int(i) for i in chunk_ids],)):
            out.setdefault(int(cid), []).append((a, b, _array(vec)))
        return out

    # -- documents ---------------------------------------------------------------------------
    def text_of(self, doc_id: str) -> str:
        rows = self._rows("SELECT text FROM documents WHERE generation = {G} AND doc_id = %s",
                          (doc_id,))
        return rows[0][0] if rows else ""

    def page_starts(self, doc_id: str) -> list[int]:
        rows = self._rows("SELECT page_starts FROM documents WHERE generation = {G} AND "
                          "doc_id = %s", (doc_id,))
        return json.loads(rows[0][0]) if rows and rows[0][0] else []

    def _dicts(self, cols: str, table: str, doc_id: str, order: str) -> list[dict[str, Any]]:
        names = [c.strip() for c in cols.split(",")]
        return [dict(zip(names, r, strict=True)) for r in self._rows(
            f"SELECT {cols} FROM {table} WHERE generation = {{G}} AND doc_id = %s "
            f"ORDER BY {order}", (doc_id,))]

    def items_of(self, doc_id: str) -> list[dict[str, Any]]:
        return self._dicts("ref, title, char_start, char_end, page", "items", doc_id, "ord")

    def resolutions_of(self, doc_id: str) -> list[dict[str, Any]]:
        return self._dicts("kind, item_ref, item_title, char_start, char_end, text",
                           "resolutions", doc_id, "char_start, id")

    def attendance_of(self, doc_id: str) -> list[dict[str, Any]]:
        return self._dicts("name, role, char_start, char_end", "attendance", doc_id, "id")

    # -- resolutions -------------------------------------------------------------------------
    def resolution_matches(self, terms: list[str], limit: int) -> dict[int, float]:
        stats = (self.manifest.get("bm25") or {}).get("resolutions")
        if stats:  # FTS5's BM25 over its own tokens, as the directory ranks decisions
            found = keywords.ranking_sql(
                terms, "", stats, "res_postings", "id", keywords.FTS["resolutions_fts"][1],
                lambda p: self._scored(p, "res_postings"))
            return {} if found is None else {int(i): float(s) for i, s in self._rows(
                found[0], {"k": limit, "depth": DEPTH, **found[1]})}
        query = tsquery(terms)
        if query is None:
            return {}
        return {int(i): float(s) for i, s in self._rows(
            "SELECT id, ts_rank_cd(tsv, q) AS s FROM resolutions, to_tsquery('english', %s) q "
            "WHERE generation = {G} AND tsv @@ q ORDER BY s DESC, id LIMIT %s", (query, limit))}

    def resolution_ids(self, doc_id: str, item_ref: str) -> list[int]:
        return [int(r[0]) for r in self._rows(
            "SELECT id FROM resolutions WHERE generation = {G} AND doc_id = %s AND "
            "item_ref = %s ORDER BY id", (doc_id, item_ref))]

    def resolutions(self, ids: list[int] | None, doc_ids: list[str] | None
                    ) -> list[Resolution]:
        sql = ("SELECT id, doc_id, kind, item_ref, item_title, char_start, char_end, text "
               "FROM resolutions WHERE generation = {G}")
        if ids is not None:
            sql += " AND id = ANY(%(ids)s)"
        if doc_ids is not None:
            sql += " AND doc_id = ANY(%(docs)s)"
        return [Resolution(*r) for r in self._rows(
            sql + " ORDER BY id", {"ids": [int(i) for i in ids or []], "docs": doc_ids})]

    def shape_docs(self, shapes: list[int]) -> dict[int, int]:
        return {int(a): int(b) for a, b in self._rows(
            "SELECT shape, count(DISTINCT doc_id) FROM shapes WHERE generation = {G} AND "
            "shape = ANY(%s) GROUP BY shape", (sorted({int(s) for s in shapes}),))}

    def decision_spans(self, doc_ids: list[str]) -> dict[str, list[tuple[int, int]]]:
        spans: dict[str, list[tuple[int, int]]] = {}
        for doc, a, b in self._rows(
                "SELECT doc_id, char_start, char_end FROM resolutions WHERE generation = {G} "
                "AND doc_id = ANY(%s) ORDER BY doc_id, id", (doc_ids,)):
            spans.setdefault(doc, []).append((a, b))
        return spans
