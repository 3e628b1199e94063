"""``/kpi`` listeners: the slash command and its "Share to channel" / "Show chart" buttons.

Each listener acks and hands its work to ``ctx.workers``; nothing else, so it runs on the
request thread (``runs_inline``: no listener-thread hand-off before the acknowledgement). A
worker computes in one DB session (``session_scope``) while holding a ``ctx.compute`` slot (CPU
and the GIL are shared with the acknowledgements), then answers via ``respond`` (the
``response_url``, ephemeral) or uploads the chart, slot released: a slow Slack holds a worker
thread, not a compute slot.

The work is durable (issue 14, ``bot.replies``): the guard records it before the ack, and if this
process dies before replying another one (or this one, restarted) answers.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from bot.errors import OpsBotError, UsageError
from bot.failures import user_message
from bot.ideas.cycle_chart import chart_with_cycles
from bot.ids import Action, Command
from bot.phi_guard import GuardLike, echo_or
from bot.replies import owed_id
from bot.services.conversation import converse
from bot.services.kpi import kpi_answer
from bot.services.lookahead import lookahead_reply
from bot.slack.api_errors import explain, respond_or_tell
from bot.slack.listener_runner import runs_inline
from bot.staff_names import guard_for
from bot.views import kpi as views
from storage.db import session_scope

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.context import AppContext

log = logging.getLogger(__name__)


def _question(body: dict[str, Any]) -> str:
    try:
        return str(json.loads(body["actions"][0]["value"])["q"])
    except (KeyError, IndexError, ValueError, TypeError):
        return ""


def _channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")


def _asker(body: dict[str, Any]) -> dict[str, Any]:
    """What every owed KPI reply needs to reach the person again (bot.replies)."""
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return {"response_url": body.get("response_url"), "user_id": user, "team_id": team}


def _command_work(body: dict[str, Any], guard: GuardLike = ()) -> dict[str, Any]:
    """The work a ``/kpi`` command owes; ``asked`` (quoted in a late reply) passes the identifier
    guard and ``guard`` (the organisation's own ``phi_patterns``), else it is "/kpi …"."""
    text = str(body.get("text") or "")
    return {**_asker(body), "text": text, "asked": echo_or(f"/kpi {text}"[:200], "/kpi …", guard)}


def _button_work(body: dict[str, Any]) -> dict[str, Any]:
    return {**_asker(body), "question": _question(body), "channel": _channel(body)}


def register(app: App, ctx: AppContext) -> None:
    import bot.spc  # noqa: F401  (scipy/numpy load at start-up, not inside the first answer)

    replies = ctx.replies
    assert replies is not None
    replies.declare(f"command:{Command.KPI.value}", "kpi.answer",
                    lambda body: _command_work(body, guard_for(ctx.org, ctx.sessions)),
                    lambda p, respond, client: _answer_job(ctx, p["text"], p["user_id"], respond, client))
    replies.declare(f"action:{Action.KPI_SHARE.value}", "kpi.share", _button_work,
                    lambda p, respond, client: _share_job(ctx, p["question"], p["channel"], p["user_id"],
                                                          respond, client))
    replies.declare(f"action:{Action.KPI_CHART.value}", "kpi.chart", _button_work,
                    lambda p, respond, client: _chart_job(ctx, p["question"], p["channel"], respond, client,
                                                          p["user_id"]))

    @app.command(Command.KPI.value)
    @runs_inline
    def on_kpi(ack, command, respond, client, context) -> None:  # type: ignore[no-untyped-def]
        ack()
        replies.submit(ctx.workers, owed_id(context), "kpi.answer",
                       _command_work(command, guard_for(ctx.org, ctx.sessions)), respond, client)

    @app.action(Action.KPI_SHARE.value)
    @runs_inline
    def on_share(ack, body, respond, client, context) -> None:  # type: ignore[no-untyped-def]
        ack()
        replies.submit(ctx.workers, owed_id(context), "kpi.share", _button_work(body), respond, client)

    @app.action(Action.KPI_CHART.value)
    @runs_inline
    def on_chart(ack, body, respond, client, context) -> None:  # type: ignore[no-untyped-def]
        ack()
        replies.submit(ctx.workers, owed_id(context), "kpi.chart", _button_work(body), respond, client)


def _answer_job(ctx: AppContext, text: str, user: str | None, respond: Any, client: Any = None) -> None:
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


def _share_job(ctx: AppContext, question: str, channel: str | None, user: str | None, respond: Any,
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
    words (``bot.slack.api_errors``, logged at WARNING), the data store being down (issue 14), anything
    else with a reference (ERROR) — ``bot.failures.user_message``."""
    words = explain(exc, channel, doing)
    message = words if words is not None and not isinstance(exc, OpsBotError) else user_message(exc, "kpi work")
    try:
        respond_or_tell(respond, client, channel, user, message)
    except Exception:  # noqa: BLE001 - reporting must not raise another error
        log.warning("could not send the error reply")


def _chart_job(ctx: AppContext, question: str, channel: str | None, respond: Any, client: Any,
               user: str | None = None) -> None:
    """Render the KPI's SPC chart and upload it (worker thread). Errors become a reply."""
    try:
        from bot.views.chart_png import render_chart_png

        with ctx.compute:
            with session_scope(ctx.sessions) as session:
                result = kpi_answer(session, ctx.org, question)
                drawn = chart_with_cycles(session, result)  # issue 19: PDSA cycles on the chart
            png = None
            if drawn is not None and result.spc is not None:
                target = None
                if result.status is not None:
                    target = result.status.target.max if result.status.target.max is not None else result.status.target.min
                png = render_chart_png(drawn[0], title=f"{result.kpi.name} · {result.scope.label}",
                                       labels=result.spc.labels, unit=result.kpi.unit, target=target,
                                       marks=drawn[1])
        if png is None:
            respond(text="No chart for this answer: there is no trend to draw.", response_type="ephemeral",
                    replace_original=False)
            return
        client.files_upload_v2(channel=channel, file=png, filename=f"{result.kpi.id}.png",
                               title=f"{result.kpi.name} ({result.period.name})",
                               initial_comment=f"{result.kpi.name} · {result.scope.label} · {result.period.name}")
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error
        _report(exc, respond, channel, user, client, "post a KPI chart")
