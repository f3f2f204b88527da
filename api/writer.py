"""The write queue: uploads and removals run one at a time in one worker thread.

Indexing an upload can take minutes (a long PDF), so it must not hold a request open or take
a request thread: POST /documents stages the file, queues the work and waits a short while
(``SCRUTINY_UPLOAD_WAIT``); a quick upload still answers 201, a slow one answers 202 with
``/uploads/{id}`` to poll. The queue is bounded (``SCRUTINY_UPLOAD_QUEUE``; past it, 503
with Retry-After), and an upload whose client went away before its turn came is dropped,
not indexed later. One that had started indexing finishes, and its status stays readable.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException

from indexer.errors import ScrutinyError

from .errors import detail_for, status_for

log = logging.getLogger("scrutiny.api")

KEEP_FINISHED = 200  # statuses kept for polling after the work is done


@dataclass(slots=True, eq=False)
class Job:
    kind: str  # "upload" | "delete"
    work: Callable[[], Any]
    on_drop: Callable[[], None] | None = None  # frees what a dropped job holds
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    status: str = "queued"  # queued | indexing | done | failed | cancelled
    result: Any = None
    error: tuple[int, str] | None = None  # (HTTP status, detail) of a failure
    headers: dict[str, str] | None = None
    created: float = field(default_factory=time.time)
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def finished(self) -> bool:
        return self.done.is_set()


class WriteQueue:
    """One worker thread and a bounded queue; started on first use, stopped by ``close``."""

    def __init__(self, maxsize: int) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue(maxsize=max(1, maxsize))
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, job: Job) -> Job:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="scrutiny-writer",
                                                daemon=True)
                self._thread.start()
            try:
                self._queue.put_nowait(job)
            except queue.Full:
                raise HTTPException(503, detail=(
                    f"{self._queue.maxsize} uploads or removals are already waiting to be "
                    "indexed. Try again in a minute."), headers={"Retry-After": "60"}) from None
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP_FINISHED:
                oldest = next(iter(self._jobs.values()))
                if not oldest.finished:
                    break
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel_if_queued(self, job: Job) -> bool:
        """Drop a job that has not started (its client went away); True if dropped."""
        with self._lock:
            if job.status != "queued":
                return False
            job.status = "cancelled"
            job.error = (499, "The client disconnected before indexing started; nothing was "
                         "stored.")
        if job.on_drop is not None:
            job.on_drop()
        job.done.set()
        log.info("dropped a queued %s: its client disconnected", job.kind)
        return True

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            with self._lock:
                if job.status == "cancelled":
                    continue
                job.status = "indexing"
            try:
                job.result = job.work()
                job.status = "done"
            except HTTPException as exc:
                job.status, job.error = "failed", (exc.status_code, str(exc.detail))
                job.headers = getattr(exc, "headers", None)
            except ScrutinyError as exc:
                job.status, job.error = "failed", (status_for(exc), detail_for(exc))
                if job.error[0] in (409, 503):
                    job.headers = {"Retry-After": "10"}
            except Exception:
                log.exception("%s failed", job.kind)
                job.status, job.error = "failed", (500, "Internal error; the server log has "
                                                   "the details.")
            finally:
                job.done.set()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker after the job it is running (queued ones are dropped)."""
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                self.cancel_if_queued(job)
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout)
