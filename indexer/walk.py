"""The files a build reads: every candidate under the given paths, with what makes them safe
to read (inside the corpus) and to tell apart (unique document ids)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .document import make_doc_id
from .models import BuildReport, SkippedFile
from .readers import SUPPORTED
from .usermeta import FOLDER_FILES, folder_files

IGNORED_SUFFIXES = (".meta.json",)


@dataclass(slots=True)
class SourceFile:
    path: Path
    source: str  # path shown to users and stored in citations (relative to its root)
    size: int
    mtime_ns: int


def discover(paths: list[Path], report: BuildReport) -> list[SourceFile]:
    """Every candidate file under ``paths``; unsupported ones are reported, not silently lost."""
    found: dict[str, SourceFile] = {}
    for root in paths:
        root = root.expanduser()
        if not root.exists():
            report.skipped.append(SkippedFile(str(root), "path does not exist"))
            continue
        if root.is_file():
            files = [root]
        else:
            files = []
            for p in sorted(root.rglob("*")):
                if p.is_file():
                    files.append(p)
                elif p.is_symlink() and not p.exists():
                    rel = p.relative_to(root).as_posix()
                    if not any(part.startswith(".") for part in Path(rel).parts):
                        report.skipped.append(SkippedFile(
                            rel, "cannot read file: broken link (its target does not exist)"))
        base = root.parent if root.is_file() else root
        real_root = None if root.is_file() else root.resolve()
        for path in files:
            rel = path.relative_to(base).as_posix()
            if any(part.startswith(".") for part in Path(rel).parts):
                continue
            if path.name.endswith(IGNORED_SUFFIXES) or path.name in FOLDER_FILES:
                continue
            if real_root is not None and not _inside(path, real_root):
                # a link to /etc/passwd would otherwise be served to anyone who can search
                report.skipped.append(SkippedFile(rel, "refused: it is a link to a file "
                                                  "outside the corpus folder"))
                continue
            if path.suffix.lower() not in SUPPORTED:
                report.skipped.append(SkippedFile(rel, f"unsupported file type "
                                                  f"{path.suffix or '(none)'}"))
                continue
            try:
                st = path.stat()
            except OSError as exc:
                report.skipped.append(SkippedFile(rel, f"cannot read file: {exc.strerror}"))
                continue
            found[rel] = SourceFile(path, rel, st.st_size, st.st_mtime_ns)
    return list(found.values())


def _inside(path: Path, real_root: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(real_root)
    except (OSError, RuntimeError):  # a link loop
        return False


def unique_doc_id(source: str, used: set[str]) -> str:
    """``make_doc_id``, or when another document already has that id (names differing only
    in case or punctuation: ``Cabinet 2019.txt``, ``cabinet_2019.txt``), the id plus a short
    hash of the path, which differs for every path."""
    doc_id = make_doc_id(source)
    if doc_id not in used:
        return doc_id
    digest = hashlib.sha1(source.encode()).hexdigest()
    for width in (8, 12, 40):
        candidate = f"{doc_id[:110]}-{digest[:width]}"
        if candidate not in used:
            return candidate
    n = 2
    while f"{doc_id[:110]}-{digest}-{n}" in used:
        n += 1
    return f"{doc_id[:110]}-{digest}-{n}"


def root_of(f: SourceFile) -> Path:
    """The folder being indexed that ``f`` was found under."""
    return f.path.parents[len(Path(f.source).parts) - 1]


def sidecar_stamp(path: Path, root: Path | None = None) -> list[int] | None:
    """Size and mtime of the sidecar and folder files: when they change, the file is re-read."""
    from .metadata import sidecar_for

    stamp: list[int] = []
    for extra in [sidecar_for(path), *folder_files(path, root)]:
        if extra is not None:
            st = extra.stat()
            stamp += [st.st_size, st.st_mtime_ns]
    return stamp or None


def pdf_pages(path: Path) -> int | None:
    """A PDF's page count from its page tree, without extracting any text (None if not a
    readable PDF: the reader then says why)."""
    if path.suffix.lower() != ".pdf":
        return None
    try:
        from pypdf import PdfReader

        return len(PdfReader(path, strict=False).pages)
    except Exception:  # any parser failure: the real read reports it properly
        return None
