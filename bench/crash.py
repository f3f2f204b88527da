"""Crash safety, the long version: SIGKILL `scrutiny index` at random moments of a 10x build.

Before the kills it builds the seed corpus (the "previous index"), records what it answers to
the dev questions, and runs one complete 10x build on a copy (the reference, also timing a
whole build). Then, ``--kills`` times: start the 10x build on the live directory, SIGKILL it
after a random delay in [0, whole build time], and check that

* ``check_index`` finds nothing wrong;
* the live generation is the previous one and answers the dev questions exactly as before, or
  (killed after publishing) is the complete new one, identical to the reference;
* with ``--complete-each``, the next build over the killed directory completes.

A kill that landed after publishing leaves nothing to protect, so the directory is reset to
the previous index before the next kill. At the end the next build completes and must equal
the reference. Prints kills survived and where in the build they landed.

    python bench/crash.py                      # 20 kills, real `scrutiny` CLI and model
    python bench/crash.py --embedder fake      # the same CLI with a fake embedder (fast)
    python bench/crash.py --kills 5 --seed 7 --complete-each
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "reliability")]

from rel_helpers import (  # noqa: E402
    CORPUS,
    FAKE_CLI,
    PYTHON,
    SCRUTINY,
    answers,
    build_and_kill,
    dev_questions,
    index_state,
    make_corpus,
    random_kill_point,
    subprocess_env,
)

from indexer.check import check_index  # noqa: E402


def command(embedder: str, *args: str) -> list[str]:
    if embedder == "fake":
        return [PYTHON, str(FAKE_CLI), *args]
    return [SCRUTINY, *args]


def run(embedder: str, *args: str, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command(embedder, *args), capture_output=True, text=True,
                          timeout=timeout, env=subprocess_env(), cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"`{' '.join(args)}` failed ({done.returncode}):\n{done.stderr}")
    return done


def load_embedder(kind: str) -> Any:
    if kind == "fake":
        from tests.fakes import HashEmbedder

        return HashEmbedder()
    from indexer.embedding import load_embedder as real

    return real()


def fingerprint(index: Path, embedder: Any, questions: list[dict[str, Any]]) -> list[Any]:
    from retriever import Assistant

    assistant = Assistant.open(index, embedder=embedder)
    try:
        return answers(assistant, questions)
    finally:
        assistant.close()


def kill_once(embedder: str, corpus: Path, index: Path, delay: float) -> tuple[bool, str, float]:
    """Start a build, SIGKILL it after ``delay`` s; (killed, last stage seen, seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command(embedder, "index", str(corpus), "--index", str(index)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=subprocess_env(), cwd=ROOT)
    try:
        proc.wait(timeout=delay)
        killed = False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        killed = True
    out, err = proc.communicate()
    stages = [line.split()[1] + " " + line.split()[2] for line in out.splitlines()
              if line.startswith("progress ")]
    if not stages:  # the real CLI prints "  stage: done/total" on stderr as stages finish
        stages = [line.strip() for line in err.splitlines() if ":" in line and "/" in line]
    return killed, (stages[-1] if stages else "start-up"), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--copies", type=int, default=10, help="corpus size, x the seeds")
    parser.add_argument("--embedder", choices=["real", "fake"], default="real")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--points", choices=["time", "events"], default=None,
                        help="kill after a random delay (default with the real model) or at a "
                             "random progress event plus jitter (default with --embedder fake; "
                             "reaches the short save/publish window more often)")
    parser.add_argument("--complete-each", action="store_true",
                        help="after each kill, also run the next build to completion")
    parser.add_argument("--questions", type=int, default=20, help="dev questions compared")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    seed = args.seed if args.seed is not None else random.randrange(1, 10**6)
    rng = random.Random(seed)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="scrutiny-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    print(f"crash test: {args.kills} SIGKILLs, {args.copies}x corpus, {args.embedder} "
          f"embedder, seed {seed}, in {work}", flush=True)
    corpus = make_corpus(work / "corpus", copies=args.copies)
    n_docs = len(list(corpus.glob("*.txt")))
    base, reference, live = work / "base", work / "reference", work / "index"
    for path in (base, reference, live):
        shutil.rmtree(path, ignore_errors=True)
    run(args.embedder, "index", str(CORPUS), "--index", str(base), "--quiet")
    shutil.copytree(base, reference)
    t0 = time.perf_counter()
    run(args.embedder, "index", str(corpus), "--index", str(reference), "--quiet")
    whole = time.perf_counter() - t0
    ref_state = index_state(reference)
    assert check_index(reference) == [], check_index(reference)
    questions = dev_questions()[:args.questions] or [{"question": "foster carers"}]
    embedder = load_embedder(args.embedder)
    base_answers = fingerprint(base, embedder, questions)
    ref_answers = fingerprint(reference, embedder, questions)
    base_state = index_state(base)
    print(f"previous index: {base_state['counts']}; full {n_docs}-document build: "
          f"{whole:.1f}s -> {ref_state['counts']}", flush=True)

    shutil.copytree(base, live)
    survived = 0
    rows: list[dict[str, Any]] = []
    points = args.points or ("events" if args.embedder == "fake" else "time")
    if points == "events" and args.embedder != "fake":
        raise SystemExit("--points events needs --embedder fake (progress lines on stdout)")
    for n in range(1, args.kills + 1):
        before = index_state(live)
        if points == "events":
            event, delay = random_kill_point(rng, n_docs)
            outcome = build_and_kill(corpus, live, event, delay)
            killed, stage = outcome.killed, outcome.at
        else:
            delay = rng.uniform(0.0, whole * 1.05)
            killed, stage, _took = kill_once(args.embedder, corpus, live, delay)
        problems = check_index(live)
        state = index_state(live) if not problems else None
        verdict, landed = "ok", ""
        if problems:
            verdict = "check failed: " + "; ".join(problems[:3])
        elif state == before:
            if fingerprint(live, embedder, questions) != base_answers:
                verdict = "answers changed"
            landed = "old index kept"
        elif state is not None and state["counts"] == ref_state["counts"] \
                and state["documents"] == ref_state["documents"]:
            if fingerprint(live, embedder, questions) != ref_answers:
                verdict = "new index answers differ from the reference"
            landed = "new index published"
        else:
            verdict = f"unexpected index state {state}"
        if verdict == "ok" and args.complete_each:
            trial = work / "trial"
            shutil.rmtree(trial, ignore_errors=True)
            shutil.copytree(live, trial)
            run(args.embedder, "index", str(corpus), "--index", str(trial), "--quiet")
            if check_index(trial) or index_state(trial)["counts"] != ref_state["counts"]:
                verdict = "the next build did not complete correctly"
            shutil.rmtree(trial, ignore_errors=True)
        ok = verdict == "ok"
        survived += ok
        row = {"kill": n, "point": f"{delay:.2f}s" if points == "time" else stage,
               "killed": killed, "stage": stage,
               "result": landed if ok else verdict, "ok": ok}
        rows.append(row)
        where = (f"after {delay:5.1f}s, last stage done: {stage}" if points == "time"
                 else f"at event {stage}")
        print(f"  kill {n:>2}: {'SIGKILL' if killed else 'finished'} {where} -> "
              f"{row['result']}", flush=True)
        if state is not None and state != base_state:
            shutil.rmtree(live)
            shutil.copytree(base, live)
        gens = sorted(p.name for p in live.glob("gen-*"))
        if len(gens) > 8:
            print(f"  note: {len(gens)} generation directories accumulated: {gens}")
    done = run(args.embedder, "index", str(corpus), "--index", str(live), "--quiet")
    final_ok = check_index(live) == [] and index_state(live)["counts"] == ref_state["counts"]
    leftovers = sorted(p.name for p in live.iterdir() if p.name not in (".lock", "CURRENT"))
    summary = {"kills": args.kills, "survived": survived, "final_build_ok": final_ok,
               "seed": seed, "embedder": args.embedder, "documents": n_docs,
               "whole_build_s": round(whole, 1), "leftover_entries": leftovers,
               "elapsed_s": round(time.perf_counter() - t_start, 1), "runs": rows}
    last = done.stdout.strip().splitlines()[-1].strip() if done.stdout.strip() else ""
    print(f"kills survived: {survived}/{args.kills}; next build completed: "
          f"{'yes' if final_ok else 'NO'} ({last}); index dir after it: {leftovers}; "
          f"{summary['elapsed_s']}s in all")
    if args.json:
        print(json.dumps(summary, indent=1))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if survived == args.kills and final_ok else 1


if __name__ == "__main__":
    sys.exit(main())
