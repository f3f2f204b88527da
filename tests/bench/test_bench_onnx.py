"""The ONNX backend: exported once into a cache, fp32 equal to torch, int8 close to it.

Skipped where onnx/onnxruntime are not installed (they are the ``[onnx]`` extra). The export
goes to a private cache folder so the test never depends on, or disturbs, the user's cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

TEXTS = ["What did officers promise about CAMHS waiting times?",
         "RESOLVED That the report on foster carer recruitment be noted.",
         "The meeting terminated at 7.55 pm"]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.mark.integration
def test_onnx_matches_torch_and_is_cached(onnx_cache: Path, real_embedder,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from indexer.embedding import bundled_model_path
    from indexer.onnx_export import OnnxEncoder, export_model

    monkeypatch.setenv("SCRUTINY_ONNX_CACHE", str(onnx_cache))
    ref = real_embedder.encode(TEXTS)
    fp32 = OnnxEncoder(bundled_model_path(), precision="fp32")
    assert np.abs(fp32.encode(TEXTS) - ref).max() < 1e-4
    int8 = OnnxEncoder(bundled_model_path(), precision="int8")
    assert float((int8.encode(TEXTS) * ref).sum(1).min()) > 0.95
    files = sorted(p.name for p in onnx_cache.rglob("*.onnx"))
    assert len(files) == 2 and not any("tmp" in f for f in files)
    stamp = {p: p.stat().st_mtime_ns for p in onnx_cache.rglob("*.onnx")}
    assert export_model(bundled_model_path(), "int8").stat().st_mtime_ns in stamp.values()
    assert {p: p.stat().st_mtime_ns for p in onnx_cache.rglob("*.onnx")} == stamp  # no re-export


def test_precision_choice() -> None:
    from indexer.errors import ScrutinyError
    from indexer.onnx_export import cpu_isa, resolve_precision

    assert resolve_precision("fp32") == "fp32"
    assert resolve_precision("auto") == ("fp32" if cpu_isa() == "none" else "int8")
    with pytest.raises(ScrutinyError):
        resolve_precision("int4")
