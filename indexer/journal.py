"""A one-entry journal of the write in progress, so a process killed mid-write recovers.

An addition or a removal (``ingest``, through the API, the CLI or the TUI) changes the corpus
(a file stored, or moved to the trash) and then rebuilds the index; a kill between the two used
to leave them disagreeing, and every later write was refused until someone ran
``scrutiny index``. Before changing anything, the write records what it is about to do in
``.scrutiny-journal.json`` in the index directory, and removes the entry when the rebuild has
published. At the server's start-up (and before each write) a leftover entry is settled
against the live index: if the index already reflects the write, it is complete and only the
entry goes; otherwise the corpus change is undone.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Any

from . import layout
from .errors import ScrutinyError

log = logging.getLogger("scrutiny.indexer")

JOURNAL = ".scrutiny-journal.json"


def _path(index_dir: Path) -> Path:
    return Path(index_dir) / JOURNAL


def begin(index_dir: Path, entry: dict[str, Any]) -> None:
    """Record the write about to happen (durably: written, synced, then renamed in place)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    tmp = index_dir / f".{JOURNAL}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(entry, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, _path(index_dir))
    layout.fsync_dir(index_dir)


def end(index_dir: Path) -> None:
    _path(index_dir).unlink(missing_ok=True)


def _indexed_sources(index_dir: Path) -> set[str] | None:
    """Sources listed by the live generation; None when there is no readable index."""
    try:
        manifest = layout.read_manifest(layout.generation_path(index_dir))
    except ScrutinyError:
        return None
    return set(manifest.get("documents", {}))


def recover(index_dir: Path, corpus: Path) -> str | None:
    """Settle a write left half done by a killed process; returns what was done, if anything.

    An addition lists its new files' ``sources``: one build publishes them all or none."""
    for partial in corpus.glob(".*.uploading"):  # copies cut off mid-way
        partial.unlink(missing_ok=True)
    path = _path(index_dir)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # torn before the rename: nothing was changed yet
        return None
    indexed = _indexed_sources(index_dir) or set()
    source = entry.get("source", "")
    if entry.get("kind") == "upload":
        if all(s in indexed for s in entry.get("sources", [source])):
            outcome = f"upload of {source} had completed"
        else:
            for name in entry.get("created", []):
                with contextlib.suppress(OSError):
                    Path(name).unlink(missing_ok=True)
            outcome = f"upload of {source} was interrupted and rolled back"
    elif entry.get("kind") == "delete":
        if source not in indexed:
            outcome = f"removal of {source} had completed (its file is in the trash)"
        else:
            for src, dest in entry.get("moves", []):
                if Path(dest).exists() and not Path(src).exists():
                    with contextlib.suppress(OSError):
                        shutil.move(dest, src)
            outcome = f"removal of {source} was interrupted and rolled back"
    else:
        outcome = "an unknown journal entry was dropped"
    path.unlink(missing_ok=True)
    log.warning("recovered an interrupted write: %s", outcome)
    return outcome
