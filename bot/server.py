"""The HTTP face of the bot: one WSGI app, served by waitress (``opsbot serve``).

Routes: ``POST /slack/events`` → Bolt (signature verification always on: the app is built with
``http_mode=True``); ``GET /healthz`` → 200 while the process serves; ``GET /readyz`` → 200 when
the database answers and its schema is at the newest migration, else 503 with the reason (also
503 while draining after SIGTERM); ``GET /metrics`` → Prometheus; ``GET /slack/install`` and
``/slack/oauth_redirect`` → Bolt's OAuth flow when OAuth mode is on (issue 9).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.observability.metrics import Metrics
from bot.observability.shutdown import Lifecycle, serve_gracefully
from bot.observability.wsgi import InFlight, observed
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


def make_wsgi_app(app: App, engine: Engine, *, metrics: Metrics | None = None, inflight: InFlight | None = None,
                  lifecycle: Lifecycle | None = None) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """A WSGI callable: health probes answered here, ``/metrics`` and the request id by
    ``bot.observability.wsgi``, everything else (events, OAuth install/redirect) handed to Bolt."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        verb = environ.get("REQUEST_METHOD", "GET")
        if verb == "GET" and path == "/healthz":
            return _json(start_response, 200, {"ok": True})
        if verb == "GET" and path == "/readyz":
            if lifecycle is not None and lifecycle.draining.is_set():  # SIGTERM: take me out of rotation
                return _json(start_response, 503, {"ok": False, "draining": True})
            ready, details = readiness(engine)
            return _json(start_response, 200 if ready else 503, details)
        return bolt(environ, start_response)

    return observed(wsgi, metrics or Metrics(), inflight or InFlight())


def _json(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    reason = {200: "OK", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(payload)))])
    return [payload]


def serve(app: App, engine: Engine, *, host: str = "127.0.0.1", port: int = 3000, threads: int = 16) -> None:
    """Serve with waitress until SIGTERM/SIGINT, then drain gracefully (``bot.observability.shutdown``)."""
    ctx = app._opsbot_ctx  # type: ignore[attr-defined]
    metrics, inflight, lifecycle = Metrics(), InFlight(), Lifecycle()
    metrics.watch_database(ctx.sessions)
    wsgi = make_wsgi_app(app, engine, metrics=metrics, inflight=inflight, lifecycle=lifecycle)
    serve_gracefully(wsgi, host=host, port=port, threads=threads, inflight=inflight, lifecycle=lifecycle,
                     executors=[app.listener_runner.listener_executor, ctx.workers],
                     grace_seconds=ctx.settings.shutdown_grace_seconds, on_drain=lambda: metrics.draining.set(1))
