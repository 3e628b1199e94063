"""Fault injection and the optional per-channel rate limit of the Slack stand-in.

A :class:`Fault` replaces the normal answer for the next ``times`` calls to one method (or
``"*"`` for any, ``"response_url"`` for response_url posts, ``"upload"`` for raw file uploads).
Kinds, as Slack produces them (slack.md, Outbound):

* ``status=429, retry_after=n``: HTTP 429, ``Retry-After: n``, body ``{"ok": false, "error": "ratelimited"}``
* ``error="channel_not_found"``: HTTP 200, ``{"ok": false, "error": ...}`` (``SlackApiError``)
* ``status=5xx``: an HTML error page (not JSON), as Slack's edge answers during incidents
* ``delay=seconds``: sleep before answering (alone: then answer normally), to provoke timeouts
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class Fault:
    method: str
    times: int = 1
    status: int | None = None
    retry_after: int | None = None
    error: str | None = None
    delay: float = 0.0
    body: str | None = None
    landed: bool = False  # the call takes effect although the client gets the fault

    def reply(self) -> tuple[int, dict[str, str], bytes] | None:
        """The (status, headers, body) to send instead of the normal answer, or None to answer
        normally (a pure delay)."""
        import json

        if self.body is not None:
            return self.status or 200, {"Content-Type": "text/html; charset=utf-8"}, self.body.encode()
        if self.status == 429:
            headers = {"Content-Type": "application/json;charset=utf-8",
                       "Retry-After": str(self.retry_after if self.retry_after is not None else 1)}
            return 429, headers, json.dumps({"ok": False, "error": "ratelimited"}).encode()
        if self.status is not None and self.status >= 500:
            page = f"<html><body><h1>{self.status} Server Error</h1>Slack is having trouble.</body></html>"
            return self.status, {"Content-Type": "text/html; charset=utf-8"}, page.encode()
        if self.error is not None:
            headers = {"Content-Type": "application/json;charset=utf-8"}
            return self.status or 200, headers, json.dumps({"ok": False, "error": self.error}).encode()
        if self.status is not None:
            return self.status, {"Content-Type": "text/plain"}, b"error"
        return None


class FaultBook:
    """Queued faults, consumed first-in first-out per method; thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self, method: str | None = None) -> int:
        """Uses left of the queued faults (for ``method`` only, when given)."""
        with self._lock:
            return sum(f.times for f in self._faults if method is None or f.method == method)

    def take(self, method: str) -> Fault | None:
        """Consume one use of the first fault matching ``method`` (or ``"*"``)."""
        with self._lock:
            for fault in self._faults:
                if fault.method in (method, "*") and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None


class ChannelRateLimit:
    """About ``per_second`` chat.postMessage per channel (Slack's documented ~1/s/channel);
    over it, HTTP 429 with ``Retry-After`` (whole seconds, at least 1)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def check(self, channel: str) -> int | None:
        """None when the post may go through (and records it), else the Retry-After seconds."""
        now = time.monotonic()
        with self._lock:
            last = self._last.get(channel)
            if last is not None and now - last < self.interval:
                return max(1, int(self.interval - (now - last) + 0.999))
            self._last[channel] = now
            return None
