"""The HTTP edge of adding and removing documents: staging the upload stream, and wording the
indexer's refusals as the statuses clients branch on.

The write itself (read in a limited child process, duplicate check, store with sidecar,
incremental rebuild, journal, trash and put-back, corpus-matches-index guard) is
``indexer.ingest``, shared with the CLI and the TUI. Here an upload is staged outside the
corpus under a safe name (415 for a type no reader handles, 413 past the size limit), and the
indexer's errors become 415, 409, 507 or 503 with messages that speak of the server. Everything
here blocks; the write queue (``writer``) runs it one write at a time.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fastapi import HTTPException

from indexer import ingest
from indexer.corpusfiles import MB, storage_error
from indexer.errors import (
    CorpusMismatchError,
    DuplicateDocumentError,
    IndexMissingError,
    ReadError,
    ScrutinyError,
    StorageError,
    UnsupportedFileError,
)
from indexer.readers import SUPPORTED
from retriever.results import DocumentSummary

from .state import AppState

log = logging.getLogger("scrutiny.api")

__all__ = ["MB", "Outcome", "discard", "ingest_upload", "remove", "safe_filename", "stage"]


class UnsupportedType(HTTPException):
    def __init__(self, name: str) -> None:
        ext = Path(name).suffix.lower() or "(none)"
        super().__init__(415, detail=f"Unsupported file type {ext}; upload one of "
                         + ", ".join(SUPPORTED) + ".")


def safe_filename(raw: str | None) -> str:
    """``indexer.ingest.safe_filename``, or 415 for a type no reader handles."""
    try:
        return ingest.safe_filename(raw)
    except UnsupportedFileError:
        raise UnsupportedType((raw or "").replace("\\", "/").split("/")[-1]) from None


def storage_http(exc: StorageError) -> HTTPException:
    """507 for a full disk, 503 for a folder the server may not write; short, no paths."""
    if exc.kind == "full":
        return HTTPException(507, detail=f"The server's disk is full, so the {exc.where} could "
                             "not be written. Nothing was changed; free some space and retry.")
    if exc.kind == "read-only":
        return HTTPException(503, detail=f"The server cannot write its {exc.where} (read-only "
                             "or no permission). Nothing was changed.",
                             headers={"Retry-After": "60"})
    return HTTPException(503, detail=f"The server could not write its {exc.where} "
                         f"({exc.reason}). Nothing was changed.", headers={"Retry-After": "60"})


def to_http(exc: ScrutinyError) -> Exception:
    """The indexer's write refusals in the API's words; other errors pass to the handlers."""
    if isinstance(exc, UnsupportedFileError):
        return UnsupportedType(str(exc).split(":", 1)[0])
    if isinstance(exc, StorageError):
        return storage_http(exc)
    if isinstance(exc, DuplicateDocumentError):
        return HTTPException(409, detail=(
            f"This file is a duplicate of document {exc.doc_id or exc.name}, which keeps "
            "its own metadata. To change that, DELETE "
            f"/documents/{exc.doc_id or '{doc_id}'} and upload the file again."))
    if isinstance(exc, CorpusMismatchError) and exc.doc_id is not None:
        return HTTPException(409, detail=(
            f"The source file of {exc.doc_id} is not in the server's corpus directory, so it "
            "cannot be removed from here. Remove it where it lives and run `scrutiny index`."))
    if isinstance(exc, CorpusMismatchError):
        return HTTPException(409, detail=(
            f"{exc.missing} indexed document(s) have no source file in the server's corpus "
            f"directory (e.g. {exc.example}), so rebuilding from it would drop them. "
            "Start the server with SCRUTINY_CORPUS set to the corpus the index was built from, "
            "or run `scrutiny index` to resynchronise."))
    return exc


def stage(source: IO[bytes], name: str, max_bytes: int) -> Path:
    """Copy the upload to a private temporary directory, refusing it past ``max_bytes``."""
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix="scrutiny-upload-"))
    except OSError as exc:
        raise storage_http(storage_error(exc, "temporary folder")) from None
    path = tmpdir / name
    size = 0
    try:
        with path.open("wb") as out:
            while block := source.read(MB):
                size += len(block)
                if size > max_bytes:
                    raise HTTPException(413, detail=(
                        f"The file is larger than the {max_bytes // MB} MB upload limit "
                        "(SCRUTINY_MAX_UPLOAD_MB)."))
                out.write(block)
    except OSError as exc:
        discard(path)
        raise storage_http(storage_error(exc, "temporary folder")) from None
    except BaseException:
        discard(path)
        raise
    return path


def discard(staged: Path) -> None:
    shutil.rmtree(staged.parent, ignore_errors=True)


@dataclass(slots=True)
class Outcome:
    status: str  # "indexed" | "unchanged" | "deleted"
    document: DocumentSummary | None
    documents: int


def _embedder(state: AppState) -> Any:
    """The model the server already holds, so a rebuild does not load a second copy (asked
    for only when a rebuild runs)."""
    try:
        return state.current().embedder()
    except IndexMissingError:
        return state.embedder  # None: the build loads the model itself


def ingest_upload(state: AppState, staged: Path, meta: dict[str, str]) -> Outcome:
    """Validate, store and index one staged upload; the corpus is untouched on any failure."""
    try:
        done = ingest.add_document(state.settings, staged, meta, embedder=lambda: _embedder(state))
    except ScrutinyError as exc:
        raise to_http(exc) from None
    documents = state.current().documents()
    found = next((d for d in documents if d.doc_id == done.doc_id), None)
    if found is None:
        raise ReadError(f"{done.source} was stored but the index does not list it.")
    log.info("upload %s: %s as %s", done.status, done.source, done.doc_id)
    return Outcome(done.status, found, len(documents))


def remove(state: AppState, doc_id: str) -> Outcome:
    """Remove a document (its file goes to the corpus's trash); 404 for an unknown id."""
    try:
        done = ingest.remove_document(state.settings, doc_id, embedder=lambda: _embedder(state))
    except ScrutinyError as exc:
        raise to_http(exc) from None
    return Outcome("deleted", None, done.documents)


def recover(state: AppState) -> str | None:
    """Settle a write a killed server left half done (see ``indexer.journal``)."""
    return ingest.recover(state.settings)
