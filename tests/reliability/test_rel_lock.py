"""Two builds at once: the second refuses with a clear IndexLockedError (or waits with
wait=True), never interleaves; a killed lock holder releases the lock (issue 7)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from rel_helpers import (
    CORPUS,
    FAKE_CLI,
    PYTHON,
    ROOT,
    fake_cli,
    index_state,
    make_variant,
    subprocess_env,
)

from indexer.build import build_index
from indexer.check import check_index
from indexer.config import Settings
from indexer.errors import IndexLockedError


def _start_holder(corpus: Path, index: Path) -> subprocess.Popen[str]:
    """A build in another process, returned once it holds the lock (first progress line)."""
    proc = subprocess.Popen([PYTHON, str(FAKE_CLI), "index", str(corpus), "--index", str(index),
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=dict(subprocess_env(), FAKE_CLI_PROGRESS_DELAY="0.2"),
                            cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("progress "), line
    return proc


def test_second_build_refuses_then_waits(fake_index: Path, big_corpus: Path, tmp_path: Path,
                                         hash_embedder) -> None:
    second = tmp_path / "second"  # what the second build indexes: the seeds and one more
    second.mkdir()
    for seed in CORPUS.glob("*.txt"):
        shutil.copy(seed, second / seed.name)
    bury = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    (second / "extra.txt").write_text(make_variant(bury.read_text(), 5))
    before = index_state(fake_index)
    holder = _start_holder(big_corpus, fake_index)
    try:
        settings = Settings(index_dir=fake_index)
        with pytest.raises(IndexLockedError) as refused:
            build_index([CORPUS], settings, embedder=hash_embedder)
        assert "Another build is already updating" in str(refused.value)
        assert "--wait" in str(refused.value)

        cli = fake_cli("index", str(CORPUS), "--index", str(fake_index), "--quiet")
        assert cli.returncode == 2, cli.stdout + cli.stderr
        assert cli.stderr.startswith("scrutiny: Another build is already updating")
        assert "Traceback" not in cli.stderr

        result: dict[str, object] = {}

        def waiting_build() -> None:
            try:
                result["report"] = build_index([second], settings, embedder=hash_embedder,
                                               wait=True)
            except BaseException as exc:  # surfaced by the assertion below
                result["error"] = exc

        waiter = threading.Thread(target=waiting_build, daemon=True)
        waiter.start()
        time.sleep(1.0)
        assert holder.poll() is None, "the holder finished too early for this test"
        assert waiter.is_alive() and not result, "the second build did not wait for the lock"
        assert index_state(fake_index) == before  # nothing interleaved meanwhile
        # The holder dies mid-build: the kernel drops its lock and the waiter goes ahead.
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        waiter.join(timeout=180)
        assert not waiter.is_alive(), "the waiting build never got the lock"
        assert "error" not in result, result.get("error")
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    after = index_state(fake_index)
    assert after["generation"] > before["generation"]
    assert after["counts"]["documents"] == 6
    assert check_index(fake_index) == []
