"""The corpus folder as ``ingest`` writes to it: safe names, where a document's file lies, the
guard that the folder holds what the index was built from, and storage failures as errors.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from datetime import date as _date
from pathlib import Path
from typing import Any

from .errors import CorpusMismatchError, ScrutinyError, StorageError, UnsupportedFileError
from .models import DOC_TYPES
from .readers import SUPPORTED

META_FIELDS = ("title", "council", "committee", "doc_type", "date")  # a sidecar's, when added
MB = 1024 * 1024
TRASH = ".scrutiny-trash"  # inside the corpus; a dot folder, so never indexed
_UNSAFE = re.compile(r"[^\w.\-]+")


def supported_list() -> str:
    """The readers' extensions for a message: ``.txt, .md, ... or .htm``."""
    return ", ".join(SUPPORTED[:-1]) + " or " + SUPPORTED[-1]


def safe_filename(raw: str | None) -> str:
    """A name that is safe to join to the corpus directory.

    Directory parts (``../``, ``C:\\``, absolute paths) are dropped, anything but letters,
    digits, ``.``, ``-`` and ``_`` becomes ``-``, leading dots go (no hidden files), and the
    extension must be one a reader handles (``UnsupportedFileError`` otherwise).
    """
    name = unicodedata.normalize("NFKC", raw or "").replace("\\", "/").split("/")[-1]
    name = name.replace("\x00", "")
    stem, dot, ext = name.rpartition(".")
    ext = "." + ext.lower() if dot else ""
    if ext not in SUPPORTED:
        raise UnsupportedFileError(f"{name}: unsupported file type {ext or '(none)'}; add one "
                                   f"of {', '.join(SUPPORTED)}.")
    stem = _UNSAFE.sub("-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(".-_ ")[:120].rstrip(".-_ ")
    return (stem or "upload") + ext


def check_meta(meta: Mapping[str, str]) -> dict[str, str]:
    """The sidecar fields, checked before anything is written; empty values are dropped."""
    out = {k: str(v).strip() for k, v in meta.items() if v is not None and str(v).strip()}
    unknown = sorted(set(out) - set(META_FIELDS))
    if unknown:
        raise ScrutinyError(f"unknown metadata field(s) {', '.join(unknown)}; use "
                            + ", ".join(META_FIELDS))
    if "doc_type" in out and out["doc_type"] not in DOC_TYPES:
        raise ScrutinyError(f"doc_type must be one of {', '.join(DOC_TYPES)}, not "
                            f"{out['doc_type']!r}")
    if "date" in out:
        try:
            _date.fromisoformat(out["date"])
        except ValueError:
            raise ScrutinyError(f"date {out['date']!r} is not a date; use YYYY-MM-DD "
                                "(e.g. 2019-06-05)") from None
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", out["date"]):
            raise ScrutinyError(f"date {out['date']!r}: use YYYY-MM-DD (e.g. 2019-06-05)")
    return out


def storage_error(exc: OSError, where: str) -> StorageError:
    """A full disk, a folder that may not be written, or another failure; nothing changed."""
    reason = exc.strerror or type(exc).__name__
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StorageError(f"The disk is full, so the {where} could not be written. Nothing "
                            "was changed; free some space and retry.", where, "full", reason)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageError(f"The {where} cannot be written (read-only or no permission). "
                            "Nothing was changed.", where, "read-only", reason)
    return StorageError(f"The {where} could not be written ({reason}). Nothing was changed.",
                        where, "other", reason)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(MB):
            h.update(block)
    return h.hexdigest()


def sidecars(path: Path) -> list[Path]:
    """The metadata files beside ``path`` that the build reads for it."""
    return [p for p in (path.with_name(path.name + ".meta.json"),
                        path.with_name(path.stem + ".meta.json")) if p.is_file()]


def source_path(corpus: Path, source: str) -> Path | None:
    """The file a document was built from, if it lies inside ``corpus``."""
    root = corpus.resolve()
    rel = Path(source)
    candidates = [rel] if rel.is_absolute() else [root / rel, root.parent / rel]
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_relative_to(root) and resolved.is_file():
            return resolved
    return None


def check_corpus_matches(corpus: Path, docs: dict[str, Any], except_source: str | None = None
                         ) -> None:
    """``CorpusMismatchError`` unless every indexed document's file is in ``corpus``."""
    missing = [s for s in docs if s != except_source and source_path(corpus, s) is None]
    if missing:
        raise CorpusMismatchError(
            f"{len(missing)} indexed document(s) have no source file in the corpus folder "
            f"{corpus} (e.g. {Path(missing[0]).name}), so rebuilding from it would drop them. "
            "Give the corpus the index was built from (--corpus or SCRUTINY_CORPUS), or run "
            "`scrutiny index` to resynchronise.", len(missing), Path(missing[0]).name)


def discard_quietly(path: Path) -> None:
    """Best-effort cleanup: on a read-only folder even a missing file's unlink fails."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
