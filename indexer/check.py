"""Verify an index directory and say exactly what is wrong with it.

``check_index`` reads the live generation only (never writes, never takes the build lock, so
it is safe while a server reads the index or a build runs) and returns a list of problems in
plain words; an empty list means every check passed. ``scrutiny check`` prints them with the
repair command (``scrutiny index --rebuild``), which recovers from any of them because a
rebuild ignores the live generation and publishes a fresh one.

Checks, in order (later checks are skipped when an earlier one makes them meaningless):
the ``CURRENT`` pointer and its generation directory; the manifest (present, readable JSON,
a schema this version reads, its counts) and the sha256 of each data file it records;
``records.sqlite`` (opens read-only, passes ``PRAGMA integrity_check``, has the tables);
the FAISS files (readable, finite, vector count and ids equal to the chunk and sentence
rows, dimension equal to the manifest's); the FTS tables (one
row per chunk and per resolution); every chunk, sentence, resolution, item and attendance
span inside its document, and each chunk's and resolution's stored text equal to
``documents.text[char_start:char_end]``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from . import layout
from .check_spans import check_spans

MAX_PER_KIND = 5  # spans reported one by one before the rest are summarised
TABLES = ("documents", "items", "chunks", "sentences", "resolutions", "attendance",
          "chunks_fts", "resolutions_fts")


class _Problems:
    """Problems in the order found, with repetitive span problems summarised per kind."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._counts: dict[str, int] = {}

    def add(self, message: str) -> None:
        self.items.append(message)

    def span(self, kind: str, message: str) -> None:
        n = self._counts.get(kind, 0) + 1
        self._counts[kind] = n
        if n <= MAX_PER_KIND:
            self.items.append(message)

    def finish(self) -> list[str]:
        for kind, n in self._counts.items():
            if n > MAX_PER_KIND:
                self.items.append(f"... and {n - MAX_PER_KIND} more {kind} problems like "
                                  "the ones above")
        return self.items


def check_index(index_dir: Path) -> list[str]:
    """Human-readable problems of the index at ``index_dir``; empty if it passes every check."""
    index_dir = Path(index_dir)
    problems = _Problems()
    gen_dir = _check_pointer(index_dir, problems)
    if gen_dir is None:
        return problems.finish()
    manifest = _check_manifest(gen_dir, problems)
    if manifest is not None:
        for name in layout.damaged_files(gen_dir, manifest):
            problems.add(f"{gen_dir / name} has changed since it was built (its sha256 differs "
                         "from the manifest's): the file is damaged.")
    conn = _open_records(gen_dir, problems)
    if conn is None:
        _check_vector_files_only(gen_dir, manifest, problems)
        return problems.finish()
    try:
        counts = _table_counts(conn, gen_dir, problems)
        if counts is None:
            return problems.finish()
        if manifest is not None:
            _check_manifest_counts(manifest, counts, gen_dir, conn, problems)
        dim = int(manifest.get("dim") or 0) if manifest else 0
        _check_vectors(gen_dir, layout.VECTORS, "chunks", "chunk_id", conn, counts["chunks"],
                       dim, problems, required=True)
        _check_sentence_vectors(conn, dim, gen_dir, problems)
        _check_fts(counts, gen_dir, problems)
        check_spans(conn, problems)
    finally:
        conn.close()
    return problems.finish()


# -- the pointer and the manifest ----------------------------------------------------------------

def _check_pointer(index_dir: Path, problems: _Problems) -> Path | None:
    build = f"`{layout.BUILD_COMMAND} --index {index_dir}`"
    if not index_dir.exists():
        problems.add(f"No index at {index_dir}: the directory does not exist. Build one with "
                     f"{build}.")
        return None
    if not index_dir.is_dir():
        problems.add(f"{index_dir} is not a directory, so it cannot hold an index.")
        return None
    pointer = index_dir / layout.CURRENT
    if not pointer.exists():
        gens = sorted(p.name for p in index_dir.glob("gen-*") if p.is_dir())
        if gens:
            problems.add(f"{pointer} is missing, so no generation is live (found "
                         f"{', '.join(gens)}, none published). Rebuild with "
                         f"`{layout.BUILD_COMMAND} --rebuild`.")
        else:
            problems.add(f"No index at {index_dir}: nothing has been built there yet. Build "
                         f"one with {build}.")
        return None
    try:
        raw = pointer.read_bytes()
    except OSError as exc:
        problems.add(f"{pointer} cannot be read ({exc.strerror or exc}).")
        return None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        problems.add(f"{pointer} does not hold a generation name (it is not text).")
        return None
    if not name:
        problems.add(f"{pointer} is empty; it should name the live generation (gen-NNNNNN).")
        return None
    if "/" in name or "\\" in name or name in (".", "..") or not name.startswith("gen-"):
        problems.add(f"{pointer} names {name[:80]!r}, which is not a generation directory "
                     "name (gen-NNNNNN).")
        return None
    gen_dir = index_dir / name
    if not gen_dir.is_dir():
        problems.add(f"{pointer} names {name}, but {gen_dir} does not exist.")
        return None
    return gen_dir


