"""PostgreSQL + pgvector against the index directory: build, latency, recall, quality.

    python -m bench.pg_store --index DIR [--questions QA.jsonl ...] [--vectors 17402,174020]

``--index`` is an index directory built with the real model; it is published into a throwaway
server (tests/pg.py) and both stores answer the same questions. ``--vectors`` adds the search
layer alone on GENERATED vectors (bench/vectors.py's clustered mixture) at those counts, as the
FAISS figures in docs/scaling.md were measured. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.vectors import BLOCK, _block, _centroids, _queries, _recall
from indexer import Settings
from retriever import Assistant, Filters
from retriever.evaluate import evaluate_assistant, load_questions


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 2)


def _timed(fn: Any, items: list[Any]) -> tuple[list[Any], dict[str, float]]:
    out, lat = [], []
    for x in items:
        t0 = time.perf_counter()
        out.append(fn(x))
        lat.append((time.perf_counter() - t0) * 1000)
    return out, {"p50_ms": _pct(lat, 0.5), "p95_ms": _pct(lat, 0.95)}


def real_index(url: str, index: Path, qa: list[Path]) -> dict[str, Any]:
    from indexer.embedding import load_embedder
    from indexer.stores.pgpublish import publish

    t0 = time.perf_counter()
    publish(url, index)
    result: dict[str, Any] = {"publish_s": round(time.perf_counter() - t0, 2)}
    emb = load_embedder()
    lite = Assistant.open(index, embedder=emb, settings=Settings.from_env(index_dir=index))
    pg = Assistant.open(index, embedder=emb,
                        settings=Settings.from_env(index_dir=index, store=url))
    questions = [q for p in qa for q in load_questions(p)]
    texts = [q["question"] for q in questions]
    for a in (lite, pg):
        a.warm_up()
        for t in texts:  # embed once: latency below is the store and the retriever
            a.query_vector(t)
    result["chunks"] = pg.snapshot.count_chunks()
    result["questions"] = len(texts)
    # dense recall@10 of HNSW (pgvector) against exact search over the same vectors
    store = pg.snapshot.store
    ids = [cid for cid, in store._rows("SELECT chunk_id FROM chunks WHERE generation = {G}")]
    vecs = store.chunk_vectors(ids)
    mat = np.vstack([vecs[i] for i in ids])
    qv = [pg.query_vector(t) for t in texts]
    found, lat = _timed(lambda v: [c for c, _ in store.dense_search(v, 10, None)], qv)
    truth = [np.array(ids)[np.argsort(-(mat @ v))[:10]] for v in qv]
    result["pg_dense_k10"] = lat | {"recall_at_10": _recall([np.array(f) for f in found],
                                                            truth, 10)}
    u_terms = [t.split() for t in texts]
    _, result["pg_fused_k60"] = _timed(
        lambda i: store.fused(qv[i], u_terms[i], 60, None), list(range(len(texts))))
    # council-filtered: question i filtered to the i-th council (cycling), on both stores
    councils = sorted({d.council for d in pg.documents() if d.council})
    by_council = [(t, Filters(council=councils[i % len(councils)])) for i, t in enumerate(texts)]
    allowed = [d.doc_id for d in pg.documents() if d.council == councils[0]]
    plan = store.plan(qv[0], u_terms[0], 60, allowed)
    every = store.plan(qv[0], u_terms[0], 60, None)
    result["pg_partitions_read"] = {  # postings: a phrase in the question reads them all
        f"{table}_{name}": len(set(re.findall(rf"{table}_g\d+_s\d+", p)))
        for table in ("chunks", "postings") for name, p in (("all", every), ("one", plan))
    } | {"councils": len(councils), "terms": u_terms[0]}
    for name, a in (("sqlite", lite), ("postgres", pg)):
        _, result[f"{name}_search_council"] = _timed(
            lambda tf, a=a: a.search(tf[0], filters=tf[1]), by_council)
        _, result[f"{name}_search"] = _timed(lambda t, a=a: a.search(t), texts)
        _, result[f"{name}_ask"] = _timed(lambda t, a=a: a.ask(t), texts)
        row = evaluate_assistant(a, questions)
        result[f"{name}_eval"] = {k: v for k, v in row.to_dict().items() if k != "details"}
    result["same_answers"] = sum(lite.ask(t).answer == pg.ask(t).answer for t in texts)
    with pg.snapshot.store._conn() as conn:
        result["pg_bytes"] = int(conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'scrutiny' AND c.relkind = 'r'"
        ).fetchone()[0] or 0)
    lite.close()
    pg.close()
    return result


def generated(url: str, n: int, seed: int = 0, queries: int = 200, by_council: bool = False
              ) -> dict[str, Any]:
    """Dense search alone on n generated vectors in a table shaped like ``chunks``; with
    ``by_council``, in the store's 17 council partitions (40 passages a document, 25
    documents a council), each with its own HNSW index."""
    import psycopg
    from pgvector.psycopg import register_vector

    from indexer.stores.pgpublish import SHARDS, council_shard

    cents = _centroids(n, seed)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        conn.execute("DROP TABLE IF EXISTS gen_chunks")
        conn.execute("CREATE TABLE gen_chunks (chunk_id bigint, doc_id text, "
                     "embedding vector(384), shard smallint)"
                     + (" PARTITION BY LIST (shard)" if by_council else ""))
        for s in range(SHARDS + 1) if by_council else ():
            conn.execute(f"CREATE TABLE gen_chunks_s{s} PARTITION OF gen_chunks "
                         f"FOR VALUES IN ({s})")
        t0 = time.perf_counter()
        blocks = []
        with conn.cursor().copy("COPY gen_chunks FROM STDIN WITH (FORMAT BINARY)") as cp:
            cp.set_types(["int8", "text", "vector", "int2"])
            for b in range((n + BLOCK - 1) // BLOCK):
                x = _block(b, n, cents, seed)
                blocks.append(x)
                for i, v in enumerate(x):
                    cid = b * BLOCK + i
                    cp.write_row((cid, f"d{cid // 40}", v,
                                  council_shard(f"council {cid // 1000}")))
        copy_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("CREATE INDEX ON gen_chunks USING hnsw (embedding vector_ip_ops) "
                     "WITH (m = 16, ef_construction = 64)")
        conn.execute("CREATE INDEX ON gen_chunks (doc_id)")
        conn.execute("ANALYZE gen_chunks")
        index_s = time.perf_counter() - t0
        conn.execute("SET hnsw.ef_search = 200")
        conn.execute("SET hnsw.iterative_scan = relaxed_order")
        allx = np.vstack(blocks)
        qv = _queries(n, cents, seed, queries)
        sql = ("SELECT chunk_id FROM gen_chunks{w} ORDER BY embedding <#> %(q)s LIMIT %(k)s")
        found, lat = _timed(lambda v: [r[0] for r in conn.execute(
            sql.format(w=""), {"q": v, "k": 60}).fetchall()], list(qv))
        truth = [np.argsort(-(allx @ v))[:10] for v in qv]
        forced: dict[str, Any] = {}
        if by_council:  # what the store does: no sequential scans for a vector search
            conn.execute("SET enable_seqscan = off")
            got, forced = _timed(lambda v: [r[0] for r in conn.execute(
                sql.format(w=""), {"q": v, "k": 60}).fetchall()], list(qv))
            forced["recall_at_10"] = _recall([np.array(f[:10]) for f in got], truth, 10)
            # what the store runs: each partition searched on its own, then merged
            lateral = " UNION ALL ".join(
                f"(SELECT chunk_id, embedding <#> %(q)s AS d FROM gen_chunks_s{p} "
                "ORDER BY embedding <#> %(q)s LIMIT %(k)s)" for p in range(SHARDS + 1)
            ) + " ORDER BY d LIMIT %(k)s"
            got, per = _timed(lambda v: [r[0] for r in conn.execute(
                lateral, {"q": v, "k": 60}).fetchall()], list(qv))
            forced["per_partition"] = per | {
                "recall_at_10": _recall([np.array(f[:10]) for f in got], truth, 10)}
            conn.execute("SET enable_seqscan = on")
        docs = [f"d{i}" for i in range(0, n // 40, 100)]  # 1% of the documents
        _, flat = _timed(lambda v: conn.execute(
            sql.format(w=" WHERE doc_id = ANY(%(d)s)"), {"q": v, "k": 60, "d": docs}
        ).fetchall(), list(qv[:50]))
        one = [f"d{i}" for i in range(25)]  # one council: its 25 documents, 1,000 passages
        _, council = _timed(lambda v: conn.execute(
            sql.format(w=" WHERE doc_id = ANY(%(d)s) AND shard = %(s)s"),
            {"q": v, "k": 60, "d": one, "s": council_shard("council 0")}).fetchall(),
            list(qv[:50]))
        size = conn.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                            "WHERE c.relname LIKE 'gen_chunks%%' AND c.relkind = 'r'"
                            ).fetchone()[0] if by_council else conn.execute(
            "SELECT pg_total_relation_size('gen_chunks')").fetchone()[0]
        conn.execute("DROP TABLE gen_chunks")
    return {"n": n, "copy_s": round(copy_s, 1), "hnsw_build_s": round(index_s, 1),
            "k60": lat | {"recall_at_10": _recall([np.array(f[:10]) for f in found], truth, 10)},
            "k60_filter_1pct": flat, "k60_one_council": council,
            "k60_without_seqscans": forced,
            "table_and_indexes_bytes": int(size), "vectors": "generated",
            "partitions": SHARDS + 1 if by_council else 1}


def main(argv: list[str] | None = None) -> int:
    from tests.pg import Server

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path)
    p.add_argument("--questions", type=Path, nargs="*", default=[])
    p.add_argument("--vectors", default="")
    p.add_argument("--by-council", action="store_true",
                   help="generated vectors in council partitions as well as in one table")
    a = p.parse_args(argv)
    server = Server().start()
    out: dict[str, Any] = {}
    try:
        if a.index:
            out["index"] = real_index(server.new_database("bench"), a.index, a.questions)
        for n in [int(x) for x in a.vectors.split(",") if x]:
            out[f"generated_{n}"] = generated(server.new_database(f"gen{n}"), n)
            if a.by_council:
                out[f"generated_{n}_by_council"] = generated(
                    server.new_database(f"gen{n}c"), n, by_council=True)
    finally:
        server.stop()
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
