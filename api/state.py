"""What one running app holds: its settings, the facade, and the locks that keep it consistent.

The facade is opened lazily and kept for the life of the process, because loading the model
and the index is the slow part of a request. If no index exists when the server starts, every
data request tries again (a cheap existence check), so a later ``scrutiny index`` is picked up
without a restart.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread

from indexer.config import Settings
from indexer.errors import IndexCorruptError, ScrutinyError

from .cache import ResponseCache
from .writer import WriteQueue

if TYPE_CHECKING:
    from indexer.embedding import Embedder
    from retriever.assistant import Assistant

log = logging.getLogger("scrutiny.api")
T = TypeVar("T")


def _cpu_tokens(configured: int) -> int:
    """How many CPU-bound calls run at once; more only thrash the cores and raise latency."""
    if configured > 0:
        return configured
    return max(2, (os.cpu_count() or 2))


def one_thread_per_request() -> None:
    """Give each query encoding one intra-op thread; the server parallelises across requests.

    The embedder asks torch for one thread per core at load. A one-query encode does not
    gain from that, and with concurrent requests the threads fight over the same cores
    (measured here: 15-25 ms per encode with one thread, 40-700 ms with two under load). The
    CPU limiter already runs one request per core. Only touches torch if the model loaded it.
    """
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


class AppState:
    """Per-app state, stored on ``app.state.scrutiny``; the routers reach it through deps."""

    def __init__(self, settings: Settings, assistant: Assistant | None = None,
                 embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.embedder = embedder
        self.owns_assistant = assistant is None
        # Only an app that loads its own model (the server) tunes the process-wide torch
        # threads; an app around a caller's facade leaves the caller's process alone.
        self.tune_threads = assistant is None and not settings.api_keep_threads
        self._open_lock = threading.Lock()
        # One write (upload or removal, each ending in a build) at a time, in one worker
        # thread; other processes are kept out by the indexer's lock (IndexLockedError -> 409).
        self.writes = WriteQueue(settings.upload_queue)
        self._failed_open: tuple[str | None, ScrutinyError] | None = None
        self.cpu_limiter = anyio.CapacityLimiter(_cpu_tokens(settings.api_workers))
        self.cache = ResponseCache(settings.api_cache)

    # -- the facade ---------------------------------------------------------------------------
    def current(self) -> Assistant:
        """The facade on the newest index generation; raises ``IndexMissingError`` if none.

        Called (in a worker thread) at the start of every data request. A failed refresh
        keeps the generation already open, so a half-finished rebuild never fails requests.
        """
        assistant = self.assistant
        if assistant is None:
            with self._open_lock:
                if self.assistant is None:
                    from indexer.stores import live_generation
                    from retriever.assistant import Assistant

                    live = live_generation(self.settings.store, self.settings.index_dir)
                    if self._failed_open is not None and self._failed_open[0] == live:
                        raise self._failed_open[1]  # damaged: not re-verified per request
                    try:
                        self.assistant = Assistant.open(self.settings.index_dir,
                                                        settings=self.settings,
                                                        embedder=self.embedder)
                    except IndexCorruptError as exc:
                        self._failed_open = (live, exc)
                        raise
                    self.owns_assistant = True
                    log.info("opened index at %s", self.settings.index_dir)
                assistant = self.assistant
            return assistant
        try:
            if assistant.refresh():
                log.info("switched to a new index generation")
        except ScrutinyError as exc:
            log.warning("index refresh failed, still serving the previous generation: %s", exc)
        return assistant

    def open_at_startup(self, warm_up: bool) -> None:
        """Settle a write a killed server left half done, then open the index and load the
        model once, so the first request is not the slow one."""
        from indexer.ingest import recover

        try:
            recover(self.settings)
        except (OSError, ScrutinyError) as exc:
            log.warning("could not settle an interrupted write: %s", exc)
        try:
            assistant = self.current()
        except ScrutinyError as exc:
            log.warning("starting without an index (%s); data endpoints answer 503 until "
                        "`scrutiny index` builds one", type(exc).__name__)
            return
        if warm_up:
            try:
                assistant.warm_up()
            except ScrutinyError as exc:  # an empty index cannot answer "warm up"; fine
                log.info("warm-up skipped: %s", exc)
        if self.tune_threads:
            one_thread_per_request()  # before the first request, so no encode races it

    def close(self) -> None:
        self.writes.close()
        if self.assistant is not None and self.owns_assistant:
            self.assistant.close()
            self.assistant = None

    async def cached(self, key: tuple[Any, ...], assistant: Any, fn: Callable[..., Any],
                     *args: Any, **kwargs: Any) -> dict[str, Any]:
        """``fn(*args, **kwargs).to_dict()``, from the cache when this generation has it."""
        generation = self.cache.generation(assistant)
        full_key = (generation, *key) if generation is not None else None
        if full_key is not None and (hit := self.cache.get(full_key)) is not None:
            return hit
        data = (await self.run(fn, *args, **kwargs)).to_dict()
        if full_key is not None:
            self.cache.put(full_key, data)
        return data

    # -- threads --------------------------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run CPU-bound facade work in a worker thread, bounded by the CPU limiter."""
        if self.tune_threads:
            one_thread_per_request()  # the model may have loaded (and reset it) since
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs),
                                              limiter=self.cpu_limiter)
