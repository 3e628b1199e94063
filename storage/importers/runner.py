"""The chunk loop behind :func:`storage.importers.base.run_import`.

Per chunk, ``_prepare`` (validation, duplicate check, issue bookkeeping: no database unless the
importer's ``validate`` needs it) and ``_write`` (load + issue rows: all database work). When the
importer's ``validate`` is pure, ``_write`` of chunk n runs in one writer thread while chunk n+1
is read and prepared; the session is only ever used by one thread at a time. On SQLite a large
load defers the target table's secondary indexes to one rebuild at the end.
"""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session
from tqdm import tqdm

from storage.bulk import UpsertCounts
from storage.bulk_indexes import deferred_indexes, table_rows, worth_deferring
from storage.importers.base import FIRST_ISSUES, FeedImporter, ImportSummary, progress_enabled
from storage.importers.csvfile import (
    RejectsFile,
    default_rejects_path,
    has_quotes,
    raw_records,
    read_chunks,
    read_header,
)
from storage.importers.issues import REJECT, WARNING, ChunkIssues, Issue, reasons_by_line
from storage.models import FeedLoad, ImportIssue, utcnow


@dataclass
class Prepared:
    kept: pd.DataFrame
    issues: pd.DataFrame


class ImportRun:
    def __init__(self, session: Session, importer: FeedImporter, path: Path, *, file_format: str | None = None,
                 rejects_path: Path | None = None, progress: bool | None = None, chunksize: int = 50_000) -> None:
        self.session, self.importer, self.path = session, importer, path
        self.header = read_header(path)
        importer.file_format = importer.detect_format(self.header, file_format, path.name)
        self.rejects = RejectsFile(Path(rejects_path) if rejects_path else default_rejects_path(path))
        self.progress, self.chunksize = progress_enabled(progress), chunksize
        self.summary = ImportSummary(importer.feed, str(path), importer.file_format)
        self._seen = pd.Series(dtype="int64", index=pd.Index([], dtype="uint64"))
        self._bad: list[tuple[int, str]] = []

    def run(self) -> ImportSummary:
        load = FeedLoad(feed=self.importer.feed, source_name=str(self.path)[:300], file_format=self.importer.file_format)
        self.session.add(load)
        self.session.flush()
        self.importer.feed_load_id = self.summary.feed_load_id = load.id
        self.importer.begin(self.session)
        stored = table_rows(self.session, self.importer.model)
        size = self.path.stat().st_size
        pipelined = not self.importer.validate_uses_session
        with ExitStack() as stack, self.path.open("rb") as handle:
            bar = stack.enter_context(tqdm(total=size, unit="B", unit_scale=True, desc=f"import {self.importer.feed}",
                                           file=sys.stderr, disable=not self.progress, leave=False))
            writer = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="import-writer")) if pipelined else None
            pending: Future[UpsertCounts] | None = None
            first = True
            for chunk, bad in read_chunks(handle, self.header, self.chunksize, self._multiline()):
                self._bad += bad
                prepared = self._prepare(chunk)
                if pending is not None:
                    self._collect(pending.result())
                if first and len(chunk) and worth_deferring(int(len(chunk) * size / max(handle.tell(), 1)), stored):
                    stack.enter_context(deferred_indexes(self.session, self.importer.model))
                first = False
                if writer is not None:
                    pending = writer.submit(self._write, prepared)
                else:
                    self._collect(self._write(prepared))
                bar.update(handle.tell() - bar.n)
            if pending is not None:
                self._collect(pending.result())
        self._unsplittable()
        self.importer.finish(self.session, self.summary)
        self._close(load)
        return self.summary

    def _multiline(self) -> bool:
        return has_quotes(self.path)

    def _prepare(self, chunk: pd.DataFrame) -> Prepared:
        """Validate one chunk; count its rows and issues; write its rejects. No DB if pure."""
        issues = ChunkIssues(chunk.index)
        session = self.session if self.importer.validate_uses_session else None
        frame = self.importer.validate(chunk, issues, session)
        self._duplicates(frame, ~issues.rejected, issues)
        good = ~issues.rejected
        kept = frame[good].assign(feed_load_id=self.summary.feed_load_id)
        found = issues.frame()
        self._count_issues(found)
        s = self.summary
        s.read += len(chunk)
        s.rejected += int((~good).sum())
        warned_lines = found.loc[found["severity"] == WARNING, "line"].unique()
        s.warned += int(np.isin(warned_lines, chunk.index[good]).sum())
        self._dates(kept)
        if not good.all():
            self.rejects.write(chunk[~good], reasons_by_line(found))
        return Prepared(kept, found)

    def _write(self, prepared: Prepared) -> UpsertCounts:
        """All database work of one chunk (possibly in the writer thread)."""
        counts = self.importer.load(self.session, prepared.kept)
        if not prepared.issues.empty:
            rows = prepared.issues.assign(feed_load_id=self.summary.feed_load_id).to_dict("records")
            self.session.execute(insert(ImportIssue), rows)
        return counts

    def _collect(self, counts: UpsertCounts) -> None:
        s = self.summary
        s.imported, s.updated, s.unchanged = (s.imported + counts.imported, s.updated + counts.updated,
                                              s.unchanged + counts.unchanged)

    def _duplicates(self, frame: pd.DataFrame, good: np.ndarray, issues: ChunkIssues) -> None:
        """Reject a row whose natural key was already taken by an earlier good row of the file."""
        keys = frame.loc[good, list(self.importer.natural_key)]
        if keys.empty:
            return
        hashes = pd.util.hash_pandas_object(keys, index=False).to_numpy()
        lines = keys.index.to_numpy()
        first = pd.Series(lines).groupby(hashes).transform("first").to_numpy()
        earlier = self._seen.reindex(hashes).to_numpy(dtype=float)
        first_line = np.where(np.isnan(earlier), first, earlier).astype("int64")
        dup = first_line != lines
        if dup.any():
            mask = pd.Series(dup, index=keys.index).reindex(frame.index, fill_value=False)
            detail = pd.Series([f"same id as line {n}" for n in first_line[dup]], index=keys.index[dup])
            issues.reject(mask, "duplicate_id", detail)
        self._seen = pd.concat([self._seen, pd.Series(lines[~dup], index=hashes[~dup])])

    def _count_issues(self, found: pd.DataFrame) -> None:
        if found.empty:
            return
        for (severity, code), count in found.groupby(["severity", "code"]).size().items():
            kind = f"{severity} {code}"
            self.summary.issue_counts[kind] = self.summary.issue_counts.get(kind, 0) + int(count)
        room = max(FIRST_ISSUES - len(self.summary.first_issues), 0)
        self.summary.first_issues += [Issue(int(r.line), r.severity, r.code, r.detail)
                                      for r in found.head(room).itertuples()]

    def _dates(self, kept: pd.DataFrame) -> None:
        column = self.importer.date_column
        if not column or kept.empty:
            return
        dates = pd.to_datetime(kept[column]).dropna()
        if dates.empty:
            return
        lo, hi = dates.min().date(), dates.max().date()
        s = self.summary
        s.data_min_date = lo if s.data_min_date is None else min(s.data_min_date, lo)
        s.data_max_date = hi if s.data_max_date is None else max(s.data_max_date, hi)

    def _unsplittable(self) -> None:
        """Rows with more fields than the header: rejected, raw fields kept in the rejects file."""
        if not self._bad:
            return
        raw = raw_records(self.path, {line for line, _ in self._bad})
        width, lines = len(self.header), [line for line, _ in self._bad]
        table = pd.DataFrame([(raw.get(line, []) + [None] * width)[:width] for line in lines],
                             columns=self.header, index=lines)
        reasons = pd.Series({line: f"bad_field_count: {msg}; extra field(s): "
                             f"{'|'.join(raw.get(line, [])[width:])}" for line, msg in self._bad})
        found = pd.DataFrame({"line": lines, "severity": REJECT, "code": "bad_field_count",
                              "detail": [msg for _, msg in self._bad]})
        self._count_issues(found)
        self.session.execute(insert(ImportIssue), found.assign(feed_load_id=self.summary.feed_load_id).to_dict("records"))
        self.summary.read += len(lines)
        self.summary.rejected += len(lines)
        self.rejects.write(table, reasons)

    def _close(self, load: FeedLoad) -> None:
        s = self.summary
        s.rejects_path = self.rejects.path if self.rejects.rows else None
        for name, value in (("rows_read", s.read), ("rows_imported", s.imported), ("rows_updated", s.updated),
                            ("rows_unchanged", s.unchanged), ("rows_rejected", s.rejected),
                            ("rows_warned", s.warned), ("data_min_date", s.data_min_date),
                            ("data_max_date", s.data_max_date)):
            setattr(load, name, value)
        load.rejects_path = str(s.rejects_path) if s.rejects_path else None
        load.finished_at = utcnow()
        self.session.flush()
