"""Hybrid retrieval: the store's dense and keyword rankings fused by reciprocal rank.

Candidates come from the passage vectors and the keyword index; each candidate's dense score is
then the better of its passage's cosine and its best sentence's, so a short answer inside a
long passage still ranks the passage first.

Filters are applied before ranking on both sides (the store restricts both searches to the
allowed documents), so a council with one document still gets its best passages, not what
survives a top-10 cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from indexer.gazetteer import council_matches

from .followup import resolve
from .query import Understood, asked_plainly, understand
from .results import Filters, Hit

if TYPE_CHECKING:
    from indexer.stores import Chunk

    from .assistant import Assistant
    from .snapshot import Snapshot

RRF_K = 60
DENSE_WEIGHT = 1.0
KEYWORD_WEIGHT = 2.0  # fitted on the tune half of the dev corpus (bench/fit_answer.py)
POOL = 60
SENTENCE_WEIGHT = 1.0
COUNCIL_BOOST = 1.3  # a document of the council the question names, over one of unknown council
YEAR_BOOST = 1.15
TYPE_BOOST = 1.1


@dataclass(slots=True)
class Candidate:
    chunk_id: int
    score: float
    dense: float  # cosine with the question: the passage's or its best sentence's
    dense_rank: int | None
    keyword_rank: int | None
    chunk: Chunk | None = None
    sentences: list[tuple[int, int, np.ndarray]] = field(default_factory=list)


def dense_ranking(snap: Snapshot, qvec: np.ndarray, allowed_docs: list[str] | None,
                  pool: int) -> list[tuple[int, float]]:
    return snap.store.dense_search(qvec, pool, allowed_docs)


def keyword_ranking(snap: Snapshot, terms: list[str], allowed_docs: list[str] | None,
                    pool: int) -> list[tuple[int, float]]:
    return snap.store.keyword_search(terms, pool, allowed_docs)


def hybrid(snap: Snapshot, assistant: Assistant, u: Understood, pool: int = POOL,
           qvec: np.ndarray | None = None) -> list[Candidate]:
    """Fused candidates, best first, with their passages loaded."""
    allowed_docs = scope(snap, u)
    if allowed_docs is not None and not allowed_docs:
        return []
    if qvec is None:
        qvec = assistant.query_vector(u.text)
    fused: dict[int, Candidate] = {}
    for cid, cosine, dense_rank, keyword_rank in snap.store.fused(
            qvec, u.terms, pool, allowed_docs, RRF_K, (DENSE_WEIGHT, KEYWORD_WEIGHT)):
        fused[cid] = Candidate(cid, 0.0, cosine or 0.0, dense_rank, keyword_rank)
    chunks = snap.chunks(list(fused))
    out = [c for c in fused.values() if chunks.get(c.chunk_id) is not None]
    for c in out:
        c.chunk = chunks[c.chunk_id]
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
    vecs = snap.store.chunk_vectors([c.chunk_id for c in missing])
    for c in missing:
        if c.chunk_id in vecs:
            c.dense = float(vecs[c.chunk_id] @ qvec)


def _boost(snap: Snapshot, c: Candidate, u: Understood) -> float:
    meta = snap.docs.get(c.chunk.doc_id) if c.chunk is not None else None
    if meta is None:
        return 1.0
    factor = 1.0
    if u.implied.council and meta.council and council_matches(u.implied.council, meta.council):
        factor *= COUNCIL_BOOST
    if u.years:
        text = " ".join((c.chunk.text, meta.date or "", meta.published or ""))  # type: ignore[union-attr]
        if any(y in text for y in u.years):
            factor *= YEAR_BOOST
    if u.doc_type_hint and meta.doc_type == u.doc_type_hint:
        factor *= TYPE_BOOST
    return factor


def understand_turn(snap: Snapshot, question: str, history: list[dict[str, str]],
                    filters: Filters) -> Understood:
    """What a question asks, leaning on the conversation when it is a follow-up: the topic
    and what the previous question implied carry over; what this one says wins."""
    councils = snap.facets().councils
    turn = resolve(question, history)
    u = understand(question, councils, snap.acronyms, filters)
    if turn.previous:
        # The council of the conversation carries over to a question that names none.
        carried = understand(turn.previous, councils, snap.acronyms, Filters())
        if not (u.implied.council or u.filters.council):
            u.implied.council = carried.implied.council
        u.terms += turn.names
        if turn.follows:
            u.implied = u.implied.merged(carried.implied)
            topic = understand(turn.search_text, councils, snap.acronyms, filters)
            u.text, u.terms = topic.text, topic.terms + turn.names
            u.years = u.years or carried.years
            u.doc_type_hint = u.doc_type_hint or carried.doc_type_hint
    scope(snap, u)
    return u


def scope(snap: Snapshot, u: Understood) -> list[str] | None:
    """The documents a question may be answered from, or None for all of them.

    Explicit filters are hard. What the question implies excludes only documents whose own
    field is known to differ; a document with no recorded council or date stays in. Computed
    once per question; what had to be relaxed is noted in ``u.notes``.
    """
    if u.scoped:
        return u.allowed
    u.scoped = True
    hard = snap.matching_docs(u.filters)
    implied = u.implied
    if implied.is_empty() or (hard is not None and not hard):
        u.allowed = hard
        return hard
    pool = list(snap.docs) if hard is None else hard

    def keep(doc_id: str, dates: bool) -> bool:
        m = snap.docs[doc_id]
        if implied.council and m.council and not council_matches(implied.council, m.council):
            return False
        # "The 2022 report" may be dated by its fieldwork in 2021 and published in 2022.
        known = [d for d in (m.date, m.published) if d]
        if dates and known and not any(
                (not implied.since or d >= implied.since) and (not implied.until
                                                               or d <= implied.until)
                for d in known):
            return False
        return True

    allowed = [d for d in pool if keep(d, True)]
    if not allowed and (implied.since or implied.until):
        allowed = [d for d in pool if keep(d, False)]
        if allowed:
            u.notes.append(f"No records dated {_span(implied)} were found, so all dates were "
                           "searched.")
    if implied.council and not any(
            council_matches(implied.council, snap.docs[d].council or "") for d in allowed):
        named = u.council_named or implied.council
        if allowed:
            u.notes.append(f"No document is recorded as {named}'s: searched the "
                           f"{len(allowed)} document{'s' if len(allowed) != 1 else ''} "
                           "whose council is not recorded.")
        else:
            u.notes.append(f"No records from {named} are in this index.")
    u.allowed = allowed if len(allowed) < len(snap.docs) else None
    return u.allowed


def _span(f: Filters) -> str:
    if f.since and f.until:
        return f"{f.since[:4]}-{f.until[:4]}"
    return f"from {f.since[:4]}" if f.since else f"before {int(f.until[:4]) + 1}"


def run_search(snap: Snapshot, assistant: Assistant, query: str, *, k: int, filters: Filters,
               sort: str, offset: int = 0, history: list[dict[str, str]] | None = None
               ) -> tuple[list[Hit], Understood]:
    from .rank import ranked

    query = asked_plainly(query)
    u = understand_turn(snap, query, history or [], filters)
    cands, _sentences = ranked(snap, assistant, query, u, pool=max(POOL, k + offset))
    cands = cands[offset:offset + k]
    if sort == "date":  # the same relevant page, newest first: never a different set
        cands.sort(key=lambda c: (snap.docs[c.chunk.doc_id].date or "",  # type: ignore[union-attr]
                                  c.score), reverse=True)
    hits = []
    for rank, c in enumerate(cands, start=offset + 1):
        chunk = c.chunk
        assert chunk is not None
        cit = snap.chunk_citation(chunk)
        hits.append(Hit(rank=rank, score=c.score, text=chunk.text, chunk_id=c.chunk_id,
                        citation=cit))
    return hits, u
