"""PostgreSQL going away under a running reader, and ``scrutiny check`` with only the server.

A server of its own (tests/pg.py) is stopped and started again mid-test, so the session's
shared server is not disturbed. The index is the small three-document one of
``test_store_backends`` with the deterministic fake embedder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from indexer import Settings, build_index
from indexer.errors import StoreUnavailableError
from retriever import Assistant
from scrutiny.cli import main
from tests.fakes import HashEmbedder
from tests.test_store_backends import _corpus
from tui.errors import explain

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def own_server() -> Iterator:  # tests.pg.Server: stopped and started here, so not shared
    from tests import pg

    with pg.running() as server:
        yield server


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("outage")
    build_index([_corpus(root)], Settings.from_env(index_dir=root / "index"),
                embedder=HashEmbedder())
    return root / "index"


def _publish(server, index: Path, name: str) -> str:  # noqa: ANN001 - tests.pg.Server
    from indexer.stores.pgpublish import publish

    url = server.new_database(name)
    assert publish(url, index) is not None
    return url


@pytest.fixture(scope="module")
def published(own_server, index: Path) -> str:  # noqa: ANN001
    return _publish(own_server, index, "outage")


def _kill_connections(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return len(conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
            "current_database() AND pid <> pg_backend_pid()").fetchall())


def test_a_killed_connection_fails_one_call_clearly_and_the_next_reconnects(
        published: str, tmp_path: Path) -> None:
    reader = Assistant.open(tmp_path / "none", embedder=HashEmbedder(), settings=Settings.from_env(
        index_dir=tmp_path / "none", store=published))
    try:
        before = [h.chunk_id for h in reader.search("foster carers", k=3).hits]
        assert before and _kill_connections(published) >= 1
        with pytest.raises(StoreUnavailableError, match="PostgreSQL .* failed mid-query") as e:
            reader.search("foster carers", k=3)
        assert explain(e.value, tmp_path).title == "The database is not answering"  # the TUI
        assert [h.chunk_id for h in reader.search("foster carers", k=3).hits] == before
    finally:
        reader.close()


def test_the_api_answers_503_while_the_server_is_down_and_recovers_after(
        own_server, published: str, tmp_path: Path) -> None:  # noqa: ANN001
    settings = Settings.from_env(index_dir=tmp_path / "none", store=published)
    with TestClient(create_app(settings, embedder=HashEmbedder(), warm_up=False),
                    raise_server_exceptions=False) as client:
        assert client.get("/search", params={"q": "foster carers"}).status_code == 200
        doc = client.get("/documents").json()["documents"][0]["doc_id"]
        own_server.pause()
        try:
            for path, params in (("/search", {"q": "adoption"}), ("/resolutions", {"q": "x"}),
                                 (f"/documents/{doc}", {})):
                down = client.get(path, params=params)
                assert down.status_code == 503, (path, down.text)
                assert "PostgreSQL" in down.json()["detail"]
                assert "Traceback" not in down.text and "psycopg" not in down.text
                assert down.headers["Retry-After"]
            asked = client.post("/ask", json={"question": "How many foster carers?"})
            assert asked.status_code == 503, asked.text
        finally:
            own_server.resume()
        back = client.get("/search", params={"q": "adoption"})
        assert back.status_code == 200 and back.json()["hits"]


def test_the_cli_says_one_line_when_the_server_is_down(
        own_server, published: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    monkeypatch.setenv("SCRUTINY_STORE", published)
    own_server.pause()
    try:
        code = main(["search", "adoption", "--index", str(tmp_path / "none")])
    finally:
        own_server.resume()
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith("scrutiny: Cannot reach PostgreSQL") and "Traceback" not in err


def test_check_with_only_postgres_checks_the_published_generation(
        own_server, index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    import psycopg

    url = _publish(own_server, index, "damaged")
    monkeypatch.setenv("SCRUTINY_STORE", url)
    no_dir = ["check", "--index", str(tmp_path / "no-index-here")]
    assert main(no_dir) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: PostgreSQL") and "no-index-here" not in out
    with psycopg.connect(url, autocommit=True) as conn:
        gen = conn.execute("SELECT generation FROM scrutiny.current_generation").fetchone()[0]
        conn.execute("UPDATE scrutiny.current_generation SET generation = 999")
        assert main(no_dir) == 1
        assert "points at generation 999" in capsys.readouterr().out
        conn.execute("UPDATE scrutiny.current_generation SET generation = %s", (gen,))
        assert main(no_dir) == 0
        capsys.readouterr()
        conn.execute("DELETE FROM scrutiny.chunks WHERE chunk_id = (SELECT min(chunk_id) "
                     "FROM scrutiny.chunks WHERE generation = %s)", (gen,))
        # The partitioned table's own index first: dropping it drops its partitions' too.
        for (name,) in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = "
                                    "'scrutiny' AND indexdef ILIKE '%%hnsw%%' "
                                    "ORDER BY length(tablename), indexname").fetchall():
            conn.execute(f'DROP INDEX IF EXISTS scrutiny."{name}"')
    assert main(no_dir) == 1
    out = capsys.readouterr().out
    assert "chunks; its manifest says" in out and "no HNSW index" in out, out
    assert "repair: run `scrutiny index --rebuild --index" in out and "SCRUTINY_STORE" in out
