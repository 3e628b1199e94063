"""The shapes of Slack ids the organisation file names, checked when the file loads.

Slack ids are upper-case letters and digits after a one-letter kind (Slack API docs, "Conversation
object" and "User object"): conversations are ``C…`` (public channel), ``G…`` (private channel or
group DM) or ``D…`` (direct message); users are ``U…`` (``W…`` on Enterprise Grid). A channel
*name* (``#alerts``, ``finance``) is not an id: the Web API's ``channel`` argument takes the id,
and a name fails every post with ``channel_not_found``. Slack channel names are lower-case (Slack
help, "Create a channel": lowercase, no spaces or periods), so the upper-case shape alone tells an
id from a name; ids are only required to be non-empty after the kind letter.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,63}")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,63}")
CHANNEL_EXAMPLE = "C012AB3CD"
USER_EXAMPLE = "U012AB3CD"


def channel_id(value: object) -> str:
    """``value`` when it is a Slack channel id.

    Raises:
        ValueError: ``expected a Slack channel id like C012AB3CD (C…, G… or D…, not a #name), got '#alerts'``.
    """
    if isinstance(value, str) and CHANNEL_ID.fullmatch(value):
        return value
    return _refuse(f"a Slack channel id like {CHANNEL_EXAMPLE} (C…, G… or D…, not a #name)", value)


def shared_channel_id(value: str) -> str:
    """``value`` (already a channel id) when it is a channel (``C…``/``G…``), not a direct message.

    Raises:
        ValueError: ``expected a channel id (C… or G…), not a direct message (D…), got 'D0DM'``.
    """
    if value.startswith("D"):
        return _refuse("a channel id (C… or G…), not a direct message (D…)", value)
    return value


def user_id(value: object) -> str:
    """``value`` when it is a Slack user id.

    Raises:
        ValueError: ``expected a Slack user id like U012AB3CD, got 'bob'``.
    """
    if isinstance(value, str) and USER_ID.fullmatch(value):
        return value
    return _refuse(f"a Slack user id like {USER_EXAMPLE}", value)


def _refuse(expected: str, value: object) -> str:
    raise ValueError(f"expected {expected}, got {value!r}")


ChannelId = Annotated[str, AfterValidator(channel_id)]  # a config field holding a channel id
# a channel several people read (finance KPIs are shared there): a DM id is refused
SharedChannelId = Annotated[str, AfterValidator(channel_id), AfterValidator(shared_channel_id)]
UserId = Annotated[str, AfterValidator(user_id)]  # a config field holding a user id
