"""Slack side effects shared by the idea and PDSA listeners: post/refresh the idea card in the
clinic's improvement channel and direct-message a person. Runs after ``ack()``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.ideas import service
from bot.ideas.clinics import improvement_channel
from bot.phi_guard import Guard
from bot.staff_names import guard_for
from bot.views.ideas import idea_message, status_dm
from storage.db import session_scope

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)


def patterns(ctx: AppContext) -> Guard:
    """The organisation's identifier guard: ``phi_patterns`` and the staff names it knows
    (provider table, ``phi_known_names``); see ``bot.staff_names``."""
    return guard_for(ctx.org, ctx.sessions)


def dm(client: WebClient, user_id: str, text: str, blocks: list[dict] | None = None) -> None:
    """conversations.open + chat.postMessage to ``user_id``."""
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def post_card(client: WebClient, ctx: AppContext, card: service.IdeaCard) -> str | None:
    """Post a new idea to its clinic's improvement channel; returns the channel or None when
    the clinic has none. Named ideas remember the message (channel, ts) for later refreshes."""
    channel = improvement_channel(ctx.org, card.clinic_key)
    if channel is None:
        return None
    blocks, text = idea_message(card)
    resp = client.chat_postMessage(channel=channel, text=text, blocks=blocks, unfurl_links=False)
    if not card.anonymous:
        with session_scope(ctx.sessions) as session:
            service.record_post(session, card.id, channel, resp["ts"])
    return channel


def refresh_card(client: WebClient, card: service.IdeaCard, where: tuple[str, str] | None) -> None:
    """chat.update the idea card at ``where`` (channel, ts), else at its stored post, if any."""
    channel, ts = where or (card.channel_id, card.message_ts)
    if not channel or not ts:
        return
    blocks, text = idea_message(card)
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as exc:  # the card may be gone; the move itself is stored
        log.warning("could not refresh idea card %s: %s", card.id, exc.response.get("error"))


def after_move(client: WebClient, change: service.StateChanged, actor: str,
               where: tuple[str, str] | None = None) -> None:
    """Refresh the card and DM a named submitter (never an anonymous one: there is no one)."""
    refresh_card(client, change.card, where)
    submitter = change.card.submitter_user_id
    if submitter and not change.card.anonymous:
        text = status_dm(change.card, change.from_state, change.to_state, actor, change.reason)
        try:
            dm(client, submitter, text)
        except SlackApiError as exc:
            log.warning("could not DM the submitter of idea %s: %s", change.card.id,
                        exc.response.get("error"))
