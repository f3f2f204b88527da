"""Adding and removing source files through the API without ever losing indexed work.

An upload is staged outside the corpus and read with the indexer's own reader first, in a child
process with memory and time limits, so a corrupt, hostile or unsupported file never enters the
corpus. The corpus then changes by one new file (never another document's: an identical
copy with other metadata is refused as a duplicate) and the indexer's incremental build embeds
only that file. A removal moves the file to ``.scrutiny-trash/`` in the corpus (recoverable:
move it back and run ``scrutiny index``) and puts it back if the rebuild fails. Each write is
journaled (``journal``), so a server killed mid-write settles it at the next start. Both
refuse to run when the server's corpus directory does not hold the files the index was built
from, because a rebuild from the wrong directory would silently drop every document it cannot
see. A full disk is a 507 and a read-only corpus a 503, with nothing partial left behind.

Everything here is blocking; the write queue (``writer``) runs it one write at a time.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fastapi import HTTPException

from indexer.errors import IndexMissingError, ReadError
from retriever.results import DocumentSummary

from . import journal
from .state import AppState

log = logging.getLogger("scrutiny.api")

ALLOWED_EXTENSIONS = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
MB = 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-]+")


class UnsupportedType(HTTPException):
    def __init__(self, name: str) -> None:
        ext = Path(name).suffix.lower() or "(none)"
        super().__init__(415, detail=f"Unsupported file type {ext}; upload one of "
                         + ", ".join(ALLOWED_EXTENSIONS) + ".")


def safe_filename(raw: str | None) -> str:
    """A name that is safe to join to the corpus directory.

    Directory parts (``../``, ``C:\\``, absolute paths) are dropped, anything but letters,
    digits, ``.``, ``-`` and ``_`` becomes ``-``, leading dots go (no hidden files), and the
    extension must be on the allowlist.
    """
    name = unicodedata.normalize("NFKC", raw or "").replace("\\", "/").split("/")[-1]
    name = name.replace("\x00", "")
    stem, dot, ext = name.rpartition(".")
    ext = "." + ext.lower() if dot else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise UnsupportedType(name)
    stem = _UNSAFE.sub("-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(".-_ ")[:120].rstrip(".-_ ")
    return (stem or "upload") + ext


TRASH = ".scrutiny-trash"  # inside the corpus; a dot folder, so never indexed


def storage_error(exc: OSError, where: str) -> HTTPException:
    """507 for a full disk, 503 for a folder the server may not write; short, no paths."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return HTTPException(507, detail=f"The server's disk is full, so the {where} could "
                             "not be written. Nothing was changed; free some space and retry.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return HTTPException(503, detail=f"The server cannot write its {where} (read-only or "
                             "no permission). Nothing was changed.",
                             headers={"Retry-After": "60"})
    return HTTPException(503, detail=f"The server could not write its {where} "
                         f"({exc.strerror or type(exc).__name__}). Nothing was changed.",
                         headers={"Retry-After": "60"})


def stage(source: IO[bytes], name: str, max_bytes: int) -> Path:
    """Copy the upload to a private temporary directory, refusing it past ``max_bytes``."""
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix="scrutiny-upload-"))
    except OSError as exc:
        raise storage_error(exc, "temporary folder") from None
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
        raise storage_error(exc, "temporary folder") from None
    except BaseException:
        discard(path)
        raise
    return path


def discard(staged: Path) -> None:
    shutil.rmtree(staged.parent, ignore_errors=True)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(MB):
            h.update(block)
    return h.hexdigest()


def _sidecars(path: Path) -> list[Path]:
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


def check_corpus_matches(state: AppState, except_doc: str | None = None) -> None:
    """409 unless every indexed document's source file is in the server's corpus directory."""
    try:
        assistant = state.current()
    except IndexMissingError:
        return
    corpus = state.settings.corpus_dir
    missing = [d.source for d in assistant.documents()
               if d.doc_id != except_doc and source_path(corpus, d.source) is None]
    if missing:
        raise HTTPException(409, detail=(
            f"{len(missing)} indexed document(s) have no source file in the server's corpus "
            f"directory (e.g. {Path(missing[0]).name}), so rebuilding from it would drop them. "
            "Start the server with SCRUTINY_CORPUS set to the corpus the index was built from, "
            "or run `scrutiny index` to resynchronise."))


@dataclass(slots=True)
class Outcome:
    status: str  # "indexed" | "unchanged" | "deleted"
    document: DocumentSummary | None
    documents: int


def _rebuild(state: AppState) -> Any:
    from indexer.build import build_index

    try:
        embedder = state.current().embedder()
    except IndexMissingError:
        embedder = state.embedder  # None: the build loads the model itself
    return build_index([state.settings.corpus_dir], state.settings, embedder=embedder)


def _find(state: AppState, name: str) -> tuple[DocumentSummary | None, int]:
    documents = state.current().documents()
    for doc in documents:
        if doc.source == name or Path(doc.source).name == name:
            return doc, len(documents)
    return None, len(documents)


def _same_meta(target: Path, meta: dict[str, str]) -> bool:
    sidecar = target.with_name(target.name + ".meta.json")
    try:
        existing = json.loads(sidecar.read_text("utf-8")) if sidecar.is_file() else {}
    except (OSError, ValueError):
        return False
    return existing == meta


