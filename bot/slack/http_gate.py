"""The door of ``POST /slack/events``: signature first, then a parse that cannot fail (issue 14).

slack_bolt 1.30 decodes the body as UTF-8 and parses it (``json.loads`` for a JSON content type or
a body starting with ``{``, ``json.loads`` of the ``payload=`` form field) while building the
``BoltRequest``, *before* its signature middleware runs: a JSON content type with a non-JSON body,
invalid UTF-8, or a ``payload=`` that is not JSON raised inside the WSGI adapter and became HTTP 500
with a traceback, for anyone able to reach the port. Here, before Bolt sees anything:

1. the body is read once, at most :data:`MAX_READ` bytes (a larger ``Content-Length``: 413; one
   that is not a number: 400);
2. the signature is checked on the raw bytes (Slack's scheme, ``v0:<timestamp>:<body>``,
   https://api.slack.com/authentication/verifying-requests-from-slack; ``bot.slack.verification``):
   missing, garbled or wrong headers, or a timestamp outside five minutes: **401**;
3. a signed body that Bolt could not parse (not UTF-8, JSON that is not an object, a ``payload``
   that is not a JSON object): **400**.

Only then is the (now known-parseable) body handed to Bolt, which verifies again and dispatches.
Nothing here logs the body.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from bot.slack.verification import StrictSignatureVerifier

log = logging.getLogger(__name__)
MAX_READ = 2 * 1024 * 1024  # 4 × the guard's polite limit (bot.slack.middleware.bounds): larger is not Slack
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def body_problem(body: bytes, content_type: str | None) -> str | None:
    """Why slack_bolt's ``parse_body`` would raise on ``body`` (None when it would not).

    Mirrors ``slack_bolt.request.internals.parse_body`` (1.30): JSON when the content type is
    ``application/json`` or the text starts with ``{``; otherwise form fields, whose ``payload``
    (when present) is JSON. Bolt then reads the result with ``.get``: it must be an object.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    try:
        if content_type == "application/json" or text.startswith("{"):
            return None if isinstance(json.loads(text), dict) else "JSON body is not an object"
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in fields:
            return None if isinstance(json.loads(fields["payload"]), dict) else "payload is not a JSON object"
    except (ValueError, RecursionError):
        return "body is not valid JSON"
    return None


def _answer(start_response: Callable[..., Any], status: str, message: str) -> list[bytes]:
    payload = json.dumps({"error": message}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def gated(app: WsgiApp, signing_secret: str, path: str = "/slack/events") -> WsgiApp:
    """Wrap ``app`` so that ``POST path`` reaches it only signed and parseable (module doc)."""
    verifier = StrictSignatureVerifier(signing_secret)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != path:
            return app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _answer(start_response, "400 Bad Request", "invalid Content-Length")
        if length < 0:
            return _answer(start_response, "400 Bad Request", "invalid Content-Length")
        if length > MAX_READ:
            return _answer(start_response, "413 Payload Too Large", "request too large")
        stream = environ.get("wsgi.input")
        body = stream.read(length) if stream is not None and length else b""
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE")
        if not verifier.is_valid(body, timestamp, signature):
            log.info("unsigned or wrongly signed request refused (401)")
            return _answer(start_response, "401 Unauthorized", "invalid request")
        problem = body_problem(body, environ.get("CONTENT_TYPE"))
        if problem is not None:
            log.warning("signed request refused (400): %s", problem)
            return _answer(start_response, "400 Bad Request", "malformed request")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return app(environ, start_response)

    return wsgi


def gate_app(app: WsgiApp, bolt_app: Any, path: str = "/slack/events") -> WsgiApp:
    """:func:`gated` with the Bolt app's signing secret when it verifies requests (HTTP mode);
    ``app`` unchanged otherwise (an app built without verification has nothing to check)."""
    from slack_bolt.middleware.request_verification import RequestVerification

    from bot.slack import compat

    verifies = any(isinstance(m, RequestVerification) for m in compat.bolt_middleware(bolt_app))
    secret = compat.bolt_signing_secret(bolt_app)
    return gated(app, secret, path) if verifies and secret else app
