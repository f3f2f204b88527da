"""Checks every request passes before any route sees it: its Host header and its body size.

Host: a web page can point a name it controls at 127.0.0.1 (DNS rebinding) and then read the
open endpoints of a server on the user's laptop with the user's browser; the browser still
sends the page's own name as ``Host``, so answering only the names the server is known by
closes that door (400 otherwise). Body: JSON requests are small, so anything but an upload is
refused past ``JSON_BODY_LIMIT`` before it is parsed (a 25 MB chat body of empty objects once
exhausted the memory while being validated).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_BODY_LIMIT = 1024 * 1024
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
UPLOAD_PATH = "/documents"


def default_hosts(bound: str | None = None) -> tuple[str, ...]:
    """The names a server bound to ``bound`` answers when SCRUTINY_ALLOWED_HOSTS is unset."""
    names = list(LOOPBACK_NAMES)
    if bound and bound not in ("0.0.0.0", "::") and bound not in names:
        names.append(bound)
    return tuple(names)


def host_name(header: str) -> str:
    """``example.org:8000`` -> ``example.org``; ``[::1]:8000`` -> ``::1``; lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:
        return header.split(":", 1)[0]
    return header.rstrip(".")


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A ``receive`` that gives ``messages`` first and then waits on the real one (for the
    disconnect a streaming response listens for)."""
    queue = list(messages)

    async def receive() -> Message:
        if queue:
            return queue.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


async def _reply(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RequestGuard:
    """ASGI middleware: 400 for a Host not in ``allowed``, 413 for an oversized JSON body."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str], json_limit: int = JSON_BODY_LIMIT
                 ) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed}
        self.json_limit = json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if "*" not in self.allowed and host_name(headers.get("host", "")) not in self.allowed:
            await _reply(send, 400, "This server does not answer to that Host name. Set "
                         "SCRUTINY_ALLOWED_HOSTS on the server to the names clients use.")
            return
        if scope.get("method") == "POST" and scope.get("path") == UPLOAD_PATH:
            await self.app(scope, receive, send)  # the upload limit applies there
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.json_limit:
            await _reply(send, 413, self._too_large())
            return
        # Read the (small) body here, so an endless chunked body is cut off at the limit too.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.json_limit:
                await _reply(send, 413, self._too_large())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    def _too_large(self) -> str:
        return (f"The request body is larger than {self.json_limit // 1024} KB; only uploads "
                "(POST /documents) may be larger.")
