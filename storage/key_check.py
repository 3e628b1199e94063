"""The pseudonym key the database's patient pseudonyms were made with, as a fingerprint
(``pseudonym_key_checks``, one row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import PseudonymKeyCheck


def stored_key_check(session: Session) -> PseudonymKeyCheck | None:
    """The recorded fingerprint row, or None when no key has been recorded yet (read only)."""
    return session.scalars(select(PseudonymKeyCheck).order_by(PseudonymKeyCheck.id).limit(1)).first()


def other_key_since(session: Session, fingerprint: str, now: datetime) -> datetime | None:
    """None when ``fingerprint`` is the stored one (recorded at ``now`` if none is stored yet);
    otherwise when the different stored key was first used (naive UTC)."""
    stored = stored_key_check(session)
    if stored is None:
        session.add(PseudonymKeyCheck(fingerprint=fingerprint, first_used_at=now))
        session.flush()
        return None
    return None if stored.fingerprint == fingerprint else stored.first_used_at
