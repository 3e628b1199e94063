"""The database-free half of an import: read a chunk, validate it, reject repeated keys.

:class:`ChunkPreparer` turns the file into a stream of :class:`Prepared` chunks, each holding
everything the writing half (:mod:`bot.ingest.runner`) needs: the good rows as model
columns, the issues, the rejected raw rows with their reasons, and the counts. It keeps the only
state that spans chunks (natural keys seen so far, :class:`SeenKeys`) and touches no database
unless the importer's ``validate`` does (``validate_uses_session``; then ``create_references``
may create clinics, providers and payers, after the duplicate check), so it can run in a worker
process (:mod:`bot.ingest.worker`) while the main process writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from bot.ingest.base import FeedImporter
from bot.ingest.csvfile import read_chunks
from bot.ingest.issues import WARNING, ChunkIssues, reasons_by_line
from bot.ingest.labels import reject_identifiers
from bot.ingest.quotes import BlankedLines
from bot.phi_guard import Guard
from storage.bulk_values import key_hashes


@dataclass
class Prepared:
    """One validated chunk. ``kept``: model columns of the good rows (index = line); ``issues``:
    line, severity, code, detail; ``rejected``: the raw rows not loaded and ``reasons`` by line;
    ``bad``: unsplittable records ``(line, message)``; ``position``: bytes of the file read."""

    kept: pd.DataFrame
    issues: pd.DataFrame
    rejected: pd.DataFrame
    reasons: pd.Series
    bad: list[tuple[int, str]] = field(default_factory=list)
    read: int = 0
    warned: int = 0
    first_date: date | None = None
    last_date: date | None = None
    position: int = 0


class SeenKeys:
    """64-bit key hashes seen so far -> the line that first had them, in sorted runs.

    Runs are merged like a binary counter (a new run is merged with the last one while that one
    is not bigger than twice its size), so adding n keys costs O(n log n) in total and a look-up
    searches O(log n) runs; memory is 16 bytes per key (a dict would take about ten times that).
    """

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []

    def lines(self, hashes: np.ndarray) -> np.ndarray:
        """Line of each hash's first occurrence, -1 where unseen."""
        found = np.full(len(hashes), -1, dtype="int64")
        for keys, lines in self._runs:
            at = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
            hit = keys[at] == hashes
            found[hit] = lines[at[hit]]
        return found

    def add(self, hashes: np.ndarray, lines: np.ndarray) -> None:
        """Record new hashes (distinct, not seen before) with their lines."""
        if not len(hashes):
            return
        order = np.argsort(hashes)
        run = (hashes[order], np.asarray(lines, dtype="int64")[order])
        while self._runs and len(self._runs[-1][0]) <= 2 * len(run[0]):
            keys, earlier = self._runs.pop()
            at = np.searchsorted(keys, run[0])  # a merge of two sorted runs: one new array each
            run = (np.insert(keys, at, run[0]), np.insert(earlier, at, run[1]))
        self._runs.append(run)


class ChunkPreparer:
    """Reads and validates the chunks of one file for ``importer`` (see the module docstring)."""

    def __init__(self, importer: FeedImporter, header: list[str], chunksize: int, multiline: bool,
                 feed_load_id: int, session: Session | None, first_chunksize: int | None = None,
                 blank_lines: frozenset[int] = frozenset(), short_lines: dict[int, int] | None = None,
                 guard: Guard | None = None) -> None:
        self.importer, self.header, self.chunksize, self.multiline = importer, header, chunksize, multiline
        self.feed_load_id, self.session, self.first_chunksize = feed_load_id, session, first_chunksize
        self.blank_lines = blank_lines  # physical lines read as empty (a quote that never closes)
        self.short_lines = short_lines or {}  # line -> fields of records shorter than the header
        self.guard = guard or Guard()  # the organisation's identifier guard, for the display fields
        self._seen = SeenKeys()

    def chunks(self, handle: IO[bytes]) -> Iterator[Prepared]:
        source = BlankedLines(handle, self.blank_lines) if self.blank_lines else handle
        for chunk, bad in read_chunks(source, self.header, self.chunksize, self.multiline, self.first_chunksize):
            prepared = self.prepare(chunk)
            prepared.bad, prepared.position = bad, source.tell()
            yield prepared

    def prepare(self, chunk: pd.DataFrame) -> Prepared:
        """Validate one chunk; reject rows whose display field holds a patient identifier
        (:mod:`bot.ingest.labels`) and repeated keys; then create the references of the rows kept
        (``create_references``: a duplicate creates nothing); count. No database unless
        ``validate`` uses it."""
        issues = ChunkIssues(chunk.index)
        if self.short_lines:
            self._short(chunk.index, issues)
        frame = self.importer.validate(chunk, issues, self.session)
        reject_identifiers(frame, issues, self.guard)
        self._duplicates(frame, ~issues.rejected, issues)
        good = ~issues.rejected
        kept = self.importer.create_references(frame if good.all() else frame[good], issues, self.session)
        kept = kept.assign(feed_load_id=self.feed_load_id)
        found = issues.frame()
        warned_lines = found.loc[found["severity"] == WARNING, "line"].unique()
        rejected = chunk[~good]
        first, last = self._dates(kept)
        return Prepared(kept, found, rejected, reasons_by_line(found) if len(rejected) else pd.Series(dtype=object),
                        read=len(chunk), warned=int(np.isin(warned_lines, chunk.index[good]).sum()),
                        first_date=first, last_date=last)

    def _short(self, lines: pd.Index, issues: ChunkIssues) -> None:
        """Reject records with fewer fields than the header (RFC 4180: all have as many)."""
        short = lines.isin(list(self.short_lines))
        if short.any():
            width = len(self.header)
            detail = pd.Series([f"line {n} has {self.short_lines[n]} fields; the header has {width}"
                                for n in lines[short]], index=lines[short])
            issues.reject(short, "bad_field_count", detail)

    def _duplicates(self, frame: pd.DataFrame, good: np.ndarray, issues: ChunkIssues) -> None:
        """Reject a row whose natural key was already taken by an earlier good row of the file."""
        keys = frame.loc[good, list(self.importer.file_key)]
        if keys.empty:
            return
        hashes = key_hashes(keys)
        lines = keys.index.to_numpy(dtype="int64")
        within = pd.Series(hashes).duplicated().to_numpy()
        earlier = self._seen.lines(hashes)
        dup = within | (earlier >= 0)
        if dup.any():
            first_here = pd.Series(lines[~within], index=hashes[~within])
            first_line = np.where(earlier >= 0, earlier, first_here.reindex(hashes).to_numpy())[dup].astype("int64")
            mask = pd.Series(dup, index=keys.index).reindex(frame.index, fill_value=False)
            detail = pd.Series([f"same id as line {n}" for n in first_line], index=keys.index[dup])
            issues.reject(mask, "duplicate_id", detail)
        self._seen.add(hashes[~dup], lines[~dup])

    def _dates(self, kept: pd.DataFrame) -> tuple[date | None, date | None]:
        column = self.importer.date_column
        if not column or kept.empty:
            return None, None
        dates = pd.to_datetime(kept[column]).dropna()
        if dates.empty:
            return None, None
        return dates.min().date(), dates.max().date()

