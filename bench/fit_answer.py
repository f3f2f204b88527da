"""Fit the answer-sentence weights of retriever/evidence.py on one set of questions and report
how they do on another, so the figures quoted are never the ones the weights were fitted on.

    python -m bench.fit_answer INDEX --fit TUNE.jsonl --check HELD.jsonl [--check MORE.jsonl]

For every answerable question the pipeline's own candidate sentences are collected with their
features; a sentence is a positive when it contains the question's evidence (normalised as in
``scrutiny eval``). The weights maximise the likelihood of a positive being chosen first among
each question's candidates (a softmax per question, L2-regularised), by gradient descent in
NumPy, then refined by coordinate steps on the first-sentence figure itself. It prints the
weights to paste into evidence.py and first-sentence accuracy on each set.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from indexer.config import Settings
from retriever.answer import PASSAGES
from retriever.assistant import Assistant
from retriever.evaluate import answerable, history_messages, load_questions, norm
from retriever.evidence import FEATURES
from retriever.rank import ranked
from retriever.results import Filters
from retriever.search import understand_turn


def collect(assistant: Assistant, questions: list[dict]) -> list[tuple[np.ndarray, np.ndarray]]:
    """(features, labels) per answerable question that has at least one candidate."""
    snap = assistant.snapshot
    out = []
    for q in answerable(questions):
        u = understand_turn(snap, q["question"], history_messages(q), Filters())
        if u.allowed is not None and not u.allowed:
            out.append((np.zeros((0, len(FEATURES)), "float32"), np.zeros(0)))
            continue
        cands, scored = ranked(snap, assistant, q["question"], u)
        keep = {c.chunk_id for c in cands[:PASSAGES]}
        sents = [s for s in scored if s.cand.chunk_id in keep]
        ev = norm(q["evidence"])
        x = np.array([s.features for s in sents], dtype="float32").reshape(-1, len(FEATURES))
        y = np.array([1.0 if ev in norm(s.text) else 0.0 for s in sents])
        out.append((x, y))
    return out


def fit(data: list[tuple[np.ndarray, np.ndarray]], l2: float = 0.05, steps: int = 3000,
        lr: float = 0.1, prior: np.ndarray | None = None) -> np.ndarray:
    """Softmax fit, L2-regularised toward ``prior`` (the weights in use) when given, else
    toward zero: with few questions, a refit that stays near what already works moves only
    where the fitted half gives it reason to."""
    usable = [(x, y) for x, y in data if len(y) and y.any()]
    anchor = np.zeros(len(FEATURES)) if prior is None else prior.astype(float)
    w = anchor.copy()
    for _ in range(steps):
        grad = l2 * (w - anchor)
        for x, y in usable:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            target = y / y.sum()
            grad += x.T @ (p - target) / len(usable)
        w -= lr * grad
    return w


def ascend(data: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray,
           rounds: int = 3) -> np.ndarray:
    """Refine the softmax fit on what is reported (the first sentence right) by coordinate
    steps: the likelihood rewards ranking every positive high, the figure only the first."""
    w = w.copy()
    best = first_right(data, w)
    for _ in range(rounds):
        for j in range(len(w)):
            for step in (-1.0, -0.5, -0.25, 0.25, 0.5, 1.0):
                trial = w.copy()
                trial[j] += step
                score = first_right(data, trial)
                if score > best:
                    best, w = score, trial
    return w


def first_right(data: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray) -> float:
    ok = sum(1 for x, y in data if len(y) and y[int(np.argmax(x @ w))] > 0)
    return ok / max(1, len(data))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fit_answer")
    p.add_argument("index", type=Path)
    p.add_argument("--fit", type=Path, required=True)
    p.add_argument("--check", type=Path, action="append", default=[])
    p.add_argument("--from-current", action="store_true",
                   help="regularise toward the weights in use, skip the coordinate ascent, and "
                        "scale the result to their norm (sentence scores also weigh passages, "
                        "so their scale is kept)")
    a = p.parse_args(argv)
    from retriever.evidence import WEIGHTS

    assistant = Assistant.open(a.index, settings=Settings.from_env(index_dir=a.index))
    fitted = collect(assistant, load_questions(a.fit))
    if a.from_current:
        w = fit(fitted, prior=WEIGHTS, steps=2000)
        w = w * np.linalg.norm(WEIGHTS) / np.linalg.norm(w)
    else:
        w = ascend(fitted, fit(fitted))

    print("features:", ", ".join(FEATURES))
    print("fitted weights:", np.round(w, 3).tolist())
    for name, data in [(str(a.fit), fitted)] + [(str(c), collect(assistant, load_questions(c)))
                                                 for c in a.check]:
        reach = sum(1 for _x, y in data if y.any()) / max(1, len(data))
        print(f"{name}: first sentence right {first_right(data, w):.3f} fitted, "
              f"{first_right(data, WEIGHTS):.3f} current; a positive among candidates {reach:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
