"""The stand-in's people, user groups and channels, and slash-command text as Slack delivers it.

Slack's escaping of slash-command text (https://api.slack.com/interactivity/slash-commands,
"should_escape"; https://api.slack.com/reference/surfaces/formatting#escaping). With
``should_escape: true`` Slack turns what the person typed into references, ``&``, ``<`` and ``>``
into ``&amp;``, ``&lt;``, ``&gt;``, and ``@jane`` →
``<@U0JANE|jane>``, ``@nurses`` (a user group) → ``<!subteam^S0NURSES|@nurses>``, ``#north`` →
``<#C0NORTH|north>``, ``@here`` → ``<!here>``. With ``should_escape: false`` the typed text arrives
as typed. :func:`deliver_text` applies those rules for a command, with ``should_escape`` read from
the manifest by ``devtools.standin.slash``, so tests send what Slack would send for *our* manifest.

:meth:`Directory.install` answers ``users.list``, ``usergroups.list`` and
``usergroups.users.list`` on a :class:`~devtools.standin.SlackStandIn` from the directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from devtools.standin.slash import should_escape

SPECIAL = {"here", "channel", "everyone"}


@dataclass
class Directory:
    """``users``: handle → user id; ``groups``: handle → (group id, member ids);
    ``channels``: name → channel id."""

    users: dict[str, str] = field(default_factory=dict)
    groups: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)

    def users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """``users.list``, paged by ``cursor`` (an offset) and ``limit`` as Slack pages it."""
        people = [{"id": uid, "name": handle, "deleted": False, "is_bot": False, "real_name": handle.title(),
                   "profile": {"display_name": handle, "display_name_normalized": handle,
                               "real_name": handle.title()}}
                  for handle, uid in sorted(self.users.items())]
        start = int(params.get("cursor") or 0)
        limit = max(1, min(int(params.get("limit") or 200), 1000))
        page = people[start:start + limit]
        more = start + limit < len(people)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def usergroups_list(self, _params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "usergroups": [{"id": gid, "handle": handle, "name": handle.title(),
                                            "user_count": len(members)}
                                           for handle, (gid, members) in sorted(self.groups.items())]}

    def usergroups_users_list(self, params: dict[str, Any]) -> dict[str, Any]:
        wanted = str(params.get("usergroup") or "")
        for gid, members in self.groups.values():
            if gid == wanted:
                return {"ok": True, "users": list(members)}
        return {"ok": False, "error": "no_such_subteam"}

    def install(self, standin: Any) -> Directory:
        standin.stub("users.list", self.users_list)
        standin.stub("usergroups.list", self.usergroups_list)
        standin.stub("usergroups.users.list", self.usergroups_users_list)
        return self

    def escape(self, text: str) -> str:
        """``text`` as Slack delivers it with ``should_escape: true`` (names it does not know stay typed)."""
        text = _html_escape(text)

        def mention(m: re.Match[str]) -> str:
            name = m.group(2)
            if name in SPECIAL:
                return f"{m.group(1)}<!{name}>"
            if name in self.users:
                return f"{m.group(1)}<@{self.users[name]}|{name}>"
            if name in self.groups:
                return f"{m.group(1)}<!subteam^{self.groups[name][0]}|@{name}>"
            return m.group(0)

        def channel(m: re.Match[str]) -> str:
            name = m.group(2)
            return f"{m.group(1)}<#{self.channels[name]}|{name}>" if name in self.channels else m.group(0)

        text = re.sub(r"(^|\s)@([a-z0-9][a-z0-9._-]*)", mention, text)
        return re.sub(r"(^|\s)#([a-z0-9][a-z0-9_-]*)", channel, text)


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def deliver_text(command: str, typed: str, directory: Directory | None = None) -> str:
    """What Slack sends as ``text`` when a person types ``typed`` after ``command``, per
    manifest.yml's ``should_escape`` for that command (read by ``devtools.standin.slash``); unlike
    ``slash.delivered_text`` it also escapes user groups, ``@here`` and ``& < >``."""
    try:
        escapes = should_escape(command)
    except KeyError:  # a command the manifest does not declare: Slack would not deliver it; keep it as typed
        return typed
    return (directory or Directory()).escape(typed) if escapes else typed
