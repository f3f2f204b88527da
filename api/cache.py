"""A small LRU of response bodies, keyed by index generation and the request's parameters.

Search and answers are deterministic for one index generation, and officers repeat the same
questions (a team looking at the same agenda, a script paging through a spreadsheet), so an
identical request is served from memory instead of encoding and ranking again. A rebuild
publishes a new generation, which changes every key: nothing stale is ever served.
Size from ``Settings.api_cache`` (``SCRUTINY_API_CACHE``: entries; 0 disables).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

DEFAULT_SIZE = 512


class ResponseCache:
    def __init__(self, size: int | None = None) -> None:
        self.size = DEFAULT_SIZE if size is None else size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def generation(assistant: Any) -> str | None:
        """The index generation the facade serves, or None (then nothing is cached)."""
        return getattr(getattr(assistant, "snapshot", None), "generation", None)

    def get(self, key: Hashable) -> Any | None:
        if not self.size:
            return None
        with self._lock:
            value = self._data.get(key)
            if value is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: Any) -> None:
        if not self.size:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
