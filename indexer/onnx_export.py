"""ONNX Runtime encoder for the embedding model: exported once, cached, int8 where the CPU has it.

Embedding is the cost of indexing, and on a 2-core CPU ONNX Runtime with int8 weights does the
same work in a fraction of torch's CPU time (``bench/embedding.py`` measures it, with the dev-set
quality change). Why not sentence-transformers' own ``backend="onnx"``: it needs optimum's ONNX
Runtime integration (the ``optimum-onnx`` package), whose releases pin ``transformers<4.58``
while this project runs transformers 5. So the export uses ``torch.onnx`` (TorchScript exporter,
needs only the ``onnx`` package), onnxruntime's own transformer optimiser (fused attention,
GELU, layer norm) and dynamic quantiser, and inference runs on onnxruntime directly.

Mean pooling and L2 normalisation are inside the graph, so one ``run`` returns sentence vectors.
The export happens once per model and onnxruntime version, under a file lock (two processes
starting at once export once), into ``$SCRUTINY_ONNX_CACHE`` or
``~/.cache/scrutiny-assistant/onnx/``; it never touches the network or the installed model.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import platform
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ScrutinyError

EXPORT_VERSION = "2"  # bump when the exported graph changes, so caches are rebuilt
PRECISIONS = ("auto", "fp32", "int8")


def cache_root() -> Path:
    env = os.environ.get("SCRUTINY_ONNX_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "scrutiny-assistant" / "onnx"


def cpu_isa() -> str:
    """The int8 kernel family this CPU has: ``avx512_vnni``, ``avx512``, ``avx2``, ``arm64``
    or ``none`` (then int8 is slower than fp32 and ``auto`` picks fp32)."""
    machine = platform.machine().lower()
    if machine in ("arm64", "aarch64"):
        return "arm64"
    try:
        flags = set(Path("/proc/cpuinfo").read_text(errors="ignore").split())
    except OSError:
        flags = set()
    if {"avx512_vnni", "avx512vnni", "avx_vnni"} & flags:
        return "avx512_vnni"
    if "avx512f" in flags and "avx512bw" in flags:
        return "avx512"
    return "avx2" if "avx2" in flags else "none"


def _cache_dir(model_path: Path) -> Path:
    """One folder per (model files, exporter version, onnxruntime version)."""
    import onnxruntime

    h = hashlib.sha1(f"{EXPORT_VERSION}\0{onnxruntime.__version__}".encode())
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"):
        f = model_path / name
        if f.is_file():
            st = f.stat()
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    h.update(str(model_path.resolve()).encode())
    return cache_root() / f"{model_path.name}-{h.hexdigest()[:12]}"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _pooling(model_path: Path) -> str:
    cfg_file = model_path / "1_Pooling" / "config.json"
    if not cfg_file.is_file():
        return "mean"
    cfg = json.loads(cfg_file.read_text())
    if cfg.get("pooling_mode_mean_tokens"):
        return "mean"
    if cfg.get("pooling_mode_cls_token"):
        return "cls"
    raise ScrutinyError(f"The ONNX backend supports mean or CLS pooling only ({model_path}); "
                        "use SCRUTINY_BACKEND=torch for this model.")


def _export_fp32(model_path: Path, out: Path) -> None:
    """Trace the transformer + pooling + normalisation to ONNX (needs torch, once)."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_path), attn_implementation="eager").eval()
    pooling = _pooling(model_path)

    class Wrapped(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            h = self.inner(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).last_hidden_state
            if pooling == "cls":
                v = h[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(h.dtype)
                v = (h * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, p=2, dim=1)

    ids = torch.ones(2, 16, dtype=torch.long)
    dyn: dict[str, dict[int, str]] = {
        n: {0: "batch", 1: "seq"} for n in ("input_ids", "attention_mask", "token_type_ids")}
    dyn["sentence_embedding"] = {0: "batch"}
    import warnings

    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Wrapped(model), (ids, ids, torch.zeros_like(ids)), str(out),
                          input_names=["input_ids", "attention_mask", "token_type_ids"],
                          output_names=["sentence_embedding"], dynamic_axes=dyn,
                          opset_version=17, dynamo=False)


def _optimise(src: Path, dst: Path, model_path: Path) -> None:
    """Fuse attention/GELU/layer-norm for BERT-family models; otherwise keep the plain graph."""
    import shutil

    cfg = json.loads((model_path / "config.json").read_text())
    if cfg.get("model_type") not in ("bert", "roberta", "distilbert", "xlm-roberta", "mpnet"):
        shutil.copyfile(src, dst)
        return
    import logging

    from onnxruntime.transformers.optimizer import optimize_model

    logging.disable(logging.INFO)  # "Fused Gelu: 6" etc. would land in the user's terminal or log
    try:
        opt = optimize_model(str(src), model_type="bert",
                             num_heads=int(cfg["num_attention_heads"]),
                             hidden_size=int(cfg["hidden_size"]), opt_level=1)
        opt.save_model_to_file(str(dst))
    finally:
        logging.disable(logging.NOTSET)


def _quantise(src: Path, dst: Path, isa: str) -> None:
    """Dynamic int8 (weights per channel; activations quantised at run time, no calibration).

    Only the MatMuls (projections and feed-forward) are quantised; the fused attention stays
    fp32. Measured on the seed corpus (35 questions): quantising attention too was 2.0x fp32's
    speed but lost 2 first-place hits; MatMuls only is 1.6x with the same recall@1.
    """
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # "consider pre-processing": not needed for dynamic int8
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"],
                         # without VNNI the u8*s8 kernels can saturate: use 7-bit weights
                         reduce_range=isa in ("avx2", "avx512"),
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        logging.disable(logging.NOTSET)


def resolve_precision(precision: str = "auto") -> str:
    if precision not in PRECISIONS:
        raise ScrutinyError(f"ONNX precision must be one of {', '.join(PRECISIONS)}")
    if precision == "auto":
        return "int8" if cpu_isa() != "none" else "fp32"
    return precision


def export_model(model_path: Path, precision: str = "auto") -> Path:
    """Path of the cached ONNX file for ``model_path``; exports it first if missing."""
    model_path = Path(model_path)
    precision = resolve_precision(precision)
    folder = _cache_dir(model_path)
    isa = cpu_isa()
    fp32 = folder / "model_fp32.onnx"
    target = fp32 if precision == "fp32" else folder / f"model_int8_{isa}.onnx"
    if target.is_file():
        return target
    try:
        with _locked(folder):
            if target.is_file():  # another process exported while we waited
                return target
            if not fp32.is_file():
                raw = folder / "raw.tmp.onnx"
                _export_fp32(model_path, raw)
                _optimise(raw, folder / "fp32.tmp.onnx", model_path)
                os.replace(folder / "fp32.tmp.onnx", fp32)
                raw.unlink(missing_ok=True)
            if target != fp32:
                tmp = folder / "int8.tmp.onnx"
                _quantise(fp32, tmp, isa)
                os.replace(tmp, target)
            (folder / "meta.json").write_text(json.dumps(
                {"model": str(model_path), "export_version": EXPORT_VERSION, "isa": isa}))
    except ScrutinyError:
        raise
    except ImportError as exc:
        raise ScrutinyError(f"The ONNX backend needs onnxruntime and onnx ({exc.name} is "
                            "missing): pip install 'scrutiny-assistant[onnx]'.") from None
    except OSError as exc:
        raise ScrutinyError(f"Cannot write the ONNX model cache at {folder}: {exc.strerror}. "
                            "Set SCRUTINY_ONNX_CACHE to a writable folder.") from None
    return target


class OnnxEncoder:
    """Drop-in for the parts of ``SentenceTransformer`` the embedder uses, on onnxruntime.

    Texts are tokenised once, sorted by token count and batched so a batch carries little
    padding; vectors come back in input order.
    """

    def __init__(self, model_path: Path, precision: str = "auto", threads: int | None = None,
                 spinning: bool = False) -> None:
        from tokenizers import Tokenizer

        model_path = Path(model_path)
        self.precision = resolve_precision(precision)
        self.file = export_model(model_path, self.precision)
        cfg_file = model_path / "sentence_bert_config.json"
        cfg = json.loads(cfg_file.read_text()) if cfg_file.is_file() else {}
        self.max_seq_length = int(cfg.get("max_seq_length") or 256)
        self._tok = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tok.no_padding()
        self._tok.enable_truncation(self.max_seq_length)
        self.threads = threads or max(1, os.cpu_count() or 1)
        self._spinning = spinning
        self._sessions: dict[int, Any] = {}
        first = self._session(self.threads)
        self._inputs = [i.name for i in first.get_inputs()]
        self._dim = int(first.get_outputs()[0].shape[-1])

    def _session(self, threads: int | None) -> Any:
        """One session per thread count: a question runs on one thread (see the embedder),
        batches of passages on all of them. Sessions share nothing but the file."""
        threads = threads or self.threads
        if threads not in self._sessions:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            # Spinning threads burn a core waiting for work: bad when the API or other
            # processes share the CPU, worth a few per cent only on an idle machine.
            opts.add_session_config_entry("session.intra_op.allow_spinning",
                                          "1" if self._spinning else "0")
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self._sessions[threads] = ort.InferenceSession(str(self.file), opts,
                                                           providers=["CPUExecutionProvider"])
        return self._sessions[threads]

    def get_sentence_embedding_dimension(self) -> int:
        return self._dim

    def encode(self, texts: list[str], batch_size: int = 16, normalize_embeddings: bool = True,
               convert_to_numpy: bool = True, show_progress_bar: bool = False,
               threads: int | None = None, parallel: bool | None = None) -> np.ndarray:
        """Normalised float32 vectors, one row per text (pooling/normalising are in the graph).

        With ``parallel`` (the default for more than one thread), batches run side by side,
        each on one single-threaded session, instead of one after another on a session that
        splits every matrix product across threads: a small batch leaves threads waiting on
        each other. Measured on 2 cores: +0-5% on an idle machine, +24% texts per CPU-second
        when other work shares the cores.
        """
        threads = threads or self.threads
        out = np.zeros((len(texts), self._dim), dtype="float32")
        if not texts:
            return out
        encs = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        step = max(1, batch_size)
        batches = [order[i:i + step] for i in range(0, len(order), step)]
        side_by_side = (threads > 1 and len(batches) > 1) if parallel is None else parallel
        session = self._session(1 if side_by_side else threads)

        def run(rows: list[int]) -> np.ndarray:
            width = max(1, max(len(encs[i].ids) for i in rows))
            ids = np.zeros((len(rows), width), dtype="int64")
            mask = np.zeros((len(rows), width), dtype="int64")
            for r, i in enumerate(rows):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            return session.run(None, {k: feed[k] for k in self._inputs})[0]

        if side_by_side:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=threads) as pool:  # onnxruntime frees the GIL
                for rows, vecs in zip(batches, pool.map(run, batches), strict=True):
                    out[rows] = vecs
        else:
            for rows in batches:
                out[rows] = run(rows)
        return out


