"""Slash-command text as Slack delivers it for OUR manifest (issue 13).

Slack's slash-command reference: with ``should_escape: true`` user, channel and link mentions
arrive escaped (``@jane`` → ``<@U0JANE|jane>``, ``#ops`` → ``<#C0OPS|ops>``); with ``false``
(the default) the text arrives as typed. Tests build command text through :func:`delivered_text`
so they send what Slack would send with ``manifest.yml`` as it is, not what the parser prefers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"
_MENTION = re.compile(r"(?<![<\w])([@#])([\w.\-]+)")


@lru_cache(maxsize=4)
def should_escape(command: str, manifest: Path = MANIFEST) -> bool:
    """``features.slash_commands[].should_escape`` of ``command`` in ``manifest`` (Slack's default: False).

    Raises:
        KeyError: the manifest declares no such command.
    """
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    for entry in (data.get("features") or {}).get("slash_commands") or []:
        if entry.get("command") == command:
            return bool(entry.get("should_escape", False))
    raise KeyError(f"{command} is not declared in {manifest}")


def delivered_text(command: str, typed: str, *, users: dict[str, str] | None = None,
                   channels: dict[str, str] | None = None, manifest: Path = MANIFEST) -> str:
    """The ``text`` Slack sends for ``typed`` after ``command``: escaped mentions when the manifest
    says ``should_escape: true`` (``users`` / ``channels`` map typed names to ids; unknown names
    stay as typed, as Slack leaves them), else exactly ``typed``."""
    if not should_escape(command, manifest):
        return typed

    def swap(m: re.Match[str]) -> str:
        sigil, name = m.group(1), m.group(2)
        found = (users if sigil == "@" else channels or {}) or {}
        ident = found.get(name)
        if ident is None:
            return m.group(0)
        return f"<@{ident}|{name}>" if sigil == "@" else f"<#{ident}|{name}>"

    return _MENTION.sub(swap, typed)
