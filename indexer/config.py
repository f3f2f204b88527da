"""Settings, read from the environment once by each entry point and passed down explicitly.

There is no module-level settings object: tests and embedding applications build their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import SettingsError

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


PRECISIONS = ("fp32", "int8", "auto")


def _env_number(name: str, default: float, kind: type, low: float, high: float | None) -> float:
    """A number from the environment, or ``SettingsError`` naming the variable and the range.

    A value that does not parse is refused rather than replaced by the default: ``=abc``
    silently meaning 0.43 (or ``=5`` silently making every answer "not found") hides a typo
    until someone wonders why the assistant behaves oddly.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        what = "a whole number" if kind is int else "a number"
        span = f"from {low:g} to {high:g}" if high is not None else f"of at least {low:g}"
        raise SettingsError(f"{name}={raw!r} is not valid: use {what} {span} "
                            f"(default {default:g}), or unset it.")
    return value


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip()
    if raw and raw not in choices:
        raise SettingsError(f"{name}={raw!r} is not valid: use one of {', '.join(choices)}, "
                            "or unset it.")
    return raw or default


def _env_flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name}={raw!r} is not valid: use 1 or 0 (true/false), or unset it.")


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
    abstain_threshold: float = 0.40  # SCRUTINY_ABSTAIN_THRESHOLD
    api_key: str | None = None  # SCRUTINY_API_KEY
    max_upload_mb: int = 25  # SCRUTINY_MAX_UPLOAD_MB
    cors_origins: tuple[str, ...] = ()  # SCRUTINY_CORS_ORIGINS (comma separated)
    max_file_mb: int = 256  # SCRUTINY_MAX_FILE_MB: larger source files are skipped
    max_text_mb: int = 10  # SCRUTINY_MAX_TEXT_MB: documents with more text are skipped
    api_workers: int = 0  # SCRUTINY_API_WORKERS: requests computed at once (0 = one per core)
    api_cache: int = 512  # SCRUTINY_API_CACHE: responses kept per index generation (0 = off)
    api_keep_threads: bool = False  # SCRUTINY_API_KEEP_THREADS: leave torch's threads alone
    fetch_rate: float = 2.0  # SCRUTINY_FETCH_RATE: at most this many requests a second to a site
    fetch_timeout: float = 30.0  # SCRUTINY_FETCH_TIMEOUT: seconds to wait for one response
    fetch_retries: int = 3  # SCRUTINY_FETCH_RETRIES: retries of a 5xx or timed-out request
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
    store: str = ""  # SCRUTINY_STORE: empty = the index directory, or postgresql://... URL

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``SCRUTINY_*`` variables and the caller's overrides, all checked:
        an invalid value raises ``SettingsError`` at start-up, naming the variable."""
        env = os.environ

        def integer(name: str, default: int, low: int, high: int | None = None) -> int:
            return int(_env_number(name, default, int, low, high))

        base = cls(
            index_dir=default_index_dir(),
            corpus_dir=Path(env["SCRUTINY_CORPUS"]) if env.get("SCRUTINY_CORPUS")
            else default_corpus_dir(),
            model=env.get("SCRUTINY_MODEL") or DEFAULT_MODEL,
            backend=_env_choice("SCRUTINY_BACKEND", "onnx", BACKENDS),
            onnx_precision=_env_choice("SCRUTINY_ONNX_PRECISION", "", PRECISIONS),
            chunk_vectors=_env_choice("SCRUTINY_CHUNK_VECTORS", "", CHUNK_VECTORS),
            chunk_tokens=integer("SCRUTINY_CHUNK_TOKENS", 200, 32, 512),
            chunk_overlap=integer("SCRUTINY_CHUNK_OVERLAP", 32, 0, 256),
            batch_size=integer("SCRUTINY_BATCH_SIZE", 16, 1, 4096),
            ann_threshold=integer("SCRUTINY_ANN_THRESHOLD", 200_000, 0),
            abstain_threshold=_env_number("SCRUTINY_ABSTAIN_THRESHOLD", 0.40, float, 0.0, 1.0),
            api_key=env.get("SCRUTINY_API_KEY") or None,
            max_upload_mb=integer("SCRUTINY_MAX_UPLOAD_MB", 25, 1, 10_000),
            cors_origins=tuple(o.strip() for o in env.get("SCRUTINY_CORS_ORIGINS", "").split(",")
                               if o.strip()),
            max_file_mb=integer("SCRUTINY_MAX_FILE_MB", 256, 1),
            max_text_mb=integer("SCRUTINY_MAX_TEXT_MB", 10, 1),
            api_workers=integer("SCRUTINY_API_WORKERS", 0, 0, 1024),
            api_cache=integer("SCRUTINY_API_CACHE", 512, 0, 1_000_000),
            api_keep_threads=_env_flag("SCRUTINY_API_KEEP_THREADS"),
            fetch_rate=_env_number("SCRUTINY_FETCH_RATE", 2.0, float, 0.01, 50.0),
            fetch_timeout=_env_number("SCRUTINY_FETCH_TIMEOUT", 30.0, float, 0.1, 600.0),
            fetch_retries=integer("SCRUTINY_FETCH_RETRIES", 3, 0, 10),
            max_doc_pages=integer("SCRUTINY_MAX_DOC_PAGES", 1000, 1),
            max_doc_sentences=integer("SCRUTINY_MAX_DOC_SENTENCES", 50_000, 1),
            max_doc_seconds=_env_number("SCRUTINY_MAX_DOC_SECONDS", 120.0, float, 1.0, None),
            allowed_hosts=_env_list("SCRUTINY_ALLOWED_HOSTS"),
            upload_queue=integer("SCRUTINY_UPLOAD_QUEUE", 8, 1, 10_000),
            upload_wait_s=_env_number("SCRUTINY_UPLOAD_WAIT", 30.0, float, 0.0, 3600.0),
            store=env.get("SCRUTINY_STORE", "").strip(),
        )
        clean = {k: v for k, v in overrides.items() if v is not None}
        settings = replace(base, **clean) if clean else base
        settings.check()
        return settings

    def check(self) -> None:
        """Relations between settings, whichever way they were given."""
        if self.backend not in BACKENDS:
            raise SettingsError(f"backend {self.backend!r} is not valid: use one of "
                                f"{', '.join(BACKENDS)} (SCRUTINY_BACKEND or --backend).")
        from .stores import check_setting

        check_setting(self.store)
        if self.chunk_overlap >= self.chunk_tokens:
            raise SettingsError(f"SCRUTINY_CHUNK_OVERLAP ({self.chunk_overlap}) must be smaller "
                                f"than SCRUTINY_CHUNK_TOKENS ({self.chunk_tokens}).")
        if not 0.0 <= self.abstain_threshold <= 1.0:
            raise SettingsError(f"SCRUTINY_ABSTAIN_THRESHOLD={self.abstain_threshold:g} is not "
                                "valid: use a number from 0 to 1 (default 0.40).")


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
