"""The CSV feeds whose rows carry a clinic key share one way to start: an optional ``source``
label (part of their natural key) and the organisation's clinic time zones, with the file's clinic
keys matched to known clinics (:class:`bot.ingest.clinic_keys.ClinicKeys`: unknown or near-miss
keys rejected with "did you mean", new clinics warned), and one rule for the clinics, providers and
payers a chunk creates: only those of rows still kept (:meth:`ClinicFeedImporter.creating`), so a
rejected row leaves nothing behind."""

from __future__ import annotations

import pandas as pd

from bot.ingest.base import FeedImporter
from bot.ingest.clinic_keys import ClinicKeys
from bot.ingest.issues import ChunkIssues

REFERENCES = ("clinic", "provider", "payer")  # key columns resolved to ids by creating rows


class ClinicFeedImporter(FeedImporter):
    """A :class:`FeedImporter` of rows keyed by clinic.

    ``source``: the label stored with each row (None: the file's format name); ``timezones``:
    clinic key -> IANA zone from the organisation file."""

    def __init__(self, *, source: str | None = None, timezones: dict[str, str] | None = None) -> None:
        super().__init__()
        self.source, self.timezones = source, timezones or {}
        self.clinics = ClinicKeys(self.timezones)

    def creating(self, parsed: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
        """``parsed`` (its ``clinic`` resolved) with the key columns of the rows rejected so far
        emptied, to be given to :func:`bot.ingest.feed_refs.clinic_ids` / ``provider_ids`` /
        ``payer_ids`` after every check of the chunk: a rejected row creates no clinic, provider
        or payer. The first kept row of each clinic new to this run gets ``new_clinic``."""
        kept = pd.Series(~issues.rejected, index=parsed.index)
        self.clinics.warn_new(parsed["clinic"], issues, kept)
        return parsed.assign(**{c: parsed[c].where(kept, None) for c in REFERENCES if c in parsed})

    def with_source(self, out: pd.DataFrame) -> pd.DataFrame:
        """``out`` with the ``source`` column first (the label, else the file's format)."""
        out.insert(0, "source", self.source or self.file_format)
        return out
