"""Helpers shared by the reliability tests and the long scripts in ``bench/``.

Test modules cannot import each other, so what several of them need lives here: making a
larger corpus from the seeds, running the real CLI with the fake embedder (``fake_cli.py``)
as a subprocess that can be killed at a chosen progress event, and the checks that must hold
after any crash (the index opens, passes ``check_index``, answers as before).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FAKE_CLI = Path(__file__).resolve().parent / "fake_cli.py"
DEV_QA = ROOT.parent / "shared" / "eval" / "qa_dev.jsonl"
PYTHON = sys.executable
SCRUTINY = str(Path(sys.executable).with_name("scrutiny"))

_SWAPS = (("the ", "the "), ("meeting", "meeting"), ("Council", "council"),
          ("children", "young people"), ("report", "paper"), ("officers", "staff"),
          ("agreed", "decided"), ("service", "provision"), ("plan", "strategy"),
          ("Members", "Councillors"))


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
               PYTHONUNBUFFERED="1")
    env.pop("SCRUTINY_INDEX", None)
    env.pop("SCRUTINY_API_KEY", None)
    return env


def make_variant(text: str, n: int) -> str:
    """A different but realistic document: a few word swaps and an extra closing item."""
    a, b = _SWAPS[n % len(_SWAPS)]
    varied = text.replace(a, b)
    return (varied + f"\n\n{90 + n}. ANY OTHER BUSINESS\n\nThe Chair thanked everyone for "
            f"attending meeting number {n} of the series. Copy {n} of this record was "
            "filed with the democratic services team.\n")


def make_corpus(dest: Path, copies: int = 10, seeds: Path = CORPUS) -> Path:
    """``copies`` times the seed corpus: the seeds themselves plus ``copies - 1`` variants of
    each, under other names (so about ``copies`` x the bytes and documents)."""
    dest.mkdir(parents=True, exist_ok=True)
    for seed in sorted(seeds.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        (dest / seed.name).write_text(text, encoding="utf-8")
        for n in range(1, copies):
            (dest / f"{seed.stem}-copy{n:02d}.txt").write_text(make_variant(text, n),
                                                               encoding="utf-8")
    return dest


def dev_questions() -> list[dict[str, Any]]:
    if not DEV_QA.exists():
        return []
    return [json.loads(line) for line in DEV_QA.read_text().splitlines() if line.strip()]


def answers(assistant: Any, questions: list[dict[str, Any]], ask: bool = True
            ) -> list[tuple[Any, ...]]:
    """A comparable fingerprint of what the assistant returns for each question."""
    out: list[tuple[Any, ...]] = []
    for q in questions:
        hits = assistant.search(q["question"], k=5).hits
        row: tuple[Any, ...] = tuple((h.citation.doc_id, h.citation.char_start,
                                      h.citation.char_end) for h in hits)
        if ask:
            result = assistant.ask(q["question"])
            row += (result.abstained, tuple((c.citation.doc_id, c.citation.char_start,
                                             c.citation.char_end) for c in result.citations))
        out.append(row)
    return out


def fake_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, str(FAKE_CLI), *args], capture_output=True, text=True,
                          timeout=timeout, env=subprocess_env(), cwd=ROOT)


def real_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCRUTINY, *args], capture_output=True, text=True, timeout=timeout,
                          env=subprocess_env(), cwd=ROOT)


@dataclass
class KillOutcome:
    killed: bool  # False when the build finished before the kill point
    at: str  # the progress event (or time) at which it was killed
    seconds: float
    events: list[str] = field(default_factory=list)


def build_and_kill(corpus: Path, index: Path, kill_after_events: int, extra_delay: float,
                   timeout: float = 600) -> KillOutcome:
    """Start ``fake_cli.py index`` and SIGKILL it ``extra_delay`` s after its n-th progress
    event (0-based); events are ``reading i n``, ``embedding``, ``saving 0 2``, ``saving 2 2``
    (the last one comes after the manifest, before fsync and publish)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([PYTHON, str(FAKE_CLI), "index", str(corpus), "--index", str(index),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=subprocess_env(), cwd=ROOT)
    assert proc.stdout is not None
    events: list[str] = []
    try:
        for line in proc.stdout:
            if line.startswith("progress "):
                events.append(line[9:].strip())
                if len(events) > kill_after_events:
                    if extra_delay:
                        time.sleep(extra_delay)
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=30)
                    killed = proc.returncode == -signal.SIGKILL
                    return KillOutcome(killed, f"{events[-1]} +{extra_delay:.2f}s",
                                       time.perf_counter() - t0, events)
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"build did not reach event {kill_after_events}")
        proc.wait(timeout=30)
        return KillOutcome(False, "finished", time.perf_counter() - t0, events)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def random_kill_point(rng: random.Random, n_files: int) -> tuple[int, float]:
    """A kill point spread over the whole build: any reading step, the embedding, the save,
    or the short window after the manifest is written (fsync, publish, prune)."""
    events = n_files + 1 + 2 + 2  # reading 0..n, embedding start/end, saving 0 and 2
    return rng.randrange(events), rng.choice((0.0, 0.0, rng.uniform(0, 0.05),
                                              rng.uniform(0, 0.5)))


def index_state(index: Path) -> dict[str, Any]:
    """What a reader sees: the live generation and its manifest counts."""
    from indexer import layout

    gen = layout.generation_path(index)
    manifest = layout.read_manifest(gen)
    return {"generation": gen.name, "counts": manifest.get("counts"),
            "documents": sorted(manifest.get("documents", {}))}
