"""``/kpi`` listeners: the slash command and its "Share to channel" / "Show chart" buttons.

Each listener acks and hands its work to ``ctx.workers``; nothing else, so it runs on the
request thread (``runs_inline``: no listener-thread hand-off before the acknowledgement). A
worker computes in one DB session (``session_scope``) while holding a ``ctx.compute`` slot (CPU
and the GIL are shared with the acknowledgements), then answers via ``respond`` (the
``response_url``, ephemeral) or uploads the chart, slot released: a slow Slack holds a worker
thread, not a compute slot.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

from bot.errors import OpsBotError, UsageError
from bot.ids import Action, Command
from bot.listener_runner import runs_inline
from bot.services.conversation import converse
from bot.services.kpi import kpi_answer
from bot.services.lookahead import lookahead_reply
from bot.slack_errors import explain, respond_or_tell
from bot.views import kpi as views
from storage.db import session_scope

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import AppContext

log = logging.getLogger(__name__)


def _question(body: dict[str, Any]) -> str:
    try:
        return str(json.loads(body["actions"][0]["value"])["q"])
    except (KeyError, IndexError, ValueError, TypeError):
        return ""


def _channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def register(app: "App", ctx: "AppContext") -> None:
    import bot.spc  # noqa: F401  (scipy/numpy load at start-up, not inside the first answer)

    @app.command(Command.KPI.value)
    @runs_inline
    def on_kpi(ack, command, respond, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        ctx.workers.submit(_answer_job, ctx, command.get("text") or "", command.get("user_id"), respond, client)

    @app.action(Action.KPI_SHARE.value)
    @runs_inline
    def on_share(ack, body, respond, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        ctx.workers.submit(_share_job, ctx, _question(body), _channel(body), (body.get("user") or {}).get("id"),
                           respond, client)

    @app.action(Action.KPI_CHART.value)
    @runs_inline
    def on_chart(ack, body, respond, client) -> None:  # type: ignore[no-untyped-def]
        ack()
        ctx.workers.submit(_chart_job, ctx, _question(body), _channel(body), respond, client,
                           (body.get("user") or {}).get("id"))


def _answer_job(ctx: "AppContext", text: str, user: str | None, respond: Any, client: Any = None) -> None:
    """Compute and send one ``/kpi`` answer (worker thread): look-ahead questions first (issue 20,
    :mod:`bot.services.lookahead`; the high-risk list goes to the asker's DM, never the channel),
    then the grammar, else plain language (issue 18). Errors become a reply."""
    try:
        with ctx.compute, session_scope(ctx.sessions) as session:
            ahead = lookahead_reply(session, ctx.org, text)
            if ahead is None:
                reply = converse(session, ctx.org, text, user_id=user)
                blocks, fallback = reply.blocks, reply.text
            else:
                blocks, fallback = ahead.ephemeral
        if ahead is not None and ahead.dm is not None:
            if client is None or not user:
                raise UsageError("The high-risk list is sent by direct message; I could not tell who asked.")
            dm_blocks, dm_text = ahead.dm
            client.chat_postMessage(channel=user, blocks=dm_blocks, text=dm_text)
        respond(blocks=blocks, text=fallback, response_type="ephemeral", replace_original=False)
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error; report with a reference
        _report(exc, respond)


def _share_job(ctx: "AppContext", question: str, channel: str | None, user: str | None, respond: Any,
               client: Any) -> None:
    """Post the same answer (without buttons) in the channel (worker thread)."""
    try:
        with ctx.compute:
            with session_scope(ctx.sessions) as session:
                result = kpi_answer(session, ctx.org, question)
            blocks, text = views.render_answer(result, interactive=False, shared_by=user)
        client.chat_postMessage(channel=channel, blocks=blocks, text=text)
        respond_or_tell(respond, client, channel, user, "Shared to the channel.")
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error
        _report(exc, respond, channel, user, client, "share a KPI answer")


def _report(exc: Exception, respond: Any, channel: str | None = None, user: str | None = None,
            client: Any = None, doing: str = "answer") -> None:
    """Tell the user what went wrong: a typed error's message, Slack's expected refusals in plain
    words (``bot.slack_errors``, logged at WARNING), anything else with a reference (ERROR)."""
    words = explain(exc, channel, doing)
    if isinstance(exc, OpsBotError):
        message = exc.user_message
    elif words is not None:
        message = words
    else:
        ref = uuid.uuid4().hex[:8]
        log.exception("kpi work failed ref=%s", ref)
        message = f"Sorry, something went wrong on our side (ref {ref})."
    try:
        respond_or_tell(respond, client, channel, user, message)
    except Exception:  # noqa: BLE001 - reporting must not raise another error
        log.warning("could not send the error reply")


def _chart_job(ctx: "AppContext", question: str, channel: str | None, respond: Any, client: Any,
               user: str | None = None) -> None:
    """Render the KPI's SPC chart and upload it (worker thread). Errors become a reply."""
    try:
        from bot.charts import render_chart_png

        with ctx.compute:
            with session_scope(ctx.sessions) as session:
                result = kpi_answer(session, ctx.org, question)
            png = None
            if result.spc is not None and result.spc.chart is not None:
                target = None
                if result.status is not None:
                    target = result.status.target.max if result.status.target.max is not None else result.status.target.min
                png = render_chart_png(result.spc.chart, title=f"{result.kpi.name} · {result.scope.label}",
                                       labels=result.spc.labels, unit=result.kpi.unit, target=target)
        if png is None:
            respond(text="No chart for this answer: there is no trend to draw.", response_type="ephemeral",
                    replace_original=False)
            return
        client.files_upload_v2(channel=channel, file=png, filename=f"{result.kpi.id}.png",
                               title=f"{result.kpi.name} ({result.period.label})",
                               initial_comment=f"{result.kpi.name} · {result.scope.label} · {result.period.label}")
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error
        _report(exc, respond, channel, user, client, "post a KPI chart")
