"""``bot.slack.listener_runner``: Slack gets its acknowledgement as soon as ``ack()`` is called.

The listeners here block on ``threading.Event``\\ s the test controls, so every assertion is about
order (what had happened when ``dispatch`` returned), never about elapsed time. They pin the
slack_bolt internals the runner relies on (``Ack`` stores its answer in ``.response``, the
runner's constructor and handler attributes, the listener executor): if a Bolt upgrade changes
them, these tests fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener import thread_runner

from bot.slack.listener_runner import AckEventRunner, install, runs_inline
from devtools.signing import signed_headers, slash_command_body

SECRET = "test-signing-secret"
WAIT = 10.0  # generous bound for a thread to reach a point; never a speed assertion


def _authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id="T0LOCAL", bot_token="xoxb-test", bot_user_id="U0BOT",
                           bot_id="B0BOT")


@pytest.fixture
def app() -> Iterator[App]:
    app = App(signing_secret=SECRET, authorize=_authorize)
    install(app)
    yield app
    app.listener_runner.listener_executor.shutdown(wait=True)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The thread ids of every ``time.sleep`` call (Bolt's poll is one per 10 ms)."""
    calls: list[int] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        calls.append(threading.get_ident())
        real_sleep(seconds)

    monkeypatch.setattr(thread_runner.time, "sleep", sleep)
    return calls


def dispatch(app: App, command: str = "/x", text: str = "t") -> Any:
    body = slash_command_body(command, text)
    return app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))


def test_the_app_answers_with_the_ack_while_the_listener_is_still_working(app: App, sleeps: list[int]) -> None:
    started, go, release, finished = (threading.Event() for _ in range(4))

    @app.command("/x")
    def slow(ack) -> None:  # type: ignore[no-untyped-def]
        started.set()
        go.wait(WAIT)
        ack("on it")
        release.wait(WAIT)  # the "1 s of work after the ack", held until the test says so
        finished.set()

    answer: list[Any] = []
    dispatcher = threading.Thread(target=lambda: answer.append(dispatch(app)))
    dispatcher.start()
    assert started.wait(WAIT)
    time.sleep(0.05)  # (ordering only) let the dispatching thread reach its wait for the ack
    go.set()
    dispatcher.join(WAIT)
    assert answer and (answer[0].status, answer[0].body) == (200, "on it")
    assert not finished.is_set()  # answered before the post-ack work ended
    assert dispatcher.ident not in sleeps  # woken by the ack, not by a 10 ms poll
    release.set()
    assert finished.wait(WAIT)


def test_the_runner_is_bolts_with_the_same_handlers_and_executor() -> None:
    app = App(signing_secret=SECRET, authorize=_authorize)
    before = app.listener_runner
    runner = install(app)
    assert app.listener_runner is runner and isinstance(runner, AckEventRunner)
    assert isinstance(runner, thread_runner.ThreadListenerRunner)
    assert runner.listener_executor is before.listener_executor
    assert runner.lazy_listener_runner is before.lazy_listener_runner
    assert runner.listener_error_handler is before.listener_error_handler
    before.listener_executor.shutdown(wait=True)


def test_an_error_after_the_ack_still_answers_with_the_ack(app: App) -> None:
    handled = threading.Event()
    errors: list[str] = []

    @app.error
    def on_error(error: Exception) -> None:
        errors.append(str(error))
        handled.set()

    @app.command("/x")
    def fails_late(ack) -> None:  # type: ignore[no-untyped-def]
        ack("accepted")
        raise RuntimeError("boom after ack")

    resp = dispatch(app)
    assert (resp.status, resp.body) == (200, "accepted")  # not 404 (Bolt resets ack.response to None)
    assert handled.wait(WAIT) and errors == ["boom after ack"]


def test_an_error_before_the_ack_is_answered_500_through_the_error_handler(app: App) -> None:
    errors: list[str] = []

    @app.error
    def on_error(error: Exception) -> None:
        errors.append(str(error))

    @app.command("/x")
    def fails_early(ack) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("boom before ack")

    resp = dispatch(app)
    assert resp.status == 500 and errors == ["boom before ack"]


def test_inline_listeners_run_on_the_request_thread_and_others_on_the_executor(app: App) -> None:
    threads: dict[str, int] = {}

    @app.command("/inline")
    @runs_inline
    def quick(ack) -> None:  # type: ignore[no-untyped-def]
        threads["inline"] = threading.get_ident()
        ack("inline")

    @app.command("/pooled")
    def pooled(ack) -> None:  # type: ignore[no-untyped-def]
        threads["pooled"] = threading.get_ident()
        ack("pooled")

    assert dispatch(app, "/inline").body == "inline"
    assert dispatch(app, "/pooled").body == "pooled"
    assert threads["inline"] == threading.get_ident()
    assert threads["pooled"] != threading.get_ident()


def test_an_inline_listener_failing_after_its_ack_is_handled_off_the_request_thread(app: App) -> None:
    handled = threading.Event()
    where: list[int] = []

    @app.error
    def on_error(error: Exception) -> None:
        where.append(threading.get_ident())
        handled.set()

    @app.command("/x")
    @runs_inline
    def fails(ack) -> None:  # type: ignore[no-untyped-def]
        ack("queued")
        raise RuntimeError("the pool refused the work")

    resp = dispatch(app)
    assert (resp.status, resp.body) == (200, "queued")
    assert handled.wait(WAIT) and where[0] != threading.get_ident()


def test_lazy_listeners_still_run(app: App) -> None:
    ran = threading.Event()

    def acknowledge(ack) -> None:  # type: ignore[no-untyped-def]
        ack("lazy")

    def later(body) -> None:  # type: ignore[no-untyped-def]
        assert body["command"] == "/x"
        ran.set()

    app.command("/x")(ack=acknowledge, lazy=[later])
    assert dispatch(app).body == "lazy"
    assert ran.wait(WAIT)
