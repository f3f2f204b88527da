"""The plain pipelines a user would otherwise write, measured beside ours in the same run.

Each reads the same document text as the index holds, splits it into 1000/200-character
chunks and ranks them: dense (the same model, flat FAISS), BM25, and both fused by reciprocal
rank. A follow-up question is searched together with the previous question, as a plain
pipeline that keeps a conversation would do, so the peers are not handicapped by history.
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .evaluate import Row, _pct, answerable, first_hit, ranking_metrics

if TYPE_CHECKING:
    from .assistant import Assistant

RRF_K = 60


def naive_chunks(texts: list[str]) -> list[str]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    return [c for t in texts for c in splitter.split_text(t)]


class BM25:
    """Okapi BM25 (k1=1.5, b=0.75) over the naive chunks: the keyword-only peer."""

    def __init__(self, docs: list[str]) -> None:
        self.docs = [self._tok(d) for d in docs]
        self.avg = sum(map(len, self.docs)) / max(1, len(self.docs))
        self.df: Counter[str] = Counter(t for d in self.docs for t in set(d))
        self.tf = [Counter(d) for d in self.docs]

    @staticmethod
    def _tok(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    def scores(self, query: str) -> np.ndarray:
        n = len(self.docs)
        out = np.zeros(n)
        for term in set(self._tok(query)):
            df = self.df.get(term)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            for i, tf in enumerate(self.tf):
                f = tf.get(term)
                if f:
                    out[i] += idf * f * 2.5 / (f + 1.5 * (0.25 + 0.75 * len(self.docs[i]) /
                                                          self.avg))
        return out


def rrf(*rankings: list[int], k: int = RRF_K) -> list[int]:
    score: dict[int, float] = {}
    for ranking in rankings:
        for rank, i in enumerate(ranking):
            score[i] = score.get(i, 0.0) + 1.0 / (k + rank)
    return sorted(score, key=lambda i: score[i], reverse=True)


def _query(q: dict[str, Any]) -> str:
    previous = [t.get("question") or t.get("content") for t in q.get("history") or []
                if t.get("question") or t.get("role") == "user"]
    return " ".join([*(p for p in previous[-1:] if p), q["question"]])


def baseline_rows(assistant: Assistant, questions: list[dict[str, Any]]) -> list[Row]:
    from indexer.vectors import faiss_module

    faiss = faiss_module()
    asked = answerable(questions)
    snap = assistant.snapshot
    chunks = naive_chunks([snap.text_of(d) for d in snap.docs])
    embedder = assistant.embedder()
    index = faiss.IndexFlatIP(embedder.dim)
    index.add(embedder.encode(chunks))
    bm25 = BM25(chunks)

    def dense(q: str, n: int = 50) -> list[int]:
        return [int(i) for i in index.search(embedder.encode([q]), n)[1][0] if i >= 0]

    def keyword(q: str, n: int = 50) -> list[int]:
        return [int(i) for i in np.argsort(-bm25.scores(q))[:n]]

    runners: dict[str, Callable[[str], list[int]]] = {
        "naive dense (1000/200 chars, MiniLM, flat)": dense,
        "BM25 alone (same naive chunks)": keyword,
        "RRF hybrid (naive dense + BM25)": lambda q: rrf(dense(q), keyword(q)),
    }
    rows = []
    for name, run in runners.items():
        ranks, lat = [], []
        for q in asked:
            t0 = time.perf_counter()
            ids = run(_query(q))[:10]
            lat.append((time.perf_counter() - t0) * 1000)
            ranks.append(first_hit([chunks[i] for i in ids], q["evidence"]))
        r1, r5, mrr = ranking_metrics(ranks)
        rows.append(Row(name, r1, r5, mrr, None, None, None,
                        statistics.median(lat) if lat else 0.0, _pct(lat, 0.95), len(asked)))
    return rows
