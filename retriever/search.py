"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 BM25) rankings fused by reciprocal rank.

Candidates come from the passage vectors and the keyword index; each candidate's dense score is
then the better of its passage's cosine and its best sentence's, so a short answer inside a
long passage still ranks the passage first.

Filters are applied before ranking on both sides (a FAISS ID selector and an SQL restriction),
so a council with one document still gets its best passages, not what survives a top-10 cut.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from indexer import vectors

from .query import Understood, fts_query, understand
from .results import Filters, Hit

if TYPE_CHECKING:
    from .assistant import Assistant
    from .snapshot import Snapshot

RRF_K = 60
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 1.0
POOL = 60
SENTENCE_WEIGHT = 1.0


@dataclass(slots=True)
class Candidate:
    chunk_id: int
    score: float
    dense: float  # cosine with the question: the passage's or its best sentence's
    dense_rank: int | None
    keyword_rank: int | None
    row: sqlite3.Row | None = None
    sentences: list[tuple[int, int, np.ndarray]] = field(default_factory=list)


def dense_ranking(snap: Snapshot, qvec: np.ndarray, allowed: np.ndarray | None,
                  pool: int) -> list[tuple[int, float]]:
    scores, ids = vectors.search(snap.vectors, qvec, pool, allowed)
    return [(int(i), float(s)) for s, i in zip(scores, ids, strict=True)]


def keyword_ranking(snap: Snapshot, terms: list[str], allowed_docs: list[str] | None,
                    pool: int) -> list[tuple[int, float]]:
    match = fts_query(terms)
    if not match:
        return []
    sql = ("SELECT f.rowid, bm25(chunks_fts, 1.0, 0.4) AS s FROM chunks_fts f "
           "WHERE chunks_fts MATCH ?")
    params: list[object] = [match]
    if allowed_docs is not None:
        if not allowed_docs:
            return []
        # A join on the documents, passed as one JSON value: no limit on how many, and at
        # 100x with 500 documents allowed it took 25 ms where `rowid IN (subquery)` took 10-30 s.
        sql = ("SELECT f.rowid, bm25(chunks_fts, 1.0, 0.4) AS s FROM chunks_fts f "
               "JOIN chunks c ON c.chunk_id = f.rowid WHERE chunks_fts MATCH ? "
               "AND c.doc_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(allowed_docs))
    sql += " ORDER BY s LIMIT ?"
    params.append(pool)
    try:
        rows = snap.conn().execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # a term FTS5 cannot parse even when quoted: fall back to dense only
    return [(int(r[0]), -float(r[1])) for r in rows]


def hybrid(snap: Snapshot, assistant: Assistant, u: Understood, pool: int = POOL,
           qvec: np.ndarray | None = None) -> list[Candidate]:
    """Fused candidates, best first, with their rows loaded."""
    allowed_docs = snap.matching_docs(u.filters)
    if allowed_docs is not None and not allowed_docs:
        return []
    allowed_ids = snap.chunk_ids_for(allowed_docs) if allowed_docs is not None else None
    if qvec is None:
        qvec = assistant.query_vector(u.text)
    fused: dict[int, Candidate] = {}
    for rank, (cid, score) in enumerate(dense_ranking(snap, qvec, allowed_ids, pool)):
        fused[cid] = Candidate(cid, 0.0, score, rank, None)
    for rank, (cid, _s) in enumerate(keyword_ranking(snap, u.terms, allowed_docs, pool)):
        fused.setdefault(cid, Candidate(cid, 0.0, 0.0, None, None)).keyword_rank = rank
    rows = snap.chunks(list(fused))
    out = [c for c in fused.values() if rows.get(c.chunk_id) is not None]
    for c in out:
        c.row = rows[c.chunk_id]
    if any(c.dense_rank is None for c in out):
        _fill_dense(snap, qvec, out)
    sentences = snap.sentences_of([c.chunk_id for c in out])
    for c in out:
        c.sentences = sentences.get(c.chunk_id, [])
        if c.sentences:
            best = max(float(v @ qvec) for _a, _b, v in c.sentences)
            c.dense = max(c.dense, SENTENCE_WEIGHT * best)
    for rank, c in enumerate(sorted(out, key=lambda c: c.dense, reverse=True)):
        c.dense_rank = rank
        c.score = DENSE_WEIGHT / (RRF_K + rank)
        if c.keyword_rank is not None:
            c.score += KEYWORD_WEIGHT / (RRF_K + c.keyword_rank)
        c.score *= _boost(snap, c, u)
    # Reciprocal ranks tie often (dense rank 0 + keyword rank 1 against the reverse); the
    # closer meaning breaks the tie, not the order candidates happened to arrive in.
    out.sort(key=lambda c: (c.score, c.dense), reverse=True)
    return out


def _fill_dense(snap: Snapshot, qvec: np.ndarray, cands: list[Candidate]) -> None:
    """Cosine for keyword-only candidates, so answer confidence can use one scale."""
    missing = [c for c in cands if c.dense_rank is None]
    try:
        vecs = np.vstack([snap.vectors.reconstruct(int(c.chunk_id)) for c in missing])
    except Exception:
        return
    sims = vecs @ qvec
    for c, s in zip(missing, sims, strict=True):
        c.dense = float(s)


def _boost(snap: Snapshot, c: Candidate, u: Understood) -> float:
    meta = snap.docs.get(c.row["doc_id"]) if c.row is not None else None
    if meta is None:
        return 1.0
    factor = 1.0
    if u.years:
        text = c.row["text"] + " " + (meta.date or "")  # type: ignore[index]
        if any(y in text for y in u.years):
            factor *= 1.15
    if u.doc_type_hint and meta.doc_type == u.doc_type_hint:
        factor *= 1.1
    return factor


def run_search(snap: Snapshot, assistant: Assistant, query: str, *, k: int, filters: Filters,
               sort: str, offset: int = 0) -> list[Hit]:
    u = understand(query, list(snap.facets().councils), snap.acronyms, filters)
    if u.council_missing:
        return []
    cands = hybrid(snap, assistant, u, pool=max(POOL, k + offset))[offset:offset + k]
    if sort == "date":  # the same relevant page, newest first: never a different set
        cands.sort(key=lambda c: (snap.docs[c.row["doc_id"]].date or "",  # type: ignore[index]
                                  c.score), reverse=True)
    hits = []
    for rank, c in enumerate(cands, start=offset + 1):
        row = c.row
        assert row is not None
        cit = snap.citation(row["doc_id"], row["item_ref"], row["item_title"], row["char_start"],
                            row["char_end"], row["page"])
        hits.append(Hit(rank=rank, score=c.score, text=row["text"], chunk_id=c.chunk_id,
                        citation=cit))
    return hits