def _check_manifest(gen_dir: Path, problems: _Problems) -> dict[str, Any] | None:
    path = gen_dir / layout.MANIFEST
    if not path.is_file():
        problems.add(f"{path} is missing: the generation {gen_dir.name} was never completed.")
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.add(f"{path} is unreadable or not valid JSON ({exc}).")
        return None
    if not isinstance(manifest, dict):
        problems.add(f"{path} is not a JSON object.")
        return None
    version = manifest.get("schema_version")
    if version != layout.SCHEMA_VERSION:
        problems.add(f"{path} has schema version {version!r}; this version of "
                     f"scrutiny-assistant reads version {layout.SCHEMA_VERSION}.")
    if not manifest.get("model"):
        problems.add(f"{path} does not name the embedding model the index was built with.")
    dim = manifest.get("dim")
    if not isinstance(dim, int) or dim <= 0:
        problems.add(f"{path} has no valid vector dimension (dim={dim!r}).")
    generation = manifest.get("generation")
    if generation is not None and generation != gen_dir.name:
        problems.add(f"{path} belongs to generation {generation!r}, not {gen_dir.name} (copied "
                     "in from another generation?).")
    return manifest


def _check_manifest_counts(manifest: dict[str, Any], counts: dict[str, int], gen_dir: Path,
                           conn: sqlite3.Connection, problems: _Problems) -> None:
    stated = manifest.get("counts") or {}
    for key in ("documents", "chunks", "sentences"):
        if key in stated and stated[key] != counts[key]:
            problems.add(f"{gen_dir / layout.MANIFEST} says {stated[key]} {key} but "
                         f"{layout.RECORDS} has {counts[key]}.")
    listed = manifest.get("documents")
    if isinstance(listed, dict):
        ids = {str(v.get("doc_id")) for v in listed.values() if isinstance(v, dict)}
        stored = {r[0] for r in conn.execute("SELECT doc_id FROM documents")}
        if ids != stored:
            missing = sorted(ids - stored)[:3]
            extra = sorted(stored - ids)[:3]
            parts = []
            if missing:
                parts.append(f"listed but not stored: {', '.join(missing)}")
            if extra:
                parts.append(f"stored but not listed: {', '.join(extra)}")
            problems.add(f"The manifest's documents differ from {layout.RECORDS} "
                         f"({'; '.join(parts)}).")


# -- SQLite --------------------------------------------------------------------------------------

def _open_records(gen_dir: Path, problems: _Problems) -> sqlite3.Connection | None:
    path = gen_dir / layout.RECORDS
    if not path.is_file():
        problems.add(f"{path} is missing.")
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        problems.add(f"{path} cannot be opened ({exc}).")
        return None
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    except sqlite3.DatabaseError as exc:
        conn.close()
        problems.add(f"{path} is not a readable SQLite database ({exc}).")
        return None
    if rows != ["ok"]:
        conn.close()
        lines = [line.strip() for r in rows for line in str(r).splitlines()
                 if line.strip() and not line.startswith("***")]
        shown = "; ".join(lines[:5])
        problems.add(f"{path} fails SQLite's integrity check: {shown}"
                     + (f" (and {len(lines) - 5} more)" if len(lines) > 5 else ""))
        return None
    return conn


def _table_counts(conn: sqlite3.Connection, gen_dir: Path, problems: _Problems
                  ) -> dict[str, int] | None:
    counts: dict[str, int] = {}
    for table in TABLES:
        try:
            counts[table] = int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        except sqlite3.DatabaseError as exc:
            problems.add(f"{gen_dir / layout.RECORDS}: table {table} is missing or unreadable "
                         f"({exc}).")
    return counts if len(counts) == len(TABLES) else None


def _check_fts(counts: dict[str, int], gen_dir: Path, problems: _Problems) -> None:
    for fts, table, what in (("chunks_fts", "chunks", "chunk"),
                             ("resolutions_fts", "resolutions", "resolution")):
        if counts[fts] != counts[table]:
            problems.add(f"{gen_dir / layout.RECORDS}: the keyword index {fts} has "
                         f"{counts[fts]} rows but there are {counts[table]} {what} rows.")


