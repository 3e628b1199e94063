"""The CSV feeds whose rows carry a clinic key share one way to start: an optional ``source``
label (part of their natural key) and the organisation's clinic time zones, with the file's clinic
keys matched to known clinics (:class:`bot.ingest.clinic_keys.ClinicKeys`: unknown or near-miss
keys rejected with "did you mean", new clinics warned), and one rule for the clinics, providers and
payers a chunk creates: ``validate`` leaves them as keys and :meth:`ClinicFeedImporter.create_references`
turns them into ids for the rows kept after every check, ``duplicate_id`` included, so a row that
is not imported creates nothing."""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
from sqlalchemy.orm import Session

from bot.ingest.base import FeedImporter
from bot.ingest.clinic_keys import ClinicKeys
from bot.ingest.feed_refs import clinic_ids, payer_ids, provider_ids
from bot.ingest.issues import ChunkIssues

REFERENCES = ("clinic", "provider", "payer")  # key columns resolved to ids by creating rows


class ClinicFeedImporter(FeedImporter):
    """A :class:`FeedImporter` of rows keyed by clinic.

    ``source``: the label stored with each row (None: the file's format name); ``timezones``:
    clinic key -> IANA zone from the organisation file; ``default_timezone``: the zone of a new
    clinic not in it (None: UTC). ``creates``: the references of ``REFERENCES`` that ``validate``
    leaves as key columns (``clinic`` etc., with ``<name>_name``) for :meth:`create_references`.
    """

    creates: ClassVar[tuple[str, ...]] = ("clinic",)

    def __init__(self, *, source: str | None = None, timezones: dict[str, str] | None = None,
                 default_timezone: str | None = None) -> None:
        super().__init__()
        self.source, self.timezones, self.default_timezone = source, timezones or {}, default_timezone
        self.clinics = ClinicKeys(self.timezones)

    @property
    def file_key(self) -> tuple[str, ...]:
        """The natural key as ``validate`` gives it: ``clinic`` (the resolved key) for ``clinic_id``,
        one-to-one with it, since ids are created only after the duplicate check."""
        return tuple("clinic" if c == "clinic_id" and "clinic" in self.creates else c for c in self.natural_key)

    def references(self, parsed: pd.DataFrame) -> pd.DataFrame:
        """The key and name columns of ``creates`` in ``parsed`` (its ``clinic`` resolved), to
        be joined to ``validate``'s output."""
        return parsed[[c for ref in self.creates for c in (ref, f"{ref}_name")]]

    def create_references(self, kept: pd.DataFrame, issues: ChunkIssues, session: Session | None) -> pd.DataFrame:
        """``kept`` with its reference keys replaced by ids (``clinic_id``, ``provider_id``,
        ``payer_id``), creating the clinics, providers and payers not stored yet
        (:mod:`bot.ingest.feed_refs`); the first row of each clinic new to this run gets
        ``new_clinic``. ``kept``: the rows left after every check, so a rejected row creates nothing."""
        if not self.creates:
            return kept
        assert session is not None  # validate_uses_session: the preparer holds one
        self.clinics.warn_new(kept["clinic"], issues)
        out = kept.drop(columns=[c for ref in self.creates for c in (ref, f"{ref}_name")])
        out["clinic_id"] = clinic_ids(session, kept["clinic"], kept["clinic_name"], self.timezones,
                                      self.default_timezone)
        if "provider" in self.creates:
            out["provider_id"] = provider_ids(session, kept["provider"], kept["provider_name"], kept["clinic"])
        if "payer" in self.creates:
            out["payer_id"] = payer_ids(session, kept["payer"], kept["payer_name"])
        return out

    def with_source(self, out: pd.DataFrame) -> pd.DataFrame:
        """``out`` with the ``source`` column first (the label, else the file's format)."""
        out.insert(0, "source", self.source or self.file_format)
        return out
