"""Text helpers: accent- and case-insensitive folding; lists of names within a length; record ids.

Pure (the standard library only), so storage can fold the names it stores.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def fold(text: str) -> str:
    """Casefold and strip accents: ``fold("RESISTÊNCIA") == fold("resistencia") == "resistencia"``.

    Whitespace runs collapse to one space; leading and trailing space is removed.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def name_list(names: Sequence[str], limit: int = 400, sep: str = ", ") -> str:
    """``names`` joined with ``sep`` in at most ``limit`` characters; when they do not all fit,
    as many as fit followed by "… and N more" (N counts the names left out)."""
    names = [str(n) for n in names]
    whole = sep.join(names)
    if len(whole) <= limit:
        return whole
    shown: list[str] = []
    for i, name in enumerate(names):
        tail = f"{sep}… and {len(names) - i - 1} more" if i < len(names) - 1 else ""
        if len(sep.join([*shown, name])) + len(tail) > limit:
            break
        shown.append(name)
    more = len(names) - len(shown)
    head = sep.join(shown)
    return f"{head}{sep}… and {more} more" if shown else f"… {more} in all"


MAX_RECORD_ID = 2_147_483_647  # PostgreSQL ``integer`` (the ids of ideas, cycles, incidents)


def record_id(text: object) -> int | None:
    """A record id typed or sent by a person: ASCII digits (an optional leading ``#``) naming
    1 … :data:`MAX_RECORD_ID`; None otherwise.

    ``str.isdigit`` alone accepts ``①``, ``²`` and other Unicode digits that ``int()`` then
    refuses, and a 23-digit number overflows the database driver (SQLite: ``OverflowError``;
    PostgreSQL: out of range for ``integer``): both are "not an id" here.
    """
    digits = str(text if text is not None else "").strip().removeprefix("#")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 10:
        return None
    value = int(digits)
    return value if 1 <= value <= MAX_RECORD_ID else None

