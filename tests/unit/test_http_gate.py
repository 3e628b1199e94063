"""``POST /slack/events`` answers malformed or unsigned bodies 401/400, never 500, with no
traceback in the log (issue 14). Signatures are computed here from Slack's documented scheme
(``v0=`` + HMAC-SHA256 of ``v0:<timestamp>:<body>``, api.slack.com/authentication/verifying-requests-from-slack)."""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import time
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult

from bot.slack.http_gate import body_problem
from bot.slack.server import make_wsgi_app
from bot.slack.verification import harden_request_verification

SECRET = "gate-test-secret"
JSON, FORM = "application/json", "application/x-www-form-urlencoded"


def _sign(body: bytes, ts: int | None = None) -> dict[str, str]:
    stamp = str(ts if ts is not None else int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest}


@pytest.fixture
def wsgi() -> Any:
    app = App(signing_secret=SECRET, authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T0"))
    harden_request_verification(app)

    @app.command("/kpi")
    def _kpi(ack: Any) -> None:
        ack(text="ok")

    return make_wsgi_app(app, engine=None)  # type: ignore[arg-type]  # /slack/events needs no database here


def _post(wsgi: Any, body: bytes, ctype: str, headers: dict[str, str] | None = None,
          length: str | None = None) -> tuple[int, bytes]:
    env = {"REQUEST_METHOD": "POST", "PATH_INFO": "/slack/events", "CONTENT_TYPE": ctype, "QUERY_STRING": "",
           "CONTENT_LENGTH": length if length is not None else str(len(body)), "SERVER_PROTOCOL": "HTTP/1.1",
           "wsgi.input": io.BytesIO(body)}
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    seen: dict[str, str] = {}

    def start_response(status: str, _headers: Any, _exc: Any = None) -> None:
        seen["status"] = status

    out = b"".join(wsgi(env, start_response))
    return int(seen["status"].split()[0]), out


MALFORMED = [
    (b"not json", JSON), (b"\xff\xfe\x00bad", JSON), (b"\xff\xfe\x00bad", FORM), (b"payload=notjson", FORM),
    (b"payload=%7B", FORM), (b"payload=%ff", FORM), (b"[1,2]", JSON), (b'"text"', JSON), (b"payload=%5B1%5D", FORM),
    (b"{" * 5000, JSON),
]


@pytest.mark.parametrize("body,ctype", MALFORMED)
def test_unsigned_malformed_bodies_are_401_without_traceback(wsgi: Any, body: bytes, ctype: str,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert _post(wsgi, body, ctype)[0] == 401
    assert not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("body,ctype", MALFORMED)
def test_signed_malformed_bodies_are_400_without_traceback(wsgi: Any, body: bytes, ctype: str,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert _post(wsgi, body, ctype, _sign(body))[0] == 400
    assert not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("headers", [
    {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
    {"X-Slack-Request-Timestamp": "1e3", "X-Slack-Signature": "v0=00"},
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=é\u00ff"},  # non-ASCII
    {"X-Slack-Request-Timestamp": str(int(time.time()))},
    {"X-Slack-Signature": "v0=00"},
])
def test_missing_or_garbled_signature_headers_are_401(wsgi: Any, headers: dict[str, str]) -> None:
    assert _post(wsgi, b"command=%2Fkpi&text=x", FORM, headers)[0] == 401


def test_an_old_timestamp_is_401_even_when_correctly_signed(wsgi: Any) -> None:
    body = b"command=%2Fkpi&text=x"
    assert _post(wsgi, body, FORM, _sign(body, int(time.time()) - 301))[0] == 401


def test_bad_content_length_is_400_and_an_enormous_one_413(wsgi: Any) -> None:
    assert _post(wsgi, b"x", FORM, length="abc")[0] == 400
    assert _post(wsgi, b"x", FORM, length="99999999999")[0] == 413


def test_a_signed_well_formed_command_still_reaches_the_listener(wsgi: Any) -> None:
    body = b"command=%2Fkpi&text=x&user_id=U1&team_id=T0&channel_id=C1"
    status, out = _post(wsgi, body, FORM, _sign(body))
    assert status == 200 and b"ok" in out


def test_body_problem_mirrors_bolts_parser() -> None:
    assert body_problem(b'{"type": "event_callback"}', JSON) is None
    assert body_problem(b"command=%2Fkpi&text=%E2%91%A0", FORM) is None  # "①", valid UTF-8
    assert body_problem(b'payload=%7B%22type%22%3A1%7D', FORM) is None
    assert body_problem(b"{oops", FORM) == "body is not valid JSON"  # Bolt parses a leading "{" as JSON
