"""Fit the answer-sentence weights of retriever/evidence.py on one set of questions and report
how they do on another, so the figures quoted are never the ones the weights were fitted on.

    python -m bench.fit_answer INDEX --fit TUNE.jsonl --check HELD.jsonl [--check MORE.jsonl]
    python -m bench.fit_answer --fit TUNE.jsonl@DEV_INDEX --fit SET_A.jsonl@A_INDEX \
        --check HELD.jsonl@DEV_INDEX --check SET_F.jsonl@F_INDEX --only year

The weights in use were fitted on the dev tune half and sets A-L, checked on the rest (WORK as
built by ``python -m bench.realsets WORK``; TUNE/HELD by ``python -m bench.devsplit``):

    python -m bench.fit_answer --keep-norm --fit TUNE.jsonl@DEV_INDEX \
        $(for s in a b c d e f g h i j k l; do
          echo --fit bench/data/real_set_$s.jsonl@WORK/real_set_$s/index; done) \
        --check HELD.jsonl@DEV_INDEX ...

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


def scan(data: list[tuple[np.ndarray, np.ndarray]], w: np.ndarray, j: int,
         grid: tuple[float, ...] = (0.0, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1.0, -1.0, 1.5,
                                    -1.5, 2.0, -2.0, 3.0, -3.0)) -> np.ndarray:
    """One weight fitted with the others fixed: the smallest on the grid that reaches the best
    first-sentence figure on ``data`` (a new feature joins without refitting the rest; one
    that marks what does not answer fits below zero)."""
    best, out = -1.0, w.copy()
    for value in grid:
        trial = w.copy()
        trial[j] = value
        score = first_right(data, trial)
        if score > best:
            best, out = score, trial
    return out


def _sets(specs: list[str], default: Path | None) -> list[tuple[str, Path, Path]]:
    """"QUESTIONS" or "QUESTIONS@INDEX" (a set scored on its own index)."""
    out = []
    for spec in specs:
        qfile, _, index = spec.partition("@")
        where = Path(index) if index else default
        if where is None:
            raise SystemExit(f"{spec}: no index (give INDEX or QUESTIONS@INDEX)")
        out.append((spec, Path(qfile), where))
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.fit_answer")
    p.add_argument("index", type=Path, nargs="?")
    p.add_argument("--fit", action="append", required=True,
                   help="QUESTIONS or QUESTIONS@INDEX; repeat to fit on several sets")
    p.add_argument("--check", action="append", default=[], help="as --fit; reported only")
    p.add_argument("--from-current", action="store_true",
                   help="regularise toward the weights in use, skip the coordinate ascent, and "
                        "scale the result to their norm (sentence scores also weigh passages, "
                        "so their scale is kept)")
    p.add_argument("--keep-norm", action="store_true",
                   help="scale a fresh fit to the norm of the weights in use (the first "
                        "sentence of each question is unchanged by scale; passages are not)")
    p.add_argument("--only", choices=FEATURES,
                   help="fit this one weight, the others kept as they are")
    a = p.parse_args(argv)
    from retriever.evidence import WEIGHTS

    opened: dict[Path, Assistant] = {}

    def data_of(qfile: Path, index: Path) -> list[tuple[np.ndarray, np.ndarray]]:
        if index not in opened:
            opened[index] = Assistant.open(index, settings=Settings.from_env(index_dir=index))
        return collect(opened[index], load_questions(qfile))

    fit_sets = [(name, data_of(q, i)) for name, q, i in _sets(a.fit, a.index)]
    fitted = [row for _name, data in fit_sets for row in data]
    if a.only:
        w = scan(fitted, WEIGHTS.astype(float), FEATURES.index(a.only))
    elif a.from_current:
        w = fit(fitted, prior=WEIGHTS, steps=2000)
        w = w * np.linalg.norm(WEIGHTS) / np.linalg.norm(w)
    else:
        w = ascend(fitted, fit(fitted))
        if a.keep_norm:
            w = w * np.linalg.norm(WEIGHTS) / np.linalg.norm(w)

    print("features:", ", ".join(FEATURES))
    print("fitted weights:", np.round(w, 3).tolist())
    checked = [(name, data_of(q, i)) for name, q, i in _sets(a.check, a.index)]
    for name, data in [*fit_sets, *checked]:
        reach = sum(1 for _x, y in data if y.any()) / max(1, len(data))
        kind = "fitted" if any(name == n for n, _d in fit_sets) else "held out"
        print(f"{name} ({kind}): first sentence right {first_right(data, w):.3f} with these "
              f"weights, {first_right(data, WEIGHTS):.3f} with those in use; a positive "
              f"among candidates {reach:.3f}")
    return 0


def _main() -> int:
    """A missing question file or index is one line, not a traceback."""
    from indexer.errors import ScrutinyError

    try:
        return main()
    except ScrutinyError as exc:
        print(f"fit_answer: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(_main())
