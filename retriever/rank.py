"""The final order of passages: the hybrid's fused order, re-weighed by the best answer
sentence each passage holds.

The sentence scorer (``evidence``) was fitted to pick the sentence that answers; a passage that
holds such a sentence should come first in search too, so that the first hit and the first
quote of an answer agree. Only the head of the list is re-weighed: the rest keep their order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .evidence import Sentence, candidate_sentences, focus_text, metadata_words
from .search import POOL, Candidate, hybrid

if TYPE_CHECKING:
    from .assistant import Assistant
    from .query import Understood
    from .snapshot import Snapshot

HEAD = 12  # passages re-weighed
W_FUSED, W_SENTENCE = 1.0, 0.25  # fitted on the tune half of the dev corpus


def ranked(snap: Snapshot, assistant: Assistant, question: str, u: Understood,
           pool: int = POOL) -> tuple[list[Candidate], list[Sentence]]:
    """Candidates best first, and the scored sentences of the re-weighed head."""
    qvec = assistant.query_vector(u.text)
    cands = hybrid(snap, assistant, u, pool=pool, qvec=qvec)
    head = cands[:HEAD]
    if not head:
        return cands, []
    ignore = metadata_words(snap, head)
    focus = focus_text(question, ignore)
    fvec = assistant.query_vector(focus) if focus != question else None
    sentences = candidate_sentences(snap, question, head, u.terms, qvec, fvec, ignore)
    best: dict[int, float] = {}
    for s in sentences:
        best.setdefault(s.cand.chunk_id, s.score)
    floor = min(best.values(), default=0.0)
    top = head[0].score or 1.0
    for c in head:
        c.score = W_FUSED * c.score / top + W_SENTENCE * best.get(c.chunk_id, floor)
    head.sort(key=lambda c: (c.score, c.dense), reverse=True)
    return head + cands[HEAD:], sentences
