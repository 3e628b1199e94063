"""The CSV feeds whose rows carry a clinic key share one way to start: an optional ``source``
label (part of their natural key) and the organisation's clinic time zones, with the file's clinic
keys matched to known clinics (:class:`bot.ingest.clinic_keys.ClinicKeys`: unknown or near-miss
keys rejected with "did you mean", new clinics warned)."""

from __future__ import annotations

import pandas as pd

from bot.ingest.base import FeedImporter
from bot.ingest.clinic_keys import ClinicKeys


class ClinicFeedImporter(FeedImporter):
    """A :class:`FeedImporter` of rows keyed by clinic.

    ``source``: the label stored with each row (None: the file's format name); ``timezones``:
    clinic key -> IANA zone from the organisation file."""

    def __init__(self, *, source: str | None = None, timezones: dict[str, str] | None = None) -> None:
        super().__init__()
        self.source, self.timezones = source, timezones or {}
        self.clinics = ClinicKeys(self.timezones)

    def with_source(self, out: pd.DataFrame) -> pd.DataFrame:
        """``out`` with the ``source`` column first (the label, else the file's format)."""
        out.insert(0, "source", self.source or self.file_format)
        return out
