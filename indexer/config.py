"""Settings, read from the environment once by each entry point and passed down explicitly.

There is no module-level settings object: tests and embedding applications build their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2 (bundled)"
BACKENDS = ("onnx", "torch")
CHUNK_VECTORS = ("text", "sentences")


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def default_corpus_dir() -> Path:
    """The bundled corpus, next to the packages in a clone (or the working directory)."""
    here = _project_root() / "corpus"
    return here if here.is_dir() else Path.cwd() / "corpus"


def default_index_dir() -> Path:
    return Path(os.environ.get("SCRUTINY_INDEX") or Path.cwd() / ".scrutiny-index")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        return default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        return default


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in os.environ.get(name, "").split(",") if v.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable. Environment variable names are given beside each field."""

    index_dir: Path = field(default_factory=default_index_dir)  # SCRUTINY_INDEX
    corpus_dir: Path = field(default_factory=default_corpus_dir)  # SCRUTINY_CORPUS
    model: str = DEFAULT_MODEL  # SCRUTINY_MODEL: a sentence-transformers name or path
    backend: str = "onnx"  # SCRUTINY_BACKEND: onnx | torch
    # Both below: empty = what the index being updated was built with (fp32 / text if new),
    # so `scrutiny index` after `scrutiny index --fast` keeps one kind of vector in the index.
    onnx_precision: str = ""  # SCRUTINY_ONNX_PRECISION: fp32 | int8 | auto
    chunk_vectors: str = ""  # SCRUTINY_CHUNK_VECTORS: text | sentences (see docs/scaling.md)
    chunk_tokens: int = 200  # SCRUTINY_CHUNK_TOKENS: passage tokens (header gets the rest)
    chunk_overlap: int = 32  # SCRUTINY_CHUNK_OVERLAP
    batch_size: int = 16  # SCRUTINY_BATCH_SIZE: fastest on 2 cores (bench --compare-backends)
    ann_threshold: int = 200_000  # SCRUTINY_ANN_THRESHOLD: chunks past which HNSW is built
    abstain_threshold: float = 0.43  # SCRUTINY_ABSTAIN_THRESHOLD
    api_key: str | None = None  # SCRUTINY_API_KEY
    max_upload_mb: int = 25  # SCRUTINY_MAX_UPLOAD_MB
    cors_origins: tuple[str, ...] = ()  # SCRUTINY_CORS_ORIGINS (comma separated)
    max_file_mb: int = 256  # SCRUTINY_MAX_FILE_MB: larger source files are skipped
    max_text_mb: int = 10  # SCRUTINY_MAX_TEXT_MB: documents with more text are skipped
    # Per-document budgets applied while indexing (past one, the document is skipped with
    # the reason), so one huge file cannot hold the build or the API's write queue for long.
    max_doc_pages: int = 1000  # SCRUTINY_MAX_DOC_PAGES
    max_doc_sentences: int = 50_000  # SCRUTINY_MAX_DOC_SENTENCES: passages + sentences
    max_doc_seconds: float = 120.0  # SCRUTINY_MAX_DOC_SECONDS: reading, parsing and chunking
    # Host headers the API answers (DNS-rebinding guard); empty = the bound address plus
    # localhost, 127.0.0.1 and ::1. "*" turns the check off.
    allowed_hosts: tuple[str, ...] = ()  # SCRUTINY_ALLOWED_HOSTS (comma separated)
    upload_queue: int = 8  # SCRUTINY_UPLOAD_QUEUE: uploads waiting to be indexed (then 503)
    upload_wait_s: float = 30.0  # SCRUTINY_UPLOAD_WAIT: wait this long for 201, else 202

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        base = cls(
            index_dir=default_index_dir(),
            corpus_dir=Path(env["SCRUTINY_CORPUS"]) if env.get("SCRUTINY_CORPUS")
            else default_corpus_dir(),
            model=env.get("SCRUTINY_MODEL") or DEFAULT_MODEL,
            backend=env.get("SCRUTINY_BACKEND") or "onnx",
            onnx_precision=env.get("SCRUTINY_ONNX_PRECISION") or "",
            chunk_vectors=env.get("SCRUTINY_CHUNK_VECTORS") or "",
            chunk_tokens=_env_int("SCRUTINY_CHUNK_TOKENS", 200),
            chunk_overlap=_env_int("SCRUTINY_CHUNK_OVERLAP", 32),
            batch_size=_env_int("SCRUTINY_BATCH_SIZE", 16),
            ann_threshold=_env_int("SCRUTINY_ANN_THRESHOLD", 200_000),
            abstain_threshold=_env_float("SCRUTINY_ABSTAIN_THRESHOLD", 0.43),
            api_key=env.get("SCRUTINY_API_KEY") or None,
            max_upload_mb=_env_int("SCRUTINY_MAX_UPLOAD_MB", 25),
            cors_origins=tuple(o.strip() for o in env.get("SCRUTINY_CORS_ORIGINS", "").split(",")
                               if o.strip()),
            max_file_mb=_env_int("SCRUTINY_MAX_FILE_MB", 256),
            max_text_mb=_env_int("SCRUTINY_MAX_TEXT_MB", 10),
            max_doc_pages=_env_int("SCRUTINY_MAX_DOC_PAGES", 1000),
            max_doc_sentences=_env_int("SCRUTINY_MAX_DOC_SENTENCES", 50_000),
            max_doc_seconds=_env_float("SCRUTINY_MAX_DOC_SECONDS", 120.0),
            allowed_hosts=_env_list("SCRUTINY_ALLOWED_HOSTS"),
            upload_queue=_env_int("SCRUTINY_UPLOAD_QUEUE", 8),
            upload_wait_s=_env_float("SCRUTINY_UPLOAD_WAIT", 30.0),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **clean) if clean else base
