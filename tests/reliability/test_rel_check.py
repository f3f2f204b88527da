"""`scrutiny check`: says exactly what is wrong with a damaged index, and
`scrutiny index --rebuild` repairs whatever it reports (issue 7)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from rel_helpers import CORPUS, fake_cli, real_cli

from indexer import layout, vectors
from indexer.check import check_index
from retriever import Assistant


def _gen(index: Path) -> Path:
    return layout.generation_path(index)


def _sql(index: Path, statement: str) -> None:
    conn = sqlite3.connect(_gen(index) / layout.RECORDS)
    conn.execute(statement)
    conn.commit()
    conn.close()


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as fh:
        fh.truncate(size)


def _scribble(path: Path, offset: int, data: bytes) -> None:
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def _sql(index: Path, statement: str) -> None:
    conn = sqlite3.connect(_gen(index) / layout.RECORDS)
    with conn:
        conn.execute(statement)
    conn.close()


def _extra_vector(index: Path) -> None:
    path = _gen(index) / layout.VECTORS
    faiss_index = vectors.load(path)
    vectors.add(faiss_index, [987654], np.ones((1, faiss_index.d), dtype="float32"))
    vectors.save(faiss_index, path)


def _manifest(index: Path, **changes: object) -> None:
    path = _gen(index) / layout.MANIFEST
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


Corruption = Callable[[Path], None]
CASES: dict[str, tuple[Corruption, str]] = {
    "records truncated": (lambda i: _truncate(_gen(i) / layout.RECORDS, 40_000),
                          "records.sqlite is not a readable SQLite database"),
    "records scribbled": (lambda i: _scribble(_gen(i) / layout.RECORDS, 300_000,
                                              b"\xff" * 8192), "records.sqlite"),
    "records deleted": (lambda i: (_gen(i) / layout.RECORDS).unlink(),
                        "records.sqlite is missing"),
    "vectors deleted": (lambda i: (_gen(i) / layout.VECTORS).unlink(),
                        "vectors.faiss is missing"),
    "vectors truncated": (lambda i: _truncate(_gen(i) / layout.VECTORS, 1000),
                          "vectors.faiss cannot be read as a FAISS index (truncated"),
    "sentence vectors deleted": (lambda i: _sql(i, "DELETE FROM embed_cache WHERE hash IN "
                                                   "(SELECT embed_hash FROM sentences LIMIT 3)"),
                                 "3 sentence rows have no vector"),
    "extra vector": (_extra_vector, "vectors.faiss holds {n_plus} vectors but "
                                    "records.sqlite has {n} chunk rows"),
    "CURRENT to missing generation": (lambda i: (i / layout.CURRENT).write_text("gen-000042\n"),
                                      "CURRENT names gen-000042, but"),
    "CURRENT empty": (lambda i: (i / layout.CURRENT).write_text(""), "CURRENT is empty"),
    "CURRENT escapes": (lambda i: (i / layout.CURRENT).write_text("../../etc\n"),
                        "not a generation directory name"),
    "CURRENT deleted": (lambda i: (i / layout.CURRENT).unlink(), "CURRENT is missing"),
    "manifest deleted": (lambda i: (_gen(i) / layout.MANIFEST).unlink(),
                         "manifest.json is missing"),
    "manifest garbage": (lambda i: (_gen(i) / layout.MANIFEST).write_text("{not json"),
                         "manifest.json is unreadable or not valid JSON"),
    "manifest schema": (lambda i: _manifest(i, schema_version=99), "schema version 99"),
    "manifest counts": (lambda i: _manifest(i, counts={"documents": 5, "chunks": 1,
                                                       "sentences": 0}),
                        "says 1 chunks but records.sqlite has {n}"),
    "chunk text edited": (lambda i: _sql(i, "UPDATE chunks SET text = 'forged' WHERE "
                                            "chunk_id = 7"),
                          "Chunk 7 of document"),
    "chunk span outside": (lambda i: _sql(i, "UPDATE chunks SET char_end = 10000000 WHERE "
                                             "chunk_id = 3"),
                           "span"),
    "sentence span outside": (lambda i: _sql(i, "UPDATE sentences SET char_start = -5 WHERE "
                                                "sent_id = 2"),
                              "Sentence 2 of document"),
    "fts row missing": (lambda i: _sql(i, "DELETE FROM chunks_fts WHERE rowid = 5"),
                        "chunks_fts has {n_minus} rows but there are {n} chunk rows"),
    "chunk row missing": (lambda i: _sql(i, "DELETE FROM chunks WHERE chunk_id = 5"),
                          "vectors.faiss holds {n} vectors but records.sqlite has {n_minus}"),
}
REPAIRED_BY_CLI = {"records truncated", "vectors deleted", "CURRENT escapes",
                   "chunk text edited"}


@pytest.mark.integration
def test_good_indexes_pass(seed_fake_index: Path, corpus_index: Path) -> None:
    assert check_index(seed_fake_index) == []
    assert check_index(corpus_index) == []
    done = real_cli("check", "--index", str(corpus_index))
    assert done.returncode == 0 and "passes every check" in done.stdout, done.stdout


def test_missing_index_says_to_build(tmp_path: Path) -> None:
    for where in (tmp_path / "nowhere", tmp_path):
        problems = check_index(where)
        assert len(problems) == 1 and "scrutiny index" in problems[0], problems


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seed document: enough to show a rebuild repairs, at a fifth of the cost."""
    dest = tmp_path_factory.mktemp("small-corpus")
    smallest = min(CORPUS.glob("*.txt"), key=lambda p: p.stat().st_size)
    (dest / smallest.name).write_bytes(smallest.read_bytes())
    return dest


@pytest.mark.parametrize("case", list(CASES))
def test_corruption_is_reported_and_rebuild_repairs(case: str, fake_index: Path, hash_embedder,
                                                    small_corpus: Path, capsys) -> None:
    corrupt, expected = CASES[case]
    assert check_index(fake_index) == []
    # Counts are read from the index, not fixed: how the corpus is chunked may change.
    with sqlite3.connect(_gen(fake_index) / layout.RECORDS) as conn:
        n = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    expected = expected.format(n=n, n_plus=n + 1, n_minus=n - 1)
    corrupt(fake_index)
    problems = check_index(fake_index)
    assert problems, f"{case}: not detected"
    assert any(expected in p for p in problems), problems
    assert all("Traceback" not in p and "\n" not in p for p in problems)

    if case in REPAIRED_BY_CLI:  # the installed command, in a subprocess
        done = real_cli("check", "--index", str(fake_index), timeout=120)
        code, out, err = done.returncode, done.stdout, done.stderr
    else:  # the same CLI code in-process (no interpreter start-up)
        from scrutiny.cli import main

        code = main(["check", "--index", str(fake_index)])
        out, err = capsys.readouterr()
    assert code == 1, out + err
    assert expected in out and "scrutiny index --rebuild" in out
    assert "Traceback" not in err

    if case in REPAIRED_BY_CLI:
        repair = fake_cli("index", str(small_corpus), "--index", str(fake_index), "--rebuild",
                          "--quiet")
        assert repair.returncode == 0, repair.stderr
    else:
        from indexer.build import build_index
        from indexer.config import Settings

        build_index([small_corpus], Settings(index_dir=fake_index), embedder=hash_embedder,
                    rebuild=True)
    assert check_index(fake_index) == []
    assistant = Assistant.open(fake_index, embedder=hash_embedder)
    try:
        assert assistant.search("safeguarding", k=3).hits
        assert len(assistant.documents()) == 1
    finally:
        assistant.close()
