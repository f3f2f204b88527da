"""One published index generation, held in memory for queries.

Everything a query needs that does not change between queries (document metadata, learned
acronyms, facets) is loaded once here from the generation's ``Store`` (indexer/stores), so the
query path never re-reads it; passages, vectors and searches go to the store, whichever
backend it is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from indexer.gazetteer import council_matches
from indexer.meetings import meeting_dates, meeting_on
from indexer.stores import Chunk, DocMeta, SentenceVector, Store, open_store

from .results import (
    Citation,
    DocumentDetail,
    DocumentSummary,
    Facets,
    Filters,
    clean_ref,
)

__all__ = ["DocMeta", "Snapshot", "open_snapshot"]

T = TypeVar("T")


def open_snapshot(index_dir: Path, verify: bool = False, store: str = "") -> Snapshot:
    """The live generation of the backend ``store`` names (empty: the index directory)."""
    return Snapshot(open_store(store, index_dir, verify))


class Snapshot:
    """Read-only view of one generation; safe to use from many threads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.generation = store.generation
        self.manifest = store.manifest
        self._local = threading.local()
        self.docs: dict[str, DocMeta] = {d.doc_id: d for d in store.documents()}
        self.acronyms: dict[str, set[str]] = {}
        for acronym, expansion in store.acronyms():
            self.acronyms.setdefault(acronym, set()).add(expansion)
        self._facets: Facets | None = None

    @property
    def fallback_from(self) -> str | None:
        return self.store.fallback_from

    def live_generation(self) -> str | None:
        return self.store.live_generation()

    def shape_docs(self, shapes: list[int]) -> dict[int, int]:
        """How many documents hold a sentence of each shape (``indexer.sentences``): a shape
        in many documents is a publisher's template, not a finding."""
        return self.store.shape_docs(shapes)

    def warm(self) -> None:
        self.store.warm()

    def close(self) -> None:
        self.store.close()

    # -- filters -----------------------------------------------------------------------------
    def matching_docs(self, filters: Filters) -> list[str] | None:
        """Doc ids passing ``filters``, or None when there is no filter at all."""
        if filters.is_empty():
            return None
        out = []
        councils: set[str | None] = set()
        if filters.council:  # resolve the name once per distinct council, not per document
            councils = {c for c in {m.council for m in self.docs.values()}
                        if council_matches(filters.council, c)}
        for meta in self.docs.values():
            if filters.council and meta.council not in councils:
                continue
            if filters.committee and filters.committee.lower() not in (meta.committee or
                                                                        "").lower():
                continue
            if filters.doc_type and filters.doc_type != meta.doc_type:
                continue
            if filters.since and (not meta.date or meta.date < filters.since):
                continue
            if filters.until and (not meta.date or meta.date > filters.until):
                continue
            out.append(meta.doc_id)
        return out

    # -- records -----------------------------------------------------------------------------
    def count_documents(self) -> int:
        return len(self.docs)

    def count_chunks(self) -> int:
        return self.store.count_chunks()

    def citation(self, doc_id: str, item_ref: str, item_title: str, start: int, end: int,
                 page: int | None) -> Citation:
        meta = self.docs[doc_id]
        return Citation(doc_id=doc_id, title=meta.title, council=meta.council,
                        committee=meta.committee, doc_type=meta.doc_type,
                        date=self.date_at(doc_id, start),
                        published=meta.published, item_ref=clean_ref(item_ref),
                        item_title=item_title, source=meta.source, url=meta.url,
                        char_start=start, char_end=end, page=page)

    def date_at(self, doc_id: str, offset: int) -> str | None:
        """When what the record says at ``offset`` was said: the record's date, or, in
        minutes that carry an earlier meeting's minutes (an agenda pack), that meeting's."""
        meta = self.docs[doc_id]
        if meta.doc_type != "minutes":
            return meta.date
        starts = self._cached("meetings", doc_id, lambda: meeting_dates(self.text_of(doc_id)))
        return meeting_on(starts, offset) or meta.date

    def chunk_citation(self, c: Chunk) -> Citation:
        return self.citation(c.doc_id, c.item_ref, c.item_title, c.char_start, c.char_end,
                             c.page)

    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        return self.store.chunks(ids)

    def sentences_of(self, chunk_ids: list[int]) -> dict[int, list[SentenceVector]]:
        return self.store.sentences(chunk_ids)

    def text_of(self, doc_id: str) -> str:
        return self._cached("texts", doc_id, lambda: self.store.text_of(doc_id))

    def _cached(self, name: str, doc_id: str, make: Callable[[], T]) -> T:
        """A per-thread cache of what is read or worked out per document, cleared past 64
        documents so a long-running server does not hold the corpus in memory."""
        cache = getattr(self._local, name, None)
        if cache is None:
            cache = {}
            setattr(self._local, name, cache)
        if doc_id not in cache:
            if len(cache) > 64:
                cache.clear()
            cache[doc_id] = make()
        return cache[doc_id]

    def item_at(self, doc_id: str, offset: int) -> tuple[str, str] | None:
        """(ref, title) of the record's item holding ``offset``, None outside every item."""
        items = self._cached("items", doc_id, lambda: self.store.items_of(doc_id))
        return next(((i["ref"], i["title"]) for i in items
                     if i["char_start"] <= offset < i["char_end"]), None)

    def page_at(self, doc_id: str, offset: int) -> int | None:
        starts = self.store.page_starts(doc_id)
        if not starts:
            return None
        return sum(1 for s in starts if s <= offset) or 1

    def facets(self) -> Facets:
        if self._facets is None:
            self._facets = self._compute_facets()
        return self._facets

    def _compute_facets(self) -> Facets:
        metas = list(self.docs.values())
        dates = sorted(m.date for m in metas if m.date)
        return Facets(councils=sorted({m.council for m in metas if m.council}),
                      committees=sorted({m.committee for m in metas if m.committee}),
                      doc_types=sorted({m.doc_type for m in metas}),
                      date_min=dates[0] if dates else None, date_max=dates[-1] if dates else None)

    def document_summaries(self, filters: Filters) -> list[DocumentSummary]:
        allowed = self.matching_docs(filters)
        metas = [m for m in self.docs.values() if allowed is None or m.doc_id in allowed]
        metas.sort(key=lambda m: (m.date or "", m.doc_id), reverse=True)
        return [self._summary(m) for m in metas]

    def _summary(self, m: DocMeta) -> DocumentSummary:
        return DocumentSummary(doc_id=m.doc_id, title=m.title, council=m.council,
                               committee=m.committee, doc_type=m.doc_type, date=m.date,
                               items=m.n_items, chunks=m.n_chunks, resolutions=m.n_resolutions,
                               source=m.source, published=m.published, url=m.url)

    def document_detail(self, doc_id: str) -> DocumentDetail | None:
        meta = self.docs.get(doc_id)
        if meta is None:
            return None
        s = self.store
        return DocumentDetail(summary=self._summary(meta), text=s.text_of(doc_id),
                              items=s.items_of(doc_id), resolutions=s.resolutions_of(doc_id),
                              attendance=s.attendance_of(doc_id),
                              page_starts=s.page_starts(doc_id))