# -- FAISS ---------------------------------------------------------------------------------------

def _load_faiss(path: Path, problems: _Problems) -> Any | None:
    from . import vectors

    try:
        return vectors.load(path)
    except Exception as exc:  # faiss raises RuntimeError with a C++ message on bad files
        problems.add(f"{path} cannot be read as a FAISS index ({_faiss_reason(exc, path)}).")
        return None


def _faiss_reason(exc: Exception, path: Path) -> str:
    """The useful end of faiss's C++ message ("read error ...: 918 != 41472")."""
    text = " ".join(str(exc).split())
    if "read error" in text or "!=" in text:
        try:
            size = path.stat().st_size
        except OSError:
            size = -1
        return f"truncated or corrupt: the file has {size} bytes"
    if "not recog" in text:
        return "not a FAISS file: unknown index type"
    tail = text.rsplit(": ", 1)[-1] if " at /" in text else text
    return tail[:160] or type(exc).__name__


def _faiss_ids(index: Any) -> list[int] | None:
    import faiss

    id_map = getattr(index, "id_map", None)
    if id_map is None:
        return None
    return [int(i) for i in faiss.vector_to_array(id_map)]


def _check_vectors(gen_dir: Path, filename: str, table: str, key: str,
                   conn: sqlite3.Connection, rows: int, dim: int, problems: _Problems,
                   required: bool) -> None:
    path = gen_dir / filename
    what = "chunk" if table == "chunks" else "sentence"
    if not path.is_file():
        if required:
            problems.add(f"{path} is missing ({rows} {what} rows have no vectors).")
        return
    index = _load_faiss(path, problems)
    if index is None:
        return
    if index.ntotal != rows:
        problems.add(f"{path} holds {index.ntotal} vectors but {layout.RECORDS} has {rows} "
                     f"{what} rows.")
    if dim and index.d != dim:
        problems.add(f"{path} has {index.d}-dimensional vectors but the manifest says {dim}.")
    from . import vectors

    if not vectors.all_finite(index):
        problems.add(f"{path} holds vectors with NaN or infinite values (damaged).")
    ids = _faiss_ids(index)
    if ids is None:
        problems.add(f"{path} does not map vectors to {what} ids (not an ID-mapped index).")
        return
    stored = {int(r[0]) for r in conn.execute(f"SELECT {key} FROM {table}")}
    in_faiss = set(ids)
    if len(in_faiss) != len(ids):
        problems.add(f"{path} holds {len(ids) - len(in_faiss)} duplicate {what} ids.")
    orphans = sorted(in_faiss - stored)
    unindexed = sorted(stored - in_faiss)
    if orphans:
        problems.add(f"{path} has vectors for {len(orphans)} {what} ids that are not in "
                     f"{layout.RECORDS} (e.g. {', '.join(map(str, orphans[:5]))}).")
    if unindexed:
        problems.add(f"{len(unindexed)} {what} rows have no vector in {path} (e.g. ids "
                     f"{', '.join(map(str, unindexed[:5]))}).")


def _check_sentence_vectors(conn: sqlite3.Connection, dim: int, gen_dir: Path,
                            problems: _Problems) -> None:
    """Sentence vectors live in the embedding cache; questions read them from there."""
    missing, wrong = conn.execute(
        "SELECT SUM(e.hash IS NULL), SUM(e.hash IS NOT NULL AND length(e.vec) != ?) "
        "FROM sentences s LEFT JOIN embed_cache e ON e.hash = s.embed_hash",
        (4 * dim,)).fetchone()
    if missing:
        problems.add(f"{missing} sentence rows have no vector in {gen_dir / layout.RECORDS}'s "
                     "embedding cache.")
    if wrong and dim:
        problems.add(f"{wrong} sentence vectors in {gen_dir / layout.RECORDS} are not "
                     f"{dim}-dimensional.")


def _check_vector_files_only(gen_dir: Path, manifest: dict[str, Any] | None,
                             problems: _Problems) -> None:
    """Without records to compare with, at least say whether the vector files are readable."""
    path = gen_dir / layout.VECTORS
    if not path.is_file():
        problems.add(f"{path} is missing.")
        return
    index = _load_faiss(path, problems)
    if index is not None and manifest is not None:
        stated = (manifest.get("counts") or {}).get("chunks")
        if stated is not None and stated != index.ntotal:
            problems.add(f"{path} holds {index.ntotal} vectors but the manifest says "
                         f"{stated} chunks.")


# -- spans ---------------------------------------------------------------------------------------
