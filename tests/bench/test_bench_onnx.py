"""The ONNX backend (the default): exported once into a cache, fp32 equal to torch, int8 close
to it. The export goes to a private cache folder so the test never depends on, or disturbs, the
user's cache.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

TEXTS = ["What did officers promise about CAMHS waiting times?",
         "RESOLVED That the report on foster carer recruitment be noted.",
         "The meeting terminated at 7.55 pm"]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.mark.integration
def test_onnx_matches_torch_and_is_cached(onnx_cache: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.embedding import bundled_model_path, load_embedder
    from indexer.onnx_export import OnnxEncoder, export_model

    monkeypatch.setenv("SCRUTINY_ONNX_CACHE", str(onnx_cache))
    torch_embedder = load_embedder(backend="torch")
    assert torch_embedder.backend == "torch" and torch_embedder.variant == ""
    ref = torch_embedder.encode(TEXTS)
    fp32 = OnnxEncoder(bundled_model_path(), precision="fp32")
    assert np.abs(fp32.encode(TEXTS) - ref).max() < 1e-4
    int8 = OnnxEncoder(bundled_model_path(), precision="int8")
    assert float((int8.encode(TEXTS) * ref).sum(1).min()) > 0.95
    files = sorted(p.name for p in onnx_cache.rglob("*.onnx"))
    assert len(files) == 2 and not any("tmp" in f for f in files)
    stamp = {p: p.stat().st_mtime_ns for p in onnx_cache.rglob("*.onnx")}
    assert export_model(bundled_model_path(), "int8").stat().st_mtime_ns in stamp.values()
    assert {p: p.stat().st_mtime_ns for p in onnx_cache.rglob("*.onnx")} == stamp  # no re-export
    assert np.abs(fp32.encode(TEXTS[:1], threads=1) - ref[:1]).max() < 1e-4  # query session


def test_an_index_never_mixes_int8_and_fp32_vectors(tmp_path: Path, corpus_dir: Path) -> None:
    from indexer.build import build_index
    from indexer.config import Settings
    from indexer.errors import IndexIncompatibleError
    from indexer.onnx_export import vector_variant

    assert vector_variant("onnx", "fp32") == "" and vector_variant("torch", "int8") == ""
    assert vector_variant("onnx", "int8") == "int8"
    seed = sorted(corpus_dir.glob("*.txt"))[0]
    index = tmp_path / "index"
    first = build_index([seed], Settings(index_dir=index, onnx_precision="fp32"))
    assert first.chunks_embedded > 0
    extra = tmp_path / "extra.txt"
    extra.write_text("Minutes of the Audit Committee\n\n1. Budget\n\nThe budget was noted.\n")
    with pytest.raises(IndexIncompatibleError, match="holds fp32 vectors"):
        build_index([seed, extra], Settings(index_dir=index, onnx_precision="int8"))
    again = build_index([seed, extra], Settings(index_dir=index, onnx_precision="int8"),
                        rebuild=True)
    assert again.chunks_embedded > first.chunks_embedded  # everything re-embedded in int8
    manifest = json.loads(next(index.glob("gen-*/manifest.json")).read_text())
    assert manifest["vectors"] == "int8" and manifest["backend"] == "onnx"


def test_precision_choice() -> None:
    from indexer.errors import ScrutinyError
    from indexer.onnx_export import cpu_isa, resolve_precision

    assert resolve_precision("fp32") == "fp32"
    assert resolve_precision("auto") == ("fp32" if cpu_isa() == "none" else "int8")
    with pytest.raises(ScrutinyError):
        resolve_precision("int4")
