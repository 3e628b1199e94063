"""Text helpers shared by look-ups: accent- and case-insensitive folding."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Casefold and strip accents: ``fold("RESISTÊNCIA") == fold("resistencia") == "resistencia"``.

    Whitespace runs collapse to one space; leading and trailing space is removed.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
