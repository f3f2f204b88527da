"""The span checks of ``scrutiny check``: every chunk, sentence, resolution, item and
attendance span inside its document, the stored text of chunks and resolutions equal to the
document's text at their offsets, and no rows of documents the index does not hold. A quote
is shown only if its span is right, so these are what keeps citations exact."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Protocol


class Problems(Protocol):
    def add(self, message: str) -> None: ...
    def span(self, kind: str, message: str) -> None: ...


def _documents(conn: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    """(doc_id, text) one document at a time, so a huge corpus never sits in memory at once."""
    ids = [r[0] for r in conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")]
    for doc_id in ids:
        row = conn.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        yield doc_id, (row[0] if row and isinstance(row[0], str) else "")


def _outside(problems: Problems, table: str, label: str, row_id: object, doc_id: str,
             a: object, b: object, n: int) -> bool:
    """Report a span that does not lie inside its document; True when it does not."""
    if isinstance(a, int) and isinstance(b, int) and 0 <= a <= b <= n:
        return False
    problems.span(f"{table} span", f"{label} {row_id} of document {doc_id}: span {a}-{b} lies "
                  f"outside the document (length {n}).")
    return True


def _check_text(problems: Problems, table: str, label: str, row_id: object, doc_id: str,
                text: str, a: int, b: int, stored: object) -> None:
    if stored is not None and text[a:b] != stored:
        problems.span(f"{table} text", f"{label} {row_id} of document {doc_id}: its stored "
                      f"text differs from documents.text[{a}:{b}].")


def check_spans(conn: sqlite3.Connection, problems: Problems) -> None:
    doc_ids: set[str] = set()
    for doc_id, text in _documents(conn):
        doc_ids.add(doc_id)
        n = len(text)
        chunk_spans: dict[int, tuple[int, int]] = {}
        for chunk_id, a, b, stored in conn.execute(
                "SELECT chunk_id, char_start, char_end, text FROM chunks WHERE doc_id=?",
                (doc_id,)):
            if not _outside(problems, "chunk", "Chunk", chunk_id, doc_id, a, b, n):
                chunk_spans[chunk_id] = (a, b)
                _check_text(problems, "chunk", "Chunk", chunk_id, doc_id, text, a, b, stored)
        for sent_id, chunk_id, a, b in conn.execute(
                "SELECT sent_id, chunk_id, char_start, char_end FROM sentences WHERE doc_id=?",
                (doc_id,)):
            if _outside(problems, "sentence", "Sentence", sent_id, doc_id, a, b, n):
                continue
            if chunk_id not in chunk_spans:
                problems.span("sentence chunk", f"Sentence {sent_id} of document {doc_id} "
                              f"belongs to chunk {chunk_id}, which is not a valid chunk of "
                              "that document.")
            elif not (chunk_spans[chunk_id][0] <= a and b <= chunk_spans[chunk_id][1]):
                ca, cb = chunk_spans[chunk_id]
                problems.span("sentence span", f"Sentence {sent_id} of document {doc_id}: "
                              f"span {a}-{b} is not inside its chunk {chunk_id} ({ca}-{cb}).")
        for res_id, a, b, stored in conn.execute(
                "SELECT id, char_start, char_end, text FROM resolutions WHERE doc_id=?",
                (doc_id,)):
            if not _outside(problems, "resolution", "Resolution", res_id, doc_id, a, b, n):
                _check_text(problems, "resolution", "Resolution", res_id, doc_id, text, a, b,
                            stored)
        for table, label in (("items", "Item"), ("attendance", "Attendance entry")):
            for row_id, a, b in conn.execute(
                    f"SELECT id, char_start, char_end FROM {table} WHERE doc_id=?", (doc_id,)):
                _outside(problems, table, label, row_id, doc_id, a, b, n)
        del text
    for table, label in (("chunks", "chunk"), ("sentences", "sentence"),
                         ("resolutions", "resolution"), ("items", "item")):
        orphans = [r[0] for r in conn.execute(f"SELECT DISTINCT doc_id FROM {table}")
                   if r[0] not in doc_ids]
        if orphans:
            problems.add(f"{table} has {label} rows of {len(orphans)} document(s) that are not "
                         f"in the documents table (e.g. {', '.join(orphans[:3])}).")
