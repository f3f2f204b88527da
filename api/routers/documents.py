"""``/documents`` (list, read, upload, delete) and ``/facets`` (the filter values present).

Reads are open; upload and delete need the API key and run one at a time in the write queue
(``writer``), because each ends in an incremental rebuild of the index.
"""

from __future__ import annotations

import functools
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse

from indexer.corpusfiles import supported_list
from indexer.errors import NotFoundError

from .. import uploads
from ..deps import AssistantDep, FiltersDep, StateDep, WriteKey, check_dates
from ..errors import responses
from ..schemas import (
    ISO_DATE,
    DeleteResponse,
    DocType,
    DocumentDetail,
    DocumentItem,
    DocumentsResponse,
    Facets,
    UploadResponse,
)
from ..write_schemas import UploadStatus
from ..writer import Job

router = APIRouter(tags=["documents"])
UploadId = Annotated[str, Path(min_length=1, max_length=64, description=(
    "From the 202 reply of POST /documents."))]

DocId = Annotated[str, Path(min_length=1, max_length=300, description=(
    "The document id from GET /documents."))]


@router.get("/documents", response_model=DocumentsResponse, responses=responses(422, 503),
            summary="List documents")
async def list_documents(
    state: StateDep,
    assistant: AssistantDep,
    filters: FiltersDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The indexed documents with their metadata and counts, newest first as the index
    orders them; `count` is the number matching the filters before paging."""
    documents = await state.run(assistant.documents, filters)
    page = documents[offset:offset + limit]
    return {"documents": [d.to_dict() for d in page], "count": len(documents),
            "offset": offset, "limit": limit}


@router.get("/documents/{doc_id}", response_model=DocumentDetail | DocumentItem,
            responses=responses(404, 422, 503), summary="One document, or one of its items")
async def get_document(
    state: StateDep,
    assistant: AssistantDep,
    doc_id: DocId,
    item: Annotated[str | None, Query(min_length=1, max_length=100, description=(
        "A minute reference such as `226/12` or `CS.02`: return only that item."))] = None,
) -> dict[str, Any]:
    """Metadata, items, resolutions, attendance and full text of one document. With `item`,
    only that item: its span, its exact text and the resolutions recorded under it."""
    detail = await state.run(assistant.document, doc_id)
    data = detail.to_dict()
    if item is None:
        return data
    wanted = item.strip().rstrip(".").casefold()
    for entry in detail.items:
        if str(entry.get("ref", "")).strip().rstrip(".").casefold() == wanted:
            text = detail.text[int(entry["char_start"]):int(entry["char_end"])]
            ref = entry.get("ref")
            return {**{k: data[k] for k in ("doc_id", "title", "council", "committee",
                                             "doc_type", "date", "published", "source",
                                             "url")},
                    "item": entry, "text": text,
                    "resolutions": [r for r in detail.resolutions if r.get("item_ref") == ref]}
    raise NotFoundError(f"Document {doc_id} has no item {item!r}. Its items are listed "
                        f"under `items` in GET /documents/{doc_id}.")


@router.get("/facets", response_model=Facets, responses=responses(503),
            summary="Filter values present in the index")
async def facets(state: StateDep, assistant: AssistantDep) -> dict[str, Any]:
    """Councils, committees, document types and the date range, so a client can offer
    choices instead of free text."""
    result = await state.run(assistant.facets)
    return result.to_dict()


@router.post("/documents", status_code=201, response_model=UploadResponse,
             responses={200: {"model": UploadResponse,
                              "description": "The same file was already indexed."},
                        202: {"model": UploadStatus, "description": (
                            "Still indexing after SCRUTINY_UPLOAD_WAIT seconds: poll "
                            "`Location` (GET /uploads/{upload_id}).")},
                        **responses(400, 401, 403, 409, 413, 415, 422, 503, 507)},
             summary="Upload and index one file")
async def upload_document(
    request: Request,
    state: StateDep,
    _key: WriteKey,
    response: Response,
    file: Annotated[UploadFile, File(description=f"One {supported_list()} file.")],
    title: Annotated[str | None, Form(max_length=300)] = None,
    council: Annotated[str | None, Form(max_length=200)] = None,
    committee: Annotated[str | None, Form(max_length=200)] = None,
    doc_type: Annotated[DocType | None, Form()] = None,
    date: Annotated[str | None, Form(pattern=ISO_DATE, json_schema_extra={
        "format": "date"})] = None,
) -> Any:
    """Stores the file under the corpus (with the given metadata as its sidecar, overriding
    what is recognised from the text) and indexes it incrementally, one upload at a time. A
    file the reader cannot use is refused with the reason, and nothing already indexed
    changes. The same file again answers 200 `unchanged`; the same file with other metadata
    is a 409 naming the document it duplicates. If indexing takes longer than
    SCRUTINY_UPLOAD_WAIT seconds the answer is 202 with `Location: /uploads/{upload_id}`;
    an upload whose client disconnects before its turn is not indexed."""
    t0 = time.perf_counter()
    check_dates(date, None)
    name = uploads.safe_filename(file.filename)  # 415 before anything is written to disk
    meta = {k: v for k, v in (("title", title), ("council", council), ("committee", committee),
                              ("doc_type", doc_type), ("date", date)) if v}
    staged = await state.run(uploads.stage, file.file, name,
                             state.settings.max_upload_mb * uploads.MB)

    def work() -> uploads.Outcome:
        try:
            return uploads.ingest_upload(state, staged, meta)
        finally:
            uploads.discard(staged)

    try:
        job = state.writes.submit(Job("upload", work, on_drop=lambda: uploads.discard(staged)))
    except BaseException:
        await state.run(uploads.discard, staged)
        raise
    await _wait(state, job, request, state.settings.upload_wait_s)
    if not job.finished:
        return JSONResponse(_status(job), status_code=202,
                            headers={"Location": f"/uploads/{job.id}"})
    outcome = _result(job)
    assert outcome.document is not None
    if outcome.status == "unchanged":
        response.status_code = 200
    response.headers["Location"] = f"/documents/{outcome.document.doc_id}"
    return {"status": outcome.status, "document": outcome.document.to_dict(),
            "documents": outcome.documents, "took_ms": (time.perf_counter() - t0) * 1000}


@router.get("/uploads/{upload_id}", response_model=UploadStatus,
            responses=responses(401, 403, 404, 422), summary="The status of an upload")
async def upload_status(state: StateDep, _key: WriteKey, upload_id: UploadId
                        ) -> dict[str, Any]:
    """queued, indexing, then indexed / unchanged (with the document) or failed (with the
    status and reason it would have had). Kept for the last 200 writes of this server
    process; a restart forgets them (an interrupted one is rolled back)."""
    job = state.writes.get(upload_id)
    if job is None or job.kind != "upload":
        raise NotFoundError(f"No upload {upload_id} on this server (statuses are kept for "
                            "the last 200 uploads since it started).")
    return _status(job)


@router.delete("/documents/{doc_id}", response_model=DeleteResponse,
               responses=responses(401, 403, 404, 409, 422, 503, 507),
               summary="Remove a document")
async def delete_document(request: Request, state: StateDep, _key: WriteKey,
                          doc_id: DocId) -> dict[str, Any]:
    """Removes the document from the index and moves its source file (and sidecar) to
    `.scrutiny-trash/` in the corpus, so it can be restored by moving it back and running
    `scrutiny index`. If the rebuild fails, the file is put back."""
    job = state.writes.submit(Job("delete", functools.partial(uploads.remove, state, doc_id)))
    await _wait(state, job, request, None)
    outcome = _result(job)
    return {"status": "deleted", "doc_id": doc_id, "documents": outcome.documents}


async def _wait(state: StateDep, job: Job, request: Request, seconds: float | None) -> None:
    """Until the job is done or ``seconds`` pass; a client that leaves while the job is
    still queued cancels it."""
    deadline = None if seconds is None else time.monotonic() + seconds
    checked = time.monotonic()
    while not job.finished and (deadline is None or time.monotonic() < deadline):
        await anyio.sleep(0.02)
        if time.monotonic() - checked > 0.25:
            checked = time.monotonic()
            if await request.is_disconnected() and state.writes.cancel_if_queued(job):
                return
    if not job.finished and await request.is_disconnected():  # nobody to tell it was queued
        state.writes.cancel_if_queued(job)


def _result(job: Job) -> uploads.Outcome:
    if job.error is not None:
        raise HTTPException(job.error[0], detail=job.error[1], headers=job.headers)
    return job.result


def _status(job: Job) -> dict[str, Any]:
    body: dict[str, Any] = {"upload_id": job.id, "status": job.status,
                            "location": f"/uploads/{job.id}"}
    if job.status == "done":
        outcome = job.result
        body.update(status=outcome.status, documents=outcome.documents,
                    document=outcome.document.to_dict() if outcome.document else None)
    elif job.error is not None:
        body.update(error_status=job.error[0], detail=job.error[1])
    return body
