"""Structured logs (request id on every line, tokens masked), request-id propagation across
threads, and the Slack request classifier behind the acknowledgement histogram."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client import generate_latest

from bot.access.current import ContextExecutor
from bot.observability.context import current_request_id, new_request_id, request_context
from bot.observability.logs import configure_logging, mask_tokens
from bot.observability.metrics import Metrics, ack_kind
from bot.observability.wsgi import InFlight, observed


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _capture(fmt: str) -> io.StringIO:
    stream = io.StringIO()
    configure_logging("INFO", fmt, stream)
    return stream


def test_json_lines_carry_the_request_id_and_mask_tokens() -> None:
    stream = _capture("json")
    log = logging.getLogger("opsbot.test")
    with request_context("req-123"):
        log.info("posting with %s", "xoxb-111-222-abcdef")
    log.warning("outside")
    first, second = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (first["request_id"], first["level"], first["logger"]) == ("req-123", "INFO", "opsbot.test")
    assert first["msg"] == "posting with xoxb-***"
    assert second["request_id"] == "-"


def test_text_lines_carry_the_request_id() -> None:
    stream = _capture("text")
    with request_context("abc"):
        logging.getLogger("x").info("hello")
    assert "[abc] hello" in stream.getvalue()


def test_request_id_follows_work_onto_context_executor_threads() -> None:
    with ContextExecutor(max_workers=2) as pool, request_context("rid-7"):
        assert pool.submit(current_request_id).result() == "rid-7"
    with ThreadPoolExecutor(max_workers=1) as plain, request_context("rid-8"):
        assert plain.submit(current_request_id).result() is None  # why listeners use ContextExecutor


def test_untrusted_request_id_header_is_replaced() -> None:
    assert new_request_id("nginx-0af3") == "nginx-0af3"
    replaced = new_request_id("bad id\nwith newline")
    assert replaced != "bad id\nwith newline" and len(replaced) == 16


def test_mask_tokens_covers_every_slack_token_kind() -> None:
    text = "a xoxb-1-2 b xoxp-3 c xapp-1-A-2 d xoxe.xoxb-1-abc e xoxe-1-xyz"
    assert mask_tokens(text) == "a xoxb-*** b xoxp-*** c xapp-*** d xoxe.xoxb-*** e xoxe-***"


def test_ack_kind_classifies_slack_bodies() -> None:
    assert ack_kind("application/x-www-form-urlencoded", b"token=t&team_id=T&command=%2Fkpi&text=x") == "command"
    assert ack_kind("application/x-www-form-urlencoded", b"payload=%7B%22type%22") == "interaction"
    assert ack_kind("application/json", b'{"type":"event_callback","event":{}}') == "event"
    assert ack_kind("application/json", b'{"type":"url_verification"}') == "other"


def test_wsgi_wrapper_counts_requests_sets_header_and_serves_metrics() -> None:
    metrics, inflight = Metrics(), InFlight()
    seen: list[str | None] = []

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        seen.append(current_request_id())
        assert inflight.count == 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    wsgi = observed(app, metrics, inflight)
    body = b"token=t&command=%2Fkpi&text=help"
    headers: list[tuple[str, str]] = []
    environ = {"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "wsgi.input": io.BytesIO(body),
               "HTTP_X_REQUEST_ID": "edge-42"}
    result = wsgi(environ, lambda status, hdrs, exc=None: headers.extend(hdrs))
    assert b"".join(result) == b"ok"
    result.close()  # type: ignore[attr-defined]
    assert seen == ["edge-42"] and ("X-Request-Id", "edge-42") in headers and inflight.count == 0
    assert environ["wsgi.input"].read() == body  # the body is still there for Bolt
    text = generate_latest(metrics.registry).decode()
    assert 'opsbot_http_requests_total{method="POST",route="/slack/events",status="200"} 1.0' in text
    assert 'opsbot_slack_ack_seconds_count{kind="command"} 1.0' in text
    out: list[str] = []
    page = wsgi({"PATH_INFO": "/metrics", "REQUEST_METHOD": "GET"}, lambda s, h, e=None: out.append(s))
    assert out == ["200 OK"] and b"opsbot_slack_ack_seconds_bucket" in b"".join(page)
