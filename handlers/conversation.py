"""Plain-language questions outside ``/kpi`` (issue 18): @mentions in channels, direct messages,
follow-ups in the threads the bot answered in, and the buttons of a question asked back.

Each listener acks and hands the work to ``ctx.workers`` (nothing slow before the ack). Bot
messages, edits and other subtypes are ignored; a channel message is read only inside a thread the
bot answered in (``kpi_threads``) and only when it does not mention the bot (the mention listener
takes those). Answers go into the question's thread; the thread remembers the last reading.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

from bot.access.current import RequestScope, bind, unbind
from bot.errors import UsageError
from bot.failures import report, user_message
from bot.ids import Action
from bot.kpi.reader import Reading
from bot.services.conversation import Reply, converse, reply_to
from bot.slack import payload
from bot.slack.listener_runner import runs_inline
from bot.slack.middleware.bounds import question_problem
from storage.conversation import load_thread, save_thread
from storage.db import session_scope

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext

log = logging.getLogger(__name__)
MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def question_text(text: str) -> str:
    """The question without @mentions."""
    return " ".join(MENTION.sub(" ", text or "").split())


def register(app: App, ctx: AppContext) -> None:
    @app.event("app_mention")
    @runs_inline
    def on_mention(ack, event, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        if event.get("bot_id") or event.get("subtype"):
            return
        root = event.get("thread_ts") or event.get("ts")
        ctx.workers.submit(_converse_job, ctx, question_text(event.get("text", "")), event.get("channel"), root,
                           event.get("user"), client, False)

    @app.event("message")
    @runs_inline
    def on_message(ack, event, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        if event.get("bot_id") or event.get("subtype") or not event.get("user"):
            return  # bot messages (ours included), edits, deletions, joins …
        text = event.get("text") or ""
        in_dm = event.get("channel_type") == "im"
        if not in_dm and (not event.get("thread_ts") or MENTION.search(text)):
            return  # channels: only follow-ups in our threads; mentions come as app_mention
        root = event.get("thread_ts") or event.get("ts")
        ctx.workers.submit(_converse_job, ctx, question_text(text), event.get("channel"), root, event.get("user"),
                           client, not in_dm)

    @app.action(re.compile(rf"^{Action.KPI_PICK.value}(:\d+)?$"))
    @runs_inline
    def on_pick(ack, body, respond, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        ctx.workers.submit(_pick_job, ctx, body, respond, client)


def _converse_job(ctx: AppContext, text: str, channel: str | None, root: str | None, user: str | None,
                  client: Any, only_known_threads: bool) -> None:
    """Answer one message in its thread (worker thread)."""
    if not channel or not root:
        return
    token = bind(_asker(ctx, user, channel, root))
    try:
        with ctx.compute, session_scope(ctx.sessions) as session:
            stored = load_thread(session, channel, root)
            if only_known_threads and stored is None:
                return  # a thread the bot did not answer in
            too_long = question_problem(text)  # refused in the thread: an event has no ephemeral answer
            reply = None if too_long else converse(session, ctx.org, text, user_id=user,
                                                   context=json.loads(stored) if stored else None)
            if reply is not None and reply.state is not None:
                save_thread(session, channel, root, json.dumps(reply.state), user)
        if reply is None:
            client.chat_postMessage(channel=channel, thread_ts=root, text=too_long)
        else:
            client.chat_postMessage(channel=channel, thread_ts=root, blocks=reply.blocks, text=reply.text)
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error; answer with a reference
        _post_error(exc, client, channel, root)
    finally:
        unbind(token)


def _asker(ctx: AppContext, user: str | None, channel: str, root: str) -> RequestScope:
    """Who asks, with their grants: the guard binds no scope for events (they carry no command to
    judge), and an unbound scope would let a question through unchecked."""
    with session_scope(ctx.sessions) as session:
        grants = ctx.access.grants_for(session, user)  # type: ignore[attr-defined]
    return RequestScope(f"ask:{uuid.uuid4().hex}", "event", "ask", user_id=user, channel_id=channel, grants=grants)


def _pick_job(ctx: AppContext, body: dict[str, Any], respond: Any, client: Any) -> None:
    """A clicked clarifying/correcting button: answer the reading it carries."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    root = message.get("thread_ts") or container.get("thread_ts") or message.get("ts") or container.get("message_ts")
    user = (body.get("user") or {}).get("id")
    try:
        reading = _reading(body)
        with ctx.compute, session_scope(ctx.sessions) as session:
            reply = reply_to(session, ctx.org, reading, user_id=user)
            if reply.state is not None and channel and root and not container.get("is_ephemeral"):
                save_thread(session, channel, root, json.dumps(reply.state), user)
        _send(reply, respond, client, channel, None if container.get("is_ephemeral") else root)
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error: the same pipeline
        report(exc, respond, "conversation pick")


def _reading(body: dict[str, Any]) -> Reading:
    """The reading a clarifying/correcting button carries (``{"r": state, "q": text}``, written by
    ``bot.views``). Raises: UsageError when the value is not one (changed on the way, or old)."""
    stale = "That button no longer carries a question I can read; please ask again."
    value = payload.json_object(payload.action(body).get("value"), stale)
    try:
        reading = Reading.from_state(value["r"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UsageError(stale) from None
    reading.text = str(value.get("q") or "")
    return reading


def _send(reply: Reply, respond: Any, client: Any, channel: str | None, root: str | None) -> None:
    if channel and root:
        client.chat_postMessage(channel=channel, thread_ts=root, blocks=reply.blocks, text=reply.text)
    else:
        respond(blocks=reply.blocks, text=reply.text, response_type="ephemeral", replace_original=False)


def _logged(exc: Exception) -> str:
    # bot.failures: a typed error's message, the data store down (issue 14), else a reference
    return user_message(exc, "conversation work")


def _post_error(exc: Exception, client: Any, channel: str, root: str) -> None:
    message = _logged(exc)
    try:
        client.chat_postMessage(channel=channel, thread_ts=root, text=message)
    except Exception:  # noqa: BLE001 - reporting must not raise another error
        log.warning("could not post the error reply")
