"""Alert message buttons (Acknowledge, Snooze…, Assign, Mark done, Not useful) and the snooze
modal. Listeners ack first, call ``bot.alerts.actions`` in one session, then send the queued
in-place update through the delivery log on the worker pool (never on the ack path)."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.alerts import actions
from bot.delivery import deliver_pending, make_delivery_client
from bot.errors import OpsBotError, UsageError
from bot.failures import report
from bot.ids import Action, Callback
from bot.phi_guard import check_fields, describe
from bot.services.alerts import incident_target, mark_done
from bot.slack import payload
from bot.staff_names import guard_for
from bot.text import require_id
from bot.views import alerts as views
from core.text import record_id
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)


def _incident_id(body: dict[str, Any]) -> int:
    action = payload.action(body)
    value = action.get("value") or str(action.get("block_id") or "").rpartition(":")[2]
    found = record_id(value)
    if found is None:
        raise UsageError("That button is not attached to an alert.")
    return found


def register(app: App, ctx: AppContext) -> None:
    token, base = ctx.settings.secret("slack_bot_token"), ctx.settings.slack_api_url

    def send(keys: list[str], client: WebClient | None) -> None:
        # the request's client carries this workspace's token (OAuth installs have no
        # SLACK_BOT_TOKEN); the delivery client is a retry-free copy of it
        if keys:
            own = getattr(client, "token", None) or token
            ctx.workers.submit(_send_now, ctx, make_delivery_client(own, base), keys)

    def act(respond: Respond, fn: Any, client: WebClient | None) -> None:
        """Run one action in its own session; a typed error becomes an ephemeral reply."""
        try:
            with session_scope(ctx.sessions) as s:
                keys = fn(s)
        except OpsBotError as exc:  # the pipeline's words and log level, ephemerally
            report(exc, respond, "alert action")
            return
        send(keys, client)

    @app.action(Action.ALERT_ACK)
    def on_ack(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        iid, user, now = _incident_id(body), body["user"]["id"], utcnow()
        act(respond, lambda s: actions.acknowledge(s, iid, user, now, incident_target(s, ctx.org, iid)), client)

    @app.action(Action.ALERT_ASSIGN)
    def on_assign(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        iid, user, now = _incident_id(body), body["user"]["id"], utcnow()
        assignee = payload.action(body).get("selected_user")
        if not assignee:
            return
        assignee = payload.user_id(assignee)
        act(respond, lambda s: actions.assign(s, iid, user, assignee, now, incident_target(s, ctx.org, iid)), client)

    @app.action(Action.ALERT_NOT_USEFUL)
    def on_not_useful(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        iid, user, now = _incident_id(body), body["user"]["id"], utcnow()
        act(respond, lambda s: actions.not_useful(s, iid, user, now), client)
        respond(text="Thanks — noted. Your vote is recorded against this alert.",
                response_type="ephemeral", replace_original=False)

    @app.action(Action.ALERT_MARK_DONE)
    def on_mark_done(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        iid, user, now = _incident_id(body), body["user"]["id"], utcnow()
        act(respond, lambda s: mark_done(s, ctx.org, iid, user, now), client)

    @app.action(Action.ALERT_SNOOZE)
    def on_snooze(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        iid = _incident_id(body)
        try:
            with session_scope(ctx.sessions) as s:
                inc = actions.get_active(s, iid)
                title, today = inc.title, incident_target(s, ctx.org, iid).local(utcnow()).date()
        except OpsBotError as exc:
            report(exc, respond, "alert snooze")
            return
        client.views_open(trigger_id=body["trigger_id"], view=views.snooze_modal(iid, title, today))

    @app.view(Callback.ALERT_SNOOZE_MODAL)
    def on_snooze_submit(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        iid, user, now = require_id(view.get("private_metadata"), "alert"), body["user"]["id"], utcnow()
        choice = payload.state_value(view, views.SNOOZE_DURATION_BLOCK, views.SNOOZE_DURATION) or ""
        picked = payload.iso_date(payload.state_value(view, views.SNOOZE_DATE_BLOCK, views.SNOOZE_DATE),
                                  views.SNOOZE_DATE_BLOCK)
        reason = payload.state_value(view, views.SNOOZE_REASON_BLOCK, views.SNOOZE_REASON) or ""
        with session_scope(ctx.sessions) as s:
            t = incident_target(s, ctx.org, iid)  # a UsageError here goes to the modal through the error pipeline
        try:
            until_local = actions.snooze_until(choice, picked if choice == "date" else None, t.local(now))
        except UsageError as exc:
            block = views.SNOOZE_DATE_BLOCK if choice == "date" else views.SNOOZE_DURATION_BLOCK
            ack(response_action="errors", errors={block: exc.user_message[:300]})
            return
        if not reason.strip():
            ack(response_action="errors", errors={views.SNOOZE_REASON_BLOCK: "Please give a reason."})
            return
        hits = check_fields({"snooze reason": reason}, guard_for(ctx.org, ctx.sessions))
        if hits:  # refused in the modal: nothing stored, posted or logged
            ack(response_action="errors",
                errors={views.SNOOZE_REASON_BLOCK: describe(hits["snooze reason"], "snooze reason")})
            return
        ack()
        until = until_local.astimezone(UTC).replace(tzinfo=None)
        try:
            with session_scope(ctx.sessions) as s:
                keys = actions.snooze(s, iid, user, until, reason, now, t, guard_for(ctx.org, ctx.sessions))
        except OpsBotError as exc:  # acknowledged already: the modal is closed (e.g. resolved meanwhile)
            log.info("snooze refused: %s", type(exc).__name__)
            return
        send(keys, client)


def _send_now(ctx: AppContext, client: WebClient, keys: list[str]) -> None:
    try:
        deliver_pending(ctx.sessions, client, keys=keys)
    except Exception:  # noqa: BLE001 - the scheduler's sweep retries whatever is left pending
        log.exception("immediate delivery of %s failed; left for the delivery sweep", keys)
