"""Classifying a Web API attempt into what happens to the delivery row (slack.md, Outbound).

Only a clear success or a clear refusal is taken at its word. A clear refusal is an answer in
which Slack says it did not post: HTTP 429 (``ratelimited``), an ``ok: false`` error that names
the request's fault (``channel_not_found``, ``invalid_blocks`` …), a 4xx page, or a connection
that was never made. Everything else — timeouts, connection resets, any 5xx (a 504 can come back
after the message landed), ``internal_error`` / ``fatal_error`` (Slack: "it's possible some aspect
of the operation succeeded"), an error we do not know — is *ambiguous*: the message may be in the
channel, so it is settled by a history search before any re-send.
"""

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
# ``ok: false`` answers that say the request was refused before anything was posted, but may
# succeed later (everything else unknown is treated as possibly posted).
REFUSED = frozenset({
    "ratelimited", "rate_limited", "team_added_to_org", "service_unavailable", "restricted_action",
    "method_deprecated", "not_allowed_token_type", "ekm_access_denied", "access_denied",
    "team_access_not_granted", "invalid_form_data", "invalid_post_type", "missing_post_type",
    "request_timeout",  # Slack: "the POST data was either missing or truncated"
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
            return Outcome("transient", f"http_{status}", ambiguous=True)
        if error in CHANNEL_GONE:
            return Outcome("channel_gone", error)
        if error in PERMANENT:
            return Outcome("permanent", error)
        if 400 <= status < 500 and not data:
            return Outcome("transient", error[:120])  # an error page: the request was refused
        return Outcome("transient", error[:120], ambiguous=error not in REFUSED)
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
