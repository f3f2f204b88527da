"""Run the API with uvicorn: ``scrutiny serve`` and ``python -m api`` both end here."""

from __future__ import annotations

import ipaddress
import logging

from indexer.config import Settings

log = logging.getLogger("scrutiny.api")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info") -> None:
    """Serve one process with one app: the index and model are loaded once, at start-up.

    Binds to loopback by default; binding elsewhere is allowed (the operator asked for it)
    but logged, since read endpoints are open to anyone who can reach the port.
    """
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
