"""Each file costs bounded time and memory: what is too big, or not text at all, is refused
with a reason before any costly stage, and what is merely long is cut into windows."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.chunking import chunk_document, windows
from indexer.config import Settings
from indexer.errors import ReadError
from indexer.models import Document, Item
from indexer.readers import read_document
from indexer.validate import read_isolated

GOOD = ("Minutes of the Audit Committee held on 5 June 2019\n\n1. Budget Monitoring\n\n"
        "RESOLVED that the budget report be noted.\n")


def test_text_over_the_limit_is_refused_with_the_setting_to_change(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("The committee noted the report. " * 40_000)  # ~1.2 MB
    with pytest.raises(ReadError, match="SCRUTINY_MAX_TEXT_MB"):
        read_document(path, max_text_mb=1)
    assert read_document(path, max_text_mb=2).text.startswith("The committee")


def test_binary_file_named_as_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 400)
    with pytest.raises(ReadError, match="not text"):
        read_document(path)


def test_utf16_without_byte_order_mark_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes("Minutes of Walsall Council – Cabinet\n".encode("utf-16-le") * 20)
    assert read_document(path).text.startswith("Minutes of Walsall Council – Cabinet")


def test_docx_whose_body_expands_enormously_is_refused_at_once(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:p>" + b" " * (30 * 1024 * 1024))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(path)


def test_windows_cover_the_span_exactly_and_break_at_natural_points() -> None:
    text = ("A sentence about budgets. " * 3000) + ("x" * 50_000)
    spans = windows(text, 0, len(text), size=20_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b0 for (_, a), (b0, _) in zip(spans, spans[1:], strict=False))
    assert all(0 < b - a <= 20_000 for a, b in spans)
    assert text[spans[0][1] - 2:spans[0][1]] == ". "  # cut after a sentence, not mid-word


def test_one_enormous_line_is_chunked_exactly(fake_embedder) -> None:
    rnd = random.Random(0)
    words = "the committee resolved to note report budget officers members agreed".split()
    text = "Minutes\n\n" + " ".join(rnd.choice(words) for _ in range(40_000))  # one long line
    doc = Document(doc_id="d", source="d.txt", text=text, title="t", council=None,
                   committee=None, doc_type="minutes", date=None, date_start=None,
                   page_starts=[], items=[Item(ref="", title="", level=0, char_start=0,
                                               char_end=len(text))])
    chunks = chunk_document(doc, fake_embedder.count_tokens, 200, 32)
    assert len(chunks) > 100
    assert all(text[c.char_start:c.char_end] == c.text for c in chunks)
    assert all(fake_embedder.count_tokens(c.text) <= 200 for c in chunks)
    covered = max(c.char_end for c in chunks)
    assert covered >= len(text.rstrip()) - 1


def test_build_skips_the_oversized_document_and_indexes_the_rest(tmp_path: Path,
                                                                  fake_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD)
    (corpus / "dump.txt").write_text("Officers reported on the budget. " * 40_000)
    settings = Settings.from_env(index_dir=tmp_path / "index", max_text_mb=1)
    report = build_index([corpus], settings, embedder=fake_embedder)
    assert report.indexed == ["good.txt"]
    reasons = {s.path: s.reason for s in report.skipped}
    assert "SCRUTINY_MAX_TEXT_MB" in reasons["dump.txt"]


def test_isolated_read_returns_the_length_or_the_reason(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    assert read_isolated(good, 2**20, 10) == len(GOOD)
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage that is not a pdf body")
    with pytest.raises(ReadError, match="corrupt or truncated PDF"):
        read_isolated(bad, 2**20, 10)


def test_isolated_read_reports_the_memory_limit(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    with pytest.raises(ReadError, match="more than 20 MB of memory"):
        read_isolated(good, 2**20, 10, memory_mb=20)


def test_isolated_read_reports_the_time_limit(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    with pytest.raises(ReadError, match="longer than"):
        read_isolated(good, 2**20, 10, timeout=0.01)