def _target_for(state: AppState, corpus: Path, name: str, digest: str,
                meta: dict[str, str]) -> tuple[Path, bool]:
    """Where to store the file; ``(path, True)`` if the same file with the same metadata is
    already there. The same bytes with other metadata are a 409 naming the document: one
    user's upload never rewrites another document's sidecar."""
    target = corpus / name
    stem, ext = target.stem, target.suffix
    n = 1
    while target.exists():
        if target.is_file() and _digest(target) == digest:
            if not meta or _same_meta(target, meta):
                return target, True
            found = _find(state, target.name)[0] if _index_exists(state) else None
            doc_id = found.doc_id if found is not None else None
            raise HTTPException(409, detail=(
                f"This file is a duplicate of document {doc_id or target.name}, which keeps "
                "its own metadata. To change that, DELETE "
                f"/documents/{doc_id or '{doc_id}'} and upload the file again."))
        n += 1
        target = corpus / f"{stem}-{n}{ext}"
    return target, False


def ingest(state: AppState, staged: Path, meta: dict[str, str]) -> Outcome:
    """Validate, store and index one staged upload; the corpus is untouched on any failure."""
    from indexer.validate import read_isolated

    settings = state.settings
    # ReadError -> 422; a child process, so a hostile file cannot exhaust the server
    read_isolated(staged, max_bytes=settings.max_file_mb * MB, max_text_mb=settings.max_text_mb)
    recover(state)
    check_corpus_matches(state)
    corpus = settings.corpus_dir
    try:
        corpus.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, "corpus folder") from None
    target, identical = _target_for(state, corpus, staged.name, _digest(staged), meta)
    if identical:
        found, total = _find(state, target.name) if _index_exists(state) else (None, 0)
        if found is not None:
            return Outcome("unchanged", found, total)
    sidecar = target.with_name(target.name + ".meta.json")
    created = [] if identical else [target, *([sidecar] if meta else [])]

    def undo() -> None:
        for path in created:
            _remove(path)

    try:
        journal.begin(settings.index_dir, {"kind": "upload", "source": target.name,
                                           "created": [str(p) for p in created]})
    except OSError as exc:
        raise storage_error(exc, "index folder") from None
    try:
        if not identical:
            _store(staged, target, sidecar, meta)
        report = _rebuild(state)
    except BaseException:
        undo()
        journal.end(settings.index_dir)
        raise
    journal.end(settings.index_dir)
    for skipped in report.skipped:
        if skipped.path == target.name:
            undo()
            raise ReadError(f"{target.name}: {skipped.reason}")
    found, total = _find(state, target.name)
    if found is None:
        raise ReadError(f"{target.name} was stored but the build did not index it.")
    log.info("indexed upload %s as %s", target.name, found.doc_id)
    return Outcome("indexed", found, total)


def _store(staged: Path, target: Path, sidecar: Path, meta: dict[str, str]) -> None:
    """Copy the upload (and its sidecar) in under a dot name and rename it into place, so a
    full disk leaves no partial file the next build would index."""
    partial = target.with_name(f".{target.name}.uploading")  # dotfiles are never indexed
    try:
        if meta:
            part_meta = sidecar.with_name(f".{sidecar.name}.uploading")
            part_meta.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
            os.replace(part_meta, sidecar)
        shutil.copyfile(staged, partial)
        os.replace(partial, target)
    except OSError as exc:
        _remove(partial)
        _remove(sidecar.with_name(f".{sidecar.name}.uploading"))
        if meta:
            _remove(sidecar)
        raise storage_error(exc, "corpus folder") from None


def _remove(path: Path) -> None:
    """Best-effort cleanup: on a read-only folder even a missing file's unlink fails."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _index_exists(state: AppState) -> bool:
    try:
        state.current()
    except IndexMissingError:
        return False
    return True


def recover(state: AppState) -> str | None:
    """Settle a write a killed server left half done (see ``journal``)."""
    return journal.recover(state.settings.index_dir, state.settings.corpus_dir)


def remove(state: AppState, doc_id: str) -> Outcome:
    """Remove a document: its source file (and sidecar) go to ``.scrutiny-trash/`` in the
    corpus, recoverable, and the index is rebuilt without it; on failure the file is put
    back."""
    recover(state)
    assistant = state.current()
    summary = assistant.document(doc_id).summary  # NotFoundError -> 404
    corpus = state.settings.corpus_dir
    path = source_path(corpus, summary.source)
    if path is None:
        raise HTTPException(409, detail=(
            f"The source file of {doc_id} is not in the server's corpus directory, so it "
            "cannot be removed from here. Remove it where it lives and run `scrutiny index`."))
    check_corpus_matches(state, except_doc=doc_id)
    trash = corpus.resolve() / TRASH / f"{time.strftime('%Y%m%d-%H%M%S')}-{doc_id[:80]}"
    moved = [(p, trash / p.name) for p in [path, *_sidecars(path)]]
    try:
        trash.mkdir(parents=True, exist_ok=True)
        journal.begin(state.settings.index_dir, {
            "kind": "delete", "source": summary.source,
            "moves": [[str(src), str(dest)] for src, dest in moved]})
    except OSError as exc:
        raise storage_error(exc, "corpus folder") from None
    try:
        for src, dest in moved:
            shutil.move(src, dest)
        _rebuild(state)
        total = len(state.current().documents())
    except BaseException as exc:
        for src, dest in moved:
            if dest.exists() and not src.exists():
                shutil.move(dest, src)
        journal.end(state.settings.index_dir)
        if isinstance(exc, OSError):
            raise storage_error(exc, "corpus folder") from None
        raise
    journal.end(state.settings.index_dir)
    log.info("removed %s (%s); its file is in %s", doc_id, path.name, trash)
    return Outcome("deleted", None, total)
