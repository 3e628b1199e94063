"""The alert about the bot itself: a delivery it cannot confirm, after a few failed searches.

A row whose earlier attempt may have landed is never re-sent blind; while the history search
cannot answer (a 429, a restricted ``conversations.history``, an error) it waits as
``unconfirmed`` — listed by ``opsbot alerts log --state unconfirmed`` and counted in the
``opsbot_deliveries{state="unconfirmed"}`` metric. After ``alert_after_checks`` failed searches
the bot says so once: a log line at ERROR and, when the row names a fallback user (the clinic's
owner), a direct message through the delivery log itself (key ``bot_health/unconfirmed/<key>``,
so it is sent once however many senders cross the limit).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.delivery.log import KEY_MAX, enqueue
from storage.db import session_scope

log = logging.getLogger("bot.delivery.health")
KIND = "bot_health"


def alert_key(key: str) -> str:
    head = f"{KIND}/unconfirmed/"
    if len(head) + len(key) <= KEY_MAX:
        return head + key
    return head + hashlib.sha256(key.encode()).hexdigest()


def raise_unconfirmed_alert(sessions: sessionmaker[Session], key: str, channel: str | None,
                            owner: str | None, why: str, now: datetime) -> bool:
    """Log at ERROR and queue one DM to ``owner`` (if any); True if the DM was newly queued."""
    log.error("delivery %s to %s cannot be confirmed (%s); it is held and NOT re-sent until "
              "conversations.history answers — check the app's channels:history scope and rate limits",
              key, channel, why)
    if not owner or key.startswith(f"{KIND}/"):
        return False
    text = (f":warning: Clinic Ops Bot cannot confirm whether a message reached <#{channel}> "
            f"(Slack's conversation history is not answering: {why}). To avoid a double post it is "
            "held, not re-sent. An admin can see it with `opsbot alerts log --state unconfirmed`.")
    with session_scope(sessions) as s:
        return enqueue(s, alert_key(key), owner, {"text": text}, kind=KIND, now=now) is not None
