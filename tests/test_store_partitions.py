"""PostgreSQL partitions by council: a council-filtered search reads one partition, an
unfiltered one reads them all and still ranks like the index directory, keyword scores are
FTS5's, and a store written before partitioning keeps serving and is upgraded by the next
publish."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from indexer import Settings
from retriever import Assistant, Filters
from tests.fakes import HashEmbedder, fake_index

pytestmark = pytest.mark.postgres

COUNCILS = ["Leeds City Council", "City of York Council", "Kent County Council",
            "Walsall Metropolitan Borough Council", "London Borough of Camden",
            "Cornwall Council"]
TOPICS = ["foster carers recruitment fell and the allowance rose",
          "children's social care caseloads and agency social workers",
          "CAMHS waiting times for the first appointment",
          "adoption agency timeliness against the national scorecard"]


def _corpus(root: Path) -> Path:
    """Two documents per council (a sidecar names it), and one that names none."""
    corpus = root / "corpus"
    corpus.mkdir()
    for i, council in enumerate(COUNCILS):
        for j in range(2):
            name = f"{re.sub(r'[^a-z]+', '-', council.lower())}-201{j}-0{i + 1}-1{j}"
            topic, other = TOPICS[(i + j) % 4], TOPICS[(i + 2 * j + 1) % 4]
            (corpus / f"{name}.txt").write_text(
                f"CHILDREN'S SCRUTINY COMMITTEE\n\n1. Report of the Director\n\nMembers noted "
                f"that {topic} in {council.split()[-2]} ({i}, {j}). The Director said {other}.\n"
                f"\n2. Work programme\n\nRESOLVED That the {topic.split()[0]} report be noted.\n")
            (corpus / f"{name}.txt.meta.json").write_text(json.dumps(
                {"council": council, "committee": "Children's Scrutiny Committee",
                 "date": f"201{j}-0{i + 1}-1{j}", "doc_type": "minutes"}))
    (corpus / "notes-2020-05-01.txt").write_text(
        "Notes of a practitioners' workshop\n\nThe workshop discussed foster carers and CAMHS "
        "waiting times with partners.\n")
    return corpus


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("partitions")
    return fake_index(root, _corpus(root))


@pytest.fixture(scope="module")
def url(pg_server, many: Path) -> str:  # noqa: ANN001 - tests.pg.Server
    return pg_server.published("partitions", many)


def _open(index: Path, store: str) -> Assistant:
    return Assistant.open(index, settings=Settings.from_env(index_dir=index, store=store),
                          embedder=HashEmbedder())


@pytest.fixture(scope="module")
def pair(many: Path, url: str) -> tuple[Assistant, Assistant]:
    a, b = _open(many, ""), _open(many, url)
    yield a, b
    a.close()
    b.close()


def _partitions(plan: str, table: str) -> set[str]:
    return set(re.findall(rf"\b({table}_g\d+_s\d+)\b", plan))


def test_a_council_shard_ignores_case_spacing_and_punctuation() -> None:
    from indexer.stores.pgpublish import SHARDS, council_shard

    assert council_shard("City of York Council") == council_shard("city of  YORK council.")
    assert council_shard(None) == council_shard("") == council_shard(" - ") == 0
    shards = {council_shard(c) for c in COUNCILS}
    assert shards <= set(range(1, SHARDS + 1)) and len(shards) >= 3


def test_a_council_filter_reads_only_that_councils_partition(
        pair: tuple[Assistant, Assistant]) -> None:
    from indexer.stores.pgpublish import SHARDS, council_shard

    _lite, pg = pair
    store = pg.snapshot.store
    assert store.shards == SHARDS
    york = [d.doc_id for d in pg.documents() if d.council == "City of York Council"]
    qvec = pg.query_vector("foster carers")
    everything = store.plan(qvec, ["foster", "carers"], 60, None)
    assert len(_partitions(everything, "chunks")) == SHARDS + 1
    assert len(_partitions(everything, "postings")) == SHARDS + 1
    one = store.plan(qvec, ["foster", "carers", "children's"], 60, york)
    want = {f"chunks_g{store.gen}_s{council_shard('City of York Council')}"}
    assert _partitions(one, "chunks") == want
    # a phrase's IDF counts every passage: "children's" reads every council's postings
    assert _partitions(store.plan(qvec, ["foster", "carers"], 60, york), "postings") == \
        {w.replace("chunks", "postings") for w in want}
    hits = pg.search("foster carers", k=5, filters=Filters(council="York")).hits
    assert hits and {h.citation.council for h in hits} == {"City of York Council"}


def test_rows_without_a_council_sit_in_partition_zero(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.tableoid::regclass::text, d.council FROM scrutiny.chunks c JOIN "
            "scrutiny.documents d USING (generation, doc_id)").fetchall()
    assert {t for t, c in rows if c is None} == {t for t, _ in rows if t.endswith("_s0")}
    assert any(c is None for _, c in rows)


def test_unfiltered_search_ranks_across_partitions_as_the_directory_does(
        pair: tuple[Assistant, Assistant]) -> None:
    lite, pg = pair
    for q in ["foster carers recruitment", "children's social care", "CAMHS waiting times",
              "adoption scorecard Kent", "agency social workers", "waiting"]:
        u = pg.query_vector(q)
        terms = q.split()
        a = lite.snapshot.store.fused(u, terms, 20, None)
        b = pg.snapshot.store.fused(u, terms, 20, None)
        assert [(c, d, k) for c, _s, d, k in a] == [(c, d, k) for c, _s, d, k in b], q
        assert [s for _c, s, _d, _k in a] == pytest.approx([s for _c, s, _d, _k in b]), q
        assert lite.search(q, k=5).to_dict()["hits"] == pg.search(q, k=5).to_dict()["hits"], q


def test_dense_search_over_partitions_matches_exact_search(
        pair: tuple[Assistant, Assistant]) -> None:
    _lite, pg = pair
    store = pg.snapshot.store
    ids = [int(r[0]) for r in store._rows("SELECT chunk_id FROM chunks WHERE generation = {G}")]
    vecs = store.chunk_vectors(ids)
    mat = np.vstack([vecs[i] for i in ids])
    for q in TOPICS:
        qv = pg.query_vector(q)
        exact = [ids[i] for i in np.argsort(-(mat @ qv), kind="stable")[:10]]
        assert {c for c, _ in store.dense_search(qv, 10, None)} == set(exact), q


def test_keyword_scores_are_fts5s(pair: tuple[Assistant, Assistant]) -> None:
    """The same words, the same BM25 (FTS5's tokenizer and formula), the same ties, and a
    term of several tokens is a phrase on both stores."""
    lite, pg = pair
    for terms in (["foster", "carers"], ["Foster", "foster"], ["CAMHS", "waiting", "times"],
                  ["the", "agency"], ["recruitment", "allowance", "scorecard", "Kent"],
                  ["Leeds", "nothing-like-this"], ["children's", "caseloads"],
                  ["agency-social", "Children's", "CHILDREN'S"], ["waiting-times-for"]):
        a = lite.snapshot.store.keyword_search(terms, 30, None)
        b = pg.snapshot.store.keyword_search(terms, 30, None)
        assert [c for c, _ in a] == [c for c, _ in b], terms
        assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-12), terms
        a, b = (x.snapshot.store.resolution_matches(terms, 50) for x in (lite, pg))
        assert a or terms[0] not in ("foster", "Foster", "the"), terms
        assert list(a) == list(b) and list(a.values()) == pytest.approx(list(b.values())), terms


def _to_previous_layout(url: str) -> int:
    """Turn the served generation back into what the publisher wrote before partitioning by
    council: plain generation partitions without ``shard``, no ``shards`` column, and
    postings weights as real."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn, conn.transaction():
        conn.execute("SET search_path = scrutiny, public")
        g = int(conn.execute("SELECT generation FROM current_generation").fetchone()[0])
        for t in ("documents", "chunks", "postings", "sentences"):
            conn.execute(f"CREATE TABLE old_{t} (LIKE {t}_g{g})")
            conn.execute(f"INSERT INTO old_{t} SELECT * FROM {t}_g{g}")
            conn.execute(f"DROP TABLE {t}_g{g}")
            conn.execute(f"ALTER TABLE {t} DROP COLUMN shard")
            conn.execute(f"ALTER TABLE old_{t} DROP COLUMN shard")
            conn.execute(f"ALTER TABLE old_{t} RENAME TO {t}_g{g}")
        for t in ("postings", f"postings_g{g}"):
            conn.execute(f"ALTER TABLE {t} ALTER COLUMN w TYPE real")
            conn.execute(f"ALTER TABLE {t} DROP COLUMN pos")
            conn.execute(f"ALTER TABLE {t} DROP COLUMN doclen")
        for t in ("documents", "chunks", "postings", "sentences"):
            conn.execute(f"ALTER TABLE {t} ATTACH PARTITION {t}_g{g} FOR VALUES IN ({g})")
        conn.execute(f"CREATE INDEX ON postings_g{g} (lexeme, w DESC) INCLUDE (chunk_id, doc_id)")
        conn.execute("ALTER TABLE generations DROP COLUMN shards")
        conn.execute("UPDATE generations SET manifest = manifest - 'bm25'")
        conn.execute("DROP TABLE res_postings")
    return g


def test_a_store_from_before_partitioning_serves_and_the_next_publish_upgrades_it(
        pg_server, many: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from indexer.stores.pgpublish import SHARDS, publish

    url = pg_server.new_database("previous")
    publish(url, many)
    old = _to_previous_layout(url)
    lite, reader = _open(many, ""), _open(many, url)
    try:
        assert reader.snapshot.store.shards is None  # read as it was written
        for f in (Filters(), Filters(council="York")):
            assert [h.chunk_id for h in reader.search("foster carers", k=5, filters=f).hits] \
                == [h.chunk_id for h in lite.search("foster carers", k=5, filters=f).hits]
        copy = tmp_path / "index"  # another directory: another generation to publish
        shutil.copytree(many, copy)
        assert publish(url, copy) is not None  # upgrades the tables, writes the new layout
        assert reader.snapshot.generation == str(old)  # readers keep what they opened
        assert reader.search("foster carers", k=1, filters=Filters(council="York")).hits
        assert reader.refresh()
        assert reader.snapshot.store.shards == SHARDS
        assert [h.chunk_id for h in reader.search("foster carers", k=5).hits] == \
            [h.chunk_id for h in lite.search("foster carers", k=5).hits]
    finally:
        lite.close()
        reader.close()
