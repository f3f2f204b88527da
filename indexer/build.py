"""Build or update an index directory from folders and files of scrutiny records.

Incremental: unchanged files (same size, mtime and content hash) are carried over from the live
generation without reading them; only new or changed passages are embedded, and a run with
nothing changed returns before the model is loaded. Atomic: see ``layout``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from . import layout, store, vectors
from .acronyms import learn_acronyms
from .config import CHUNK_VECTORS, Settings
from .document import file_hash
from .embed_pass import embed_texts, progress_path
from .embedding import Embedder, check_backend, load_tokenizer, resolve_model
from .errors import (
    IndexCorruptError,
    IndexIncompatibleError,
    IndexWriteError,
    ScrutinyError,
)
from .models import BuildReport, SkippedFile
from .onnx_export import vector_variant
from .parse_pass import ProgressFn, parse_changed
from .units import Units, vectors_from_sentences
from .usermeta import check_defaults
from .walk import SourceFile, discover, root_of, sidecar_stamp


def build_index(paths: list[Path], settings: Settings, *, embedder: Embedder | None = None,
                progress: ProgressFn | None = None, rebuild: bool = False,
                wait: bool = False, defaults: dict[str, str] | None = None) -> BuildReport:
    """Index ``paths`` into ``settings.index_dir``; see the module docstring for guarantees.

    ``defaults`` (council, committee, doc_type) fill those fields for the documents this build
    reads that lack them (see ``sources`` for the order of precedence)."""
    defaults = check_defaults(defaults or {})
    index_dir = Path(settings.index_dir)
    report = BuildReport(index_dir=str(index_dir))
    t0 = time.perf_counter()
    with layout.build_lock(index_dir, wait=wait):
        _build_locked(paths, settings, index_dir, report, embedder, progress, rebuild, defaults)
        if settings.store:  # PostgreSQL: copy the new generation in, flip its pointer
            from .stores.pgpublish import publish

            publish(settings.store, index_dir, progress)
    report.seconds = time.perf_counter() - t0
    return report


def _variant(embedder: Embedder | None, settings: Settings) -> str:
    if embedder is not None:
        return str(getattr(embedder, "variant", ""))
    return vector_variant(settings.backend, settings.onnx_precision or "fp32")


def _check_settings(settings: Settings, embedder: Embedder | None) -> None:
    """Bad values fail before any work, not half way through a long build."""
    if embedder is None:
        check_backend(settings.backend)
    _variant(embedder, settings)  # raises for an unknown precision
    if settings.chunk_vectors not in ("", *CHUNK_VECTORS):
        raise ScrutinyError("SCRUTINY_CHUNK_VECTORS must be one of " + ", ".join(CHUNK_VECTORS))
    if settings.backend != "onnx" and settings.onnx_precision == "int8":
        raise ScrutinyError("int8 vectors (SCRUTINY_ONNX_PRECISION=int8, or --fast) need the "
                            "ONNX backend, not " + settings.backend)


def _follow_index(settings: Settings, manifest: dict[str, Any],
                  embedder: Embedder | None) -> Settings:
    """Settings left unset take the values the index was built with (or the defaults for a new
    index), so an update never mixes two kinds of vector and never needs them repeated."""
    built = manifest.get("vectors", "fp32")
    built_chunk_vectors = manifest.get("chunk_vectors", "text")
    precision = settings.onnx_precision or layout.built_precision(manifest)
    chunk_vectors = settings.chunk_vectors or built_chunk_vectors
    if manifest:
        variant = _variant(embedder, replace(settings, onnx_precision=precision)) or "fp32"
        if variant != built:
            raise IndexIncompatibleError(
                f"This index holds {built} vectors but this build asks for {variant} ones "
                "(--fast or SCRUTINY_ONNX_PRECISION). Rebuild it with "
                f"`{layout.BUILD_COMMAND} --rebuild` and the same options, or drop them to "
                "update the index as it was built.")
        if chunk_vectors != built_chunk_vectors:
            raise IndexIncompatibleError(
                f"This index's passage vectors come from {built_chunk_vectors}, but this build "
                f"asks for {chunk_vectors} (--fast or SCRUTINY_CHUNK_VECTORS). "
                f"Rebuild it with `{layout.BUILD_COMMAND} --rebuild` and the same options, or "
                "drop them to update the index as it was built.")
    return replace(settings, onnx_precision=precision, chunk_vectors=chunk_vectors)


def _damaged(index_dir: Path, exc: Exception) -> IndexCorruptError:
    return IndexCorruptError(f"The live index at {index_dir} is damaged ({str(exc)[:160]}), so "
                             "it cannot be updated in place. Run `scrutiny index --rebuild` to "
                             "build it afresh (`scrutiny check` shows what is wrong).")


def _build_locked(paths: list[Path], settings: Settings, index_dir: Path, report: BuildReport,
                  embedder: Embedder | None, progress: ProgressFn | None, rebuild: bool,
                  defaults: dict[str, str] | None = None) -> None:
    notify = progress or (lambda stage, done, total: None)
    layout.prune(index_dir)  # generations left by killed builds must not pile up
    model_name = embedder.name if embedder is not None else resolve_model(settings.model)[0]
    _check_settings(settings, embedder)
    old_gen: Path | None = None
    manifest: dict[str, Any] = {}
    if not rebuild and layout.current_generation(index_dir):
        try:
            old_gen = layout.generation_path(index_dir)
            manifest = layout.read_manifest(old_gen)
            layout.check_compatible(manifest, model=model_name)
            settings = _follow_index(settings, manifest, embedder)
            if not (old_gen / layout.RECORDS).is_file() or not (old_gen / layout.VECTORS).is_file():
                raise ScrutinyError("incomplete generation")
        except ScrutinyError as exc:
            if isinstance(exc, IndexIncompatibleError):
                raise
            old_gen, manifest = None, {}  # unreadable: rebuild from scratch, say so
    if old_gen is None:
        settings = _follow_index(settings, {}, embedder)
    fresh_vectors = False
    if old_gen is not None:
        damage = _damage(old_gen, manifest)
        if damage == layout.RECORDS:
            report.notes.append(f"The live index's {layout.RECORDS} is damaged, so it was "
                                "rebuilt from the source files instead of updated.")
            old_gen, manifest = None, {}
        elif damage == layout.VECTORS:
            report.notes.append(f"The live index's {layout.VECTORS} is damaged, so its vectors "
                                "were rebuilt from the embedding cache instead of copied.")
            fresh_vectors = True
    files = discover(paths, report)
    old_docs: dict[str, dict[str, Any]] = manifest.get("documents", {})
    old_skips: dict[str, dict[str, Any]] = manifest.get("skipped", {})
    changed: list[tuple[SourceFile, str]] = []
    keep: dict[str, dict[str, Any]] = {}
    keep_skips: dict[str, dict[str, Any]] = {}
    for f in files:
        prev = old_docs.get(f.source) or old_skips.get(f.source)
        if prev and prev["size"] == f.size and prev["mtime_ns"] == f.mtime_ns \
                and prev.get("sidecar") == sidecar_stamp(f.path, root_of(f)):
            digest = prev["hash"]
        else:
            try:
                digest = file_hash(f.path, root_of(f))
            except OSError as exc:
                report.skipped.append(SkippedFile(f.source, f"cannot read file: {exc.strerror}"))
                continue
        current = prev is not None and prev.get("reader") == layout.READER_VERSION
        if f.source in old_docs and old_docs[f.source]["hash"] == digest and current:
            keep[f.source] = dict(old_docs[f.source], size=f.size, mtime_ns=f.mtime_ns,
                                  sidecar=sidecar_stamp(f.path, root_of(f)))
            report.unchanged.append(f.source)
        elif f.source in old_skips and old_skips[f.source]["hash"] == digest and current:
            keep_skips[f.source] = old_skips[f.source]
            report.skipped.append(SkippedFile(f.source, old_skips[f.source]["reason"]))
        else:
            changed.append((f, digest))
    seen = {f.source for f in files}
    gone = [s for s in old_docs if s not in seen]
    replaced = [f.source for f, _ in changed if f.source in old_docs]
    report.removed = gone
    if old_gen is not None and not changed and not gone and set(old_skips) == set(keep_skips) \
            and not fresh_vectors:
        report.documents_total = len(keep)
        report.chunks_total = int(manifest.get("counts", {}).get("chunks", 0))
        return
    gen_name = layout.new_generation_name(index_dir)
    gen_dir = index_dir / gen_name
    try:
        gen_dir.mkdir(parents=True)
        if old_gen is not None:
            shutil.copyfile(old_gen / layout.RECORDS, gen_dir / layout.RECORDS)
        _write_generation(gen_dir, old_gen, settings, report, notify, changed, keep, keep_skips,
                          [old_docs[s]["doc_id"] for s in gone + replaced], embedder, model_name,
                          defaults, fresh_vectors=fresh_vectors,
                          progress=progress_path(index_dir, _variant(embedder, settings)))
        layout.fsync_tree(gen_dir)
    except OSError as exc:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise layout.write_error(index_dir, exc) from None
    except sqlite3.DatabaseError as exc:
        shutil.rmtree(gen_dir, ignore_errors=True)
        if "full" in str(exc):
            raise IndexWriteError(f"Cannot write the index at {index_dir}: the disk is full. "
                                  "The previous index, if any, is unchanged.") from None
        raise _damaged(index_dir, exc) from None
    except RuntimeError as exc:  # faiss reports a failed write as RuntimeError, not OSError
        shutil.rmtree(gen_dir, ignore_errors=True)
        if "write" not in str(exc).lower():
            raise _damaged(index_dir, exc) from None
        raise IndexWriteError(f"Cannot write the index at {index_dir}: the disk is full or not "
                              "writable. The previous index, if any, is unchanged.") from None
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    try:
        layout.publish(index_dir, gen_name)
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)  # never leave an unpublished generation
        raise
    for saved in index_dir.glob("embed-progress-*.sqlite"):  # published: no longer needed
        saved.unlink(missing_ok=True)
    layout.prune(index_dir)


def _damage(gen_dir: Path, manifest: dict[str, Any]) -> str | None:
    """Which data file of the live generation is damaged, if any, so an update never copies
    damage forward: checksums where the manifest has them, SQLite's quick check otherwise,
    and the stored vectors must be finite."""
    bad = layout.damaged_files(gen_dir, manifest)
    if layout.RECORDS in bad:
        return layout.RECORDS
    if "checksums" not in manifest:
        try:
            conn = store.connect_reader(gen_dir / layout.RECORDS)
            try:
                ok = [r[0] for r in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            ok = False
        if not ok:
            return layout.RECORDS
    if layout.VECTORS in bad:
        return layout.VECTORS
    try:
        if not vectors.all_finite(vectors.load(gen_dir / layout.VECTORS)):
            return layout.VECTORS
    except RuntimeError:
        return layout.VECTORS
    return None


def _write_generation(gen_dir: Path, old_gen: Path | None, settings: Settings,
                      report: BuildReport, notify: ProgressFn,
                      changed: list[tuple[SourceFile, str]], keep: dict[str, dict[str, Any]],
                      keep_skips: dict[str, dict[str, Any]], stale_ids: list[str],
                      embedder: Embedder | None, model_name: str,
                      defaults: dict[str, str] | None = None, *, fresh_vectors: bool = False,
                      progress: Path | None = None) -> None:
    conn = store.connect_writer(gen_dir / layout.RECORDS)
    try:
        conn.execute("BEGIN")
        removed = store.delete_documents(conn, stale_ids)
        count = (embedder.count_tokens if embedder is not None
                 else load_tokenizer(settings.model).count)
        units = Units(model_name, settings.chunk_vectors)
        pending, new_entries = parse_changed(changed, keep, keep_skips, settings, report, notify,
                                              count, units, defaults)
        embedder, dim, vecs = embed_texts(conn, units.texts, embedder, settings, report, notify,
                                     old_gen, progress)
        if units.derived:
            derived = vectors_from_sentences(units.derived, vecs)
            store.store_vectors(conn, derived)
            vecs.update(derived)
        new_chunks: tuple[list[int], list[np.ndarray]] = ([], [])
        for p in pending:
            ids = store.insert_document(conn, p.doc, p.chunks, p.hashes,
                                        learn_acronyms(p.doc.text), p.sentences)
            new_chunks[0].extend(ids)
            new_chunks[1].extend(vecs[h] for h in p.hashes)
        store.prune_cache(conn)
        conn.execute("COMMIT")
        if stale_ids:
            store.vacuum_if_sparse(conn)
        total_chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        total_sents = conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0]
        total_docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        notify("saving", 0, 1)
        # Sentence vectors stay in the records' embedding cache only: questions read those of
        # their candidate passages (retriever.snapshot.sentences_of), so no sentence index is
        # built or held in memory.
        chunk_index, kind = _vectors_for(None if fresh_vectors else old_gen, layout.VECTORS,
                                         conn, "chunks", settings, dim, total_chunks, removed,
                                         *new_chunks)
        vectors.save(chunk_index, gen_dir / layout.VECTORS)
        del chunk_index
    finally:
        conn.close()
    keep.update(new_entries)
    report.documents_total = total_docs
    report.chunks_total = total_chunks
    manifest = {
        "schema_version": layout.SCHEMA_VERSION, "model": model_name,
        "model_ref": settings.model, "dim": dim, "backend": settings.backend,
        "vectors": _variant(embedder, settings) or "fp32", "chunk_vectors": settings.chunk_vectors,
        "chunking": {"chunk_tokens": settings.chunk_tokens, "overlap": settings.chunk_overlap,
                     "tokenizer": "model word pieces", "max_model_tokens": 256},
        "faiss": {"type": kind, "count": total_chunks},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "generation": gen_dir.name, "counts": {"documents": total_docs, "chunks": total_chunks,
                                               "sentences": total_sents},
        "documents": keep, "skipped": keep_skips, "pid": os.getpid(),
        "checksums": layout.checksums(gen_dir),
    }
    (gen_dir / layout.MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    notify("saving", 1, 1)


def _vectors_for(old_gen: Path | None, filename: str, conn: sqlite3.Connection, table: str,
                 settings: Settings, dim: int, total: int, removed: list[int],
                 new_ids: list[int], new_vecs: list[np.ndarray]) -> tuple[Any, str]:
    """Update the previous FAISS index in place when it is flat; otherwise rebuild it."""
    want_ann = total >= settings.ann_threshold
    if old_gen is not None and not want_ann and (old_gen / filename).is_file():
        index = vectors.load(old_gen / filename)
        if vectors.kind_of(index) == "flat" and index.d == dim:
            vectors.remove(index, removed)
            if new_ids:
                vectors.add(index, new_ids, np.vstack(new_vecs))
            if index.ntotal == total:
                return index, "flat"
    ids, vecs = store.all_vectors(conn, dim, table)
    return vectors.build(ids, vecs, dim, settings.ann_threshold)
