"""Evaluation on question files: retrieval recall and MRR, answer support, abstention, latency.

``--baseline`` runs, in the same process on the same corpus, the pipelines a user would
otherwise pick: naive 1000/200 character splits with the same model and flat FAISS, and BM25
alone, so our figures are always read against theirs.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.errors import ScrutinyError

from .assistant import Assistant


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ScrutinyError(f"Cannot read {path}: {exc.strerror}") from None
    out = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise ScrutinyError(f"{path}:{n} is not valid JSON") from None
        if "question" not in item:
            raise ScrutinyError(f"{path}:{n} has no 'question' field")
        out.append(item)
    return out


@dataclass(slots=True)
class Row:
    name: str
    recall_at_1: float
    recall_at_5: float
    mrr_at_10: float
    answer_support: float | None
    abstention_accuracy: float | None
    answered_rate: float | None
    latency_p50_ms: float
    latency_p95_ms: float
    questions: int

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in
                {s: getattr(self, s) for s in self.__slots__}.items()}


def _ranking_metrics(rankings: list[list[str]], evidences: list[str]) -> tuple[float, ...]:
    r1 = r5 = mrr = 0.0
    for texts, evidence in zip(rankings, evidences, strict=True):
        ev = norm(evidence)
        ranks = [i for i, t in enumerate(texts[:10]) if ev in norm(t)]
        if ranks:
            r1 += ranks[0] == 0
            r5 += ranks[0] < 5
            mrr += 1.0 / (ranks[0] + 1)
    n = max(1, len(evidences))
    return r1 / n, r5 / n, mrr / n


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]


def evaluate_assistant(assistant: Assistant, questions: list[dict[str, Any]]) -> Row:
    answerable = [q for q in questions if q.get("answerable", True) and q.get("evidence")]
    unanswerable = [q for q in questions if not q.get("answerable", True)]
    assistant.warm_up()
    rankings, support, latencies = [], 0, []
    answered = 0
    for q in answerable:
        # ask first: its latency must include embedding the question, not a cached vector.
        t0 = time.perf_counter()
        result = assistant.ask(q["question"])
        latencies.append((time.perf_counter() - t0) * 1000)
        rankings.append([h.text for h in assistant.search(q["question"], k=10).hits])
        answered += not result.abstained
        if result.citations and norm(q["evidence"]) in norm(result.citations[0].quote):
            support += 1
    abstained = 0
    for q in unanswerable:
        t0 = time.perf_counter()
        result = assistant.ask(q["question"])
        latencies.append((time.perf_counter() - t0) * 1000)
        abstained += result.abstained
    r1, r5, mrr = _ranking_metrics(rankings, [q["evidence"] for q in answerable])
    return Row("scrutiny-assistant", r1, r5, mrr,
               support / len(answerable) if answerable else None,
               abstained / len(unanswerable) if unanswerable else None,
               answered / len(answerable) if answerable else None,
               statistics.median(latencies) if latencies else 0.0, _pct(latencies, 0.95),
               len(questions))


# -- baselines --------------------------------------------------------------------------------
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


def baseline_rows(assistant: Assistant, questions: list[dict[str, Any]]) -> list[Row]:
    from indexer.vectors import faiss_module

    faiss = faiss_module()

    answerable = [q for q in questions if q.get("answerable", True) and q.get("evidence")]
    snap = assistant.snapshot
    texts = [snap.text_of(d) for d in snap.docs]
    chunks = naive_chunks(texts)
    embedder = assistant.embedder()
    index = faiss.IndexFlatIP(embedder.dim)
    index.add(embedder.encode(chunks))
    bm25 = BM25(chunks)
    rows = []
    runners: dict[str, Callable[[str], list[int]]] = {
        "naive (1000/200 chars, MiniLM, flat FAISS)":
            lambda q: list(index.search(embedder.encode([q]), 10)[1][0]),
        "BM25 alone (same naive chunks)":
            lambda q: list(np.argsort(-bm25.scores(q))[:10]),
    }
    for name, run in runners.items():
        rankings, lat = [], []
        for q in answerable:
            t0 = time.perf_counter()
            ids = run(q["question"])
            lat.append((time.perf_counter() - t0) * 1000)
            rankings.append([chunks[i] for i in ids if i >= 0])
        r1, r5, mrr = _ranking_metrics(rankings, [q["evidence"] for q in answerable])
        rows.append(Row(name, r1, r5, mrr, None, None, None, statistics.median(lat),
                        _pct(lat, 0.95), len(answerable)))
    return rows


def format_table(rows: list[Row]) -> str:
    def f(v: float | None) -> str:
        return "  -  " if v is None else f"{v:.3f}"

    head = (f"{'pipeline':<44} {'R@1':>6} {'R@5':>6} {'MRR@10':>7} {'support':>8} "
            f"{'abstain':>8} {'answered':>9} {'p50 ms':>7} {'p95 ms':>7}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r.name[:44]:<44} {f(r.recall_at_1):>6} {f(r.recall_at_5):>6} "
                     f"{f(r.mrr_at_10):>7} {f(r.answer_support):>8} "
                     f"{f(r.abstention_accuracy):>8} {f(r.answered_rate):>9} "
                     f"{r.latency_p50_ms:>7.1f} {r.latency_p95_ms:>7.1f}")
    return "\n".join(lines)
