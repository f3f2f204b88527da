"""Incremental builds (only new or changed files are embedded, deleted ones removed), atomic
publishing (a build killed with SIGKILL leaves the previous index usable) and the build lock."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.config import Settings
from indexer.errors import IndexLockedError
from tests.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parent.parent


def _passage(embedded: str) -> str:
    """The source text inside an embedded text: without the header line and without the
    acronym gloss "(LAC: looked after children)" appended for the model."""
    return re.sub(r" \([A-Za-z0-9]{1,8}: [^()]*\)$", "", embedded.rsplit("\n", 1)[-1])


def _minutes(committee: str, topic: str, extra: str = "") -> str:
    return (f"Walsall Council {committee}\n\nTuesday 16 October 2018\n\n"
            f"Present: Councillor Adams (Chair), Councillor Baker\n\n"
            f"1. Apologies\n\nThere were no apologies.\n\n"
            f"2. {topic}\n\nThe Director presented the report on {topic.lower()}. Members asked "
            f"about waiting times and staffing in the {topic.lower()} service.{extra}\n\n"
            f"RESOLVED that the report on {topic.lower()} be noted.\n\n"
            f"3. Date of Next Meeting\n\nThe next meeting will be held on 8 January 2019.\n")


class RecordingEmbedder(HashEmbedder):
    """The fake embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts: list[str], batch_size: int = 64):
        self.seen.extend(texts)
        return super().encode(texts, batch_size)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "fostering.txt").write_text(_minutes("Scrutiny Panel", "Fostering"), encoding="utf-8")
    (root / "adoption.txt").write_text(_minutes("Scrutiny Panel", "Adoption"), encoding="utf-8")
    (root / "camhs.md").write_text(_minutes("Health Committee", "CAMHS"), encoding="utf-8")
    return root


def _settings(tmp_path: Path) -> Settings:
    return Settings.from_env(index_dir=tmp_path / "index")


def _current(index: Path) -> str:
    return (index / "CURRENT").read_text(encoding="utf-8").strip()


def _sources(index: Path) -> list[str]:
    conn = sqlite3.connect(index / _current(index) / "records.sqlite")
    try:
        return sorted(r[0] for r in conn.execute("SELECT source FROM documents"))
    finally:
        conn.close()


