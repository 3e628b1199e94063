"""HTTP request handling for the stand-in: decode, record, answer (see ``server.SlackStandIn``)."""

from __future__ import annotations

import json
import select
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from devtools.standin.answers import Answers

# Form-encoded callers send these as JSON strings; decode them so tests see structures.
JSON_FIELDS = ("blocks", "attachments", "files", "view", "metadata")
SECRET_HEADERS = ("authorization", "cookie")


def decode_params(query: str, content_type: str, raw: bytes) -> dict[str, Any]:
    """Query string, form body or JSON body, merged into one dict (the ``token`` dropped)."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if raw and "json" in content_type:
        body = json.loads(raw.decode("utf-8"))
        if isinstance(body, dict):
            params.update(body)
    elif raw and "x-www-form-urlencoded" in content_type:
        params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in "[{":
            try:
                params[key] = json.loads(value)
            except ValueError:
                pass
    params.pop("token", None)
    return params


class StandInHandler(BaseHTTPRequestHandler):
    """Routes ``/api/<method>``, ``/upload/v1/<file_id>`` and ``/response/<id>``."""

    server_version = "SlackStandIn/1.0"
    standin: Answers  # the SlackStandIn, set on the subclass built per stand-in

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: tests read .calls, not an access log

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in SECRET_HEADERS}
        path = parts.path
        if path.startswith("/api/"):
            method = path[len("/api/"):]
            ctype = self.headers.get("Content-Type", "")
            try:
                params = decode_params(parts.query, ctype, raw)
            except ValueError:
                self._send(200, {"ok": False, "error": "invalid_form_data"})
                return
            authed = bool(self.headers.get("Authorization") or "token=" in parts.query
                          or b"token=" in raw[:4096])
            self._send(*self.standin._answer_api(method, params, headers, authed))
        elif path.startswith("/upload/v1/"):
            self._send(*self.standin._answer_upload(path.rsplit("/", 1)[-1], raw, headers))
        elif path.startswith("/response/"):
            if not self._sender_stays(self.standin.response_hold):
                return  # the sender died while its post was held: nothing lands
            self._send(*self.standin._answer_response_url(path, raw, headers))
        else:
            self._send(404, {"ok": False, "error": "unknown_path"})

    def _sender_stays(self, seconds: float) -> bool:
        """Wait ``seconds``; False as soon as the client closes its connection (EOF or reset)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.1))
            if readable:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        return False
                except OSError:
                    return False
                time.sleep(min(left, 0.05))  # data waiting (not EOF): keep holding
        return True

    def _send(self, status: int, body: dict[str, Any] | bytes | str,
              headers: dict[str, str] | None = None) -> None:
        if isinstance(body, dict):
            payload = json.dumps(body).encode()
            headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        else:
            payload = body.encode() if isinstance(body, str) else body
            headers = headers or {"Content-Type": "text/plain; charset=utf-8"}
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            pass


def now() -> float:
    return time.time()
