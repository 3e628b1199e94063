"""Every reach into a library's private or undocumented internals, behind one adapter (issue 17).

What the bot touches, and why (nothing else in ``bot``, ``handlers`` or ``jobs`` may):

- slack_bolt ``App._listener_runner``: Bolt takes no listener runner in its constructor, and
  ``bot.slack.listener_runner`` replaces it (acknowledge the moment ``ack()`` is called); the runner
  reuses ``ThreadListenerRunner._start_lazy_function`` and its constructor's keywords.
- slack_bolt ``App._middleware_list`` / ``App._signing_secret`` and ``RequestVerification``'s
  ``_signing_secret`` / ``_verifier``: the strict signature verifier (``bot.slack.verification``) and
  the HTTP gate in front of Bolt (``bot.slack.http_gate``).
- waitress ``BaseWSGIServer`` internals (``_map``, ``accept``, ``channel_class``, ``fix_addr``,
  ``adj``, ``del_channel``, ``trigger``, ``task_dispatcher``, ``active_channels``) and
  ``HTTPChannel.total_outbufs_len`` / ``requests``: the graceful drain
  (``bot.observability.shutdown``).
- slack_sdk and APScheduler: public API only; their major versions are checked.

:func:`check_compatible` runs at start-up (``opsbot serve``, ``opsbot socket``, ``opsbot
scheduler``) and stops with :class:`IncompatibleLibrary` ("slack_bolt 2.0.1 is not supported:
expected …; supported range >=1.30,<2.0") instead of failing on the first request.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from bot.errors import ConfigurationError

#: Supported (inclusive lower, exclusive upper) (major, minor) ranges; the internals below were
#: read in slack_bolt 1.30, slack_sdk 3.48, waitress 3.0, APScheduler 3.11.
SUPPORTED: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "slack_bolt": ((1, 30), (2, 0)), "slack_sdk": ((3, 48), (4, 0)),
    "waitress": ((3, 0), (4, 0)), "apscheduler": ((3, 10), (4, 0)),
}
DISTRIBUTION = {"slack_bolt": "slack-bolt", "slack_sdk": "slack-sdk", "waitress": "waitress",
                "apscheduler": "APScheduler"}
RUNNER_KEYWORDS = ("logger", "process_before_response", "listener_error_handler", "listener_start_handler",
                   "listener_completion_handler", "listener_executor", "lazy_listener_runner")
APP_PRIVATE = ("_listener_runner", "_middleware_list", "_signing_secret")
SERVER_ATTRIBUTES = ("_map", "adj", "trigger", "task_dispatcher", "active_channels", "accepting", "socket",
                     "accept", "set_socket_options", "channel_class", "fix_addr", "del_channel")


class IncompatibleLibrary(ConfigurationError):
    """An installed library lacks an internal the bot relies on, or is outside the supported range."""


def supported_range(library: str) -> str:
    (lo_major, lo_minor), (hi_major, hi_minor) = SUPPORTED[library]
    return f">={lo_major}.{lo_minor},<{hi_major}.{hi_minor}"


def installed_version(library: str) -> str:
    try:
        return version(DISTRIBUTION[library])
    except PackageNotFoundError:
        return "(not installed)"


def _major_minor(text: str) -> tuple[int, int] | None:
    parts = text.split(".")
    try:
        major = int(parts[0])
        minor = int("".join(ch for ch in parts[1] if ch.isdigit()) or 0) if len(parts) > 1 else 0
    except ValueError:
        return None
    return major, minor


# -- slack_bolt ------------------------------------------------------------------------------------
def replace_listener_runner(app: Any, runner: Any) -> None:
    """Install ``runner`` as ``app``'s listener runner (no public way in slack_bolt 1.x)."""
    app._listener_runner = runner


def listener_executor(app: Any) -> Executor:
    """The executor Bolt runs listeners on (public ``App.listener_runner``)."""
    executor: Executor = app.listener_runner.listener_executor
    return executor


def start_lazy_function(runner: Any, function: Callable[..., None], request: Any) -> None:
    """Bolt's ``ThreadListenerRunner._start_lazy_function`` (start one lazy listener)."""
    runner._start_lazy_function(function, request)


def bolt_middleware(app: Any) -> list[Any]:
    """Bolt's built-in middleware of ``app`` (``App._middleware_list``)."""
    return list(app._middleware_list)


def bolt_signing_secret(app: Any) -> str | None:
    secret: str | None = app._signing_secret
    return secret


def install_verifier(middleware: Any, make: Callable[[str], Any]) -> None:
    """Give a ``RequestVerification`` middleware the verifier ``make(signing_secret)`` (Bolt
    builds its own lazily from ``_signing_secret`` into ``_verifier`` otherwise).

    Raises:
        IncompatibleLibrary: the middleware has no ``_signing_secret`` / ``_verifier`` (setting
            one anyway would leave Bolt's own verifier in use, unnoticed)."""
    missing = [n for n in ("_signing_secret", "_verifier") if not hasattr(middleware, n)]
    if missing:
        check_library("slack_bolt", problems=[f"RequestVerification.{n}" for n in missing])
    middleware._verifier = make(middleware._signing_secret)


# -- waitress --------------------------------------------------------------------------------------
def socket_map(server: Any) -> dict[int, Any]:
    """The asyncore socket map of a waitress server (a new channel must join it)."""
    mapping: dict[int, Any] = server._map
    return mapping


