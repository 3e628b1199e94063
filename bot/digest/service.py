"""``/digest`` command text in, ephemeral replies out (no Slack client, no HTTP): the listener
(``handlers.digest``) and local tools call :func:`digest_reply` in one session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.alerts.config import AlertSettings
from bot.digest import subscriptions as subs
from bot.digest.commands import DIGEST_HELP, DigestRequest, parse_digest
from bot.digest.config import digest_settings
from bot.digest.run import build
from bot.digest.schedule import format_local
from bot.errors import UsageError
from bot.ids import Action
from bot.orgconfig import OrgConfig
from bot.views.bounded import page_of
from bot.views.notices import text_section
from core.text import name_list
from storage.models import DigestSubscription

Reply = tuple[list[dict[str, Any]], str]  # (blocks, text)
MAX_REPLIES = 5  # a response_url takes up to 5 replies (slack.md)


def _text(text: str) -> Reply:
    return [text_section(text)], text


def describe(view: subs.SubscriptionView) -> str:
    nxt = format_local(view.next_at, view.timezone) if view.next_at else "none in the next month"
    empty = "skips empty days" if view.skip_when_empty else "posts even when empty"
    return (f"<#{view.channel}>: {name_list(view.clinic_keys, 300)} at {view.local_time} {view.days} "
            f"({view.timezone}; {empty}) — next: *{nxt}*")


LIST_TITLE = "*Digest subscriptions* (next run in each clinic's local time)"


def list_page(session: Session, org: OrgConfig, now: datetime, page: int = 1) -> Reply:
    """Page ``page`` of ``/digest list`` (every subscription; long lists page with buttons)."""
    views = subs.list_subscriptions(session, org, now)
    if not views:
        return _text("No channel has a digest yet. Try `/digest subscribe <clinic> at 07:30`.")
    lines = [f"• {describe(v)}" for v in views]
    return page_of(LIST_TITLE, lines, page, Action.DIGEST_LIST_PAGE), f"{len(views)} digest subscriptions"


def digest_reply(session: Session, org: OrgConfig, alerts: AlertSettings, text: str, channel: str,
                 user: str | None, now: datetime) -> list[Reply]:
    """The replies to ``/digest <text>`` typed in ``channel`` (at most 5).

    Raises:
        UsageError: bad input or an unknown clinic (the message says what to type instead).
    """
    req = parse_digest(text)
    if req.verb == "help":
        return [_text(DIGEST_HELP)]
    if req.verb == "subscribe":
        subs.subscribe(session, org, channel, req, user, now)
        view = next(v for v in subs.list_subscriptions(session, org, now) if v.channel == channel)
        return [_text(f":white_check_mark: Daily digest set up. {describe(view)}")]
    if req.verb == "unsubscribe":
        left = subs.unsubscribe(session, org, channel, req.clinics)
        return [_text(f"Done. This channel's digest now covers {', '.join(left)}." if left
                      else "Done. This channel gets no digest any more.")]
    if req.verb == "list":
        return [list_page(session, org, now)]
    return _preview(session, org, alerts, req, channel, now)


def _preview(session: Session, org: OrgConfig, alerts: AlertSettings, req: DigestRequest, channel: str,
             now: datetime) -> list[Reply]:
    sub = subs.get_subscription(session, channel)
    if req.clinics or sub is None:
        clinics = subs.resolve_clinics(session, org, req.clinics, channel)
        if not clinics:
            raise UsageError("Which clinic? e.g. `/digest preview north`.")
        sub = DigestSubscription(channel_id=channel, clinic_keys=[c.key for c in clinics],
                                 timezone=clinics[0].timezone or "UTC", local_time="07:30", days="daily",
                                 skip_when_empty=False)
    _, message = build(session, org, alerts, digest_settings(org), sub, now, preview=True)
    replies = list(zip(message.parts, message.texts, strict=True))
    if len(replies) > MAX_REPLIES:
        replies = replies[: MAX_REPLIES - 1] + [_text(f"… {len(replies) - MAX_REPLIES + 1} more parts; "
                                                      "the posted digest has them all in its thread.")]
    return replies
