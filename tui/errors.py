"""Turn exceptions from the facade into what a councillor can read and act on."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from indexer.config import default_index_dir
from indexer.errors import (
    IndexCorruptError,
    IndexIncompatibleError,
    IndexLockedError,
    IndexMissingError,
    QueryError,
    ScrutinyError,
    StoreUnavailableError,
)

_COMMAND = re.compile(r"`([^`]+)`")


@dataclass(frozen=True, slots=True)
class Problem:
    """A message for the error panel: what happened, and the command that fixes it."""

    title: str
    message: str
    fix: str | None = None

    def text(self) -> str:
        parts = [f"{self.title}: {self.message}"]
        if self.fix:
            parts.append(f"Fix: {self.fix}")
        return "  ".join(parts)


def index_command(index_dir: Path) -> str:
    """The command that builds the index this app was pointed at."""
    try:
        same = index_dir.resolve() == default_index_dir().resolve()
    except OSError:
        same = False
    return "scrutiny index" if same else f"scrutiny index --index {shlex.quote(str(index_dir))}"


def explain(exc: BaseException, index_dir: Path, failed: str = "The search failed") -> Problem:
    """A ``Problem`` for any exception; facade errors already carry a readable message.
    ``failed`` titles other library errors (a refused file is not a failed search)."""
    message = str(exc).strip() or exc.__class__.__name__
    quoted = _COMMAND.findall(message)
    suggested = next((c for c in quoted if c.startswith("scrutiny")), None)
    rebuild = index_command(index_dir)
    if isinstance(exc, IndexMissingError):
        return Problem("No index yet", message, rebuild)
    if isinstance(exc, IndexIncompatibleError | IndexCorruptError):
        return Problem("The index cannot be used", message, suggested or rebuild)
    if isinstance(exc, IndexLockedError):
        return Problem("The index is being rebuilt", message,
                       suggested or "wait for the build to finish, then press Enter again")
    if isinstance(exc, StoreUnavailableError):
        return Problem("The database is not answering", message,
                       "press Enter to try again once the PostgreSQL server is back")
    if isinstance(exc, QueryError):
        return Problem("That question cannot be searched", message, suggested)
    if isinstance(exc, ScrutinyError):
        return Problem(failed, message, suggested)
    return Problem("Something went wrong", f"{exc.__class__.__name__}: {message}",
                   f"press Enter to try again; if it keeps failing, run {rebuild}")
