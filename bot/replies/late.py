"""Answering for a request whose original process died (issue 14).

Slack's ``response_url`` accepts up to five posts within 30 minutes of the interaction
(https://api.slack.com/interactivity/handling#message_responses). Work picked up in time answers
there, as the original process would have; later, the answer goes to the person by DM, prefixed
with an apology, since the ephemeral channel reply is no longer possible.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.context.respond import Respond

from bot.views.limits import MESSAGE_BLOCKS
from bot.views.notices import text_section

log = logging.getLogger(__name__)
RESPONSE_URL_LIFETIME = timedelta(minutes=30)
MARGIN = timedelta(minutes=1)  # the post itself takes time; do not race the expiry
APOLOGY = "Sorry for the delay: the bot restarted while working on your request"


class LateResponder:
    """A ``respond``-compatible callable for recovered work (see module doc)."""

    def __init__(self, response_url: str | None, received_at: datetime, now: datetime, client: Any,
                 user_id: str | None, asked: str | None = None) -> None:
        fresh = response_url and now - received_at < RESPONSE_URL_LIFETIME - MARGIN
        self.respond = Respond(response_url=response_url) if fresh else None
        self.client, self.user_id, self.asked = client, user_id, asked

    @property
    def by_dm(self) -> bool:
        return self.respond is None

    def __call__(self, text: str = "", blocks: list[dict[str, Any]] | None = None, **kwargs: Any) -> Any:
        if self.respond is not None:
            return self.respond(text=text, blocks=blocks, **kwargs)
        if not self.user_id:
            log.warning("a late reply had neither a live response_url nor a user to DM: dropped")
            return None
        about = f" (`{self.asked}`)" if self.asked else ""
        apology = f":hourglass: {APOLOGY}{about}. Here is the answer."
        dm_blocks = [text_section(apology), *(blocks or [])][:MESSAGE_BLOCKS]
        return self.client.chat_postMessage(channel=self.user_id, text=f"{apology}\n{text}"[:3000], blocks=dm_blocks)
