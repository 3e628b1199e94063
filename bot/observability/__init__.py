"""Operations (issue 9): structured logs with a request id on every line (:mod:`.logs`),
Prometheus metrics (:mod:`.metrics`), the WSGI wrapper that sets the request id, measures
requests and serves ``/metrics`` (:mod:`.wsgi`), and graceful shutdown of the HTTP server
(:mod:`.shutdown`)."""

from bot.observability.context import current_request_id, request_context
from bot.observability.logs import configure_logging

__all__ = ["configure_logging", "current_request_id", "request_context"]
