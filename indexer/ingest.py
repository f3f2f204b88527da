"""Adding and removing source files without ever losing indexed work: the one write path that
the API, the CLI (``scrutiny add`` / ``scrutiny remove``) and the TUI share.

A file to add is read with the indexer's own reader first, in a child process with memory and
time limits (``validate``), so a corrupt, hostile or unsupported file never enters the corpus.
The corpus then changes by new files only (never another document's: an identical copy with
other metadata is refused as a duplicate) and the incremental build embeds only them. A
removal moves the file to ``.scrutiny-trash/`` in the corpus (recoverable: move it back and run
``scrutiny index``) and puts it back if the rebuild fails. Each write is journaled
(``journal``), so a process killed mid-write is settled by the next write or server start.
Both refuse to run when the corpus folder does not hold the files the index was built from,
because a rebuild from the wrong folder would silently drop every document it cannot see. A
full disk or a read-only folder is a ``StorageError`` with nothing partial left behind.

Writes to one index take turns (a lock beside the journal), so ``scrutiny add`` run while a
server is writing waits instead of settling the server's write as if it had been killed.
Everything here blocks; callers with an event loop run it in a worker.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import journal, layout
from .config import Settings
from .corpusfiles import (
    MB,
    META_FIELDS,
    TRASH,
    check_corpus_matches,
    check_meta,
    digest,
    discard_quietly,
    safe_filename,
    sidecars,
    source_path,
    storage_error,
)
from .errors import (
    DocumentNotFoundError,
    DuplicateDocumentError,
    IndexMissingError,
    ReadError,
    ScrutinyError,
    StorageError,
)
from .models import BuildReport

if TYPE_CHECKING:
    from typing import TypeAlias

    from .embedding import Embedder

    # The model to embed with, or a function giving it (called only when a rebuild runs, so a
    # refused file never loads one); None lets the build load it.
    EmbedderArg: TypeAlias = Embedder | Callable[[], Embedder | None] | None

__all__ = ["META_FIELDS", "Outcome", "add_document", "add_documents", "recover",
           "remove_document", "safe_filename"]

log = logging.getLogger("scrutiny.indexer")

ProgressFn = Callable[[str, int, int], None]
WRITE_LOCK = ".scrutiny-write.lock"


@dataclass(slots=True)
class Outcome:
    """What one write did, for each edge to word its own way."""

    status: Literal["indexed", "unchanged", "removed"]
    doc_id: str
    source: str  # the file's path relative to the corpus, as citations show it
    documents: int  # documents in the index after the write
    path: Path  # where the file is now: in the corpus, or in the trash after a removal
    report: BuildReport | None = None  # the rebuild's; None when nothing was rebuilt


def recover(settings: Settings) -> str | None:
    """Settle a write a killed process left half done (at a server's start); what was done, if
    anything. A write still running in another process is left alone."""
    index_dir = Path(settings.index_dir)
    if not index_dir.is_dir():  # nothing journaled; only cut-off copies may need clearing
        return _recover(settings)
    try:
        with _write_lock(index_dir, wait=False):
            return _recover(settings)
    except _Busy:
        return None
    except StorageError:  # a folder nobody can write holds no write in progress either
        return _recover(settings)


def _recover(settings: Settings) -> str | None:
    return journal.recover(Path(settings.index_dir), Path(settings.corpus_dir))


def add_document(settings: Settings, path: Path, meta: Mapping[str, str] | None = None, *,
                 embedder: EmbedderArg = None, progress: ProgressFn | None = None
                 ) -> Outcome:
    """Copy ``path`` into the corpus (with ``meta`` as its sidecar) and index it."""
    return add_documents(settings, [path], meta, embedder=embedder, progress=progress)[0]


def add_documents(settings: Settings, paths: Sequence[Path],
                  meta: Mapping[str, str] | None = None, *, embedder: EmbedderArg = None,
                  progress: ProgressFn | None = None) -> list[Outcome]:
    """Add files in one rebuild, all or none: every file is checked (type, reader, duplicate)
    before any is stored, and all are taken out again if the build refuses one.

    ``meta`` (``META_FIELDS``; ``date`` as YYYY-MM-DD) becomes each file's sidecar and wins
    over what is recognised in the text. Raises ``UnsupportedFileError``, ``ReadError``,
    ``DuplicateDocumentError``, ``CorpusMismatchError``, ``StorageError`` or a build error."""
    meta = check_meta(meta or {})
    names = [safe_filename(Path(p).name) for p in paths]  # refuses an unsupported type first
    for path, name in zip(paths, names, strict=True):
        _check_readable(Path(path), name, settings)
    corpus, index_dir = Path(settings.corpus_dir), Path(settings.index_dir)
    with _write_lock(index_dir):
        _recover(settings)
        known = _live_documents(settings) or {}
        check_corpus_matches(corpus, known)
        try:
            corpus.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(exc, "corpus folder") from None
        plan = _plan(corpus, paths, names, meta, known)
        if all(identical and target.name in known for _src, target, identical in plan):
            return [_outcome_of(target, known) for _src, target, _identical in plan]
        fresh = [(src, target) for src, target, identical in plan if not identical]
        created = [p for _src, target in fresh
                   for p in (target, *([_sidecar(target)] if meta else []))]
        sources = [target.name for _src, target, _identical in plan]
        try:
            journal.begin(index_dir, {"kind": "upload", "source": sources[0],
                                      "sources": sources, "created": [str(p) for p in created]})
        except OSError as exc:
            raise storage_error(exc, "index folder") from None
        stored: list[Path] = []
        try:
            for src, target in fresh:
                stored += _store(src, target, meta)
            report = _rebuild(settings, embedder, progress)
        except BaseException:
            _undo(stored)
            journal.end(index_dir)
            raise
        journal.end(index_dir)
        refused = [s for s in report.skipped
                   if s.path in sources and not s.reason.startswith("warning")]
        if refused:
            _undo(created)
            if len(plan) > 1:  # the others of the batch were indexed: take them out again
                _rebuild_quietly(settings, embedder)
            raise ReadError(f"{refused[0].path}: {refused[0].reason}")
        docs = _live_documents(settings) or {}
        missing = [s for s in sources if s not in docs]
        if missing:
            raise ReadError(f"{missing[0]} was stored but the build did not index it.")
        outcomes = []
        for _src, target, identical in plan:
            outcome = _outcome_of(target, docs, report)
            if not (identical and target.name in known):
                outcome.status = "indexed"
                log.info("indexed %s as %s", target.name, outcome.doc_id)
            outcomes.append(outcome)
        return outcomes


def remove_document(settings: Settings, doc_id: str, *, embedder: EmbedderArg = None,
                    progress: ProgressFn | None = None) -> Outcome:
    """Remove a document: its source file (and sidecar) go to ``.scrutiny-trash/`` in the
    corpus, recoverable, and the index is rebuilt without it; on failure the file is put
    back. Raises ``DocumentNotFoundError``, ``IndexMissingError``, ``CorpusMismatchError``,
    ``StorageError`` or a build error."""
    corpus = Path(settings.corpus_dir)
    with _write_lock(Path(settings.index_dir)):
        _recover(settings)
        docs = _live_documents(settings)
        if docs is None:
            raise IndexMissingError(f"No index at {settings.index_dir}; there is nothing to "
                                    "remove.")
        source = next((s for s, entry in docs.items() if entry.get("doc_id") == doc_id), None)
        if source is None:
            raise DocumentNotFoundError(f"No document with id {doc_id!r} in this index. "
                                        "List them with `scrutiny documents`.")
        path = source_path(corpus, source)
        if path is None:
            from .errors import CorpusMismatchError

            raise CorpusMismatchError(
                f"The source file of {doc_id} ({source}) is not in the corpus folder "
                f"{corpus}, so it cannot be removed from here. Remove it where it lives and "
                "run `scrutiny index`, or give the corpus it was indexed from (--corpus or "
                "SCRUTINY_CORPUS).", missing=1, example=source, doc_id=doc_id)
        check_corpus_matches(corpus, docs, except_source=source)
        trash = corpus.resolve() / TRASH / f"{time.strftime('%Y%m%d-%H%M%S')}-{doc_id[:80]}"
        moved = [(p, trash / p.name) for p in [path, *sidecars(path)]]
        try:
            trash.mkdir(parents=True, exist_ok=True)
            journal.begin(Path(settings.index_dir), {
                "kind": "delete", "source": source,
                "moves": [[str(src), str(dest)] for src, dest in moved]})
        except OSError as exc:
            raise storage_error(exc, "corpus folder") from None
        try:
            for src, dest in moved:
                shutil.move(src, dest)
            report = _rebuild(settings, embedder, progress)
        except BaseException as exc:
            for src, dest in moved:
                if dest.exists() and not src.exists():
                    shutil.move(dest, src)
            journal.end(Path(settings.index_dir))
            if isinstance(exc, OSError):
                raise storage_error(exc, "corpus folder") from None
            raise
        journal.end(Path(settings.index_dir))
    log.info("removed %s (%s); its file is in %s", doc_id, path.name, trash)
    return Outcome("removed", doc_id, source, report.documents_total, trash / path.name, report)


def _check_readable(path: Path, name: str, settings: Settings) -> None:
    """The reader's verdict in a child process; ``ReadError`` names the file."""
    from .validate import read_isolated

    if not path.is_file():
        raise ReadError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        read_isolated(path, max_bytes=settings.max_file_mb * MB,
                      max_text_mb=settings.max_text_mb)
    except ReadError as exc:
        raise ReadError(f"{name}: {exc}") from None


class _Busy(Exception):
    """Another process holds the write lock."""


def _write_lock(index_dir: Path, wait: bool = True) -> contextlib.AbstractContextManager[None]:
    """One write (store, rebuild, journal) at a time per index, across processes."""
    return layout.file_lock(index_dir / WRITE_LOCK, wait,
                     lambda exc: storage_error(exc, "index folder"), _Busy)


def _live_documents(settings: Settings) -> dict[str, dict[str, Any]] | None:
    """The live generation's documents by source (from its manifest); None when no index was
    built yet. With PostgreSQL the server's copy is the one that counts: a server may serve
    it without a local index directory, and a rebuild must not drop what it lists."""
    if settings.store:
        from .stores import open_store

        try:
            store = open_store(settings.store, Path(settings.index_dir))
        except IndexMissingError:
            return None
        try:
            return dict(store.manifest.get("documents", {}))
        finally:
            store.close()
    try:
        gen = layout.generation_path(Path(settings.index_dir))
    except IndexMissingError:
        return None
    return dict(layout.read_manifest(gen).get("documents", {}))


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".meta.json")


