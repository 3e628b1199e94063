"""``SlackStandIn``: a local, threaded stand-in for Slack's Web API, response_url and Socket Mode.

Used by tests and by ``opsbot ask``; nothing here reaches Slack. Every call is recorded
(tokens never are); answers are Slack-shaped (``responses.py``); faults are injectable
(``faults.py``); ``apps.connections.open`` points at its own WebSocket server (``socket_mode.py``).
"""

from __future__ import annotations

import threading
import time
import uuid
from http.server import ThreadingHTTPServer
from typing import Any

from devtools.standin.answers import Answers, Call
from devtools.standin.channels import Channels
from devtools.standin.faults import ChannelRateLimit, Fault, FaultBook
from devtools.standin.handler import StandInHandler
from devtools.standin.history import MessageStore
from devtools.standin.responses import Ids
from devtools.standin.socket_mode import SocketModeServer


class _Server(ThreadingHTTPServer):
    # Slack accepts many connections at once; http.server's default listen backlog of 5 resets
    # connections when a bot's workers post their replies together (issue 4)
    request_queue_size = 256


class SlackStandIn(Answers):
    """Start with :meth:`start` (returns the ``…/api/`` base URL) or use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", *, rate_limit_per_channel: float | None = None,
                 strict: bool = True) -> None:
        """``strict`` (default): refuse payloads as Slack does (``strict.py``: slack_sdk's Block Kit
        models and slack.md's limits). ``channels`` decides membership (``channels.py``)."""
        self.host = host
        self.strict = strict
        self.channels = Channels()
        self._response_urls: dict[str, int] = {}
        self._expired: set[str] = set()
        self.calls: list[Call] = []
        self.response_posts: list[Call] = []
        self.uploads: dict[str, bytes] = {}
        self.faults = FaultBook()
        self.rate_limit = ChannelRateLimit(rate_limit_per_channel) if rate_limit_per_channel else None
        self.socket = SocketModeServer(host)
        self.messages = MessageStore()
        self._ids = Ids()
        self._stubs: dict[str, Any] = {}
        self._cond = threading.Condition()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.root_url = ""
        self.response_hold = 0.0  # see hold_responses

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> str:
        handler = type("BoundStandInHandler", (StandInHandler,), {"standin": self})
        self._httpd = _Server((self.host, 0), handler)
        self._httpd.daemon_threads = True
        port = self._httpd.server_address[1]
        self.root_url = f"http://{self.host}:{port}/"
        self.base_url = self.root_url + "api/"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="standin-http", daemon=True)
        self._thread.start()
        self.socket.start()
        return self.base_url

    def stop(self) -> None:
        self.socket.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SlackStandIn:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # configuration -------------------------------------------------------------------------
    def inject(self, method: str, *, status: int | None = None, retry_after: int | None = None,
               error: str | None = None, delay: float = 0.0, body: str | None = None,
               times: int = 1, landed: bool = False) -> None:
        """Make the next ``times`` calls to ``method`` fail (see ``faults.Fault`` for kinds).

        ``landed=True``: the call takes effect (a message is stored) but the client still gets
        the fault, as when Slack posts a message and the answer is lost on the way back."""
        self.faults.add(Fault(method, times, status, retry_after, error, delay, body, landed))

    def set_rate_limit(self, per_channel_per_second: float | None) -> None:
        """Switch the ~1 msg/s/channel chat.postMessage limit on (a rate) or off (None)."""
        self.rate_limit = ChannelRateLimit(per_channel_per_second) if per_channel_per_second else None

    def stub(self, method: str, body: dict[str, Any] | Any) -> None:
        """Answer ``method`` with ``body`` (a dict, or a callable ``params -> dict``)."""
        self._stubs[method] = body

    def hold_responses(self, seconds: float) -> None:
        """Hold each response_url post ``seconds`` before taking it; a post whose sender hangs up
        meanwhile (killed) is dropped, as if it never arrived (issue 14: crash between ack and
        reply). 0 switches holding off; posts already held keep their wait."""
        self.response_hold = max(0.0, seconds)

    def new_response_url(self, *, expired: bool = False) -> str:
        """A fresh response_url on the stand-in; posts to it land in :attr:`responses`.
        ``expired=True``: Slack's 30 minutes are over (posts get HTTP 404 ``expired_url``)."""
        url = f"{self.root_url}response/{uuid.uuid4().hex}"
        if expired:
            self.expire_response_url(url)
        return url

    def expire_response_url(self, url: str) -> None:
        with self._cond:
            self._expired.add("/" + url.split("/", 3)[-1])

    @property
    def refused(self) -> list[Call]:
        """Every Web API call and response_url post Slack would have refused (``Call.error``)."""
        with self._cond:
            return [c for c in self.calls + self.response_posts if c.error is not None]

    # reading what happened -----------------------------------------------------------------
    @property
    def responses(self) -> list[dict[str, Any]]:
        """Bodies posted to response_urls, in arrival order."""
        with self._cond:
            return [c.params for c in self.response_posts]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` (``"response_url"`` for response posts) have
        arrived; returns them. Raises ``TimeoutError`` (naming what did arrive) otherwise."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                pool = self.response_posts if method == "response_url" else self.calls
                got = [c for c in pool if c.method == method]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise TimeoutError(f"{len(got)}/{count} {method} calls after {timeout}s; saw {seen}")
                self._cond.wait(left)

    def wait_until_quiet(self, idle: float = 0.3, timeout: float = 10.0) -> None:
        """Return once no request has arrived for ``idle`` seconds (or ``timeout`` passed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                last = max([c.at for c in self.calls + self.response_posts], default=0.0)
            if time.time() - last >= idle:
                return
            time.sleep(min(idle / 3, 0.05))
