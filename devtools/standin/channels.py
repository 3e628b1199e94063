"""Channel membership and state in the stand-in: ``not_in_channel``, ``is_archived``,
``channel_not_found`` as Slack answers them (slack.md, Outbound: permanent errors).

By default the bot is a member of every channel (most tests are about something else). A test
that is about membership calls :meth:`Channels.require_invite` (then only invited channels and
DMs accept posts), :meth:`Channels.remove` (the bot was never invited to / was removed from one
channel), :meth:`Channels.archive` or :meth:`Channels.delete`; :meth:`Channels.invite` is
``/invite @bot``.
"""

from __future__ import annotations

import threading
from typing import Any

# methods that need the bot in the channel, and the parameter naming the channel
POSTING = {"chat.postMessage": "channel", "chat.update": "channel", "chat.postEphemeral": "channel",
           "chat.scheduleMessage": "channel", "chat.getPermalink": "channel",
           "conversations.history": "channel", "conversations.replies": "channel"}


class Channels:
    """Thread-safe membership book (see module doc)."""

    def __init__(self) -> None:
        self._invite_only = False
        self._member: set[str] = set()
        self._removed: set[str] = set()
        self._archived: set[str] = set()
        self._deleted: set[str] = set()
        self._lock = threading.Lock()

    def require_invite(self, on: bool = True) -> None:
        with self._lock:
            self._invite_only = on

    def invite(self, *channels: str) -> None:
        with self._lock:
            self._member.update(channels)
            self._removed.difference_update(channels)

    def remove(self, *channels: str) -> None:
        with self._lock:
            self._removed.update(channels)
            self._member.difference_update(channels)

    def archive(self, *channels: str) -> None:
        with self._lock:
            self._archived.update(channels)

    def delete(self, *channels: str) -> None:
        with self._lock:
            self._deleted.update(channels)

    def is_member(self, channel: str) -> bool:
        with self._lock:
            if channel in self._removed or channel in self._deleted:
                return False
            return (not self._invite_only or channel in self._member or channel.startswith("D")
                    or channel.startswith("U"))  # a DM (or a user id, which opens one)

    def problem(self, method: str, params: dict[str, Any]) -> str | None:
        """The error Slack answers ``method`` with for this channel, or None."""
        key = POSTING.get(method)
        if method == "files.completeUploadExternal":
            key = "channel_id"
        if key is None or not params.get(key):
            return None
        channel = str(params[key])
        with self._lock:
            if channel in self._deleted:
                return "channel_not_found"
            if channel in self._archived and method != "conversations.history":
                return "is_archived"
        if not self.is_member(channel):
            return "not_in_channel"
        return None

    def info(self, channel: str) -> dict[str, Any] | None:
        """``conversations.info``'s channel object fields this book decides (None: not found)."""
        with self._lock:
            if channel in self._deleted:
                return None
            archived = channel in self._archived
        return {"is_archived": archived, "is_member": self.is_member(channel)}
