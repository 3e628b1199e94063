"""One resolver for the names people type: clinics, providers and payers (issue 17).

Every command, the access guard and the importers' look-ups match a typed name the same way,
case- and accent-insensitively (:func:`core.text.fold`), taking the first tier with any match:

1. the key exactly as stored (``north``);
2. the key or the full name, folded (``NORTH``, ``north family practice``, ``resistencia``);
3. a name or key that starts with the text (``junip`` → Juniper Family Health);
4. a word of the name that starts with the text (``pediatrics`` → South Pediatrics);
5. the text anywhere in the name or key.

One match is the answer; several in the first tier that has any are ambiguous (the answer lists
them and asks which); none is unknown, with "did you mean" suggestions (rapidfuzz).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from rapidfuzz import fuzz, process

from bot.errors import UsageError
from bot.phi_echo import name_free
from core.text import fold, name_list


class Named(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)


class AmbiguousName(UsageError):
    """Several rows match; ``candidates`` are them, best tier only."""

    def __init__(self, message: str, candidates: Sequence[Named]) -> None:
        super().__init__(message)
        self.candidates = list(candidates)


class UnknownName(UsageError):
    """No row matches."""


def _tiers(query: str) -> list[Callable[[str, str, str], bool]]:
    raw, q = query.strip(), fold(query)
    return [
        lambda key, _k, _n: key == raw,
        lambda _key, k, n: k == q or n == q,
        lambda _key, k, n: n.startswith(q) or k.startswith(q),
        lambda _key, _k, n: any(word.startswith(q) for word in n.split()),
        lambda _key, k, n: q in n or q in k,
    ]


def matches(query: str, rows: Sequence[N]) -> list[N]:
    """The rows of the first tier (see the module docstring) that any row matches; [] for none."""
    if not fold(query):
        return []
    folded = [(r, str(r.key), fold(str(r.key)), fold(str(r.name))) for r in rows]
    for test in _tiers(query):
        found = [r for r, key, k, n in folded if test(key, k, n)]
        if found:
            return found
    return []


def label(row: Named) -> str:
    """``North Family Practice (north)``; just the name when the key is the folded name."""
    return str(row.name) if fold(str(row.key)) == fold(str(row.name)) else f"{row.name} ({row.key})"


def suggestions(query: str, rows: Sequence[N], limit: int = 3) -> list[N]:
    """The ``limit`` rows whose name and key are closest to ``query`` (rapidfuzz WRatio), best first."""
    choices = {i: f"{fold(str(r.name))} {fold(str(r.key))}" for i, r in enumerate(rows)}
    hits = process.extract(fold(query), choices, scorer=fuzz.WRatio, limit=limit)
    return [rows[i] for _text, _score, i in hits]


def pick(what: str, query: str, rows: Sequence[N]) -> N:
    """The one row ``query`` names.

    Raises:
        AmbiguousName: ``'jun' matches 2 clinics: Junction Clinic (junction); Juniper Family
            Health (juniper). Which one? …``
        UnknownName: ``Unknown clinic 'nowhere' — did you mean `North Family Practice` (north)?``
            (the three closest), or ``…: none is known yet.``
    """
    found = matches(query, rows)
    if len(found) == 1:
        return found[0]
    text = query.strip()
    if found:
        names = name_list(sorted(label(r) for r in found), limit=600, sep="; ")
        raise AmbiguousName(f"'{text}' matches {len(found)} {what}s: {names}. Which one? "
                            f"Type more of the name, or its key.", found)
    named = f"Unknown {what} '{text}'" if name_free(text) else f"Unknown {what}"  # never a patient's name
    if not rows:
        raise UnknownName(f"{named}: none is known yet.")
    near = [f"`{r.name}` ({r.key})" for r in suggestions(text, rows)]
    hint = near[0] if len(near) == 1 else f"{', '.join(near[:-1])} or {near[-1]}"
    raise UnknownName(f"{named} — did you mean {hint}?")
