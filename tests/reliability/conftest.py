"""Fixtures of the reliability tests: fast fake-embedder indexes and a 10x corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rel_helpers import CORPUS, make_corpus

from indexer.build import build_index
from indexer.config import Settings


@pytest.fixture(scope="session")
def hash_embedder():
    from tests.fakes import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def seed_fake_index(tmp_path_factory: pytest.TempPathFactory, hash_embedder) -> Path:
    """The bundled corpus indexed with the fake embedder (read-only: copy before changing)."""
    index = tmp_path_factory.mktemp("seed-fake") / "index"
    report = build_index([CORPUS], Settings(index_dir=index, corpus_dir=CORPUS),
                         embedder=hash_embedder)
    assert report.documents_total == 5
    return index


@pytest.fixture()
def fake_index(tmp_path: Path, seed_fake_index: Path) -> Path:
    dest = tmp_path / "index"
    shutil.copytree(seed_fake_index, dest)
    return dest


@pytest.fixture(scope="session")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten times the seed corpus (50 documents), built from the seeds under other names."""
    return make_corpus(tmp_path_factory.mktemp("big") / "corpus", copies=10)