def _same_meta(target: Path, meta: dict[str, str]) -> bool:
    sidecar = _sidecar(target)
    try:
        existing = json.loads(sidecar.read_text("utf-8")) if sidecar.is_file() else {}
    except (OSError, ValueError):
        return False
    return bool(existing == meta)


def _plan(corpus: Path, paths: Sequence[Path], names: list[str], meta: dict[str, str],
          docs: dict[str, dict[str, Any]]) -> list[tuple[Path, Path, bool]]:
    """``(file, target, identical)`` for each file: where it goes, and whether the same bytes
    with the same metadata are already there. The same bytes with other metadata are a
    ``DuplicateDocumentError`` naming the document."""
    taken: set[Path] = set()
    plan = []
    for path, name in zip(paths, names, strict=True):
        target = corpus / name
        stem, ext = target.stem, target.suffix
        wanted, n, identical = digest(Path(path)), 1, False
        while target.exists() or target in taken:
            if target.is_file() and digest(target) == wanted:
                if not meta or _same_meta(target, meta):
                    identical = True
                    break
                doc_id = docs.get(target.name, {}).get("doc_id")
                raise DuplicateDocumentError(
                    f"{Path(path).name} is a duplicate of document {doc_id or target.name}, "
                    "which keeps its own metadata. To change that, remove it (`scrutiny "
                    f"remove {doc_id or 'DOC_ID'}`) and add the file again.",
                    doc_id, target.name)
            n += 1
            target = corpus / f"{stem}-{n}{ext}"
        taken.add(target)
        plan.append((Path(path), target, identical))
    return plan


