"""Fixtures for the TUI tests (the real ``assistant`` comes from tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import Settings


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def tui_settings(corpus_index: Path, corpus_dir: Path) -> Settings:
    return Settings(index_dir=corpus_index, corpus_dir=corpus_dir)


@pytest.fixture
def fake_settings(tmp_path: Path) -> Settings:
    """Settings for apps given a fake assistant (the index directory is never opened)."""
    return Settings(index_dir=tmp_path / "unused-index", corpus_dir=tmp_path)
