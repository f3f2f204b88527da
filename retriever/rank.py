"""The final order of passages: the hybrid's fused order, re-weighed by the best answer
sentence each passage holds.

The sentence scorer (``evidence``) was fitted to pick the sentence that answers; a passage that
holds such a sentence should come first in search too, so that the first hit and the first
quote of an answer agree. Only the head of the list is re-weighed: the rest keep their order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .asks import Listing, answer_kind, asks_back, asks_current_rating, rated_fields
from .evidence import Sentence, candidate_sentences, focus_text, metadata_words
from .grades import GRADE_WORDS
from .kinds import LOOKS_BACK
from .lists import headings_in
from .search import POOL, Candidate, hybrid

if TYPE_CHECKING:
    import numpy as np

    from indexer.stores import Chunk

    from .assistant import Assistant
    from .query import Understood
    from .snapshot import Snapshot

HEAD = 12  # passages re-weighed
SECTION_DOCS = 2  # documents whose listing sections join the head
W_FUSED, W_SENTENCE = 1.0, 0.25  # fitted on the tune half of the dev corpus


def ranked(snap: Snapshot, assistant: Assistant, question: str, u: Understood,
           pool: int = POOL) -> tuple[list[Candidate], list[Sentence]]:
    """Candidates best first, and the scored sentences of the re-weighed head."""
    qvec = assistant.query_vector(u.text)
    cands = hybrid(snap, assistant, u, pool=pool, qvec=qvec)
    head = cands[:HEAD]
    if not head:
        return cands, []
    head += _sections(snap, question, head, qvec)
    ignore = metadata_words(snap, head)
    focus = focus_text(question, ignore)
    fvec = assistant.query_vector(focus) if focus != question else None
    sentences = candidate_sentences(snap, question, head, u.terms, qvec, fvec, ignore,
                                    u.years)
    best: dict[int, float] = {}
    for s in sentences:
        best.setdefault(s.cand.chunk_id, s.score)
    floor = min(best.values(), default=0.0)
    top = head[0].score or 1.0
    for c in head:
        c.score = W_FUSED * c.score / top + W_SENTENCE * best.get(c.chunk_id, floor)
    head.sort(key=lambda c: (c.score, c.dense), reverse=True)
    # The passage the answer quotes first leads the results when that sentence holds the
    # very kind of thing asked for (a count for "how many", a rated field for a rating).
    if sentences and sentences[0].features[3] >= 1.0:
        lead = next((c for c in head if c.chunk_id == sentences[0].cand.chunk_id), None)
        if lead is not None:
            head.remove(lead)
            head.insert(0, lead)
    return head + cands[HEAD:], sentences


def _sections(snap: Snapshot, question: str, head: list[Candidate],
              qvec: np.ndarray) -> list[Candidate]:
    """Passages where a record states what the question's kind asks for, from the best
    documents: under a heading that lists what should change ("What needs to improve",
    "Recommendations"), or, asked for a rating, the rated fields of a judgement table
    ("Overall effectiveness: Good"). A list of short items or a table rarely ranks by its
    words or meaning, yet it is where a record states these."""
    kind = answer_kind(question)
    if isinstance(kind, Listing):
        words, holds = list(kind.WORDS), _lists_changes
    elif asks_current_rating(kind):
        words, holds = list(GRADE_WORDS), _rates
    elif asks_back(kind):
        words, holds = ["previous", "last", "since", "inspection"], _looks_back
    else:
        return []
    docs = list(dict.fromkeys(c.chunk.doc_id for c in head if c.chunk is not None))
    have = {c.chunk_id for c in head}
    ids = [cid for cid, _s in snap.store.keyword_search(words, 40, docs[:SECTION_DOCS])
           if cid not in have]
    chunks = snap.chunks(ids)
    found = [Candidate(cid, head[-1].score, 0.0, None, None, chunks[cid]) for cid in ids
             if cid in chunks and holds(chunks[cid])]
    if not found:
        return []
    vecs = snap.store.chunk_vectors([c.chunk_id for c in found])
    sentences = snap.sentences_of([c.chunk_id for c in found])
    for c in found:
        if c.chunk_id in vecs:
            c.dense = float(vecs[c.chunk_id] @ qvec)
        c.sentences = sentences.get(c.chunk_id, [])
    return found


def _lists_changes(chunk: Chunk) -> bool:
    return any(Listing.SECTION.search(h) for h in _headings(chunk))


def _looks_back(chunk: Chunk) -> bool:
    return bool(LOOKS_BACK.search(chunk.text))


def _rates(chunk: Chunk) -> bool:
    """The passage holds a table of rated fields, not one label and value."""
    return rated_fields(chunk.text) >= 2


def _headings(chunk: Chunk) -> list[str]:
    """A passage's own heading and the heading lines inside it (a section whose heading the
    reader did not take for an item still has its heading line)."""
    return [chunk.item_title or "", *headings_in(chunk.text)]
