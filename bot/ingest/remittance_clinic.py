"""The clinic of remittances whose claim is not loaded (``opsbot import remittances --clinic KEY``).

The option is resolved once, before any file is read, by the rule every CSV feed applies to its
``clinic`` cells (:class:`bot.ingest.clinic_keys.ClinicKeys`): a stored or configured clinic by key
or name ignoring case, accents and spacing; refused (:class:`bot.errors.ImportRefused`, with "did
you mean" for a near miss) when the organisation file lists clinics and not this one, or when it
is a near miss of a known clinic; otherwise a new clinic, created by the first file that stores an
unlinked remittance with it, whose claim carries the ``new_clinic`` warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import ImportRefused
from bot.ingest.clinic_keys import NEW, ClinicKeys, new_clinic_detail
from bot.ingest.feed_fields import check_keys
from bot.ingest.issues import ChunkIssues
from bot.ingest.remittance_rows import RemitIssue
from storage.models import Clinic
from storage.reference import ensure_clinics


@dataclass(frozen=True)
class RemitClinic:
    """A resolved ``--clinic``: the clinic ``key`` and, for one not stored yet, its zone."""

    key: str
    timezone: str | None = None

    def clinic_id(self, session: Session, segment: int, issues: list[RemitIssue]) -> int:
        """The clinic's id, creating it when not stored yet; a creation adds the ``new_clinic``
        warning on ``segment`` (the 835 segment number of the first claim that uses it)."""
        found = session.scalar(select(Clinic.id).where(Clinic.key == self.key))
        if found is not None:
            return found
        issues.append(RemitIssue(segment, "warning", NEW, new_clinic_detail(self.key, f"segment {segment} (--clinic)")))
        return ensure_clinics(session, [{"key": self.key, "timezone": self.timezone}])[self.key]


def resolve_remit_clinic(session: Session, text: str, zones: Mapping[str, str],
                         names: Mapping[str, str] | None = None) -> RemitClinic:
    """The clinic ``--clinic text`` means (nothing is written).

    Args:
        zones, names: the organisation file's clinics, key -> IANA zone and key -> name.

    Raises:
        ImportRefused: ``text`` is refused as a ``clinic`` cell would be (``invalid_clinic``: too
            long, a control character, a leading formula character; ``unknown_clinic``: the
            message says why and, for a near miss, "did you mean").
    """
    if not text.strip():
        raise ImportRefused("--clinic: no clinic key given; nothing was imported")
    checked = ChunkIssues(pd.RangeIndex(1))
    check_keys(pd.Series([text.strip()]), "clinic", checked)  # the rules of a clinic cell (CSV injection, …)
    found = checked.frame()
    if not found.empty:
        raise ImportRefused(f"--clinic: {found['detail'].iloc[0]}; nothing was imported")
    keys = ClinicKeys(zones, names, fix="fix --clinic")
    keys.load(session)
    key, refusal = keys.answer(text.strip())
    if refusal:
        raise ImportRefused(f"--clinic: {refusal}; nothing was imported")
    return RemitClinic(key, zones.get(key))