def _outcome_of(target: Path, docs: dict[str, dict[str, Any]],
                report: BuildReport | None = None) -> Outcome:
    total = report.documents_total if report is not None else len(docs)
    return Outcome("unchanged", str(docs[target.name]["doc_id"]), target.name, total, target,
                   report)


def _store(staged: Path, target: Path, meta: dict[str, str]) -> list[Path]:
    """Copy the file (and its sidecar) in under a dot name and rename it into place, so a full
    disk leaves no partial file the next build would index; returns what it created."""
    partial = target.with_name(f".{target.name}.uploading")  # dotfiles are never indexed
    sidecar = _sidecar(target)
    part_meta = sidecar.with_name(f".{sidecar.name}.uploading")
    try:
        if meta:
            part_meta.write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
            os.replace(part_meta, sidecar)
        shutil.copyfile(staged, partial)
        os.replace(partial, target)
    except OSError as exc:
        _undo([partial, part_meta, *([sidecar] if meta else [])])
        raise storage_error(exc, "corpus folder") from None
    return [target, *([sidecar] if meta else [])]


def _undo(paths: Sequence[Path]) -> None:
    for path in paths:
        discard_quietly(path)


def _rebuild(settings: Settings, embedder: EmbedderArg,
             progress: ProgressFn | None) -> BuildReport:
    from . import build  # looked up at call time: test harnesses swap build_index

    if embedder is not None and not hasattr(embedder, "encode"):
        embedder = embedder()  # type: ignore[operator]
    return build.build_index([Path(settings.corpus_dir)], settings, embedder=embedder,
                             progress=progress)


def _rebuild_quietly(settings: Settings, embedder: EmbedderArg) -> None:
    """After taking refused files out again, bring the index back in line with the corpus
    (the files of a batch the build accepted are in the new generation)."""
    try:
        _rebuild(settings, embedder, None)
    except ScrutinyError as exc:
        log.warning("could not rebuild after refusing a file: %s", exc)
