"""The stand-in's Socket Mode side: a WebSocket server (``websockets`` sync API) on 127.0.0.1.

``apps.connections.open`` hands out ``ws://127.0.0.1:<port>/link/?ticket=…`` URLs to it. On
connect it sends the ``hello`` frame; tests push envelopes with :meth:`send` and read the
client's acks (``{"envelope_id": …, "payload": …}``) from :attr:`received`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

_log = logging.getLogger("devtools.standin.websocket")
_log.setLevel(logging.WARNING)  # the library logs every start/stop at INFO: noise in `opsbot ask`

HELLO = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0STANDIN"},
         "debug_info": {"host": "applink-standin", "build_number": 1, "approximate_connection_time": 3600}}


class SocketModeServer:
    """Accepts Socket Mode clients; thread-safe; newest connection receives :meth:`send`."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.received: list[dict[str, Any]] = []
        self.connect_count = 0
        self._open: list[ServerConnection] = []
        self._cond = threading.Condition()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        # ping_interval=None: the client pings us (slack_sdk does), we need not ping it.
        self._server = serve(self._handle, self.host, 0, ping_interval=None, compression=None,
                             logger=_log)
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin-ws", daemon=True)
        self._thread.start()
        return self.port

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def new_url(self) -> str:
        return f"ws://{self.host}:{self.port}/link/?ticket={uuid.uuid4()}&app_id=A0STANDIN"

    def _handle(self, ws: ServerConnection) -> None:
        with self._cond:
            self._open.append(ws)
            self.connect_count += 1
            self._cond.notify_all()
        try:
            ws.send(json.dumps(HELLO))
            for raw in ws:
                try:
                    frame = json.loads(raw)
                except ValueError:
                    frame = {"_raw": raw}
                with self._cond:
                    self.received.append(frame)
                    self._cond.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._cond:
                if ws in self._open:
                    self._open.remove(ws)
                self._cond.notify_all()

    @property
    def open_connections(self) -> int:
        with self._cond:
            return len(self._open)

    def send(self, frame: dict[str, Any]) -> None:
        """Send a frame (envelope, ``disconnect``…) to the newest open connection.

        Raises:
            RuntimeError: no client is connected.
        """
        with self._cond:
            if not self._open:
                raise RuntimeError("no Socket Mode client is connected to the stand-in")
            ws = self._open[-1]
        ws.send(json.dumps(frame))

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does before rotating a connection."""
        self.send({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}})

    def wait_for_connections(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` connections have been made in total (not necessarily open)."""
        return self._wait(lambda: self.connect_count >= count and bool(self._open), timeout)

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any] | None:
        """The client's ack frame for ``envelope_id``, or None after ``timeout`` seconds."""
        found: list[dict[str, Any]] = []

        def _match() -> bool:
            found[:] = [f for f in self.received if f.get("envelope_id") == envelope_id]
            return bool(found)

        return found[0] if self._wait(_match, timeout) else None

    def _wait(self, predicate: Any, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True
