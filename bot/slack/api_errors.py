"""Slack's refusals told in plain words (issue 13): what happened and what to do.

Slack answers ``ok: false`` with an error code (slack.md, Outbound). The codes a person caused or
can fix — the bot not invited to a channel, a private or deleted channel, an archived channel, an
expired response_url — and the ones that are our own fault (``invalid_blocks``, ``msg_too_long``)
are *expected conditions*: they are logged at WARNING without a traceback and answered with a
sentence naming the channel and the next step. Anything else stays an unexpected error.

>>> plain_words("not_in_channel", "C123")
"I'm not a member of <#C123>, so I couldn't post there. Invite me with `/invite @Clinic Ops Bot` in that channel, then try again."
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

BOT_NAME = "Clinic Ops Bot"  # manifest.yml display_information.name (tests/unit/test_slack_errors.py)
INVITE = f"`/invite @{BOT_NAME}`"

log = logging.getLogger(__name__)

_WORDS = {
    "not_in_channel": "I'm not a member of {where}, so I couldn't post there. Invite me with "
                      f"{INVITE} in that channel, then try again.",
    "channel_not_found": "I can't see {where}: it is private (invite me with " + INVITE + " there) or it "
                         "no longer exists (pick another channel), then try again.",
    "is_archived": "{where} is archived, so nothing can be posted there. Unarchive it or use another channel.",
    "restricted_action": "This workspace doesn't let me post in {where}. Ask a workspace admin, or use "
                         "another channel.",
    "invalid_blocks": "Slack refused the message I built for {where} (invalid_blocks). That is a fault on "
                      "our side and has been logged; try a narrower question meanwhile.",
    "msg_too_long": "The message for {where} was too long for Slack (msg_too_long). That is a fault on our "
                    "side and has been logged; try a narrower question meanwhile.",
    "msg_blocks_too_long": "The message for {where} was too long for Slack (msg_blocks_too_long). That is a "
                           "fault on our side and has been logged; try a narrower question meanwhile.",
    "expired_url": "Slack's reply link for that request has expired (they last 30 minutes). Run the "
                   "command again.",
    "used_url": "Slack's reply link for that request has been used up (5 replies). Run the command again.",
}
EXPECTED = frozenset(_WORDS)


def error_code(exc: BaseException) -> str | None:
    """Slack's error code of a ``SlackApiError`` (``"not_in_channel"`` …), else None."""
    if isinstance(exc, SlackApiError) and exc.response is not None:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        return str(data.get("error") or "") or None
    return None


def plain_words(code: str | None, channel: str | None = None) -> str | None:
    """The sentence for an expected error ``code`` about ``channel`` (a C… id), or None."""
    template = _WORDS.get(code or "")
    if template is None:
        return None
    where = f"<#{channel}>" if channel else "that channel"
    text = template.format(where=where)
    return text[0].upper() + text[1:]


def explain(exc: BaseException, channel: str | None, doing: str) -> str | None:
    """Plain words for ``exc`` when it is an expected Slack refusal (logged at WARNING, no trace,
    with ``doing`` naming the attempt, e.g. ``"share a KPI"``); None for anything else."""
    code = error_code(exc)
    words = plain_words(code, channel)
    if words is not None:
        log.warning("could not %s in %s: Slack answered %s", doing, channel or "?", code)
    return words


def respond_or_tell(respond: Any, client: Any, channel: str | None, user: str | None, text: str) -> bool:
    """Answer through the response_url; when Slack refuses it (expired after 30 minutes, used 5
    times: HTTP 404 ``expired_url`` / ``used_url``) tell the user with chat.postEphemeral instead.
    Returns True when one of the two reached Slack."""
    status, body = 200, "ok"
    try:
        resp = respond(text=text, response_type="ephemeral", replace_original=False)
        status, body = getattr(resp, "status_code", 200), str(getattr(resp, "body", "ok"))
    except Exception as exc:  # noqa: BLE001 - a dead response_url is an expected condition
        status, body = 0, type(exc).__name__
    if status == 200:
        return True
    log.warning("response_url refused (HTTP %s %s); answering with an ephemeral message", status, body[:40])
    if not (client and channel and user):
        return False
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=text)
        return True
    except SlackApiError as exc:
        log.warning("could not tell %s in %s either: %s", user, channel, error_code(exc))
        return False
