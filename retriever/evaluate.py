"""Evaluation on question files: retrieval recall and MRR, answer support, abstention, latency.

Figures that flatter are worse than none, so: evidence is matched after the normalisation a
reader would accept (case, whitespace, curly quotes, dashes, ligatures, and punctuation, as
SQuAD's scorer ignores it: "Overall effectiveness Inadequate", as another PDF reader gives a
judgement line, is the same words as "Overall effectiveness: Inadequate"), follow-up questions
are asked with their ``history``, answerable and unanswerable questions are reported apart,
and ``--baseline`` runs, in the same process on the same document text, the pipelines a user
would otherwise pick (naive dense, BM25, and their reciprocal-rank fusion).
"""

from __future__ import annotations

import json
import math
import statistics
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.errors import ScrutinyError

from .assistant import Assistant

_SOFT_HYPHEN = str.maketrans({"\u00ad": None})  # a line-break hint, not a character


def norm(text: str) -> str:
    """Text as compared for evidence: NFKC (ligatures, non-breaking spaces), lower case, every
    punctuation mark a space, single spaces. Only the words and their order must match, so a
    colon a reader put between a label and its value, or a curly quote or a dash for a hyphen,
    does not decide whether a quote holds the answer."""
    folded = unicodedata.normalize("NFKC", text).translate(_SOFT_HYPHEN).lower()
    return " ".join("".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch
                            for ch in folded).split())


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


def history_messages(q: dict[str, Any]) -> list[dict[str, str]]:
    """A question file's ``history`` ([{question, answer}] or chat messages) as chat messages."""
    out: list[dict[str, str]] = []
    for turn in q.get("history") or []:
        if "role" in turn:
            out.append({"role": str(turn["role"]), "content": str(turn.get("content", ""))})
            continue
        out.append({"role": "user", "content": str(turn.get("question", ""))})
        if turn.get("answer"):
            out.append({"role": "assistant", "content": str(turn["answer"])})
    return out


def answerable(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for q in questions if q.get("answerable", True) and q.get("evidence")]


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
    followup_support: float | None = None  # first quote holds the answer, follow-ups only
    details: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in
                {s: getattr(self, s) for s in self.__slots__ if s != "details"}.items()}


def first_hit(texts: list[str], evidence: str) -> int | None:
    ev = norm(evidence)
    return next((i for i, t in enumerate(texts[:10]) if ev in norm(t)), None)


def ranking_metrics(ranks: list[int | None]) -> tuple[float, float, float]:
    n = max(1, len(ranks))
    r1 = sum(r == 0 for r in ranks) / n
    r5 = sum(r is not None and r < 5 for r in ranks) / n
    mrr = sum(1.0 / (r + 1) for r in ranks if r is not None) / n
    return r1, r5, mrr


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(math.ceil(q * len(ordered))) - 1)]


def evaluate_assistant(assistant: Assistant, questions: list[dict[str, Any]]) -> Row:
    asked = answerable(questions)
    unanswerable = [q for q in questions if not q.get("answerable", True)]
    assistant.warm_up()
    ranks: list[int | None] = []
    latencies: list[float] = []
    details: list[dict[str, Any]] = []
    support = answered = follow_n = follow_ok = 0
    for q in asked:
        history = history_messages(q)
        # ask first: its latency must include embedding the question, not a cached vector.
        t0 = time.perf_counter()
        result = assistant.ask(q["question"], history=history)
        latencies.append((time.perf_counter() - t0) * 1000)
        hits = assistant.search(q["question"], k=10, history=history).hits
        rank = first_hit([h.text for h in hits], q["evidence"])
        ranks.append(rank)
        answered += not result.abstained
        ok = bool(result.citations) and norm(q["evidence"]) in norm(result.citations[0].quote)
        support += ok
        if history:
            follow_n += 1
            follow_ok += ok
        details.append({"qid": q.get("qid"), "question": q["question"], "rank": rank,
                        "supported": ok, "abstained": result.abstained,
                        "first_quote": result.citations[0].quote if result.citations else None,
                        "evidence": q["evidence"]})
    abstained = 0
    for q in unanswerable:
        t0 = time.perf_counter()
        result = assistant.ask(q["question"], history=history_messages(q))
        latencies.append((time.perf_counter() - t0) * 1000)
        abstained += result.abstained
        details.append({"qid": q.get("qid"), "question": q["question"], "unanswerable": True,
                        "abstained": result.abstained, "answer": result.answer[:300]})
    r1, r5, mrr = ranking_metrics(ranks)
    return Row("scrutiny-assistant", r1, r5, mrr,
               support / len(asked) if asked else None,
               abstained / len(unanswerable) if unanswerable else None,
               answered / len(asked) if asked else None,
               statistics.median(latencies) if latencies else 0.0, _pct(latencies, 0.95),
               len(questions), follow_ok / follow_n if follow_n else None, details)


def format_table(rows: list[Row]) -> str:
    def f(v: float | None) -> str:
        return "  -  " if v is None else f"{v:.3f}"

    head = (f"{'pipeline':<44} {'R@1':>6} {'R@5':>6} {'MRR@10':>7} {'support':>8} "
            f"{'follow':>7} {'abstain':>8} {'answered':>9} {'p50 ms':>7} {'p95 ms':>7}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r.name[:44]:<44} {f(r.recall_at_1):>6} {f(r.recall_at_5):>6} "
                     f"{f(r.mrr_at_10):>7} {f(r.answer_support):>8} "
                     f"{f(r.followup_support):>7} {f(r.abstention_accuracy):>8} "
                     f"{f(r.answered_rate):>9} "
                     f"{r.latency_p50_ms:>7.1f} {r.latency_p95_ms:>7.1f}")
    return "\n".join(lines)


def baseline_rows(assistant: Assistant, questions: list[dict[str, Any]]) -> list[Row]:
    from .baselines import baseline_rows as run

    return run(assistant, questions)
