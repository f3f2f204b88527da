"""Metadata the user gives where the text lacks it: folder files and ``scrutiny index`` flags.

Many real papers never state their council in the text (it is only in the logo), so a user
can say it once for a whole folder. Precedence, most specific first:

1. a file's own sidecar (``minutes.pdf.meta.json``);
2. the nearest folder file (``scrutiny.meta.json`` or ``_metadata.json``) in the file's folder
   or a folder above it, up to the folder being indexed; a deeper file overrides a shallower
   one field by field;
3. what is recognised in the text;
4. the build's flags (``--council``, ``--committee``, ``--doc-type``), which fill only the
   fields still empty: a flag is a default for the documents of that build, not an override.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .models import DOC_TYPES

FOLDER_FILES = ("scrutiny.meta.json", "_metadata.json")
FOLDER_FIELDS = ("council", "committee", "doc_type")


def folder_files(path: Path, root: Path | None) -> list[Path]:
    """Folder files that apply to ``path``, shallowest first (so deeper ones win)."""
    found: list[Path] = []
    folder = path.parent
    stop = root.resolve() if root is not None else None
    for _ in range(32):
        for name in FOLDER_FILES:
            candidate = folder / name
            if candidate.is_file():
                found.append(candidate)
        if stop is None or folder.resolve() == stop or folder.parent == folder:
            break
        folder = folder.parent
    return found[::-1]


def folder_stamp(path: Path, root: Path | None) -> str:
    """A digest of the folder files that apply: a changed one re-indexes what it covers."""
    digest = hashlib.sha256()
    for file in folder_files(path, root):
        digest.update(str(file).encode() + b"\0")
        try:
            digest.update(file.read_bytes())
        except OSError:
            pass
    return digest.hexdigest()[:16]


def folder_metadata(path: Path, root: Path | None) -> tuple[dict[str, str], list[str]]:
    """The merged folder fields for ``path``, and warnings for what could not be used."""
    merged: dict[str, str] = {}
    warnings: list[str] = []
    for file in folder_files(path, root):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as exc:
            warnings.append(f"{file}: ignored ({exc})")
            continue
        for key, value in data.items():
            if key not in FOLDER_FIELDS:
                warnings.append(f"{file.name}: unknown field {key!r} ignored (use "
                                + ", ".join(FOLDER_FIELDS) + ")")
            elif key == "doc_type" and value not in DOC_TYPES:
                warnings.append(f"{file.name}: doc_type must be one of {', '.join(DOC_TYPES)}")
            elif value:
                merged[key] = str(value)
    return merged, warnings


def check_defaults(defaults: dict[str, Any]) -> dict[str, str]:
    """Validate ``scrutiny index`` flag values once, before any work."""
    from .errors import ScrutinyError

    out = {k: str(v).strip() for k, v in defaults.items() if v and str(v).strip()}
    unknown = set(out) - set(FOLDER_FIELDS)
    if unknown:
        raise ScrutinyError(f"unknown metadata default(s): {', '.join(sorted(unknown))}")
    if "doc_type" in out and out["doc_type"] not in DOC_TYPES:
        raise ScrutinyError(f"--doc-type must be one of {', '.join(DOC_TYPES)}")
    return out


def apply_user_metadata(meta: Any, path: Path, root: Path | None,
                        defaults: dict[str, str] | None) -> list[str]:
    """Folder files over recognition, then flags into the gaps (the sidecar comes after)."""
    fields, warnings = folder_metadata(path, root)
    for key, value in fields.items():
        setattr(meta, key, value)
    for key, value in (defaults or {}).items():
        if not getattr(meta, key, None) or (key == "doc_type" and key not in fields
                                            and meta.doc_type == "report"):
            setattr(meta, key, value)
    return warnings
