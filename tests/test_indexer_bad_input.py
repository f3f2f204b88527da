"""Bad input is skipped with a specific reason and never stops the rest of the build; an index
directory that cannot be written is a one-line CLI error, not a traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.config import Settings
from indexer.errors import ReadError
from indexer.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
GOOD = ("Minutes of the Audit Committee held on 5 June 2019\n\nPresent: Councillor Adams\n\n"
        "1. Budget Monitoring\n\nWalsall Council's budget was discussed.\n\n"
        "RESOLVED that the budget report be noted.\n")


def _pdf_bytes(tmp_path: Path, **kwargs) -> bytes:
    from reportlab.pdfgen import canvas

    path = tmp_path / "_made.pdf"
    c = canvas.Canvas(str(path), **kwargs)
    for page in ("First page about foster carers.", "Second page about adoption."):
        c.drawString(50, 800, page)
        c.showPage()
    c.save()
    data = path.read_bytes()
    path.unlink()
    return data


def _make_bad(tmp_path: Path, corpus: Path) -> dict[str, str]:
    """Writes every bad case into ``corpus``; returns {source: words its reason must contain}."""
    rng = __import__("random").Random(7)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_text(" \n\n\t\n", encoding="utf-8")
    (corpus / "random.pdf").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    full = _pdf_bytes(tmp_path)
    (corpus / "truncated.pdf").write_bytes(full[: len(full) // 2])
    (corpus / "locked.pdf").write_bytes(_pdf_bytes(tmp_path, encrypt="secret"))
    (corpus / "corrupt.docx").write_bytes(b"PK\x03\x04" + bytes(rng.randrange(256)
                                                                for _ in range(600)))
    (corpus / "plain.docx").write_bytes(b"this is not a word document")
    (corpus / "budget.xlsx").write_bytes(b"PK\x03\x04 spreadsheet")
    (corpus / "README").write_bytes(b"no extension")
    return {
        "empty.txt": "empty",
        "blank.md": "no text",
        "random.pdf": "not a pdf",
        "truncated.pdf": "truncated",
        "locked.pdf": "password",
        "corrupt.docx": "corrupt docx",
        "plain.docx": "corrupt docx",
        "budget.xlsx": "unsupported file type .xlsx",
        "README": "unsupported file type",
    }


def test_each_bad_file_is_skipped_with_its_reason(tmp_path: Path, fake_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "also-good.md").write_text(GOOD.replace("Audit", "Standards"), encoding="utf-8")
    expected = _make_bad(tmp_path, corpus)
    report = build_index([corpus], Settings.from_env(index_dir=tmp_path / "index"),
                         embedder=fake_embedder)
    assert sorted(report.indexed) == ["also-good.md", "good.txt"]
    reasons = {s.path: s.reason.lower() for s in report.skipped}
    assert set(reasons) == set(expected), reasons
    for source, words in expected.items():
        assert words in reasons[source], (source, reasons[source])
    assert report.documents_total == 2
    gen = (tmp_path / "index" / "CURRENT").read_text().strip()
    conn = sqlite3.connect(tmp_path / "index" / gen / "records.sqlite")
    try:
        assert sorted(r[0] for r in conn.execute("SELECT source FROM documents")) == [
            "also-good.md", "good.txt"]
    finally:
        conn.close()


def test_skipped_files_are_reported_again_on_the_next_run(tmp_path: Path, fake_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    settings = Settings.from_env(index_dir=tmp_path / "index")
    build_index([corpus], settings, embedder=fake_embedder)
    again = build_index([corpus], settings, embedder=fake_embedder)
    assert again.changed is False
    assert [(s.path, s.reason) for s in again.skipped] == [("empty.txt", "empty file")]


def test_unreadable_file_in_a_folder_is_reported(tmp_path: Path, fake_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "gone.txt").symlink_to(tmp_path / "deleted-target.txt")
    report = build_index([corpus], Settings.from_env(index_dir=tmp_path / "index"),
                         embedder=fake_embedder)
    assert report.indexed == ["good.txt"]
    reasons = {s.path: s.reason for s in report.skipped}
    assert "gone.txt" in reasons and "cannot read" in reasons["gone.txt"]


def test_unreadable_file_given_by_name_is_reported(tmp_path: Path, fake_embedder) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    gone = tmp_path / "gone.txt"
    gone.symlink_to(tmp_path / "deleted-target.txt")
    report = build_index([good, gone], Settings.from_env(index_dir=tmp_path / "index"),
                         embedder=fake_embedder)
    assert report.indexed == ["good.txt"]
    assert [s.reason for s in report.skipped if s.path.endswith("gone.txt")] == [
        "path does not exist"]


@pytest.mark.parametrize(("name", "data", "words"), [
    ("empty.txt", b"", "empty file"),
    ("random.pdf", b"\x00\x01garbage" * 50, "not a pdf"),
    ("fake.pdf", b"%PDF-1.4\n garbage that is not a pdf body", "corrupt or truncated pdf"),
    ("bad.docx", b"PK\x03\x04broken", "corrupt docx"),
    ("notes.rtf", b"{\\rtf1 hello}", "unsupported file type .rtf"),
])
def test_read_document_reasons(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert words in str(info.value).lower()


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(GOOD * 100, encoding="utf-8")
    with pytest.raises(ReadError, match="limit"):
        read_document(path, max_bytes=1024)


def test_directory_named_like_a_file_is_not_a_document(tmp_path: Path) -> None:
    folder = tmp_path / "x.txt"
    folder.mkdir()
    with pytest.raises(ReadError, match="cannot read"):
        read_document(folder)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "scrutiny.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("where", ["under-a-file", "is-a-file"])
def test_unwritable_index_dir_is_a_one_line_error(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a regular file", encoding="utf-8")
    index = blocker / "index" if where == "under-a-file" else blocker
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = _cli("index", str(tmp_path / "good.txt"), "--index", str(index), "--quiet")
    assert result.returncode != 0
    err = result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert len(err.splitlines()) == 1, err
    assert err.startswith("scrutiny:") and str(index) in err
    assert blocker.read_text(encoding="utf-8") == "a regular file"


def test_missing_index_is_a_one_line_error(tmp_path: Path) -> None:
    result = _cli("documents", "--json", "--index", str(tmp_path / "nowhere"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    err = result.stderr.strip()
    assert len(err.splitlines()) == 1 and "scrutiny index" in err
    assert result.stdout == ""


@pytest.mark.parametrize(("setting", "words"), [
    ({"onnx_precision": "int4"}, "precision must be one of"),
    ({"backend": "tensorflow"}, "Unknown backend"),
])
def test_a_bad_model_setting_fails_before_any_work(tmp_path: Path, setting: dict,
                                                   words: str) -> None:
    from indexer.errors import ScrutinyError

    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    calls: list[str] = []
    with pytest.raises(ScrutinyError, match=words):
        build_index([tmp_path / "good.txt"], Settings(index_dir=tmp_path / "index", **setting),
                    progress=lambda stage, done, total: calls.append(stage))
    assert calls == [] and not list((tmp_path / "index").glob("gen-*"))
