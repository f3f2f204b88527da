"""``indexer.ingest``: adding and removing one document as a library call (the path the API,
the CLI and the TUI share), on a small private corpus with the deterministic fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer import build, ingest, journal, layout
from indexer.build import build_index
from indexer.config import Settings
from indexer.errors import (
    CorpusMismatchError,
    DocumentNotFoundError,
    DuplicateDocumentError,
    IndexLockedError,
    ReadError,
    UnsupportedFileError,
)
from tests.fakes import HashEmbedder
from tests.northshire import NEW, OLDER, indexed_corpus


@pytest.fixture()
def setup(tmp_path: Path) -> tuple[Settings, HashEmbedder]:
    return indexed_corpus(tmp_path)


def _new_file(tmp_path: Path, name: str = "cpb minutes 2019.txt", text: str = NEW) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _state(settings: Settings) -> tuple[list[str], str | None]:
    """What a user would see change: the corpus folder's files and the live generation."""
    return (sorted(str(p.relative_to(settings.corpus_dir))
                   for p in Path(settings.corpus_dir).rglob("*")),
            layout.current_generation(Path(settings.index_dir)))


def _search(settings: Settings, embedder: HashEmbedder, query: str) -> list[str]:
    from retriever import Assistant

    assistant = Assistant.open(settings.index_dir, settings=settings, embedder=embedder)
    try:
        return [h.citation.doc_id for h in assistant.search(query, k=5).hits]
    finally:
        assistant.close()


def test_add_indexes_with_sidecar_then_same_file_is_unchanged(setup, tmp_path: Path) -> None:
    settings, embedder = setup
    meta = {"committee": "Corporate Parenting Board", "date": "2019-06-05"}
    out = ingest.add_document(settings, _new_file(tmp_path), meta, embedder=embedder)
    assert out.status == "indexed" and out.documents == 2
    assert out.source == "cpb-minutes-2019.txt"  # a safe name in the corpus folder
    assert out.path.read_text(encoding="utf-8") == NEW
    sidecar = out.path.with_name(out.path.name + ".meta.json")
    assert json.loads(sidecar.read_text(encoding="utf-8")) == meta
    assert _search(settings, embedder, "zebra crossing Almondbury")[0] == out.doc_id

    generation = layout.current_generation(Path(settings.index_dir))
    again = ingest.add_document(settings, _new_file(tmp_path), meta, embedder=embedder)
    assert (again.status, again.doc_id, again.report) == ("unchanged", out.doc_id, None)
    assert layout.current_generation(Path(settings.index_dir)) == generation


def test_same_bytes_with_other_metadata_is_refused(setup, tmp_path: Path) -> None:
    settings, embedder = setup
    out = ingest.add_document(settings, _new_file(tmp_path), {"council": "Northshire"},
                              embedder=embedder)
    before = _state(settings)
    with pytest.raises(DuplicateDocumentError) as caught:
        ingest.add_document(settings, _new_file(tmp_path), {"council": "Southshire"},
                            embedder=embedder)
    assert caught.value.doc_id == out.doc_id and f"scrutiny remove {out.doc_id}" in str(
        caught.value)
    assert _state(settings) == before


@pytest.mark.parametrize(("name", "data", "error", "words"), [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj<<>>\ntruncated", ReadError, "pdf"),
    ("empty.txt", b"", ReadError, "empty"),
    ("tool.exe", b"MZ binary", UnsupportedFileError, ".exe"),
])
def test_unusable_file_is_refused_and_corpus_unchanged(setup, tmp_path: Path, name: str,
                                                       data: bytes, error: type,
                                                       words: str) -> None:
    settings, embedder = setup
    path = tmp_path / name
    path.write_bytes(data)
    before = _state(settings)
    with pytest.raises(error) as caught:
        ingest.add_document(settings, path, embedder=embedder)
    assert name in str(caught.value) and words in str(caught.value).lower()
    assert _state(settings) == before


def test_a_batch_is_all_or_nothing(setup, tmp_path: Path) -> None:
    settings, embedder = setup
    bad = tmp_path / "incoming" / "broken.pdf"
    good = _new_file(tmp_path)
    bad.write_bytes(b"%PDF-1.4 not really")
    before = _state(settings)
    with pytest.raises(ReadError, match="broken.pdf"):
        ingest.add_documents(settings, [good, bad], embedder=embedder)
    assert _state(settings) == before
    outs = ingest.add_documents(settings, [good, _new_file(tmp_path, "other.md", NEW + "More.")],
                                embedder=embedder)
    assert [o.status for o in outs] == ["indexed", "indexed"] and outs[-1].documents == 3
    assert outs[0].report is outs[1].report  # one rebuild for the batch


def test_remove_then_gone_from_search_and_file_in_trash(setup, tmp_path: Path) -> None:
    settings, embedder = setup
    added = ingest.add_document(settings, _new_file(tmp_path), {"council": "Northshire"},
                                embedder=embedder)
    out = ingest.remove_document(settings, added.doc_id, embedder=embedder)
    assert out.status == "removed" and out.documents == 1
    assert not added.path.exists()
    assert out.path.read_text(encoding="utf-8") == NEW
    assert out.path.parent.parent.name == ".scrutiny-trash"
    assert (out.path.parent / (out.path.name + ".meta.json")).is_file()
    assert added.doc_id not in _search(settings, embedder, "zebra crossing Almondbury")
    with pytest.raises(DocumentNotFoundError, match="scrutiny documents"):
        ingest.remove_document(settings, added.doc_id, embedder=embedder)


