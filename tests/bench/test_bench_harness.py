"""The benchmark harness: deterministic corpora the indexer understands, and a JSON report.

Fast (a fake embedder, a small corpus): what CI runs. The real-model numbers come from
``scrutiny bench`` itself, not from the test suite.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.generate import generate


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*.txt")):
        h.update(f.relative_to(folder).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic")
    g = generate(out, 3, seed=7, include_seed=False)
    assert g.synthetic >= 8 and g.bytes > 250_000
    return out


def test_generator_is_deterministic(tmp_path: Path, synthetic: Path) -> None:
    again = tmp_path / "again"
    generate(again, 3, seed=7, include_seed=False)
    assert _digest(again) == _digest(synthetic)
    other = tmp_path / "other"
    generate(other, 3, seed=8, include_seed=False)
    assert _digest(other) != _digest(synthetic)


def test_scale_includes_the_seed_corpus(tmp_path: Path, corpus_dir: Path) -> None:
    g = generate(tmp_path / "c", 2, seed=0)
    seed_bytes = sum(p.stat().st_size for p in corpus_dir.iterdir() if p.is_file())
    assert all((tmp_path / "c" / p.name).is_file() for p in corpus_dir.glob("*.txt"))
    assert 2 * seed_bytes <= g.bytes < 2 * seed_bytes + 80_000


def test_generated_documents_are_recognised(synthetic: Path) -> None:
    from indexer.document import load_document

    files = sorted(synthetic.rglob("*.txt"))[:8]  # council detection costs ~1 s a document
    kinds, refs = set(), set()
    for f in files:
        doc, _ = load_document(f, f.name, f.stem, 2**26)
        y, m, d = f.stem.split("-")[-3:]
        kind = next(k for k in ("minutes", "report", "peer_review", "inspection")
                    if f"-{k}-" in f.name)
        kinds.add(doc.doc_type)
        assert doc.doc_type == kind, f.name
        assert doc.council, f.name
        assert doc.committee, f.name
        assert doc.date and doc.date[:7] == f"{y}-{m}", (f.name, doc.date)
        if kind == "minutes":
            assert doc.date == f"{y}-{m}-{d}", (f.name, doc.date)
            assert len(doc.items) >= 2 and doc.resolutions, f.name
            refs.update(i.ref for i in doc.items)
        else:
            assert len(doc.items) >= 2, f.name
    assert "minutes" in kinds
    styles = {"slash": any("/" in r for r in refs), "prefix": any("." in r and r[0].isalpha()
                                                                 for r in refs),
              "integer": any(r.endswith(".") and r[:-1].isdigit() for r in refs)}
    assert any(styles.values()), refs


def test_run_writes_json_with_expected_keys(tmp_path: Path) -> None:
    from bench.run import main

    out, work = tmp_path / "out", tmp_path / "work"
    code = main(["--sizes", "1", "--quick", "--backend", "fake", "--out", str(out),
                 "--work", str(work)])
    assert code == 0
    data = json.loads((out / "bench-1x-fake.json").read_text())
    assert data["size"] == 1 and data["corpus"]["documents"] == 5
    index = data["ours"]["index"]
    for key in ("build_s", "documents", "chunks", "sentences", "texts_embedded",
                "texts_from_cache", "index_mb", "peak_rss_mb", "process_s"):
        assert key in index, key
    assert index["documents"] == 5 and index["chunks"] > 0
    serve = data["ours"]["serve"]
    for key in ("search", "ask", "search_filtered", "peak_rss_mb"):
        assert key in serve, key
    assert {"p50_ms", "p95_ms"} <= set(serve["search"])
    naive = data["naive"]
    for key in ("chunks", "build_s", "naive_search", "bm25_search", "peak_rss_mb"):
        assert key in naive, key
    assert set(data["targets"]) >= {"seed_index_s", "search_p95_ms", "vec_recall_at_10"}
    if data["dev_questions"]:
        assert {"recall_at_1", "recall_at_5", "mrr_at_10"} <= set(serve["quality"])
        assert "recall_at_5" in naive["bm25_quality"]


def test_vector_layer_small(tmp_path: Path) -> None:
    from bench.vectors import recommend_threshold, run

    result = run(5_000, queries=10, checkpoints=())
    assert result["vectors"].startswith("generated")
    assert result["hnsw"]["recall_at_10"] >= 0.9
    assert result["flat"]["file_mb"] > 5_000 * 384 * 4 / 2**20 * 0.9
    assert [e["efSearch"] for e in result["hnsw"]["ef_sweep"]] == [64, 128, 256, 512]
    rec = recommend_threshold([result])
    assert rec["measured"][0]["n"] == 5_000
