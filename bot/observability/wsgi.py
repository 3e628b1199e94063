"""WSGI wrapper: request id, access log, metrics, in-flight count, and ``GET /metrics``.

Every request gets a request id (nginx's ``X-Request-Id`` or a new one) bound for the request's
whole life — Bolt's listener threads inherit it — and echoed in the ``X-Request-Id`` response
header. The request counts as in flight until its response body is closed, which is what
graceful shutdown waits for.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.observability.context import request_context
from bot.observability.metrics import Metrics, ack_kind

log = logging.getLogger("opsbot.http")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
KNOWN_ROUTES = {"/slack/events", "/slack/install", "/slack/oauth_redirect", "/healthz", "/readyz", "/metrics"}
MAX_PEEK = 1_000_000  # Slack bodies are a few KB; a larger one is left to the app to refuse


class InFlight:
    """A thread-safe count of requests in progress, with a wait for zero."""

    def __init__(self) -> None:
        self._n = 0
        self._cond = threading.Condition()

    def __enter__(self) -> None:
        with self._cond:
            self._n += 1

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._n -= 1
            self._cond.notify_all()

    @property
    def count(self) -> int:
        return self._n

    def wait_idle(self, timeout: float) -> bool:
        """True once nothing is in flight, False if ``timeout`` seconds pass first."""
        with self._cond:
            return self._cond.wait_for(lambda: self._n == 0, timeout=timeout)


def observed(app: WsgiApp, metrics: Metrics, inflight: InFlight) -> WsgiApp:
    """Wrap ``app``; answers ``GET /metrics`` itself."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, verb = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if verb == "GET" and path == "/metrics":
            payload = generate_latest(metrics.registry)
            start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(payload)))])
            return [payload]
        return _Observed(app, metrics, inflight, environ, start_response, path, verb)

    return wsgi


class _Observed:
    """One request: runs the app inside a request context; records metrics when closed."""

    def __init__(self, app: WsgiApp, metrics: Metrics, inflight: InFlight, environ: dict[str, Any],
                 start_response: Callable[..., Any], path: str, verb: str) -> None:
        self.metrics, self.inflight, self.path, self.verb = metrics, inflight, path, verb
        self.route = path if path in KNOWN_ROUTES else "other"
        self.start = time.perf_counter()
        self.status = "500"
        self.kind = _peek_kind(environ) if self.route == "/slack/events" else None
        inflight.__enter__()
        self._closed = False
        with request_context(environ.get("HTTP_X_REQUEST_ID")) as rid:
            self.rid = rid

            def _start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                self.status = status.split(" ", 1)[0]
                return start_response(status, [*headers, ("X-Request-Id", rid)], exc_info)

            try:
                self.body = app(environ, _start)
            except BaseException:
                self.close()
                raise

    def __iter__(self) -> Iterator[bytes]:
        with request_context(self.rid):
            yield from self.body

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            closer = getattr(getattr(self, "body", None), "close", None)
            if closer is not None:
                closer()
        finally:
            elapsed = time.perf_counter() - self.start
            m = self.metrics
            m.requests.labels(self.route, self.verb, self.status).inc()
            m.request_seconds.labels(self.route).observe(elapsed)
            if self.kind is not None:
                m.ack_seconds.labels(self.kind).observe(elapsed)
            with request_context(self.rid):
                log.info("%s %s %s %.1fms%s", self.verb, self.path, self.status, elapsed * 1000,
                         f" kind={self.kind}" if self.kind else "")
            self.inflight.__exit__()


def _peek_kind(environ: dict[str, Any]) -> str:
    """Read the (small) body once, put it back for the app, classify it for the ack histogram."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "other"
    if length <= 0 or length > MAX_PEEK:
        return "other"
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return ack_kind(environ.get("CONTENT_TYPE", ""), body)
