"""SIGKILL during builds: the previous index stays complete, checkable and answering as before,
and the next build completes (issue 7, "Crash safety"). ``bench/crash.py`` does 20 kills."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from rel_helpers import (
    SCRUTINY,
    answers,
    build_and_kill,
    dev_questions,
    fake_cli,
    index_state,
    make_variant,
    random_kill_point,
    real_cli,
    subprocess_env,
)

from indexer.check import check_index
from retriever import Assistant

SEED = int(os.environ.get("SCRUTINY_KILL_SEED", "0")) or random.randrange(1, 10**6)


def _assert_intact(index: Path, embedder, before_state: dict, before_answers: list,
                   expected_docs: int, questions: list[dict]) -> str:
    """After a kill the index is the old one, or (killed after publishing) the complete new
    one; either way it passes the check and answers. Returns which one it was."""
    assert check_index(index) == []
    state = index_state(index)
    assistant = Assistant.open(index, embedder=embedder)
    try:
        got = answers(assistant, questions)
    finally:
        assistant.close()
    if state["generation"] == before_state["generation"]:
        assert state == before_state
        assert got == before_answers
        return "old"
    assert state["counts"]["documents"] == expected_docs
    return "new"


def test_random_sigkills_of_a_10x_build(tmp_path: Path, seed_fake_index: Path, big_corpus: Path,
                                        hash_embedder) -> None:
    """Three SIGKILLs at random progress points of a 10x build (fake embedder, real CLI code);
    reproduce with SCRUTINY_KILL_SEED."""
    rng = random.Random(SEED)
    questions = dev_questions()[:8] or [{"question": "foster carers"}]
    n_files = len(list(big_corpus.glob("*.txt")))
    index = tmp_path / "index"
    shutil.copytree(seed_fake_index, index)
    outcomes = []
    for _ in range(3):
        before_state = index_state(index)
        assistant = Assistant.open(index, embedder=hash_embedder)
        before_answers = answers(assistant, questions)
        assistant.close()
        events, delay = random_kill_point(rng, n_files)
        outcome = build_and_kill(big_corpus, index, events, delay)
        which = _assert_intact(index, hash_embedder, before_state, before_answers, n_files,
                               questions)
        outcomes.append((outcome.at, outcome.killed, which))
        if which == "new":  # start the next cycle from the old index again
            shutil.rmtree(index)
            shutil.copytree(seed_fake_index, index)
    print(f"seed={SEED} kills={outcomes}")
    final = fake_cli("index", str(big_corpus), "--index", str(index), "--quiet")
    assert final.returncode == 0, final.stderr
    assert check_index(index) == []
    state = index_state(index)
    assert state["counts"]["documents"] == n_files
    assert state["documents"] == sorted(p.name for p in big_corpus.glob("*.txt"))
    gens = sorted(p.name for p in index.glob("gen-*"))
    assert len(gens) <= 2, f"abandoned generations were not pruned: {gens}"


@pytest.mark.integration
def test_sigkill_real_cli_with_model(tmp_path: Path, writable_index: Path, corpus_dir: Path,
                                     real_embedder) -> None:
    """The real `scrutiny index` (real model) killed mid-build over the real-model index."""
    rng = random.Random(SEED)
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    for seed in sorted(corpus_dir.glob("*.txt"))[:2]:
        (corpus / f"{seed.stem}-copy.txt").write_text(make_variant(seed.read_text(), 3))
    questions = dev_questions()[:8] or [{"question": "foster carers"}]
    before_state = index_state(writable_index)
    assistant = Assistant.open(writable_index, embedder=real_embedder)
    before_answers = answers(assistant, questions)
    assistant.close()

    # Without --quiet and without a terminal the CLI prints "  reading: 7/7" etc. on stderr as
    # each stage ends. Kill either early (model loading, reading) or just after reading
    # (embedding, saving, publishing), at a random moment.
    proc = subprocess.Popen([SCRUTINY, "index", str(corpus), "--index", str(writable_index)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=subprocess_env())
    watchdog = threading.Timer(600, proc.kill)
    watchdog.start()
    try:
        if rng.random() < 0.5:
            delay, where = rng.uniform(0.5, 4.0), "from the start"
            time.sleep(delay)
        else:
            delay, where = rng.uniform(0.0, 1.5), "after reading"
            assert proc.stderr is not None
            for line in proc.stderr:
                if "reading:" in line:
                    break
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        watchdog.cancel()
    assert check_index(writable_index) == []
    state = index_state(writable_index)
    if state["generation"] == before_state["generation"]:
        assert state == before_state
        assistant = Assistant.open(writable_index, embedder=real_embedder)
        assert answers(assistant, questions) == before_answers
        assistant.close()
    done = real_cli("index", str(corpus), "--index", str(writable_index), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert check_index(writable_index) == []
    assert index_state(writable_index)["counts"]["documents"] == 7
    print(f"seed={SEED} killed {delay:.1f}s {where} (returncode {proc.returncode})")
