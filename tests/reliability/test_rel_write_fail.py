"""A failure to write (full disk) gives a clear IndexWriteError and leaves the old index intact
and answering (issue 7). A real full disk uses a small tmpfs (root only; skipped otherwise);
the per-stage cases inject the error each writer raises, so they run anywhere."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rel_helpers import CORPUS, fake_cli, index_state, make_variant

from indexer import build, layout, store, vectors
from indexer.build import build_index
from indexer.check import check_index
from indexer.config import Settings
from indexer.errors import IndexWriteError
from retriever import Assistant

QUERIES = ("foster carers", "CAMHS waiting times", "improvement notice lifted")


@pytest.fixture(scope="module")
def changed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus one new document: the build must write a whole new generation."""
    dest = tmp_path_factory.mktemp("changed")
    for seed in CORPUS.glob("*.txt"):
        shutil.copy(seed, dest / seed.name)
    bury = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    (dest / "new-minutes.txt").write_text(make_variant(bury.read_text(), 4))
    return dest


def _fingerprint(index: Path, embedder) -> tuple:
    assistant = Assistant.open(index, embedder=embedder)
    try:
        return tuple(tuple(h.chunk_id for h in assistant.search(q, k=5).hits) for q in QUERIES)
    finally:
        assistant.close()


def _assert_old_intact(index: Path, before: dict, answers: tuple, embedder) -> None:
    assert index_state(index) == before
    assert check_index(index) == []
    assert _fingerprint(index, embedder) == answers
    live = layout.current_generation(index)
    stray = [p.name for p in index.glob("gen-*") if p.name != live]
    assert not stray, f"failed build left generations behind: {stray}"


# -- injected failures at each writing stage ---------------------------------------------------

def _enospc(*_a: object, **_k: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def _sqlite_full(*_a: object, **_k: object) -> None:
    raise sqlite3.OperationalError("database or disk is full")


def _faiss_write_error(*_a: object, **_k: object) -> None:
    # What faiss.write_index raises on a full disk (observed on a tmpfs): not an OSError.
    raise RuntimeError("Error in void faiss::write_index(const Index*, IOWriter*, int) at "
                       "index_write.cpp:499: Error: 'ret == (size * 4)' failed: write error")


STAGES = {
    "copy records": lambda mp: mp.setattr(build.shutil, "copyfile", _enospc),
    "sqlite insert": lambda mp: mp.setattr(store, "insert_document", _sqlite_full),
    "faiss save (OSError)": lambda mp: mp.setattr(vectors, "save", _enospc),
    "faiss save (faiss RuntimeError)": lambda mp: mp.setattr(vectors, "save",
                                                             _faiss_write_error),
    "manifest": None,  # patched below: Path.write_text of manifest.json only
    "publish CURRENT": lambda mp: mp.setattr(os, "replace", _enospc),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_write_failure_at_each_stage(stage: str, fake_index: Path, changed_corpus: Path,
                                     hash_embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    before = index_state(fake_index)
    answers = _fingerprint(fake_index, hash_embedder)
    if stage == "manifest":
        original = Path.write_text

        def write_text(self: Path, *args: object, **kwargs: object) -> int:
            if self.name == layout.MANIFEST:
                _enospc()
            return original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "write_text", write_text)
    else:
        STAGES[stage](monkeypatch)  # type: ignore[misc]
    try:
        build_index([changed_corpus], Settings(index_dir=fake_index), embedder=hash_embedder)
    except IndexWriteError as exc:
        message = str(exc)
    else:
        pytest.fail(f"{stage}: the build reported success")
    monkeypatch.undo()
    assert "disk is full" in message and "unchanged" in message, message
    _assert_old_intact(fake_index, before, answers, hash_embedder)
    # Space again: the next build completes.
    report = build_index([changed_corpus], Settings(index_dir=fake_index),
                         embedder=hash_embedder)
    assert report.documents_total == 6 and check_index(fake_index) == []


# -- a real full disk ------------------------------------------------------------------------------

@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """Mount tmpfs file systems of a given size (root only)."""
    mounted: list[Path] = []

    def mount(size: int) -> Path:
        where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'not root'})")
        mounted.append(where)
        return where

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a size-limited tmpfs needs root")
    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_full_disk_tmpfs(small_disk, seed_fake_index: Path, changed_corpus: Path,
                         hash_embedder) -> None:
    """The live index fills most of a small disk; builds that run out of space at different
    stages (copying records, writing SQLite, FAISS, the manifest, CURRENT) all fail cleanly."""
    gen = layout.generation_path(seed_fake_index)
    gen_size = sum(p.stat().st_size for p in gen.iterdir())
    outcomes = []
    # A fine sweep near 1.0 so every stage's failure is met even when index sizes change.
    for headroom in (0.05, 0.5, *(round(0.86 + 0.02 * i, 2) for i in range(10)), 1.2):
        disk = small_disk(int(gen_size * (1 + headroom)) + 128 * 1024)
        index = disk / "index"
        shutil.copytree(seed_fake_index, index)
        before = index_state(index)
        answers = _fingerprint(index, hash_embedder)
        try:
            build_index([changed_corpus], Settings(index_dir=index), embedder=hash_embedder)
            outcomes.append((headroom, "built"))
            assert check_index(index) == [] and index_state(index)["counts"]["documents"] == 6
            continue
        except IndexWriteError as exc:
            outcomes.append((headroom, "IndexWriteError"))
            assert "disk is full" in str(exc)
        _assert_old_intact(index, before, answers, hash_embedder)
    print("tmpfs outcomes:", outcomes)
    assert any(o == "IndexWriteError" for _, o in outcomes)
    # Through the CLI: one line, no traceback.
    disk = small_disk(int(gen_size * 1.05) + 128 * 1024)
    shutil.copytree(seed_fake_index, disk / "index")
    done = fake_cli("index", str(changed_corpus), "--index", str(disk / "index"), "--quiet")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().startswith("scrutiny: Cannot write the index")
    assert check_index(disk / "index") == []