def _touch_later(path: Path) -> None:
    """Make sure a rewritten file's mtime differs even on coarse-grained clocks."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_nothing_changed_embeds_nothing(tmp_path: Path, corpus: Path) -> None:
    first = build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    assert sorted(first.indexed) == ["adoption.txt", "camhs.md", "fostering.txt"]
    assert first.changed and first.chunks_embedded > 0
    gen = _current(tmp_path / "index")
    embedder = RecordingEmbedder()
    second = build_index([corpus], _settings(tmp_path), embedder=embedder)
    assert second.changed is False
    assert second.indexed == [] and second.removed == []
    assert sorted(second.unchanged) == sorted(first.indexed)
    assert second.chunks_embedded == 0 and embedder.seen == []
    assert second.model_loaded is False
    assert second.documents_total == 3 and second.chunks_total == first.chunks_total
    assert _current(tmp_path / "index") == gen  # no new generation was published


def test_modified_file_alone_is_re_embedded(tmp_path: Path, corpus: Path) -> None:
    first = build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    changed = corpus / "adoption.txt"
    new_text = _minutes("Scrutiny Panel", "Adoption",
                        " Officers reported that the regional adoption agency had recruited "
                        "twelve new adopters.")
    changed.write_text(new_text, encoding="utf-8")
    _touch_later(changed)
    embedder = RecordingEmbedder()
    second = build_index([corpus], _settings(tmp_path), embedder=embedder)
    assert second.indexed == ["adoption.txt"]
    assert sorted(second.unchanged) == ["camhs.md", "fostering.txt"]
    assert second.removed == []
    assert 0 < second.chunks_embedded == len(embedder.seen) < first.chunks_embedded
    assert second.chunks_reused > 0
    for text in embedder.seen:  # every text embedded comes from the edited file
        assert _passage(text)[-40:] in new_text, text
    assert any("twelve new adopters" in t for t in embedder.seen)
    assert second.documents_total == 3
    conn = sqlite3.connect(tmp_path / "index" / _current(tmp_path / "index") / "records.sqlite")
    try:
        (stored,) = conn.execute("SELECT text FROM documents WHERE source = 'adoption.txt'"
                                 ).fetchone()
        assert stored == new_text
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 3
    finally:
        conn.close()


def test_touched_but_identical_file_is_unchanged(tmp_path: Path, corpus: Path) -> None:
    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    _touch_later(corpus / "fostering.txt")
    embedder = RecordingEmbedder()
    report = build_index([corpus], _settings(tmp_path), embedder=embedder)
    assert report.changed is False and embedder.seen == []
    assert "fostering.txt" in report.unchanged


def test_a_document_read_by_an_older_reader_is_read_again(tmp_path: Path,
                                                          corpus: Path) -> None:
    """A new release reads documents better (a PDF's table, a signature): an index built by an
    older reader re-reads its documents on the next build, and texts that came out the same
    keep their vectors instead of being embedded again."""
    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    manifest_path = tmp_path / "index" / _current(tmp_path / "index") / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["documents"]["adoption.txt"]["reader"]  # as an older release wrote it
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    embedder = RecordingEmbedder()
    report = build_index([corpus], _settings(tmp_path), embedder=embedder)
    assert report.indexed == ["adoption.txt"]
    assert sorted(report.unchanged) == ["camhs.md", "fostering.txt"]
    assert report.chunks_embedded == 0 and embedder.seen == []
    assert report.documents_total == 3


def test_deleted_file_is_removed_and_added_file_indexed(tmp_path: Path, corpus: Path) -> None:
    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    (corpus / "camhs.md").unlink()
    removed = build_index([corpus], _settings(tmp_path), embedder=RecordingEmbedder())
    assert removed.removed == ["camhs.md"] and removed.changed
    assert removed.indexed == [] and removed.chunks_embedded == 0
    assert removed.documents_total == 2
    assert _sources(tmp_path / "index") == ["adoption.txt", "fostering.txt"]

    (corpus / "sub").mkdir()
    (corpus / "sub" / "sen.txt").write_text(_minutes("Schools Forum", "SEND Transport"),
                                            encoding="utf-8")
    embedder = RecordingEmbedder()
    added = build_index([corpus], _settings(tmp_path), embedder=embedder)
    assert added.indexed == ["sub/sen.txt"] and added.removed == []
    assert sorted(added.unchanged) == ["adoption.txt", "fostering.txt"]
    new_text = _minutes("Schools Forum", "SEND Transport")
    assert embedder.seen
    assert all(_passage(t)[-40:] in new_text for t in embedder.seen)
    assert _sources(tmp_path / "index") == ["adoption.txt", "fostering.txt", "sub/sen.txt"]


def test_search_finds_new_and_forgets_deleted(tmp_path: Path, corpus: Path) -> None:
    from retriever import Assistant

    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    (corpus / "camhs.md").unlink()
    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    assistant = Assistant.open(tmp_path / "index", embedder=HashEmbedder())
    try:
        hits = assistant.search("CAMHS waiting times", k=10).hits
        assert hits and all(h.citation.source != "camhs.md" for h in hits)
        assert {d.source for d in assistant.documents()} == {"adoption.txt", "fostering.txt"}
    finally:
        assistant.close()


def test_editing_only_the_sidecar_updates_metadata(tmp_path: Path, corpus: Path) -> None:
    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    (corpus / "fostering.meta.json").write_text(json.dumps({
        "council": "Bury Metropolitan Borough Council", "committee": "Corporate Parenting Board"}),
        encoding="utf-8")
    report = build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    assert report.indexed == ["fostering.txt"]
    conn = sqlite3.connect(tmp_path / "index" / _current(tmp_path / "index") / "records.sqlite")
    try:
        row = conn.execute("SELECT council, committee FROM documents "
                           "WHERE source = 'fostering.txt'").fetchone()
    finally:
        conn.close()
    assert row == ("Bury Metropolitan Borough Council", "Corporate Parenting Board")


def test_sidecar_present_at_first_build_is_applied(tmp_path: Path, corpus: Path) -> None:
    (corpus / "fostering.txt.meta.json").write_text('{"committee": "Corporate Parenting Board"}',
                                                    encoding="utf-8")
    (corpus / "adoption.meta.json").write_text("{broken", encoding="utf-8")
    report = build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    assert sorted(report.indexed) == ["adoption.txt", "camhs.md", "fostering.txt"]
    warnings = [(s.path, s.reason) for s in report.skipped]
    assert len(warnings) == 1 and warnings[0][0] == "adoption.txt"
    assert "adoption.meta.json" in warnings[0][1]
    conn = sqlite3.connect(tmp_path / "index" / _current(tmp_path / "index") / "records.sqlite")
    try:
        meta = dict(conn.execute("SELECT source, committee FROM documents"))
    finally:
        conn.close()
    assert meta["fostering.txt"] == "Corporate Parenting Board"
    assert "scrutiny panel" in meta["adoption.txt"].lower()


# -- atomicity ---------------------------------------------------------------------------------

LAUNCHER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from indexer import layout
from indexer.build import build_index
from indexer.config import Settings
from tests.fakes import HashEmbedder

marker = Path({marker!r})
stage = {stage!r}

class Slow(HashEmbedder):
    def encode(self, texts, batch_size=64):
        if stage == "embedding":
            marker.write_text("embedding")
            time.sleep(120)
        return super().encode(texts, batch_size)

if stage == "publishing":
    real_publish = layout.publish
    def slow_publish(index_dir, gen_name):
        marker.write_text("publishing")
        time.sleep(120)
        real_publish(index_dir, gen_name)
    layout.publish = slow_publish

build_index([Path({corpus!r})], Settings.from_env(index_dir=Path({index!r})), embedder=Slow())
"""


@pytest.mark.parametrize("stage", ["embedding", "publishing"])
def test_sigkill_mid_build_leaves_previous_index_usable(tmp_path: Path, corpus: Path,
                                                         stage: str) -> None:
    from retriever import Assistant

    index = tmp_path / "index"
    build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    live = _current(index)
    (corpus / "sen.txt").write_text(_minutes("Schools Forum", "SEND Transport"), encoding="utf-8")
    (corpus / "fostering.txt").unlink()

    marker = tmp_path / "marker"
    script = tmp_path / "launch_build.py"
    script.write_text(LAUNCHER.format(root=str(ROOT), marker=str(marker), stage=stage,
                                      corpus=str(corpus), index=str(index)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"build ended before {stage}: {proc.stderr.read().decode()}")
            assert time.monotonic() < deadline, "build never reached the kill point"
            time.sleep(0.05)
        # The killed build had started writing a generation of its own.
        assert any(p.name != live for p in index.glob("gen-*"))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL

    assert _current(index) == live
    assistant = Assistant.open(index, embedder=HashEmbedder())
    try:
        assert {d.source for d in assistant.documents()} == {"adoption.txt", "camhs.md",
                                                             "fostering.txt"}
        hits = assistant.search("fostering waiting times", k=5).hits
        assert hits and hits[0].citation.source == "fostering.txt"
    finally:
        assistant.close()

    report = build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    assert report.indexed == ["sen.txt"] and report.removed == ["fostering.txt"]
    assert _current(index) != live
    assert _sources(index) == ["adoption.txt", "camhs.md", "sen.txt"]
    assert len(list(index.glob("gen-*"))) <= 2  # the abandoned generation was cleaned up
    assistant = Assistant.open(index, embedder=HashEmbedder())
    try:
        hits = assistant.search("SEND transport", k=3).hits
        assert hits and hits[0].citation.source == "sen.txt"
    finally:
        assistant.close()


# -- lock --------------------------------------------------------------------------------------

class GatedEmbedder(HashEmbedder):
    """Blocks inside ``encode`` until released, so a build can be held open mid-way."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def encode(self, texts: list[str], batch_size: int = 64):
        self.entered.set()
        assert self.release.wait(60)
        return super().encode(texts, batch_size)


def test_second_concurrent_build_is_refused(tmp_path: Path, corpus: Path) -> None:
    gated = GatedEmbedder()
    outcome: dict[str, object] = {}

    def first() -> None:
        try:
            outcome["report"] = build_index([corpus], _settings(tmp_path), embedder=gated)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            outcome["error"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert gated.entered.wait(60), "first build never reached embedding"
        with pytest.raises(IndexLockedError, match="--wait"):
            build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    finally:
        gated.release.set()
        thread.join(60)
    assert "error" not in outcome, outcome
    assert len(outcome["report"].indexed) == 3  # type: ignore[attr-defined]
    # Once the first build is done the lock is free again.
    again = build_index([corpus], _settings(tmp_path), embedder=HashEmbedder())
    assert again.changed is False


def test_waiting_build_queues_behind_the_first(tmp_path: Path, corpus: Path) -> None:
    gated = GatedEmbedder()
    first = threading.Thread(target=build_index, args=([corpus], _settings(tmp_path)),
                             kwargs={"embedder": gated})
    first.start()
    assert gated.entered.wait(60)
    results: dict[str, object] = {}
    second = threading.Thread(target=lambda: results.setdefault("r", build_index(
        [corpus], _settings(tmp_path), embedder=HashEmbedder(), wait=True)))
    second.start()
    time.sleep(0.3)
    assert second.is_alive()  # still waiting for the lock
    gated.release.set()
    first.join(60)
    second.join(60)
    assert results["r"].changed is False  # type: ignore[attr-defined]
