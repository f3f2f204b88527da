"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 BM25) rankings fused by reciprocal rank.

Filters are applied before ranking on both sides (a FAISS ID selector and an SQL restriction),
so a council with one document still gets its best passages, not what survives a top-10 cut.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
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
    dense: float  # cosine similarity with the question (0 when not in the dense pool)
    dense_rank: int | None
    keyword_rank: int | None
    row: sqlite3.Row | None = None


def dense_ranking(snap: Snapshot, qvec: np.ndarray, allowed: np.ndarray | None,
                  pool: int, allowed_docs: list[str] | None = None) -> list[tuple[int, float]]:
    """Chunks by the better of their own similarity and their best sentence's."""
    scores, ids = vectors.search(snap.vectors, qvec, pool, allowed)
    best: dict[int, float] = {int(i): float(s) for s, i in zip(scores, ids, strict=True)}
    sent_index = snap.sentence_vectors
    if sent_index is not None:
        allowed_sents = (snap.sentence_ids_for(allowed_docs) if allowed_docs is not None
                         else None)
        s_scores, s_ids = vectors.search(sent_index, qvec, pool * 2, allowed_sents)
        rows = snap.sentence_rows([int(i) for i in s_ids])
        for s, i in zip(s_scores, s_ids, strict=True):
            row = rows.get(int(i))
            if row is not None:
                cid = row[0]
                best[cid] = max(best.get(cid, -1.0), SENTENCE_WEIGHT * float(s))
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    return ranked[:pool]


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
    dense = dense_ranking(snap, qvec, allowed_ids, pool, allowed_docs)
    keyword = keyword_ranking(snap, u.terms, allowed_docs, pool)
    fused: dict[int, Candidate] = {}
    for rank, (cid, score) in enumerate(dense):
        fused[cid] = Candidate(cid, DENSE_WEIGHT / (RRF_K + rank), score, rank, None)
    for rank, (cid, _s) in enumerate(keyword):
        c = fused.get(cid)
        if c is None:
            c = fused[cid] = Candidate(cid, 0.0, 0.0, None, rank)
        c.keyword_rank = rank
        c.score += KEYWORD_WEIGHT / (RRF_K + rank)
    rows = snap.chunks(list(fused))
    out = []
    for c in fused.values():
        c.row = rows.get(c.chunk_id)
        if c.row is None:
            continue
        c.score *= _boost(snap, c, u)
        out.append(c)
    if any(c.dense == 0.0 and c.dense_rank is None for c in out):
        _fill_dense(snap, qvec, out)
    out.sort(key=lambda c: c.score, reverse=True)
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
    cands = hybrid(snap, assistant, u, pool=max(POOL, k + offset))
    if sort == "date":
        cands.sort(key=lambda c: (snap.docs[c.row["doc_id"]].date or "",  # type: ignore[index]
                                  c.score), reverse=True)
    hits = []
    for rank, c in enumerate(cands[offset:offset + k], start=offset + 1):
        row = c.row
        assert row is not None
        cit = snap.citation(row["doc_id"], row["item_ref"], row["item_title"], row["char_start"],
                            row["char_end"], row["page"])
        hits.append(Hit(rank=rank, score=c.score, text=row["text"], chunk_id=c.chunk_id,
                        citation=cit))
    return hits
