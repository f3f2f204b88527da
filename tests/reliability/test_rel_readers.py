"""Reader fuzzing (issue 7, "Bad input"): random bytes, truncated and mutated PDF/DOCX/HTML,
bombs, deep nesting, NULs, mixed encodings and a long single line. Each file is read or
refused with a ReadError within a time bound, and a build indexes it or skips it with a
reason while the rest of the corpus is indexed. The long version is bench/fuzz_readers.py."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rel_helpers import (
    CORPUS,
    adversarial_files,
    sample_docx,
    sample_html,
    sample_pdf,
)

from indexer.build import build_index
from indexer.check import check_index
from indexer.config import Settings
from indexer.errors import ReadError
from indexer.readers import SUPPORTED, ReadResult, read_document

PER_FILE_SECONDS = 20  # generous: the suite may share two cores with other work
SAMPLES = {".pdf": sample_pdf(2), ".docx": sample_docx(2), ".html": sample_html()}
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class ReaderTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def expire(*_: object) -> None:
        raise ReaderTimeout(f"reader still running after {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_or_refuse(path: Path) -> ReadResult | ReadError:
    """The reader's contract: a ReadResult or a ReadError, nothing else, in bounded time."""
    with time_limit(PER_FILE_SECONDS):
        try:
            result = read_document(path)
        except ReadError as exc:
            assert str(exc).strip(), "a ReadError must carry a reason"
            return exc
    assert isinstance(result.text, str) and result.text.strip()
    assert "\x00" not in result.text
    assert result.page_starts == sorted(result.page_starts)
    assert all(0 <= s <= len(result.text) for s in result.page_starts)
    return result


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUPPORTED))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[suffix])
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "zero-run"]))
    if kind == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif kind == "flip":
        for _ in range(draw(st.integers(1, 20))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    elif kind == "splice":
        i = draw(st.integers(0, len(data)))
        data[i:i] = draw(st.binary(min_size=1, max_size=512))
    else:
        i = draw(st.integers(0, len(data) - 1))
        data[i:i + draw(st.integers(1, 4096))] = b"\x00" * 64
    return suffix, bytes(data)


@FUZZ
@given(case=mutated())
def test_mutated_documents(tmp_path: Path, case: tuple[str, bytes]) -> None:
    suffix, data = case
    path = tmp_path / f"mutated{suffix}"
    path.write_bytes(data)
    read_or_refuse(path)


@pytest.fixture(scope="module")
def bad_files() -> dict[str, bytes]:
    return adversarial_files(long_line_mb=1)


EXPECTED_REFUSALS = {
    "random.pdf": "not a PDF", "random.docx": "corrupt DOCX", "truncated.pdf": "PDF",
    "encrypted.pdf": "password-protected", "bomb.docx": "zip bomb", "lying-bomb.docx": "DOCX",
    "empty.txt": "empty file", "whitespace.md": "no text", "not-zip.docx": "corrupt DOCX",
}


def test_each_adversarial_file(tmp_path: Path, bad_files: dict[str, bytes]) -> None:
    slow = []
    for name, data in bad_files.items():
        path = tmp_path / name
        path.write_bytes(data)
        t0 = time.perf_counter()
        outcome = read_or_refuse(path)
        took = time.perf_counter() - t0
        slow.append((took, name))
        if name in EXPECTED_REFUSALS:
            assert isinstance(outcome, ReadError), f"{name} was read: {outcome}"
            assert EXPECTED_REFUSALS[name] in str(outcome), f"{name}: {outcome}"
    print("slowest reads:", sorted(slow, reverse=True)[:3])


def test_twenty_mb_single_line(tmp_path: Path) -> None:
    """Refused by the text limit at once; read whole when the limit is raised."""
    path = tmp_path / "line.txt"
    with path.open("wb") as fh:
        for _ in range(20):
            fh.write(b"the panel resolved to note the report " * 27_594)  # ~1 MB, no newline
    t0 = time.perf_counter()
    refused = read_or_refuse(path)
    assert isinstance(refused, ReadError) and "SCRUTINY_MAX_TEXT_MB" in str(refused)
    result = read_document(path, max_text_mb=32)
    assert isinstance(result, ReadResult) and "\n" not in result.text
    assert time.perf_counter() - t0 < PER_FILE_SECONDS


def test_build_indexes_or_skips_every_bad_file(tmp_path: Path, bad_files: dict[str, bytes],
                                               hash_embedder) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in CORPUS.glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    for name, data in bad_files.items():
        (corpus / name).write_bytes(data)
    (corpus / "tool.exe").write_bytes(b"MZ\x90\x00")
    index = tmp_path / "index"
    t0 = time.perf_counter()
    report = build_index([corpus], Settings(index_dir=index), embedder=hash_embedder)
    took = time.perf_counter() - t0
    skipped = {s.path: s.reason for s in report.skipped if not s.reason.startswith("warning")}
    for name in [*bad_files, "tool.exe"]:
        assert (name in report.indexed) != (name in skipped), f"{name}: neither or both"
        if name in skipped:
            assert skipped[name].strip(), f"{name} skipped without a reason"
    for name in EXPECTED_REFUSALS:
        assert name in skipped, f"{name} should have been skipped"
    for seed in CORPUS.glob("*.txt"):
        assert seed.name in report.indexed
    assert check_index(index) == []
    print(f"build of {len(bad_files) + 6} files in {took:.1f}s; skipped: {skipped}")
