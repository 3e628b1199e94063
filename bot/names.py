"""One resolver for the names people type: clinics, providers and payers (issue 17).

Every command, the access guard and the importers' look-ups match a typed name the same way,
case- and accent-insensitively (:func:`core.text.fold`), taking the first tier with any match:

1. the key exactly as stored (``north``);
2. the key or the full name, folded (``NORTH``, ``north family practice``, ``resistencia``);
3. a name or key that starts with the text (``junip`` → Juniper Family Health);
4. a word of the name that starts with the text (``pediatrics`` → South Pediatrics);
5. the text anywhere in the name or key.

One match is the answer; several in the first tier that has any are ambiguous (the answer lists
them and asks which); none is unknown, with "did you mean" suggestions only for names genuinely
close to it (similarity ≥ :data:`CLOSE`, :func:`suggestions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from rapidfuzz.distance import OSA

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
    """No row matches. ``known``: how many rows there were; ``close``: whether the message offers
    suggestions (only names within :data:`CLOSE`, :func:`suggestions`)."""

    def __init__(self, message: str, *, known: int = 0, close: bool = False) -> None:
        super().__init__(message)
        self.known = known
        self.close = close


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


CLOSE = 0.70  # optimal-string-alignment similarity (0-1; a transposition costs one edit) from which a
# name is a likely typo: "did you mean" here, and the question reader asks back (bot.kpi.reader.names)


def closeness(query: str, row: Named) -> float:
    """How close ``query`` is to ``row`` as a typo (OSA normalised similarity, 0-1, of folded
    texts): the best of its key, its full name and each run of as many consecutive words of the
    name as the query has (``juniper famly`` against "Juniper Family Health")."""
    q = fold(query)
    key, name = fold(str(row.key)), fold(str(row.name))
    words, width = name.split(), max(1, len(q.split()))
    texts = [key, name, *(" ".join(words[i:i + width]) for i in range(max(0, len(words) - width + 1)))]
    return max(OSA.normalized_similarity(q, t) for t in texts)


def suggestions(query: str, rows: Sequence[N], limit: int = 3, cutoff: float = CLOSE) -> list[N]:
    """At most ``limit`` rows ``query`` is probably a typo of (:func:`closeness` ≥ ``cutoff``), best
    first; [] when none is genuinely close — a "did you mean" must never offer an unrelated name."""
    scored = sorted(((closeness(query, r), i) for i, r in enumerate(rows)), key=lambda si: (-si[0], si[1]))
    return [rows[i] for score, i in scored[:limit] if score >= cutoff]


def pick(what: str, query: str, rows: Sequence[N]) -> N:
    """The one row ``query`` names.

    Raises:
        AmbiguousName: ``'jun' matches 2 clinics: Junction Clinic (junction); Juniper Family
            Health (juniper). Which one? …``
        UnknownName: ``Unknown clinic 'nort' — did you mean `North Family Practice` (north)?``
            (up to three genuinely close names, :func:`suggestions`), ``…: no clinic of the 6
            known has a close name.``, or ``…: none is known yet.``
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
        raise UnknownName(f"{named}: none is known yet.", known=0)
    near = [f"`{r.name}` ({r.key})" for r in suggestions(text, rows)]
    if not near:
        raise UnknownName(f"{named}: no {what} of the {len(rows):,} known has a close name.",
                          known=len(rows))
    hint = near[0] if len(near) == 1 else f"{', '.join(near[:-1])} or {near[-1]}"
    raise UnknownName(f"{named} — did you mean {hint}?", known=len(rows), close=True)
