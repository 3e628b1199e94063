"""The HTTP face of the bot: one WSGI app, served by waitress (``opsbot serve``).

Routes: ``POST /slack/events`` → Bolt (signature verification always on: the app is built with
``http_mode=True``); ``GET /healthz`` → 200 while the process serves; ``GET /readyz`` → 200 when
the database answers and its schema is at the newest migration, else 503 with the reason (also
503 while draining after SIGTERM); ``GET /metrics`` → Prometheus; ``GET /slack/install`` and
``/slack/oauth_redirect`` → Bolt's OAuth flow when OAuth mode is on (issue 9).

With ``OPSBOT_SERVER_TIMING=1`` each response carries ``Server-Timing: app;dur=<ms>``: the time
from the request reaching the WSGI app to its status and headers being handed back to waitress
(for Slack requests: to the acknowledgement). It excludes time queued in waitress before a thread
took the request. Off by default; ``bench/bench_kpi_http.py`` turns it on.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.errors import StoreUnavailable
from bot.observability.metrics import Metrics
from bot.observability.shutdown import Lifecycle, serve_gracefully
from bot.observability.wsgi import InFlight, observed
from bot.replies.sweeper import Sweeper, client_for_app
from bot.slack.http_gate import gate_app
from bot.store_health import Deadline
from storage.migrate import is_at_head

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
StartResponse = Callable[..., Any]


READY_BUDGET_SECONDS = 0.8  # /readyz answers within a second even when the database hangs
_probe = Deadline(READY_BUDGET_SECONDS, threads=4, name="opsbot-ready")


def readiness(engine: Engine) -> tuple[bool, dict[str, Any]]:
    """(ready, details): the database is reachable and its migrations are at head.

    Waits at most :data:`READY_BUDGET_SECONDS` for the database (a hung one is "not answering").
    """
    try:
        at_head = _probe.call(lambda abandoned: is_at_head(engine))
    except StoreUnavailable as exc:
        if exc.__cause__ is None:
            log.warning("readiness: database not answering within %.1fs", READY_BUDGET_SECONDS)
            return False, {"ok": False, "database": "not answering"}
        log.warning("readiness: database unreachable: %s", type(exc.__cause__).__name__)
        return False, {"ok": False, "database": "unreachable", "error": type(exc.__cause__).__name__}
    except Exception as exc:  # noqa: BLE001 - any driver error means "not ready"
        log.warning("readiness: database unreachable: %s", type(exc).__name__)
        return False, {"ok": False, "database": "unreachable", "error": type(exc).__name__}
    if not at_head:
        return False, {"ok": False, "database": "reachable", "migrations": "behind (run: opsbot db upgrade)"}
    return True, {"ok": True, "database": "reachable", "migrations": "at head"}


WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def make_wsgi_app(app: App, engine: Engine, *, metrics: Metrics | None = None, inflight: InFlight | None = None,
                  lifecycle: Lifecycle | None = None, server_timing: bool = False) -> WsgiApp:
    """A WSGI callable: health probes answered here, ``/metrics`` and the request id by
    ``bot.observability.wsgi``, everything else (events, OAuth install/redirect) handed to Bolt."""
    bolt = gate_app(SlackRequestHandler(app, path=EVENTS_PATH), app, EVENTS_PATH)  # 401/400 before Bolt parses

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

    served = observed(wsgi, metrics or Metrics(), inflight or InFlight())
    return timed(served) if server_timing else served


def timed(app: WsgiApp) -> WsgiApp:
    """Add ``Server-Timing: app;dur=<ms>`` (W3C Server Timing) measured from entry to
    ``start_response`` (two clock reads per request)."""

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start = time.perf_counter()

        def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            took = (time.perf_counter() - start) * 1000
            return start_response(status, [*headers, ("Server-Timing", f"app;dur={took:.3f}")], exc_info)

        return app(environ, _start)

    return wsgi


def _json(start_response: StartResponse, status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    reason = {200: "OK", 503: "Service Unavailable"}[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"),
                                          ("Content-Length", str(len(payload)))])
    return [payload]


def freeze_startup_heap() -> None:
    """Collect once, then move every object alive at start-up (imports, the app, the org config)
    into the GC's permanent generation (``gc.freeze``).

    A full (generation 2) collection otherwise walks the whole start-up heap, pandas, scipy and
    matplotlib included, and stops every thread meanwhile: measured here, ~100 ms pauses every few
    hundred requests, each one an acknowledgement 100 ms late; after the freeze, ~7 ms.
    """
    gc.collect()
    gc.freeze()


def serve(app: App, engine: Engine, *, host: str = "127.0.0.1", port: int = 3000, threads: int = 16) -> None:
    """Serve with waitress until SIGTERM/SIGINT, then drain gracefully (``bot.observability.shutdown``)."""
    ctx = app._opsbot_ctx  # type: ignore[attr-defined]
    freeze_startup_heap()
    metrics, inflight, lifecycle = Metrics(), InFlight(), Lifecycle()
    metrics.watch_database(ctx.sessions)
    wsgi = make_wsgi_app(app, engine, metrics=metrics, inflight=inflight, lifecycle=lifecycle,
                         server_timing=ctx.settings.server_timing)
    sweeper = Sweeper(ctx.replies, ctx.workers, client_for_app(app)).start()  # issue 14: owed replies

    def on_drain() -> None:
        metrics.draining.set(1)
        sweeper.drain()

    serve_gracefully(wsgi, host=host, port=port, threads=threads, inflight=inflight, lifecycle=lifecycle,
                     executors=[app.listener_runner.listener_executor, ctx.workers],
                     grace_seconds=ctx.settings.shutdown_grace_seconds, on_drain=on_drain)
    sweeper.stop()
