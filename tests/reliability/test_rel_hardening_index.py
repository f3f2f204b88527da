"""Issue 14, the indexer's cases: what an attacker or an ordinary day did to the index.

Each test replays one case from the issue with real builds (fake embedder), real SQLite and
FAISS files and, where the case is about the CLI, the real command in a subprocess.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from rel_helpers import CORPUS, build_and_kill, fake_cli, writable_corpus

from indexer import layout
from indexer.build import build_index
from indexer.check import check_index
from indexer.config import Settings
from indexer.errors import IndexCorruptError
from retriever.assistant import Assistant


def _build(corpus: Path, index: Path, embedder, **settings):
    return build_index([corpus], Settings(index_dir=index, corpus_dir=corpus, **settings),
                       embedder=embedder)


# -- 2: a link that leaves the corpus ---------------------------------------------------------

def test_link_out_of_corpus_is_refused(tmp_path: Path, hash_embedder) -> None:
    corpus = writable_corpus(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root password hash zebra-secret-marker\n" * 20)
    (corpus / "passwd.txt").symlink_to(secret)
    inside = corpus / "inside-link.txt"
    inside.symlink_to(next(p for p in sorted(corpus.glob("*.txt")) if not p.is_symlink()))
    report = _build(corpus, tmp_path / "index", hash_embedder)
    skipped = {s.path: s.reason for s in report.skipped}
    assert "outside the corpus" in skipped["passwd.txt"]
    assert "passwd.txt" not in report.indexed and "inside-link.txt" in report.indexed
    with Assistant.open(tmp_path / "index", embedder=hash_embedder) as assistant:
        assert all(d.source != "passwd.txt" for d in assistant.documents())
        hits = assistant.search("zebra-secret-marker root password", k=10).hits
        assert all("zebra-secret-marker" not in h.text for h in hits)


# -- 3: names that differ only in case or punctuation -----------------------------------------

def test_colliding_names_get_unique_ids(tmp_path: Path, hash_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = (CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[0]).read_text()
    for n, name in enumerate(("Cabinet 2019.txt", "cabinet-2019.txt", "cabinet_2019.txt",
                              "cabinet-2019.md")):
        (corpus / name).write_text(text + f"\n\nCopy number {n}.\n")
    report = _build(corpus, tmp_path / "index", hash_embedder)
    assert len(report.indexed) == 4 and report.documents_total == 4
    ids = [v["doc_id"] for v in layout.read_manifest(
        layout.generation_path(tmp_path / "index"))["documents"].values()]
    assert len(set(ids)) == 4 and "cabinet-2019" in ids
    # incremental and --rebuild both succeed, and ids stay put
    (corpus / "CABINET 2019!.txt").write_text(text + "\n\nA fifth copy.\n")
    assert _build(corpus, tmp_path / "index", hash_embedder).documents_total == 5
    again = build_index([corpus], Settings(index_dir=tmp_path / "index", corpus_dir=corpus),
                        embedder=hash_embedder, rebuild=True)
    assert again.documents_total == 5
    assert check_index(tmp_path / "index") == []


# -- 7: a damaged records.sqlite -------------------------------------------------------------

def _damage_records(index: Path) -> Path:
    records = layout.generation_path(index) / layout.RECORDS
    data = bytearray(records.read_bytes())
    page = 4096
    for at in range(page * 2, len(data), page * 3):  # scribble over every third page
        data[at:at + 200] = os.urandom(200)
    records.write_bytes(bytes(data))
    return records


def test_damaged_records_repair_message_and_fallback(tmp_path: Path, hash_embedder) -> None:
    corpus = writable_corpus(tmp_path)
    index = tmp_path / "index"
    _build(corpus, index, hash_embedder)
    # a second generation, so there is an older sound one to fall back to
    (corpus / "extra.txt").write_text("Minutes of the extra panel. RESOLVED that it be noted.\n"
                                      * 5)
    _build(corpus, index, hash_embedder)
    live = layout.current_generation(index)
    _damage_records(index)
    with Assistant.open(index, embedder=hash_embedder) as assistant:  # falls back, no crash
        assert assistant.snapshot.generation != live
        assert assistant.snapshot.fallback_from == live
        assert assistant.search("children's services", k=3).hits
    # with no older generation, opening says how to repair it
    for gen in layout.older_generations(index, live):
        shutil.rmtree(gen)
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        Assistant.open(index, embedder=hash_embedder)
    # the real CLI: search gives the message, not a traceback; index repairs it
    done = fake_cli("search", "children", "--index", str(index))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "--rebuild" in done.stderr + done.stdout
    done = fake_cli("index", str(corpus), "--index", str(index))
    assert done.returncode == 0, done.stderr
    assert "nothing changed" not in done.stdout and "damaged" in done.stdout
    assert check_index(index) == []


# -- 8: a damaged vectors.faiss --------------------------------------------------------------

def _damage_vectors(index: Path) -> Path:
    """Three vectors changed and one made non-finite, the file otherwise well formed."""
    import faiss

    from indexer import vectors

    path = layout.generation_path(index) / layout.VECTORS
    loaded = vectors.load(path)
    ids = faiss.vector_to_array(loaded.id_map).astype("int64")
    raw = vectors.stored_vectors(loaded)
    assert raw is not None
    raw = raw.copy()
    raw[0, 0] = np.nan
    raw[1:4] *= -1.0
    damaged, _ = vectors.build(ids, raw, raw.shape[1], ann_threshold=10**9)
    vectors.save(damaged, path)
    return path


def test_damaged_vectors_caught_by_check_and_not_copied(tmp_path: Path, hash_embedder) -> None:
    from indexer import store, vectors

    corpus = writable_corpus(tmp_path)
    index = tmp_path / "index"
    _build(corpus, index, hash_embedder)
    _damage_vectors(index)
    problems = check_index(index)
    assert any("sha256" in p for p in problems) and any("NaN" in p for p in problems)
    (corpus / "extra.txt").write_text("Minutes of the extra panel. RESOLVED that it be noted.\n")
    report = _build(corpus, index, hash_embedder)
    assert any("vectors" in n and "damaged" in n for n in report.notes)
    assert check_index(index) == []
    gen = layout.generation_path(index)
    conn = store.connect_reader(gen / layout.RECORDS)
    ids, cache = store.all_vectors(conn, hash_embedder.dim)
    conn.close()
    built = vectors.load(gen / layout.VECTORS)
    order = np.argsort(ids)
    got = np.vstack([built.reconstruct(int(i)) for i in ids[order]])
    assert np.allclose(got, cache[order])


# -- 9: the records file shrinks after deletions ----------------------------------------------

def test_records_vacuumed_after_deletions(tmp_path: Path, hash_embedder) -> None:
    corpus = writable_corpus(tmp_path)
    for n in range(8):
        (corpus / f"bulk-{n}.txt").write_text(
            f"Minutes of meeting {n}. Members discussed the budget line {n} at length. " * 400)
    index = tmp_path / "index"
    _build(corpus, index, hash_embedder)
    before = (layout.generation_path(index) / layout.RECORDS).stat().st_size
    for n in range(8):
        (corpus / f"bulk-{n}.txt").unlink()
    _build(corpus, index, hash_embedder)
    records = layout.generation_path(index) / layout.RECORDS
    conn = sqlite3.connect(records)
    free, pages = (conn.execute(f"PRAGMA {p}").fetchone()[0]
                   for p in ("freelist_count", "page_count"))
    conn.close()
    assert free / pages < 0.2 and records.stat().st_size < before * 0.7


# -- 10: per-document budgets ---------------------------------------------------------------

def test_per_document_budgets(tmp_path: Path, hash_embedder) -> None:
    from rel_helpers import sample_pdf

    corpus = writable_corpus(tmp_path)
    (corpus / "long.pdf").write_bytes(sample_pdf(pages=12))
    (corpus / "wordy.txt").write_text("The panel noted the report on item number %d today. "
                                      * 3000 % tuple(range(3000)))
    report = _build(corpus, tmp_path / "index", hash_embedder, max_doc_pages=10,
                    max_doc_sentences=2000)
    skipped = {s.path: s.reason for s in report.skipped}
    assert "12 pages" in skipped["long.pdf"] and "SCRUTINY_MAX_DOC_PAGES" in skipped["long.pdf"]
    assert "SCRUTINY_MAX_DOC_SENTENCES" in skipped["wordy.txt"]
    assert report.documents_total == 5
    slow = build_index([corpus], Settings(index_dir=tmp_path / "i2", corpus_dir=corpus,
                                          max_doc_seconds=0.0), embedder=hash_embedder)
    assert slow.documents_total == 0
    assert all("SCRUTINY_MAX_DOC_SECONDS" in s.reason for s in slow.skipped
               if s.path not in ("long.pdf", "wordy.txt"))


# -- 13: a killed build resumes ---------------------------------------------------------------

def test_killed_build_resumes_without_re_embedding(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Each progress event waits, so the kill lands mid-embedding on a fast machine too
    # (with the fake embedder the rest of the build could publish within the 0.2 s).
    monkeypatch.setenv("FAKE_CLI_PROGRESS_DELAY", "0.3")
    corpus = tmp_path / "corpus"
    from rel_helpers import make_corpus

    make_corpus(corpus, copies=3)
    index = tmp_path / "index"
    n_files = len(list(corpus.iterdir()))
    # kill after the second embedding batch has been reported (two batches committed)
    outcome = build_and_kill(corpus, index, kill_after_events=n_files + 3, extra_delay=0.2)
    assert outcome.killed and outcome.events[-1].startswith("embedding"), outcome.events
    assert list(index.glob("embed-progress-*.sqlite"))
    done = fake_cli("index", str(corpus), "--index", str(index), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[done.stdout.index("{"):])
    total = report["chunks_embedded"] + report["chunks_reused"]
    assert report["chunks_reused"] >= 2 * 128 and report["chunks_embedded"] < total
    assert not list(index.glob("embed-progress-*.sqlite"))  # cleared once published
    assert check_index(index) == []
