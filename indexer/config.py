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
    fetch_rate: float = 2.0  # SCRUTINY_FETCH_RATE: at most this many requests a second to a site
    fetch_timeout: float = 30.0  # SCRUTINY_FETCH_TIMEOUT: seconds to wait for one response
    fetch_retries: int = 3  # SCRUTINY_FETCH_RETRIES: retries of a 5xx or timed-out request

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
            fetch_rate=_env_float("SCRUTINY_FETCH_RATE", 2.0),
            fetch_timeout=_env_float("SCRUTINY_FETCH_TIMEOUT", 30.0),
            fetch_retries=_env_int("SCRUTINY_FETCH_RETRIES", 3),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(base, **clean) if clean else base


def check_fetch_settings(settings: Settings) -> None:
    """Refuse fetch limits that would hammer a council's site or never finish."""
    from .errors import FetchError

    if not 0 < settings.fetch_rate <= 50:
        raise FetchError(f"SCRUTINY_FETCH_RATE must be between 0 and 50 requests a second, "
                         f"not {settings.fetch_rate}.")
    if not 0 < settings.fetch_timeout <= 600:
        raise FetchError(f"SCRUTINY_FETCH_TIMEOUT must be between 0 and 600 seconds, not "
                         f"{settings.fetch_timeout}.")
    if not 0 <= settings.fetch_retries <= 10:
        raise FetchError(f"SCRUTINY_FETCH_RETRIES must be between 0 and 10, not "
                         f"{settings.fetch_retries}.")
