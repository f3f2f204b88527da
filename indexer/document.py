"""From a file on disk to a fully recognised ``Document``."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .metadata import apply_sidecar, recognise, sidecar_for
from .models import Document
from .readers import MAX_TEXT_MB, read_document
from .records import find_attendance, find_resolutions
from .structure import build_items, find_headings
from .usermeta import apply_user_metadata, folder_files, folder_stamp


def file_hash(path: Path, root: Path | None = None) -> str:
    """Content hash of the file, its sidecar and folder files: a changed one re-indexes it."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    sidecar = sidecar_for(path)
    if sidecar is not None:
        digest.update(b"\0sidecar\0")
        digest.update(sidecar.read_bytes())
    if folder_files(path, root):
        digest.update(b"\0folder\0" + folder_stamp(path, root).encode())
    return digest.hexdigest()


def make_doc_id(relative: str) -> str:
    """A stable, URL-safe id from the file's path under the corpus."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", relative)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:120] or hashlib.sha1(relative.encode()).hexdigest()[:12]


def load_document(path: Path, source: str, doc_id: str, max_bytes: int,
                  content_hash: str = "", max_text_mb: int = MAX_TEXT_MB,
                  root: Path | None = None, defaults: dict[str, str] | None = None
                  ) -> tuple[Document, list[str]]:
    """Read and recognise one file; returns the document and any sidecar warnings.

    Raises ``ReadError`` when the file cannot be read.
    """
    read = read_document(path, max_bytes=max_bytes, max_text_mb=max_text_mb)
    text = read.text
    meta = recognise(text, source, read.title_hint, tuple(read.furniture), read.created)
    warnings = apply_user_metadata(meta, path, root, defaults)
    warnings += apply_sidecar(meta, path)
    items = build_items(text, find_headings(text, meta.doc_type))
    doc = Document(doc_id=doc_id, source=source, text=text, title=meta.title,
                   council=meta.council, committee=meta.committee, doc_type=meta.doc_type,
                   date=meta.date, date_start=meta.date_start, published=meta.published,
                   url=meta.url, page_starts=read.page_starts,
                   items=items, content_hash=content_hash)
    for item in doc.items:
        item.page = doc.page_at(item.char_start)
    doc.resolutions = find_resolutions(text, items, minutes=meta.doc_type == "minutes")
    doc.attendance = find_attendance(text, items)
    return doc, warnings