# -- the start-up check ----------------------------------------------------------------------------
def _not_assigned(function: Callable[..., Any], names: Iterable[str]) -> list[str]:
    """Of ``names``, those ``function`` never reads or assigns as an attribute (``co_names``)."""
    code = getattr(function, "__code__", None)
    used = set(code.co_names) if code is not None else set()
    return [n for n in names if n not in used]


def bolt_problems(app: Any = None) -> list[str]:
    """What slack_bolt lacks of what the bot uses (``app``: a built ``App`` to check as well)."""
    from slack_bolt import App
    from slack_bolt.listener import Listener
    from slack_bolt.listener.thread_runner import ThreadListenerRunner
    from slack_bolt.middleware.request_verification import RequestVerification

    out = [f"App.__init__ setting self.{n}" for n in _not_assigned(App.__init__, APP_PRIVATE)]
    if not isinstance(inspect.getattr_static(App, "listener_runner", None), property):
        out.append("the App.listener_runner property")
    if app is not None:
        out += [f"App.{n}" for n in APP_PRIVATE if not hasattr(app, n)]
    if not callable(getattr(ThreadListenerRunner, "_start_lazy_function", None)):
        out.append("ThreadListenerRunner._start_lazy_function()")
    params = inspect.signature(ThreadListenerRunner.__init__).parameters
    out += [f"ThreadListenerRunner(…, {k}=…)" for k in RUNNER_KEYWORDS if k not in params]
    out += [f"RequestVerification.__init__ setting self.{n}"
            for n in _not_assigned(RequestVerification.__init__, ("_signing_secret", "_verifier"))]
    listener_fields = getattr(Listener, "__annotations__", {})
    out += [f"Listener.{n}" for n in ("ack_function", "lazy_functions", "auto_acknowledgement", "ack_timeout")
            if n not in listener_fields]
    if not callable(getattr(Listener, "run_ack_function", None)):
        out.append("Listener.run_ack_function()")
    return out


def waitress_problems(server: Any = None) -> list[str]:
    """What waitress lacks of what the graceful drain uses (``server``: a created server too)."""
    from waitress.channel import HTTPChannel
    from waitress.server import BaseWSGIServer
    from waitress.task import ThreadedTaskDispatcher
    from waitress.trigger import trigger
    from waitress.wasyncore import dispatcher

    out = [f"BaseWSGIServer.{n}()" for n in ("accept", "set_socket_options", "fix_addr", "del_channel", "run")
           if not callable(getattr(BaseWSGIServer, n, None))]
    out += [f"BaseWSGIServer.__init__ setting self.{n}" for n in _not_assigned(
        BaseWSGIServer.__init__, ("adj", "trigger", "task_dispatcher", "active_channels"))]
    out += [f"wasyncore.dispatcher.__init__ setting self.{n}" for n in _not_assigned(dispatcher.__init__, ("_map",))]
    if not hasattr(HTTPChannel, "total_outbufs_len"):
        out.append("HTTPChannel.total_outbufs_len")
    out += [f"HTTPChannel.__init__ setting self.{n}" for n in _not_assigned(HTTPChannel.__init__, ("requests",))]
    if not callable(getattr(trigger, "pull_trigger", None)):
        out.append("trigger.pull_trigger()")
    if not callable(getattr(ThreadedTaskDispatcher, "shutdown", None)):
        out.append("ThreadedTaskDispatcher.shutdown()")
    if server is not None:
        out += [f"server.{n}" for n in SERVER_ATTRIBUTES if not hasattr(server, n)]
    return out


def scheduler_problems() -> list[str]:
    from apscheduler import events
    from apscheduler.schedulers.base import BaseScheduler

    out = [f"BaseScheduler.{n}()" for n in ("add_job", "get_job", "get_jobs", "add_listener", "start", "shutdown")
           if not callable(getattr(BaseScheduler, n, None))]
    return out + [f"apscheduler.events.{n}" for n in ("EVENT_JOB_ERROR", "EVENT_JOB_MISSED") if not hasattr(events, n)]


PROBLEMS: dict[str, Callable[..., list[str]]] = {
    "slack_bolt": bolt_problems, "slack_sdk": lambda: [], "waitress": waitress_problems,
    "apscheduler": scheduler_problems,
}


def check_library(library: str, found: str | None = None, problems: list[str] | None = None) -> None:
    """Raise :class:`IncompatibleLibrary` when ``library`` (version ``found``, default: the
    installed one) is outside :data:`SUPPORTED` or ``problems`` (default: none) is not empty."""
    found = found or installed_version(library)
    lo, hi = SUPPORTED[library]
    at = _major_minor(found)
    hint = f"supported range {supported_range(library)} (pip install '{DISTRIBUTION[library]}{supported_range(library)}')"
    if at is None or not lo <= at < hi:
        raise IncompatibleLibrary(f"{library} {found} is not supported: expected a version in the supported "
                                  f"range; {hint}.")
    if problems:
        raise IncompatibleLibrary(f"{library} {found} is not supported: expected {'; '.join(problems)}; {hint}. "
                                  "The bot relies on these internals (bot/slack/compat.py).")


def check_compatible(*libraries: str, app: Any = None, server: Any = None) -> None:
    """Check each of ``libraries`` (default: all four) at start-up; ``app`` (a Bolt ``App``) and
    ``server`` (a waitress server) are checked as built when given.

    Raises:
        IncompatibleLibrary: naming the library, its version, what is missing and the supported range.
    """
    for library in libraries or tuple(SUPPORTED):
        kwargs = {"slack_bolt": {"app": app}, "waitress": {"server": server}}.get(library, {})
        check_library(library, problems=PROBLEMS[library](**kwargs))
