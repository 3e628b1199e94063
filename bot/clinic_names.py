"""Which clinic a typed name means, for every command and the access guard (issue 17).

The candidates are the clinics in the database and those only in the organisation file (no data
yet); the matching is :func:`bot.names.pick` (key, name ignoring case and accents, unique prefix
or substring; ambiguous → the candidates; unknown → "did you mean").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from bot.names import AmbiguousName, UnknownName, matches, pick
from bot.orgconfig import OrgConfig
from core.text import fold
from storage.models import Clinic
from storage.reference import clinic_rows, slugify


@dataclass(frozen=True)
class KnownClinic:
    key: str
    name: str
    timezone: str
    id: int | None  # None: only in the organisation file so far


def known_clinics(session: Session, org: OrgConfig) -> list[KnownClinic]:
    """Every clinic in the database, then the organisation file's clinics not in it yet."""
    out = [KnownClinic(r.key, r.name, r.timezone, r.id) for r in clinic_rows(session)]
    seen = {c.key for c in out}
    out += [KnownClinic(c.key, c.name, c.timezone, None) for c in org.clinics if c.key not in seen]
    return out


def import_candidates(session: Session | None, zones: Mapping[str, str],
                      names: Mapping[str, str] | None = None) -> list[KnownClinic]:
    """:func:`known_clinics` for an importer, which holds the organisation file's clinics as
    ``zones`` (key -> IANA zone) and ``names`` (key -> name); no session: those only."""
    out = [KnownClinic(r.key, r.name, r.timezone, r.id) for r in clinic_rows(session)] if session else []
    seen = {c.key for c in out}
    out += [KnownClinic(k, (names or {}).get(k) or k, z, None) for k, z in zones.items() if k not in seen]
    return out


NEAR_MISS = 85  # rapidfuzz ratio (0-100) of folded keys/names: "seasidee" vs "seaside" scores 93


def same_clinic(text: str, known: Sequence[KnownClinic]) -> KnownClinic | None:
    """The clinic a key in a feed file means: its key exactly, else the one clinic whose key or
    name equals it ignoring case and accents (tiers 1-2 of :func:`bot.names.matches`; a feed
    key is never a prefix or a substring of a name). None when none or several."""
    q = fold(text)
    exact = [c for c in known if c.key == text.strip()]
    found = exact or [c for c in known if fold(c.key) == q or fold(c.name) == q]
    return found[0] if len(found) == 1 else None


def near_misses(text: str, known: Sequence[KnownClinic], cutoff: int = NEAR_MISS) -> list[KnownClinic]:
    """The clinics ``text`` is probably a typo of (key or name within ``cutoff`` ratio, same digits),
    best first: the "did you mean" of an import that must not create a near-duplicate clinic."""
    q = fold(text)
    scored = [(max(fuzz.ratio(q, fold(c.key)) if digits_of(c.key) == digits_of(q) else 0,
                   fuzz.ratio(q, fold(c.name)) if digits_of(c.name) == digits_of(q) else 0), c) for c in known]
    return [c for score, c in sorted(scored, key=lambda sc: -sc[0]) if score >= cutoff]


def digits_of(text: str) -> str:
    """The digits of ``text`` in order: two names that differ in them are two numbered sites
    (``site-01``, ``site-02``), never a typo of each other."""
    return "".join(ch for ch in text if ch.isdigit())


def find_clinic(session: Session, org: OrgConfig, text: str) -> KnownClinic:
    """The clinic ``text`` names.

    Raises:
        AmbiguousName: several clinics match (the message lists them and asks which).
        UnknownName: none matches ("Unknown clinic 'x' — did you mean …?").
    """
    return pick("clinic", text, known_clinics(session, org))


def clinics_named(session: Session, org: OrgConfig, words: list[str]) -> list[KnownClinic]:
    """The clinics ``words`` name, in order, without repeats: the whole text first (a name typed
    without quotes, ``North Family Practice``), else each word on its own (``north south``).

    Raises:
        AmbiguousName, UnknownName: as :func:`find_clinic` (the whole text's ambiguity, or the
            first word that names no single clinic).
    """
    known = known_clinics(session, org)
    if len(words) > 1:
        try:
            return [pick("clinic", " ".join(words), known)]
        except UnknownName:
            pass
    out: list[KnownClinic] = []
    for word in words:
        clinic = pick("clinic", word, known)
        if clinic.key not in {c.key for c in out}:
            out.append(clinic)
    return out


def stored_clinic(session: Session, text: str) -> Clinic | None:
    """The stored clinic row ``text`` names, among the database's clinics only (commands use
    :func:`find_clinic`), by the one name resolver (:func:`bot.names.matches`: key, name
    ignoring case, accents and spacing, then a unique prefix or substring).

    ``"resistencia"``, ``"Resistência"`` and ``"RESISTÊNCIA"`` all find the clinic named
    RESISTÊNCIA (key ``resistencia``). Returns None when nothing (or nothing unique) matches.
    """
    rows = clinic_rows(session)
    found = matches(text, rows) or matches(slugify(text), rows)
    return session.get(Clinic, found[0].id) if len(found) == 1 else None


__all__ = [
    "AmbiguousName", "KnownClinic", "UnknownName", "clinics_named", "find_clinic", "import_candidates",
    "known_clinics", "near_misses", "same_clinic", "stored_clinic",
]
