"""The HTTP face of the bot: one WSGI app, served by waitress (``opsbot serve``).

Routes: ``POST /slack/events`` → Bolt (signature verification always on: the app is built with
``http_mode=True``); ``GET /healthz`` → 200 while the process serves; ``GET /readyz`` → 200 when
the database answers and its schema is at the newest migration, else 503 with the reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from storage.migrate import is_at_head

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
StartResponse = Callable[..., Any]


def readiness(engine: Engine) -> tuple[bool, dict[str, Any]]:
    """(ready, details): the database is reachable and its migrations are at head."""
    try:
        at_head = is_at_head(engine)
    except Exception as exc:  # noqa: BLE001 - any driver error means "not ready"
        log.warning("readiness: database unreachable: %s", type(exc).__name__)
        return False, {"ok": False, "database": "unreachable", "error": type(exc).__name__}
    if not at_head:
        return False, {"ok": False, "database": "reachable", "migrations": "behind (run: opsbot db upgrade)"}
    return True, {"ok": True, "database": "reachable", "migrations": "at head"}


def make_wsgi_app(app: App, engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI callable: health probes answered here, everything else handed to Bolt."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        verb = environ.get("REQUEST_METHOD", "GET")
        if verb == "GET" and path == "/healthz":
            return _json(start_response, 200, {"ok": True})
        if verb == "GET" and path == "/readyz":
            ready, details = readiness(engine)
            return _json(start_response, 200 if ready else 503, details)
        return bolt(environ, start_response)

    return wsgi


def _json(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    reason = {200: "OK", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(payload)))])
    return [payload]


def serve(app: App, engine: Engine, *, host: str = "127.0.0.1", port: int = 3000, threads: int = 16) -> None:
    """Serve until interrupted, with waitress (multi-threaded production WSGI server)."""
    import waitress

    log.info("opsbot serving on http://%s:%d%s (threads=%d)", host, port, EVENTS_PATH, threads)
    waitress.serve(make_wsgi_app(app, engine), host=host, port=port, threads=threads, ident="opsbot",
                   clear_untrusted_proxy_headers=True)
