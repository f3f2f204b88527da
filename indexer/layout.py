"""The index directory: immutable generations, a ``CURRENT`` pointer, a manifest and a lock.

A build writes a complete new generation beside the live one and then replaces ``CURRENT``
with one atomic rename. A build killed at any moment therefore leaves the previous generation
in place and readers never see a half-written index.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import (
    IndexIncompatibleError,
    IndexLockedError,
    IndexMissingError,
    IndexWriteError,
)

SCHEMA_VERSION = 1
# Bump when reading, recognition or sentence splitting changes what a document's records hold:
# a document read by an older reader is read again (its unchanged texts keep their vectors).
READER_VERSION = 7
CURRENT = "CURRENT"
LOCK = ".lock"
MANIFEST = "manifest.json"
RECORDS = "records.sqlite"
VECTORS = "vectors.faiss"
BUILD_COMMAND = "scrutiny index"


def current_generation(index_dir: Path) -> str | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return None
    return name or None


def generation_path(index_dir: Path) -> Path:
    """The live generation's directory; raises ``IndexMissingError`` if none was built."""
    name = current_generation(index_dir)
    if not name or not (index_dir / name / MANIFEST).is_file():
        raise IndexMissingError(f"No index at {index_dir}. Build one with `{BUILD_COMMAND}` "
                                f"(or `{BUILD_COMMAND} PATH --index {index_dir}`).")
    return index_dir / name


def read_manifest(gen_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((gen_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexIncompatibleError(f"The index manifest in {gen_dir} is unreadable ({exc}). "
                                     f"Rebuild with `{BUILD_COMMAND} --rebuild`.") from None


def built_precision(manifest: dict[str, Any]) -> str:
    """The ONNX precision an index's vectors came from (fp32 for torch, or a new index):
    updates and questions follow it unless a precision is set explicitly."""
    return "int8" if manifest.get("vectors") == "int8" else "fp32"


def check_compatible(manifest: dict[str, Any], model: str | None = None,
                     dim: int | None = None) -> None:
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise IndexIncompatibleError(
            f"This index has schema version {version}; this version of scrutiny-assistant reads "
            f"version {SCHEMA_VERSION}. Rebuild it with `{BUILD_COMMAND} --rebuild`.")
    if model is not None and manifest.get("model") != model:
        raise IndexIncompatibleError(
            f"This index was built with model {manifest.get('model')!r}, not {model!r}. Rebuild "
            f"it with `{BUILD_COMMAND} --rebuild`, or set SCRUTINY_MODEL to the index's model.")
    if dim is not None and manifest.get("dim") not in (None, dim):
        raise IndexIncompatibleError(
            f"This index has {manifest.get('dim')}-dimensional vectors but the model gives {dim}. "
            f"Rebuild it with `{BUILD_COMMAND} --rebuild`.")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(gen_dir: Path) -> dict[str, str]:
    """sha256 of the generation's data files, recorded in its manifest when it is built: a
    published generation never changes, so any difference later is damage."""
    return {name: file_sha256(gen_dir / name) for name in (RECORDS, VECTORS)
            if (gen_dir / name).is_file()}


def damaged_files(gen_dir: Path, manifest: dict[str, Any]) -> list[str]:
    """The data files whose checksum differs from the manifest's (none recorded: none)."""
    recorded = manifest.get("checksums") or {}
    bad = []
    for name, expected in recorded.items():
        try:
            if file_sha256(gen_dir / name) != expected:
                bad.append(name)
        except OSError:
            bad.append(name)
    return bad


def older_generations(index_dir: Path, live: str) -> list[Path]:
    """Published generations before ``live``, newest first (the fallbacks of a damaged one)."""
    gens = [p for p in index_dir.glob("gen-*") if p.is_dir() and p.name < live
            and (p / MANIFEST).is_file()]
    return sorted(gens, key=lambda p: p.name, reverse=True)


def new_generation_name(index_dir: Path) -> str:
    """The next generation number; called under the build lock, so numbers never collide."""
    numbers = [int(p.name[4:]) for p in index_dir.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(path: Path) -> None:
    for file in path.iterdir():
        if file.is_file():
            with file.open("rb") as fh:
                os.fsync(fh.fileno())
    fsync_dir(path)


def publish(index_dir: Path, gen_name: str) -> None:
    """Point ``CURRENT`` at a finished generation: the single atomic step of a build."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(gen_name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, index_dir / CURRENT)
        fsync_dir(index_dir)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_error(index_dir, exc) from None


def prune(index_dir: Path, keep: int = 2) -> None:
    """Remove stale and abandoned generations, keeping the newest ``keep`` published ones."""
    live = current_generation(index_dir)
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    if live is None:
        return
    published = [g for g in gens if (g / MANIFEST).is_file() and g.name <= live]
    keep_names = {g.name for g in published[-keep:]} | {live}
    for gen in gens:
        if gen.name not in keep_names:
            shutil.rmtree(gen, ignore_errors=True)
    for tmp in index_dir.glob(f".{CURRENT}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_error(index_dir: Path, exc: OSError) -> IndexWriteError:
    if exc.errno == errno.ENOSPC:
        why = "the disk is full"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "permission denied"
    else:
        why = exc.strerror or str(exc)
    return IndexWriteError(f"Cannot write the index at {index_dir}: {why}. The previous index, "
                           "if any, is unchanged.")


@contextlib.contextmanager
def file_lock(path: Path, wait: bool, cannot_open: Callable[[OSError], Exception],
              busy: Callable[[], Exception]) -> Iterator[None]:
    """An exclusive lock on ``path`` across processes (the OS releases it if the holder dies),
    taken at once or waited for; the caller says what to raise when it cannot be had."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path, "a+")  # noqa: SIM115 - held for the whole block
    except OSError as exc:
        raise cannot_open(exc) from None
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise busy() from None
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def build_lock(index_dir: Path, wait: bool = False) -> contextlib.AbstractContextManager[None]:
    """One build at a time per index directory; the second refuses (or waits) clearly."""
    return file_lock(index_dir / LOCK, wait, lambda exc: write_error(index_dir, exc),
                     lambda: IndexLockedError(
                         f"Another build is already updating {index_dir}. Wait for it to "
                         f"finish, or run `{BUILD_COMMAND} --wait` to queue behind it."))
