"""How the stand-in answers each request (mixed into ``SlackStandIn``; runs on handler threads)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devtools.standin import strict
from devtools.standin.responses import BUILDERS

if TYPE_CHECKING:
    from devtools.standin.channels import Channels
    from devtools.standin.faults import ChannelRateLimit, FaultBook
    from devtools.standin.history import MessageStore
    from devtools.standin.responses import Ids
    from devtools.standin.socket_mode import SocketModeServer

Reply = tuple[int, Any, dict[str, str] | None]


@dataclass
class Call:
    """One recorded request: Web API ``method`` (or ``"upload"``/``"response_url"``), decoded
    ``params`` (query + form/JSON body, token removed), ``headers`` (no Authorization),
    ``at`` (epoch seconds) and the HTTP ``status`` answered."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(repr=False)
    at: float
    status: int = 200
    error: str | None = None  # what Slack refused it with (``invalid_blocks``, ``expired_url`` …)
    problems: list[str] = field(default_factory=list)  # why, as Slack's response_metadata.messages


class Answers:
    """Answer Web API, upload and response_url requests; record each as a :class:`Call`."""

    calls: list[Call]
    response_posts: list[Call]
    uploads: dict[str, bytes]
    faults: FaultBook
    rate_limit: ChannelRateLimit | None
    socket: SocketModeServer
    messages: MessageStore
    channels: Channels
    strict: bool
    _response_urls: dict[str, int]
    _expired: set[str]
    base_url: str
    response_hold: float  # seconds a response_url sender is held (SlackStandIn.hold_responses)
    _ids: Ids
    _stubs: dict[str, Any]
    _cond: threading.Condition

    def _record(self, pool: list[Call], call: Call) -> None:
        with self._cond:
            pool.append(call)
            self._cond.notify_all()

    def _fault_reply(self, method: str) -> tuple[Reply | None, bool]:
        """(fault reply or None, whether the call should still take effect)."""
        fault = self.faults.take(method)
        if fault is None:
            return None, True
        if fault.delay:
            time.sleep(fault.delay)
        reply = fault.reply()
        return (None if reply is None else (reply[0], reply[2], reply[1])), reply is None or fault.landed

    def _answer_api(self, method: str, params: dict[str, Any], headers: dict[str, str],
                    authed: bool) -> Reply:
        fault, takes_effect = self._fault_reply(method)
        reply = self._normal_api(method, params, authed) if takes_effect else None
        if reply is not None and reply[0] == 200 and isinstance(reply[1], dict):
            self.messages.record(method, params, reply[1])
        reply = fault or reply
        assert reply is not None
        body = reply[1] if isinstance(reply[1], dict) else {}
        error = None if body.get("ok", True) else body.get("error")
        problems = list((body.get("response_metadata") or {}).get("messages") or [])
        self._record(self.calls, Call(method, params, headers, time.time(), reply[0], error, problems))
        return reply

    def _refusal(self, method: str, params: dict[str, Any]) -> Reply | None:
        """Slack's answer when it would refuse this call (strict checks, channel state)."""
        if self.strict:
            problem = strict.api_problem(method, params)
            if problem is not None:
                error, messages = problem
                return 200, {"ok": False, "error": error, "response_metadata": {"messages": messages}}, None
        refused = self.channels.problem(method, params)
        return None if refused is None else (200, {"ok": False, "error": refused}, None)

    def _normal_api(self, method: str, params: dict[str, Any], authed: bool) -> Reply:
        if not authed:
            return 200, {"ok": False, "error": "not_authed"}, None
        refused = self._refusal(method, params)
        if refused is not None:
            return refused
        if method == "chat.postMessage" and self.rate_limit is not None:
            wait = self.rate_limit.check(str(params.get("channel")))
            if wait is not None:
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
        if method in self._stubs:
            stub = self._stubs[method]
            return 200, stub(params) if callable(stub) else stub, None
        if method == "conversations.history":
            return 200, self.messages.history(params), None
        if method == "conversations.replies":
            return 200, self.messages.replies(params), None
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": self.socket.new_url()}, None
        builder = BUILDERS.get(method)
        if builder is None:
            return 200, {"ok": False, "error": "unknown_method"}, None
        body = builder(params, self._ids, self.base_url)
        if method == "conversations.info":
            state = self.channels.info(str(params.get("channel")))
            if state is None:
                return 200, {"ok": False, "error": "channel_not_found"}, None
            body["channel"].update(state)
        return 200, body, None

    def _answer_upload(self, file_id: str, raw: bytes, headers: dict[str, str]) -> Reply:
        reply = self._fault_reply("upload")[0] or (200, f"OK - {len(raw)}", None)
        with self._cond:
            self.uploads[file_id] = raw
        self._record(self.calls, Call("upload", {"file_id": file_id, "bytes": len(raw)}, headers,
                                      time.time(), reply[0]))
        return reply

    def _answer_response_url(self, path: str, raw: bytes, headers: dict[str, str]) -> Reply:
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        body_dict = body if isinstance(body, dict) else {"_body": body}
        error, problems = self._response_url_problem(path, body_dict)
        # Slack answers a response_url post with plain text: "ok", or the error with HTTP 4xx
        normal: Reply = (200, "ok", None) if error is None else (404 if error.endswith("_url") else 400, error, None)
        reply = self._fault_reply("response_url")[0] or normal
        if reply is not normal and reply[0] != 200:
            error = str(reply[1].decode() if isinstance(reply[1], bytes) else reply[1])[:80]
        self._record(self.response_posts, Call("response_url", body_dict, {**headers, "X-Path": path},
                                               time.time(), reply[0], error, problems))
        return reply

    def _response_url_problem(self, path: str, body: dict[str, Any]) -> tuple[str | None, list[str]]:
        """slack.md: a response_url takes up to 5 replies within 30 minutes; bodies are messages."""
        with self._cond:
            if path in self._expired:
                return "expired_url", []
            used = self._response_urls.get(path, 0)
            if used >= 5:
                return "used_url", []
        if self.strict and not body.get("delete_original"):
            problem = strict.message_problem(body)
            if problem is not None:
                return problem
        with self._cond:
            self._response_urls[path] = used + 1
        return None, []
