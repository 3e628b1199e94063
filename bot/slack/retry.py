"""Retry handlers for the app's Web API client that never sleep past a deadline.

slack_sdk's ``RateLimitErrorRetryHandler`` sleeps out any ``Retry-After`` in the calling thread
(slack.md, Outbound). For ``views.open`` / ``views.push`` that is always wrong: the
``trigger_id`` expires 3 seconds after the click (slack.md, Inbound), so a retried call after a
429 can only fail later (``expired_trigger_id``) and hold a worker meanwhile. Those methods get
the 429 at once (the error handler tells the user to try again); other methods retry only when
the ``Retry-After`` is at most ``max_wait_s``.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

TRIGGER_METHODS = frozenset({"views.open", "views.push"})


def retry_after_s(response: HttpResponse) -> float | None:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            raw = values[0] if isinstance(values, list) else values
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class BoundedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retry a 429 only if the method has no trigger deadline and ``Retry-After`` ≤ ``max_wait_s``."""

    def __init__(self, max_retry_count: int = 1, max_wait_s: float = 30.0, **kw: Any) -> None:
        super().__init__(max_retry_count=max_retry_count, **kw)
        self.max_wait_s = max_wait_s

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        method = request.url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        if method in TRIGGER_METHODS:
            return False
        wait = retry_after_s(response)
        return wait is None or wait <= self.max_wait_s


BUSY_MESSAGE = ("Slack is limiting how fast I can open forms and post right now. "
                "Please try again in a few seconds.")


def rate_limited_message(error: BaseException) -> str | None:
    """The user-facing words for a Web API 429 that reached the error handler (e.g. a
    ``views.open`` that was not retried), or None for any other error."""
    response = getattr(error, "response", None)
    if response is None:
        return None
    data = response.data if isinstance(getattr(response, "data", None), dict) else {}
    if getattr(response, "status_code", None) == 429 or data.get("error") == "ratelimited":
        return BUSY_MESSAGE
    return None
