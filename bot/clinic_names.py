"""Which clinic a typed name means, for every command and the access guard (issue 17).

The candidates are the clinics in the database and those only in the organisation file (no data
yet); the matching is :func:`bot.names.pick` (key, name ignoring case and accents, unique prefix
or substring; ambiguous → the candidates; unknown → "did you mean").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.names import AmbiguousName, UnknownName, matches, pick
from bot.orgconfig import OrgConfig
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
    "AmbiguousName", "KnownClinic", "UnknownName", "clinics_named", "find_clinic", "known_clinics", "stored_clinic",
]
