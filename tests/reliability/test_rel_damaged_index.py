"""Using a damaged index (issue 7): queries and plain builds over it fail with one clear
ScrutinyError that says how to repair, never a raw SQLite or faiss exception; and killed
builds do not pile up abandoned generations on disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rel_helpers import CORPUS, build_and_kill, make_variant

from indexer import layout
from indexer.build import build_index
from indexer.config import Settings
from indexer.errors import ScrutinyError
from retriever import Assistant


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as fh:
        fh.truncate(size)


def _sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement)
    conn.close()


DAMAGE = {
    "records truncated": lambda g: _truncate(g / layout.RECORDS, 40_000),
    "vectors truncated": lambda g: _truncate(g / layout.VECTORS, 1000),
    "vectors deleted": lambda g: (g / layout.VECTORS).unlink(),
    "sentence vectors truncated": lambda g: _sql(g / layout.RECORDS, (
        "UPDATE embed_cache SET vec = substr(vec, 1, 100) WHERE hash IN "
        "(SELECT embed_hash FROM sentences)")),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_queries_on_a_damaged_index(damage: str, fake_index: Path, hash_embedder) -> None:
    DAMAGE[damage](layout.generation_path(fake_index))
    try:
        assistant = Assistant.open(fake_index, embedder=hash_embedder)
        try:
            assistant.search("foster carers")
            assistant.ask("What was agreed about foster carers?")
        finally:
            assistant.close()
    except ScrutinyError as exc:  # a raw sqlite3/faiss error fails the test
        assert "scrutiny index --rebuild" in str(exc) or "scrutiny check" in str(exc), exc
        return
    pytest.fail(f"{damage}: queries ran on a damaged index without any error")


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_plain_build_over_a_damaged_index(damage: str, fake_index: Path, tmp_path: Path,
                                          hash_embedder) -> None:
    """`scrutiny index` (no --rebuild) with a changed file: repairs by building afresh, or
    refuses clearly; either way the result is a usable index or a ScrutinyError."""
    from indexer.check import check_index

    corpus = tmp_path / "corpus"  # one kept seed, one new file (four seeds removed)
    corpus.mkdir()
    bury = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    (corpus / bury.name).write_bytes(bury.read_bytes())
    (corpus / "new.txt").write_text(make_variant(bury.read_text(), 8))
    DAMAGE[damage](layout.generation_path(fake_index))
    try:
        build_index([corpus], Settings(index_dir=fake_index), embedder=hash_embedder)
    except ScrutinyError as exc:  # a raw sqlite3/faiss error fails the test
        assert "--rebuild" in str(exc), exc
        return
    assert check_index(fake_index) == []


def test_killed_builds_do_not_pile_up(fake_index: Path, big_corpus: Path) -> None:
    live = layout.current_generation(fake_index)
    for _ in range(3):
        outcome = build_and_kill(big_corpus, fake_index, kill_after_events=3, extra_delay=0.0)
        assert outcome.killed
    gens = sorted(p.name for p in fake_index.glob("gen-*") if p.name != live)
    assert len(gens) <= 1, f"abandoned generations pile up: {gens}"
