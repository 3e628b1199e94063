"""``/idea``, the idea form, the message shortcut and the idea-card buttons.

Listeners translate Slack payloads into ``bot.ideas`` calls and render with ``bot.views.ideas``.
Modal submissions are validated (form rules, patient-identifier guard, duplicates) before
``ack`` so refusals come back as ``response_action="errors"``; Slack posts and DMs follow ``ack``.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import FieldError, UsageError
from bot.failures import report
from bot.ideas import service
from bot.ideas.clinics import clinic_choices, improvement_channel, listed_clinic
from bot.ideas.commands import IDEA_HELP, parse_idea
from bot.ideas.kpis import kpi_choices
from bot.ideas.similar import find_similar
from bot.ideas.states import CLOSING, IdeaState
from bot.ids import Action, Callback, Command
from bot.phi_guard import IdentifiersFound, check_fields, describe, not_echoed
from bot.replies import owed_id
from bot.slack import payload
from bot.slack.api_errors import error_code, explain
from bot.text import require_id
from bot.views import ideas as views
from core.text import fold
from handlers.idea_notify import after_move, patterns, post_card
from storage.db import session_scope
from storage.models import utcnow

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)
FORM_BLOCK = {"title": views.IdeaField.TITLE, "problem": views.IdeaField.PROBLEM,
              "proposed_change": views.IdeaField.CHANGE, "category": views.IdeaField.CATEGORY,
              "clinic_key": views.IdeaField.CLINIC, "kpi_id": views.IdeaField.KPI}


def open_form(client: WebClient, ctx: AppContext, trigger_id: str, values: dict[str, Any] | None = None,
              typed_by: str = "The text you typed") -> None:
    """Open the idea form, prefilled with ``values`` only when the identifier guard finds nothing
    in them: text typed after ``/idea`` (or a message's text) would otherwise go back to Slack
    unchecked. With a finding the form opens empty and says which kind was found (never the value).
    """
    notice = None
    if values:
        hits = check_fields(values, patterns(ctx))
        if hits:
            found = [f for fs in hits.values() for f in fs]
            values, notice = None, not_echoed(found, typed_by, "it was not copied into the form")
    with session_scope(ctx.sessions) as session:
        clinics = clinic_choices(session, ctx.org)
    client.views_open(trigger_id=trigger_id, view=views.idea_form(clinics, kpi_choices(), values=values,
                                                                  notice=notice))


def form_errors(values: dict[str, Any], ctx: AppContext) -> tuple[service.IdeaDraft | None, dict[str, str]]:
    """The draft, or ``{block_id: message}`` for the fields Slack should mark."""
    hits = check_fields({k: values[k] for k in ("title", "problem", "proposed_change")}, patterns(ctx))
    if hits:
        return None, {str(views.FIELD_OF[k]): describe(v, k) for k, v in hits.items()}
    try:
        return service.IdeaDraft(**values), {}
    except ValidationError as exc:
        errors = {}
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "title"
            errors[str(FORM_BLOCK.get(field, views.IdeaField.TITLE))] = err["msg"].removeprefix("Value error, ")
        return None, errors


def _state(value: object) -> IdeaState:
    """The idea state a status button or the status modal's metadata names. Raises: UsageError."""
    try:
        return IdeaState(value if isinstance(value, str) else "")
    except ValueError:
        raise UsageError(payload.STALE_BUTTON) from None


def _where(value: object) -> tuple[str, str] | None:
    """The (channel, ts) of the card a status modal was opened from, when the metadata holds one."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) and v for v in value):
        return (value[0], value[1])
    return None


def _field(body: dict[str, Any], key: str, sub: str) -> Any:
    value = body.get(key)
    return value.get(sub) if isinstance(value, dict) else None


def upvote_work(body: dict[str, Any]) -> dict[str, Any]:
    """What an upvote click needs, also after a crash (``bot.replies``)."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    return {"idea": action.get("value"), "user_id": _field(body, "user", "id"), "team_id": _field(body, "team", "id"),
            "response_url": body.get("response_url"), "channel_id": _field(body, "container", "channel_id"),
            "message_ts": _field(body, "container", "message_ts"),
            "ephemeral": bool(_field(body, "container", "is_ephemeral"))}


def _upvote(ctx: AppContext, p: dict[str, Any], respond: Any, client: WebClient) -> None:
    """Add the vote and refresh the card (worker thread); errors become a reply."""
    try:
        with session_scope(ctx.sessions) as s:
            added, card = service.upvote(s, require_id(p.get("idea"), "idea"), p["user_id"], utcnow())
        if not added:
            respond(text=f"You have already upvoted idea #{card.id}.", response_type="ephemeral",
                    replace_original=False)
            return
        blocks, text = views.idea_message(card)
        if p.get("ephemeral") or not p.get("channel_id"):
            respond(blocks=blocks, text=text, replace_original=True)
        else:
            client.chat_update(channel=p["channel_id"], ts=p["message_ts"], text=text, blocks=blocks)
    except Exception as exc:  # noqa: BLE001 - a worker has no @app.error: report here
        report(exc, respond, "idea upvote")