def load_onnx_encoder(model_path: Path, precision: str | None = None) -> OnnxEncoder:
    """What ``SentenceTransformerEmbedder`` uses for ``backend="onnx"``.

    Precision (``SCRUTINY_ONNX_PRECISION``): fp32 (default) gives torch's vectors exactly;
    int8 embeds ~2x faster again with the same recall@5 and answer support on the dev
    questions but one or two fewer first-place hits (see docs/scaling.md); auto = int8 where
    the CPU has int8 kernels.
    """
    chosen = precision or os.environ.get("SCRUTINY_ONNX_PRECISION") or "fp32"
    return OnnxEncoder(Path(model_path), precision=chosen)


def vector_variant(backend: str, precision: str | None) -> str:
    """What distinguishes this backend's vectors from torch's: int8 vectors are not the same
    vectors, so they must not share the embedding cache with fp32 ones."""
    if backend != "onnx":
        return ""
    return "int8" if resolve_precision(precision or "fp32") == "int8" else ""


def main(argv: list[str] | None = None) -> None:
    """Export ahead of time (``make install`` does): ``main(["int8"])`` for the int8 model."""
    from .embedding import resolve_model

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    _name, path = resolve_model(os.environ.get("SCRUTINY_MODEL"))
    print(export_model(Path(path), (argv or ["fp32"])[0]))
