"""Classifying a Web API attempt into what happens to the delivery row (slack.md, Outbound)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

# The channel is gone or closed to the bot: tell the owner directly instead (fallback DM).
CHANNEL_GONE = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
# Retrying cannot help: the occurrence is dead at once (and listed by ``opsbot alerts log``).
PERMANENT = frozenset({
    "invalid_auth", "token_revoked", "account_inactive", "not_authed", "missing_scope",
    "invalid_blocks", "msg_too_long", "msg_blocks_too_long", "no_text", "invalid_arguments",
    "message_not_found", "cant_update_message", "edit_window_closed", "user_not_found",
    "cannot_dm_bot", "invalid_metadata_format",
})


@dataclass(frozen=True)
class Outcome:
    """``kind``: sent | rate_limited | channel_gone | permanent | transient.
    ``ambiguous``: the request may have reached Slack (timeout), so a post may have landed."""

    kind: str
    error: str | None = None
    retry_after: float | None = None
    ambiguous: bool = False
    ts: str | None = None
    channel: str | None = None


def classify(exc: BaseException) -> Outcome:
    """Map an exception from ``WebClient.api_call`` to an :class:`Outcome`."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        error = str(data.get("error") or f"http_{status}")
        if status == 429 or error == "ratelimited":
            headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
            raw = headers.get("retry-after")
            retry = float(raw[0] if isinstance(raw, list) else raw) if raw else 1.0
            return Outcome("rate_limited", "ratelimited", retry_after=max(retry, 0.0))
        if status >= 500:
            return Outcome("transient", f"http_{status}")
        if error in CHANNEL_GONE:
            return Outcome("channel_gone", error)
        if error in PERMANENT:
            return Outcome("permanent", error)
        return Outcome("transient", error[:120])
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return Outcome("transient", "timeout", ambiguous=True)
    if isinstance(exc, URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return Outcome("transient", "timeout", ambiguous=True)
        # refused/unreachable: the request never arrived, nothing can have been posted
        return Outcome("transient", f"connection: {type(reason).__name__}")
    if isinstance(exc, (ConnectionResetError, BrokenPipeError)):
        return Outcome("transient", "connection reset", ambiguous=True)
    return Outcome("transient", f"{type(exc).__name__}", ambiguous=True)
