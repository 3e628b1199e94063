"""Ask the bot locally: the SAME Bolt app, in-process, against a stand-in Slack.

``ask("/kpi no-show-rate all", settings=..., engine=...)`` builds the app with a generated
signing secret and a dummy bot token (never the user's real ones), points its ``WebClient`` at
an in-process :class:`~devtools.standin.SlackStandIn`, dispatches a correctly signed slash-command
request, waits for the asynchronous replies to settle and returns what the bot said.
Nothing leaves the machine. :class:`LocalSlack` keeps one app open for several interactions.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr
from slack_bolt import App, BoltRequest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import UsageError
from bot.settings import Settings
from bot.slack import compat
from devtools.signing import interactive_body, signed_headers, slash_command_body
from devtools.standin import Call, SlackStandIn

REPLY_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update", "views.open", "views.push",
                 "views.update", "views.publish", "files.completeUploadExternal")


@dataclass
class AskResult:
    """``ack_status``/``ack_body`` (HTTP answer to the request; body parsed when JSON),
    ``ack_text`` (rendered), ``replies`` (response_url posts and chat.*/views.*/file calls,
    in arrival order, each a dict with ``via`` = method or ``"response_url"``), ``calls``
    (every Web API call captured)."""

    ack_status: int
    ack_body: dict[str, Any] | str
    ack_text: str
    replies: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)


class _PendingWork:
    """Counts tasks in flight on the executors we watch (to know when replies have settled)."""

    def __init__(self) -> None:
        self.pending = 0
        self._lock = threading.Lock()

    def watch(self, executor: Any) -> None:
        original = executor.submit

        def submit(fn: Any, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.pending += 1
            future = original(fn, *args, **kwargs)
            future.add_done_callback(self._done)
            return future

        executor.submit = submit

    def _done(self, _future: Any) -> None:
        with self._lock:
            self.pending -= 1


class LocalSlack:
    """A stand-in Slack plus the bot's app wired to it; a context manager."""

    def __init__(self, settings: Settings, engine: Engine, sessions: sessionmaker[Session] | None = None,
                 *, user_id: str = "U0LOCAL", channel_id: str = "C0LOCAL") -> None:
        from storage.db import make_session_factory

        self.settings, self.engine = settings, engine
        self.sessions = sessions or make_session_factory(engine)
        self.user_id, self.channel_id = user_id, channel_id
        self.standin = SlackStandIn()
        self.secret = secrets.token_hex(16)
        self.app: App | None = None
        self._work = _PendingWork()
        # set to a devtools.standin.directory.Directory to send command text as a person types it:
        # it then goes through the manifest's should_escape as Slack would deliver it
        self.directory: Any = None

    def __enter__(self) -> LocalSlack:
        from bot.app import create_app

        base = self.standin.start()
        local = self.settings.model_copy(update={
            "slack_bot_token": SecretStr("xoxb-local-ask-not-a-real-token"),
            "slack_signing_secret": SecretStr(self.secret), "slack_app_token": None, "slack_api_url": base,
        })
        try:
            self.app = create_app(local, self.engine, self.sessions, http_mode=True)
        except BaseException:
            self.standin.stop()
            raise
        self._work.watch(compat.listener_executor(self.app))
        self._work.watch(self.app._opsbot_ctx.workers)  # type: ignore[attr-defined]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.app is not None:
            watcher = getattr(self.app._opsbot_ctx, "org_watcher", None)  # type: ignore[attr-defined]
            if watcher is not None:
                watcher.stop()
            self.app._opsbot_ctx.workers.shutdown(wait=False, cancel_futures=True)  # type: ignore[attr-defined]
            compat.listener_executor(self.app).shutdown(wait=False, cancel_futures=True)
        self.standin.stop()

    def command(self, command_text: str, *, timeout: float = 20.0) -> AskResult:
        """Send ``"/kpi args…"`` as a signed slash command; raises ``UsageError`` if it is not one."""
        command, _, text = command_text.strip().partition(" ")
        if not command.startswith("/") or len(command) < 2:
            raise UsageError(f'Not a slash command: "{command_text}". Try: opsbot ask "/kpi no-show-rate all"')
        text = text.strip()
        if self.directory is not None:
            from devtools.standin.directory import deliver_text

            text = deliver_text(command, text, self.directory)
        body = slash_command_body(command, text, user_id=self.user_id, channel_id=self.channel_id,
                                  response_url=self.standin.new_response_url())
        return self._dispatch(body, timeout)

    def interact(self, payload: dict[str, Any], *, timeout: float = 20.0) -> AskResult:
        """Send an interactivity payload (e.g. ``signing.block_actions_payload(...)``)."""
        return self._dispatch(interactive_body(payload), timeout)

    def event(self, event: dict[str, Any], *, timeout: float = 20.0) -> AskResult:
        """Deliver an Events API event (e.g. an ``app_mention`` or a DM ``message``)."""
        from devtools.signing import event_body

        return self._dispatch(event_body(event), timeout)

    def _dispatch(self, body: str, timeout: float) -> AskResult:
        assert self.app is not None, "use LocalSlack as a context manager"
        calls_before, posts_before = len(self.standin.calls), len(self.standin.response_posts)
        resp = self.app.dispatch(BoltRequest(body=body, headers={**signed_headers(self.secret, body)}))
        self._settle(timeout)
        ack_body = _parse(resp.body)
        from bot.render_text import render

        ack_text = render(ack_body) if isinstance(ack_body, dict) else ack_body
        calls = self.standin.calls[calls_before:]
        replies = [{"via": "response_url", "_at": c.at, **c.params} for c in self.standin.response_posts[posts_before:]]
        replies += [{"via": c.method, "_at": c.at, **c.params} for c in calls if c.method in REPLY_METHODS]
        replies.sort(key=lambda r: r.pop("_at"))
        return AskResult(resp.status, ack_body, ack_text, replies, calls)

    def _settle(self, timeout: float, idle: float = 0.3) -> None:
        """Wait until no listener/worker task is running and the stand-in has been quiet for
        ``idle`` seconds, or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._work.pending == 0:
                self.standin.wait_until_quiet(idle=idle, timeout=max(0.0, deadline - time.monotonic()))
                if self._work.pending == 0:
                    return
            time.sleep(0.05)


def _parse(body: str) -> dict[str, Any] | str:
    import json

    if body and body.lstrip().startswith("{"):
        try:
            parsed = json.loads(body)
            return parsed if isinstance(parsed, dict) else body
        except ValueError:
            return body
    return body


def ask(command_text: str, *, settings: Settings, engine: Engine, sessions: sessionmaker[Session] | None = None,
        user_id: str = "U0LOCAL", channel_id: str = "C0LOCAL", timeout: float = 20.0) -> AskResult:
    """Run one slash command through the bot locally and return what it answered.

    Raises:
        UsageError: ``command_text`` does not start with ``/``.
        ConfigurationError: the org config is invalid (from ``create_app``).
    """
    with LocalSlack(settings, engine, sessions, user_id=user_id, channel_id=channel_id) as local:
        return local.command(command_text, timeout=timeout)


def format_result(command_text: str, result: AskResult) -> str:
    """The result as terminal text: the ack, each reply (rendered), the captured calls."""
    from bot.render_text import render_reply

    out = [f"> {command_text}", f"── acknowledgement (HTTP {result.ack_status}) ──"]
    out.append(result.ack_text or "(empty ack: the answer follows asynchronously)")
    for n, reply in enumerate(result.replies, 1):
        where = reply.get("channel") or reply.get("response_type") or ""
        out.append(f"── reply {n} via {reply['via']}{f' ({where})' if where else ''} ──")
        out.append(render_reply(reply))
    out.append("── Web API calls captured (nothing was sent to Slack) ──")
    for call in result.calls:
        target = call.params.get("channel") or call.params.get("channel_id") or call.params.get("user") or ""
        out.append(f"  {call.method}{' ' + str(target) if target else ''} → HTTP {call.status}")
    if not result.calls:
        out.append("  (none)")
    return "\n".join(out)
