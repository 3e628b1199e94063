"""``Server-Timing`` on the HTTP face (issue 4): present only when switched on, one well-formed
header, the rest of the response untouched."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult

from bot.slack.server import make_wsgi_app, timed

HEADER = re.compile(r"^app;dur=(\d+\.\d{3})$")


def _call(wsgi: Any, path: str = "/healthz") -> tuple[str, list[tuple[str, str]], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = status, headers

    body = b"".join(wsgi({"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": None}, start_response))
    return seen["status"], seen["headers"], body


def test_timed_adds_one_server_timing_header_and_keeps_the_response() -> None:
    def inner(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Other", "1")])
        return [b"made"]

    status, headers, body = _call(timed(inner))
    assert (status, body) == ("201 Created", b"made")
    assert headers[:2] == [("Content-Type", "text/plain"), ("X-Other", "1")]
    timings = [v for k, v in headers if k == "Server-Timing"]
    assert len(timings) == 1 and HEADER.match(timings[0])


def _app() -> App:
    return App(signing_secret="s", authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T0"))


def test_the_wsgi_app_sends_server_timing_only_when_asked() -> None:
    off = _call(make_wsgi_app(_app(), engine=None))  # type: ignore[arg-type]  # /healthz needs no database
    on = _call(make_wsgi_app(_app(), engine=None, server_timing=True))  # type: ignore[arg-type]
    assert off[0] == on[0] == "200 OK" and off[2] == on[2]
    assert "Server-Timing" not in dict(off[1])
    assert HEADER.match(dict(on[1])["Server-Timing"])