def register(app: App, ctx: AppContext) -> None:
    @app.command(Command.IDEA)
    def on_idea(ack: Ack, command: dict, client: WebClient, respond: Respond) -> None:
        ack()
        req = parse_idea(command.get("text") or "")
        user, now = command["user_id"], utcnow()
        if req.verb == "open":
            open_form(client, ctx, command["trigger_id"], {"title": req.title} if req.title else None,
                      "The text after /idea")
        elif req.verb == "help":
            respond(blocks=views.help_blocks(IDEA_HELP), text="How to use /idea", response_type="ephemeral")
        elif req.verb == "show":
            assert req.idea_id is not None  # parse_idea refuses "show" without an id
            with session_scope(ctx.sessions) as s:
                card = service.get_card(s, req.idea_id, now)
                lines = views.history_lines(service.history(s, req.idea_id))
            blocks, text = views.idea_detail(card, lines)
            respond(blocks=blocks, text=text, response_type="ephemeral")
        elif req.verb == "list":
            with session_scope(ctx.sessions) as s:
                clinic = listed_clinic(s, ctx.org, req.clinic, state_given=req.state is not None)  # unknown: UsageError
                cards = service.list_cards(s, now, clinic_key=clinic.key if clinic else None,
                                           states=[req.state] if req.state else None)
            heading = "Ideas" + (f" at {clinic.name}" if clinic else "") + (
                f" ({req.state.label})" if req.state else "")
            for blocks in views.idea_list(cards, heading)[:5]:  # response_url takes 5 replies
                respond(blocks=blocks, text=heading, response_type="ephemeral", replace_original=False)
        elif req.verb == "status":
            assert req.idea_id is not None and req.state is not None  # parse_idea refuses "status" without them
            with session_scope(ctx.sessions) as s:
                change = service.change_state(s, req.idea_id, req.state, user, now, reason=req.reason,
                                              patterns=patterns(ctx))
            after_move(client, change, user)
            respond(text=f"Idea #{req.idea_id} is now {change.to_state.label}.", response_type="ephemeral")

    @app.view(Callback.IDEA_SUBMIT)
    def on_submit(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        values, user, now = views.read_idea_form(view), body["user"]["id"], utcnow()
        meta = payload.metadata(view)
        draft, errors = form_errors(values, ctx)
        if errors or draft is None:
            ack(response_action="errors", errors=errors)
            return
        with session_scope(ctx.sessions) as s:
            if meta.get("checked") != fold(draft.title):
                similar = find_similar(s, draft.title, draft.clinic_key)
                if similar:
                    form = views.idea_form(clinic_choices(s, ctx.org), kpi_choices(), values=values,
                                           similar=similar, metadata={**meta, "checked": fold(draft.title)})
                    ack(response_action="update", view=form)
                    return
            try:
                card = service.submit_idea(s, ctx.org, draft, user, now, patterns(ctx))
            except UsageError as exc:  # unknown clinic
                ack(response_action="errors", errors={str(views.IdeaField.CLINIC): exc.user_message})
                return
        channel = improvement_channel(ctx.org, card.clinic_key)
        anon = " It was stored without your name." if card.anonymous else ""
        saved = f"Idea *#{card.id}* saved.{anon}"
        if channel is None:
            ack(response_action="update", view=views.notice_view("Idea saved", (
                f"{saved} No improvement channel is configured for {card.clinic_name or 'this clinic'}, so it "
                "was not posted to a channel (set `channels.improvement` in the org config).")))
            return
        # the modal says only what has happened: "posting…" now, the outcome once Slack answered
        ack(response_action="update", view=views.notice_view("Idea saved", f"{saved} Posting it in <#{channel}>…"))
        _post_and_tell(client, ctx, card, channel, saved, body)

    @app.shortcut(Callback.IDEA_FROM_MESSAGE)
    def on_shortcut(ack: Ack, shortcut: dict, client: WebClient) -> None:
        ack()
        text = (shortcut.get("message") or {}).get("text") or ""
        first = text.strip().splitlines()[0] if text.strip() else ""
        open_form(client, ctx, shortcut["trigger_id"], {"title": first[:150], "problem": text[:3000]},
                  "That message")

    @app.action(Action.HOME_NEW_IDEA)
    def on_home_new(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        open_form(client, ctx, body["trigger_id"])

    replies = ctx.replies
    assert replies is not None
    # durable (issue 14): an upvote is idempotent per person, so redoing it after a crash is safe
    replies.declare(f"action:{Action.IDEA_UPVOTE}", "idea.upvote", upvote_work,
                    lambda p, respond, client: _upvote(ctx, p, respond, client))

    @app.action(Action.IDEA_UPVOTE)
    def on_upvote(ack: Ack, body: dict, client: WebClient, respond: Respond, context: dict) -> None:
        ack()
        replies.submit(ctx.workers, owed_id(context), "idea.upvote", upvote_work(body), respond, client)

    @app.action(re.compile(rf"^{Action.IDEA_STATUS}:"))
    def on_status_button(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond) -> None:
        ack()
        target = _state(action["action_id"].split(":", 1)[1])
        idea_id, user, now = require_id(action.get("value"), "idea"), body["user"]["id"], utcnow()
        container = body.get("container") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        where = ((channel, ts) if container.get("type") == "message" and not container.get("is_ephemeral")
                 and channel and ts else None)
        with session_scope(ctx.sessions) as s:
            card = service.get_card(s, idea_id, now)
            if target in CLOSING or target is IdeaState.PLANNED:
                meta = {"idea_id": idea_id, "state": target.value, "where": where}
                client.views_open(trigger_id=body["trigger_id"], view=views.status_form(card, target, meta))
                return
            change = service.change_state(s, idea_id, target, user, now, patterns=patterns(ctx))
        after_move(client, change, user, where)

    @app.view(Callback.IDEA_STATUS_MODAL)
    def on_status_submit(ack: Ack, body: dict, view: dict, client: WebClient) -> None:
        meta = payload.metadata(view)
        user, now = body["user"]["id"], utcnow()
        reason = views.state_value(view, views.IdeaField.REASON)
        due = payload.iso_date(views.state_value(view, views.IdeaField.DUE), views.IdeaField.DUE, "due date")
        idea_id, target = require_id(meta.get("idea_id"), "idea"), _state(meta.get("state"))
        owner = views.state_value(view, views.IdeaField.OWNER)
        try:
            with session_scope(ctx.sessions) as s:
                change = service.change_state(
                    s, idea_id, target, user, now, reason=reason,
                    owner=payload.user_id(owner, views.IdeaField.OWNER) if owner else None,
                    due=due, patterns=patterns(ctx))
        except UsageError as exc:  # includes IdentifiersFound, a missing closing reason, a past due date
            field = exc.block_id if isinstance(exc, FieldError) and exc.block_id else (
                views.IdeaField.DUE if "due date" in exc.user_message else views.IdeaField.REASON)
            ack(response_action="errors", errors={str(field): exc.user_message[:300]})
            return
        ack()
        after_move(client, change, user, _where(meta.get("where")))

    @app.action(Action.IDEA_UPVOTE_INSTEAD)
    def on_upvote_instead(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        with session_scope(ctx.sessions) as s:
            added, card = service.upvote(s, require_id(action.get("value"), "idea"), body["user"]["id"], utcnow())
        note = "Your vote was added to" if added else "You had already upvoted"
        client.views_update(view_id=body["view"]["id"], view=views.notice_view(
            "Thanks", f"{note} idea *#{card.id}* ({card.votes} votes). Your draft was not saved."))

    @app.action(Action.IDEA_MERGE_INTO)
    def on_merge(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
        ack()
        values = views.read_idea_form(body["view"])
        values["title"] = values["title"] or "(untitled)"
        try:
            with session_scope(ctx.sessions) as s:
                card = service.merge_into(s, require_id(action.get("value"), "idea"), service.IdeaDraft(**values),
                                          body["user"]["id"], utcnow(), patterns(ctx))
        except (IdentifiersFound, ValidationError) as exc:
            msg = exc.user_message if isinstance(exc, IdentifiersFound) else "Fill in the form first."
            client.views_push(trigger_id=body["trigger_id"], view=views.notice_view("Not merged", msg))
            return
        client.views_update(view_id=body["view"]["id"], view=views.notice_view(
            "Merged", f"Your idea was added to *#{card.id}* as a comment ({card.votes} votes)."))


def _post_and_tell(client: WebClient, ctx: AppContext, card: Any, channel: str, saved: str, body: dict) -> None:
    """Post the idea card, then put the outcome in the modal (issue 13: never claim a post that
    did not happen). A refusal Slack explains (not invited, archived…) is told in plain words;
    when the modal is gone the submitter gets the outcome as a DM."""
    try:
        post_card(client, ctx, card)
        outcome = f"{saved} It is posted in <#{channel}> for upvotes."
    except SlackApiError as exc:
        words = explain(exc, channel, "post an idea") or f"Slack refused the post ({error_code(exc)})."
        outcome = (f"{saved} It was *not* posted in <#{channel}>: {words} "
                   f"The idea is kept and shows in `/idea list`.")
    try:
        client.views_update(view_id=(body.get("view") or {}).get("id"), view=views.notice_view(
            "Idea saved", outcome))
    except SlackApiError as exc:  # the person closed the modal: tell them in a DM instead
        log.info("idea %s: modal gone (%s); sending the outcome as a DM", card.id, error_code(exc))
        if not card.anonymous and card.submitter_user_id:
            client.chat_postMessage(channel=card.submitter_user_id, text=outcome.replace("*", ""))