def test_failed_rebuild_puts_the_file_back(setup, tmp_path: Path, monkeypatch) -> None:
    settings, embedder = setup
    added = ingest.add_document(settings, _new_file(tmp_path), {"council": "Northshire"},
                                embedder=embedder)
    before = _state(settings)

    def locked(*_args, **_kwargs):
        raise IndexLockedError("Another build is already updating the index.")

    monkeypatch.setattr(build, "build_index", locked)
    with pytest.raises(IndexLockedError):
        ingest.remove_document(settings, added.doc_id, embedder=embedder)
    assert added.path.read_text(encoding="utf-8") == NEW
    assert not list(Path(settings.corpus_dir, ".scrutiny-trash").rglob("*.txt"))
    with pytest.raises(IndexLockedError):  # and an addition leaves nothing behind
        ingest.add_document(settings, _new_file(tmp_path, "another.txt", NEW + "x"),
                            embedder=embedder)
    assert [p for p in _state(settings)[0] if ".scrutiny-trash" not in p] == \
        [p for p in before[0] if ".scrutiny-trash" not in p]
    assert not (Path(settings.index_dir) / journal.JOURNAL).exists()


def test_corpus_that_does_not_match_the_index_is_refused(setup, tmp_path: Path) -> None:
    from dataclasses import replace

    settings, embedder = setup
    other = replace(settings, corpus_dir=tmp_path / "empty")
    other.corpus_dir.mkdir()
    with pytest.raises(CorpusMismatchError, match="SCRUTINY_CORPUS"):
        ingest.add_document(other, _new_file(tmp_path), embedder=embedder)
    assert list(other.corpus_dir.iterdir()) == []
    doc_id = next(iter(layout.read_manifest(layout.generation_path(
        Path(settings.index_dir)))["documents"].values()))["doc_id"]
    with pytest.raises(CorpusMismatchError) as caught:
        ingest.remove_document(other, doc_id, embedder=embedder)
    assert caught.value.doc_id == doc_id
    assert set(_search(settings, embedder, "foster carers")) == {doc_id}


def test_interrupted_addition_is_rolled_back_unless_another_writer_holds_it(
        setup, tmp_path: Path) -> None:
    """A journal left by a killed write is settled by the next one, but never while the
    process that wrote it still holds the write lock (a CLI add beside a running server)."""
    settings, embedder = setup
    stray = Path(settings.corpus_dir) / "half-added.txt"
    stray.write_text(NEW, encoding="utf-8")
    journal.begin(Path(settings.index_dir), {"kind": "upload", "source": stray.name,
                                             "sources": [stray.name], "created": [str(stray)]})
    with ingest._write_lock(Path(settings.index_dir)):
        assert ingest.recover(settings) is None
        assert stray.exists()
    assert "rolled back" in (ingest.recover(settings) or "")
    assert not stray.exists()


@pytest.mark.parametrize("meta", [{"date": "5 June 2019"}, {"date": "2019-02-30"},
                                  {"doc_type": "memo"}, {"colour": "red"}])
def test_bad_metadata_is_refused_before_anything_is_written(setup, tmp_path: Path,
                                                            meta: dict) -> None:
    settings, embedder = setup
    before = _state(settings)
    with pytest.raises(Exception, match="|".join(meta)):
        ingest.add_document(settings, _new_file(tmp_path), meta, embedder=embedder)
    assert _state(settings) == before


@pytest.mark.postgres
def test_add_and_remove_against_postgresql(pg_server, tmp_path: Path) -> None:  # noqa: ANN001
    """With SCRUTINY_STORE set the write goes through the same incremental build, which
    publishes to the server: a reader of PostgreSQL alone sees the document come and go."""
    from dataclasses import replace

    from indexer.stores import open_store

    url = pg_server.new_database("ingest")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "scrutiny-2014-01-14.txt").write_text(OLDER, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus, store=url)
    embedder = HashEmbedder()
    build_index([corpus], settings, embedder=embedder)

    def served() -> set[str]:
        store = open_store(url, tmp_path / "elsewhere")
        try:
            return {d.doc_id for d in store.documents()}
        finally:
            store.close()

    added = ingest.add_document(settings, _new_file(tmp_path), embedder=embedder)
    assert added.doc_id in served() and len(served()) == 2
    # the guard reads the server's list: from a machine with no local index, a corpus without
    # the served documents' files is refused rather than published over them
    with pytest.raises(CorpusMismatchError):
        ingest.add_document(replace(settings, corpus_dir=tmp_path / "incoming",
                                    index_dir=tmp_path / "no-local-index"),
                            _new_file(tmp_path, "x.txt", NEW + "x"), embedder=embedder)
    ingest.remove_document(settings, added.doc_id, embedder=embedder)
    assert served() == {"scrutiny-2014-01-14"}
