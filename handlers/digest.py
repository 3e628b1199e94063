"""``/digest`` listener: ack at once, then run the command on the worker pool in one session
and answer ephemerally through ``respond`` (the response_url; previews included). The work is
durable (``bot.replies``): if this process dies before answering, another one answers."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from bot.digest.service import digest_reply, list_page
from bot.failures import report
from bot.ids import Action, Command
from bot.phi_guard import GuardLike, echo_or
from bot.replies import owed_id
from bot.staff_names import guard_for
from core.text import record_id
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext

log = logging.getLogger(__name__)


def register(app: App, ctx: AppContext) -> None:
    replies = ctx.replies
    assert replies is not None
    # durable (issue 14): re-running a /digest command is harmless (subscribe and unsubscribe
    # leave the same subscription when repeated; previews and lists only read)
    replies.declare(f"command:{Command.DIGEST.value}", "digest.command",
                    lambda body: _work(body, guard_for(ctx.org, ctx.sessions)),
                    lambda p, respond, client: _run(ctx, p["text"], p["channel_id"], p["user_id"], respond))

    @app.command(Command.DIGEST.value)
    def on_digest(ack, command, respond, client, context) -> None:  # type: ignore[no-untyped-def]
        ack()
        replies.submit(ctx.workers, owed_id(context), "digest.command",
                       _work(command, guard_for(ctx.org, ctx.sessions)), respond, client)

    @app.action(re.compile(rf"^{Action.DIGEST_LIST_PAGE}:(prev|next)$"))
    def on_list_page(ack, action, respond) -> None:  # type: ignore[no-untyped-def]
        """Previous / Next on a long ``/digest list``: the same ephemeral message shows that page."""
        ack()
        page = record_id(action.get("value")) or 1  # "①" or 23 digits: the first page, not a crash
        ctx.workers.submit(_page, ctx, page, respond)


def _work(body: dict[str, Any], guard: GuardLike = ()) -> dict[str, Any]:
    """The work a ``/digest`` command owes; ``asked`` as in ``handlers.kpi._command_work``."""
    text = str(body.get("text") or "")
    return {"text": text, "channel_id": str(body.get("channel_id") or ""), "user_id": body.get("user_id"),
            "team_id": body.get("team_id"), "response_url": body.get("response_url"),
            "asked": echo_or(f"/digest {text}"[:200], "/digest …", guard)}


def _page(ctx: AppContext, page: int, respond: Any) -> None:
    with session_scope(ctx.sessions) as session:
        blocks, text = list_page(session, ctx.org, utcnow(), page)
    respond(blocks=blocks, text=text, response_type="ephemeral", replace_original=True)


def _run(ctx: AppContext, text: str, channel: str, user: str | None, respond: Any) -> None:
    """One ``/digest`` command (worker thread; errors become an ephemeral reply with a reference)."""
    try:
        with session_scope(ctx.sessions) as session:
            replies = digest_reply(session, ctx.org, ctx.org.alerts, text, channel, user, utcnow())
        for blocks, fallback in replies:
            respond(blocks=blocks, text=fallback, response_type="ephemeral", replace_original=False)
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error: report here
        report(exc, respond, "/digest")
