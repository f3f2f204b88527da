"""Run the API with uvicorn: ``scrutiny serve`` and ``python -m api`` both end here."""

from __future__ import annotations

import errno
import ipaddress
import logging
import socket

from indexer.config import Settings
from indexer.errors import ScrutinyError

log = logging.getLogger("scrutiny.api")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _can_bind(host: str, port: int) -> bool:
    """Whether uvicorn will be able to listen on ``host:port`` (``SO_REUSEADDR`` as it sets)."""
    try:
        family, kind, proto, _name, addr = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
    except OSError:
        return True  # an unresolvable host: let uvicorn report it
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def check_port(host: str, port: int, command: str = "scrutiny serve") -> None:
    """Refuse a port that is taken before the model loads, suggesting a free one.

    Otherwise uvicorn loads the index, then stops with ``[Errno 98] ... address already in
    use`` and exit code 3, which reads like a crash rather than "pick another port".
    """
    if _can_bind(host, port):
        return
    free = next((p for p in range(port + 1, min(port + 20, 65535) + 1) if _can_bind(host, p)),
                None)
    hint = f"`{command} --port {free}`" if free else f"`{command} --port <another port>`"
    raise ScrutinyError(f"Port {port} on {host} is already in use (is another server still "
                        f"running?). Stop it, or choose another port: {hint}.")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info", command: str = "scrutiny serve") -> None:
    """Serve one process with one app: the index and model are loaded once, at start-up.

    Binds to loopback by default; binding elsewhere is allowed (the operator asked for it)
    but logged, since read endpoints are open to anyone who can reach the port.
    """
    check_port(host, port, command)
    import uvicorn

    from .app import create_app

    logging.basicConfig(level=getattr(logging, log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not _is_loopback(host):
        log.warning("listening on %s: read endpoints are reachable by anyone who can reach "
                    "this address%s", host,
                    "" if settings.api_key else "; writes stay disabled (no SCRUTINY_API_KEY)")
    if host in ("0.0.0.0", "::") and not settings.allowed_hosts:
        log.warning("bound to every address but SCRUTINY_ALLOWED_HOSTS is unset: only requests "
                    "for localhost are answered; set it to the names clients use")
    app = create_app(settings, bound_host=host)
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False,
                server_header=False, timeout_graceful_shutdown=10)
