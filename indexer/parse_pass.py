"""The reading pass of a build: every new or changed file read, recognised and chunked within
the per-document budgets, or skipped with a reason. A bad file never stops the build, and the
texts a refused file would have needed embedded are never queued."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .acronyms import learn_acronyms
from .chunking import chunk_document
from .config import Settings
from .document import load_document
from .errors import ReadError
from .layout import READER_VERSION
from .models import BuildReport, SkippedFile
from .units import Units
from .walk import SourceFile, pdf_pages, root_of, sidecar_stamp, unique_doc_id

ProgressFn = Callable[[str, int, int], None]


@dataclass(slots=True)
class Pending:
    """A parsed document waiting for its vectors."""

    doc: Any
    chunks: list[Any]
    hashes: list[str]
    sentences: list[list[tuple[int, int, str]]]  # per chunk: (start, end, embed hash)


def parse_changed(changed: list[tuple[SourceFile, str]], keep: dict[str, dict[str, Any]],
                   keep_skips: dict[str, dict[str, Any]], settings: Settings,
                   report: BuildReport, notify: ProgressFn, count: Callable[[str], int],
                   units: Units, defaults: dict[str, str] | None = None
                   ) -> tuple[list[Pending], dict[str, dict[str, Any]]]:
    """Read, recognise and chunk every new or changed file; bad files are skipped with a
    reason and never stop the build."""
    used_ids = {v["doc_id"] for v in keep.values()}
    pending: list[Pending] = []
    entries: dict[str, dict[str, Any]] = {}
    for done, (f, digest) in enumerate(changed):
        notify("reading", done, len(changed))
        doc_id = unique_doc_id(f.source, used_ids)
        stamp = {"hash": digest, "size": f.size, "mtime_ns": f.mtime_ns,
                 "sidecar": sidecar_stamp(f.path, root_of(f)), "reader": READER_VERSION}
        started = time.monotonic()
        parsed = _parse_one(f, doc_id, digest, settings, count, units, started, defaults)
        if isinstance(parsed, str):
            report.skipped.append(SkippedFile(f.source, parsed))
            keep_skips[f.source] = dict(stamp, reason=parsed)
            continue
        item, warnings = parsed
        for w in warnings:
            report.skipped.append(SkippedFile(f.source, f"warning: {w}"))
        used_ids.add(doc_id)
        pending.append(item)
        missing = [name for name, value in (("council", item.doc.council),
                                            ("date", item.doc.date)) if not value]
        if missing:
            report.unrecognised.append(SkippedFile(f.source, "no " + " and no ".join(missing)))
        entries[f.source] = dict(stamp, doc_id=doc_id)
        report.indexed.append(f.source)
    notify("reading", len(changed), len(changed))
    return pending, entries


def _parse_one(f: SourceFile, doc_id: str, digest: str, settings: Settings,
               count: Callable[[str], int], units: Units, started: float,
               defaults: dict[str, str] | None = None) -> tuple[Pending, list[str]] | str:
    """One file read, recognised and chunked within the per-document budgets (pages,
    passages + sentences, seconds); the reason it was skipped otherwise. The texts to embed
    join ``units`` only when the document passes, so a refused one costs no embedding."""
    pages = pdf_pages(f.path)
    if pages is not None and pages > settings.max_doc_pages:
        return (f"{pages} pages, over the per-document budget of {settings.max_doc_pages} "
                "(SCRUTINY_MAX_DOC_PAGES)")
    try:
        doc, warnings = load_document(f.path, f.source, doc_id,
                                      settings.max_file_mb * 1024 * 1024, digest,
                                      max_text_mb=settings.max_text_mb, root=root_of(f),
                                      defaults=defaults)
    except ReadError as exc:
        return str(exc)
    except (MemoryError, RecursionError, ValueError, LookupError, AssertionError) as exc:
        return f"could not be parsed ({type(exc).__name__})"
    if len(doc.page_starts) > settings.max_doc_pages:
        return (f"{len(doc.page_starts)} pages, over the per-document budget of "
                f"{settings.max_doc_pages} (SCRUTINY_MAX_DOC_PAGES)")
    chunks = chunk_document(doc, count, settings.chunk_tokens, settings.chunk_overlap)
    own = Units(units.model, units.chunk_vectors)
    learned = learn_acronyms(doc.text)
    sentences = [own.sentences(c, learned) for c in chunks]
    hashes = [own.passage(c, learned, s) for c, s in zip(chunks, sentences, strict=True)]
    size = len(chunks) + sum(len(s) for s in sentences)
    if size > settings.max_doc_sentences:
        return (f"{size} passages and sentences to embed, over the per-document budget of "
                f"{settings.max_doc_sentences} (SCRUTINY_MAX_DOC_SENTENCES)")
    took = time.monotonic() - started
    if took > settings.max_doc_seconds:
        return (f"reading it took {took:.0f} s, over the per-document budget of "
                f"{settings.max_doc_seconds:.0f} s (SCRUTINY_MAX_DOC_SECONDS)")
    units.texts.update(own.texts)
    units.derived.update(own.derived)
    return Pending(doc, chunks, hashes, sentences), warnings
