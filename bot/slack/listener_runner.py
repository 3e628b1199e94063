"""Bolt's listener runner, answering Slack the moment ``ack()`` is called (issue 4).

slack_bolt 1.30's ``ThreadListenerRunner`` (``process_before_response=False``) submits the
listener to the listener executor and then polls ``ack.response`` with ``time.sleep(0.01)`` until
it is set or ``ack_timeout`` (3 s) passes: 0–10 ms added to every acknowledgement, and with 64
requests waiting, 6,400 wake-ups a second competing for the GIL with the work that acks.

:class:`AckEventRunner` keeps Bolt's behaviour (same handlers, same executor, same lazy
listeners, same ``process_before_response=True`` path) and replaces the poll by a
``threading.Event`` that the request's :class:`SignallingAck` sets when it is given a response.
It answers with the *first* response given to ``ack()``: Bolt's error path resets
``ack.response`` to None when an already-acknowledged listener raises, which the poll could see
before the ack and answer 404 (the race the fuzz test of issue 8 found).

Listeners marked with :func:`runs_inline` only acknowledge and hand their work to a pool; they
run on the request thread itself, sparing two thread hand-offs (each a GIL hand-over, up to the
5 ms switch interval under load). Anything that may block must not be marked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import App, BoltResponse
from slack_bolt.context.ack import Ack
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.request import BoltRequest

from bot.slack import compat

F = TypeVar("F", bound=Callable[..., Any])
INLINE = "_opsbot_runs_inline"


def runs_inline(fn: F) -> F:
    """Mark a listener that only calls ``ack()`` and submits work to a pool (never blocks)."""
    setattr(fn, INLINE, True)
    return fn


class SignallingAck(Ack):
    """An ``Ack`` that remembers the first response it is given and sets ``given``."""

    def __init__(self) -> None:
        self.given = threading.Event()
        self.first: BoltResponse | None = None
        super().__init__()

    @property
    def response(self) -> BoltResponse | None:
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None and self.first is None:
            self.first = value
            self.given.set()

    def __deepcopy__(self, memo: dict[int, Any]) -> Ack:
        # Bolt deep-copies the request for lazy listeners; an Event cannot be copied, and a lazy
        # listener's ack answers nobody: a plain Ack holding the same answer will do
        copied = Ack()
        copied.response = self._response
        return copied


class AckEventRunner(ThreadListenerRunner):
    """``ThreadListenerRunner`` with an event-based wait for the acknowledgement (module doc)."""

    @classmethod
    def replacing(cls, runner: ThreadListenerRunner) -> AckEventRunner:
        return cls(logger=runner.logger, process_before_response=runner.process_before_response,
                   listener_error_handler=runner.listener_error_handler,
                   listener_start_handler=runner.listener_start_handler,
                   listener_completion_handler=runner.listener_completion_handler,
                   listener_executor=runner.listener_executor, lazy_listener_runner=runner.lazy_listener_runner)

    def run(self, request: BoltRequest, response: BoltResponse, listener_name: str, listener: Listener,
            starting_time: float | None = None) -> BoltResponse | None:
        if self.process_before_response or request.lazy_only:
            return super().run(request, response, listener_name, listener, starting_time)
        starting_time = starting_time if starting_time is not None else time.time()
        ack = _signalling_ack(request)
        if listener.auto_acknowledgement:
            ack()  # Bolt acknowledges events at once
        if getattr(listener.ack_function, INLINE, False):
            self._run_inline(request, response, listener, ack)
        else:
            self.listener_executor.submit(self._run_listener, request, response, listener, ack)
        for lazy_func in listener.lazy_functions:
            compat.start_lazy_function(self, lazy_func, request)
        ack.given.wait(max(0.0, listener.ack_timeout - (time.time() - starting_time)))
        if response is not None:
            return response
        if ack.first is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
        return ack.first

    def _run_listener(self, request: BoltRequest, response: BoltResponse | None, listener: Listener,
                      ack: SignallingAck) -> None:
        """Bolt's ``run_ack_function_asynchronously`` (slack_bolt 1.30), on a listener thread."""
        try:
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - handed to the app's error handler, as Bolt does
            if listener.auto_acknowledgement:
                self.listener_error_handler.handle(error=e, request=request, response=response)
            else:
                response = response or BoltResponse(status=500)
                response.status = 500
                if ack.first is not None:  # already acknowledged: the error handler replies later
                    response = None
                self.listener_error_handler.handle(error=e, request=request, response=response)
                ack.response = response
        finally:
            self.listener_completion_handler.handle(request=request, response=response)

    def _run_inline(self, request: BoltRequest, response: BoltResponse | None, listener: Listener,
                    ack: SignallingAck) -> None:
        """Run a :func:`runs_inline` listener here; a failure after its ack is handled on a
        listener thread so that the acknowledgement is not held up by the error reply."""
        try:
            self.listener_start_handler.handle(request=request, response=response)
            listener.run_ack_function(request=request, response=response)  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001 - handed to the app's error handler, as Bolt does
            if listener.auto_acknowledgement or ack.first is not None:
                self.listener_executor.submit(self._after_error, e, request,
                                              response if listener.auto_acknowledgement else None)
                return
            response = response or BoltResponse(status=500)
            response.status = 500
            self._after_error(e, request, response)
            ack.response = response
            return
        self.listener_completion_handler.handle(request=request, response=response)

    def _after_error(self, error: Exception, request: BoltRequest, response: BoltResponse | None) -> None:
        try:
            self.listener_error_handler.handle(error=error, request=request, response=response)
        finally:
            self.listener_completion_handler.handle(request=request, response=response)


def _signalling_ack(request: BoltRequest) -> SignallingAck:
    """Put a :class:`SignallingAck` in the request's context (keeping any earlier response)."""
    current = request.context.get("ack")
    if isinstance(current, SignallingAck):
        return current
    ack = SignallingAck()
    if current is not None and current.response is not None:
        ack.response = current.response
    request.context["ack"] = ack
    return ack


def install(app: App) -> AckEventRunner:
    """Replace ``app``'s listener runner; call before any ``@app.error`` (it sets the runner's
    error handler)."""
    runner = AckEventRunner.replacing(app.listener_runner)
    compat.replace_listener_runner(app, runner)  # slack_bolt 1.30 has no constructor argument for the runner
    return runner
