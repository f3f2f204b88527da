"""A polite HTTP client for council websites: named, rate-limited, patient with servers that
stumble, and quick to give up on requests the server has refused.

Council sites are small shared servers; a connector that floods one gets the council's whole
address blocked. So every request waits its turn (``rate`` a second at most), a 5xx or a
timeout is retried with exponential backoff, and a 4xx is final (asking again would not
change the answer).
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

USER_AGENT = ("scrutiny-assistant/0.1 (offline Q&A over council scrutiny records; "
              "fetches public meeting papers)")
MAX_BYTES = 200 * 1024 * 1024  # a single agenda pack can be large; nothing legitimate is larger


class HttpError(Exception):
    """A request that failed for good: ``status`` is the HTTP code, or None for a network
    failure (refused connection, timeout after the last retry)."""

    def __init__(self, url: str, status: int | None, reason: str) -> None:
        super().__init__(f"{reason} ({url})")
        self.url = url
        self.status = status
        self.reason = reason


@dataclass(slots=True)
class Response:
    url: str
    status: int
    content_type: str
    body: bytes

    def text(self) -> str:
        charset = "utf-8"
        if "charset=" in self.content_type:
            charset = self.content_type.split("charset=", 1)[1].split(";")[0].strip() or charset
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def safe_url(url: str) -> str:
    """Links on council pages carry raw spaces and other characters (``documents/g1/Printed
    minutes 14th-Mar-2023.pdf``); percent-encode them, leaving existing escapes alone."""
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.quote(parts.path, safe="/%:@!$&'()*+,;=~-._")
    query = urllib.parse.quote(parts.query, safe="/%:@!$&'()*+,;=?~-._")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, query, ""))


class Client:
    """GET with a rate limit, timeouts and retries; counts what it did for the summary."""

    def __init__(self, *, rate: float = 2.0, timeout: float = 30.0, retries: int = 3,
                 backoff: float = 1.0, user_agent: str = USER_AGENT) -> None:
        self.interval = 1.0 / rate
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.user_agent = user_agent
        self.requests = 0
        self._next_at = 0.0
        self._lock = threading.Lock()

    def _wait_turn(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_at)
            self._next_at = start + self.interval
        if start > now:
            time.sleep(start - now)

    def get(self, url: str) -> Response:
        """The response to ``url``; raises ``HttpError`` once retries are spent or on a 4xx."""
        attempt = 0
        while True:
            self._wait_turn()
            self.requests += 1
            try:
                return self._once(url)
            except HttpError as exc:
                retryable = exc.status is None or exc.status >= 500
                if not retryable or attempt >= self.retries:
                    raise
            attempt += 1
            time.sleep(self.backoff * (2 ** (attempt - 1)))

    def _once(self, url: str) -> Response:
        url = safe_url(url)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                       "Accept": "*/*"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310
                body = resp.read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    raise HttpError(url, None, f"response larger than {MAX_BYTES >> 20} MB")
                return Response(url=resp.geturl(), status=resp.status,
                                content_type=resp.headers.get("Content-Type", ""), body=body)
        except urllib.error.HTTPError as exc:
            raise HttpError(url, exc.code, f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise HttpError(url, None, f"no answer within {self.timeout:g} s") from None
            raise HttpError(url, None, f"cannot connect: {reason}") from None
        except TimeoutError:
            raise HttpError(url, None, f"no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise HttpError(url, None, f"connection failed: {exc}") from None
        except http.client.HTTPException as exc:  # a reply cut short: worth another try
            raise HttpError(url, None, f"broken reply: {exc!r}") from None
        except ValueError as exc:  # a malformed address: asking again will not help
            raise HttpError(url, 0, f"bad address: {exc}") from None
