"""Record ids typed or sent by a person, checked for a reply (:func:`core.text.record_id`)."""

from __future__ import annotations

from bot.errors import UsageError
from core.text import record_id


def require_id(value: object, what: str = "item") -> int:
    """:func:`record_id` for a button value or modal metadata; raises ``UsageError`` (a clear
    reply, not a crash) when it is not a record id."""
    found = record_id(value)
    if found is None:
        raise UsageError(f"That {what} reference is not a valid number; open the latest message and try again.")
    return found
