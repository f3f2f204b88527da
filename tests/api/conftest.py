"""Fixtures for the API tests: apps over the session's real index, and private writable
copies (corpus + index) for the tests that upload or delete."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer.config import Settings

KEY = "test-key"
NEW_MINUTES = b"""KIRKLEES COUNCIL

CORPORATE PARENTING BOARD

WEDNESDAY 5 JUNE 2019

1. Present: Councillor A. Example (Chair), Councillors B. Sample and C. Specimen.

2. Almondbury children's centre crossing

Members discussed parents' requests for a zebra crossing outside the Almondbury children's
centre, where families with pushchairs cross a busy road to reach the centre.

RESOLVED that officers report back on the feasibility of an Almondbury zebra crossing.
"""


@pytest.fixture(scope="session")
def api_key() -> str:
    return KEY


@pytest.fixture(scope="session")
def auth() -> dict[str, str]:
    """The header write requests send (test modules cannot import each other reliably)."""
    return {"Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="session")
def new_minutes() -> bytes:
    """A small minutes file about something the bundled corpus never mentions."""
    return NEW_MINUTES


@pytest.fixture(scope="session")
def read_settings(corpus_index: Path, corpus_dir: Path) -> Settings:
    return Settings(index_dir=corpus_index, corpus_dir=corpus_dir)


@pytest.fixture(scope="session")
def client(read_settings: Settings, assistant) -> TestClient:
    """A client over the shared read-only index (no API key: writes are disabled)."""
    app = create_app(read_settings, assistant=assistant)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def sample_doc(client: TestClient) -> dict:
    """A document of the bundled corpus that has numbered items and resolutions."""
    docs = client.get("/documents").json()["documents"]
    return max(docs, key=lambda d: (d["resolutions"], d["items"]))


@dataclass
class Writable:
    client: TestClient
    settings: Settings
    corpus: Path
    index: Path


@pytest.fixture()
def writable(tmp_path: Path, writable_index: Path, corpus_dir: Path, real_embedder):
    """A client with an API key over a private copy of the corpus and of its index."""
    from retriever import Assistant

    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    for path in corpus.iterdir():
        path.chmod(0o644)  # the bundled corpus is read-only
    settings = Settings(index_dir=writable_index, corpus_dir=corpus, api_key=KEY,
                        max_upload_mb=1)
    assistant = Assistant.open(writable_index, settings=settings, embedder=real_embedder)
    app = create_app(settings, assistant=assistant)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield Writable(c, settings, corpus, writable_index)
    assistant.close()
