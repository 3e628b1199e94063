"""Running one import (:func:`run_import`): the chunk loop, the writing half.

The framework and the importer's contract are :mod:`bot.ingest.base`. Chunks come from a
:class:`~bot.ingest.prepare.ChunkPreparer` (read, validate, reject repeated keys: no database
unless the importer's ``validate`` needs it). Per chunk, this module does the bookkeeping
(counts, rejects file, first issues) and all database work (``load`` + issue rows), in the
caller's session and transaction.

Large files of an importer whose ``validate`` is pure are prepared in a worker process
(:mod:`bot.ingest.worker`) while this process writes: both halves hold the GIL, so a
thread would not help. When the target table was empty at the start, no row of the file can
match a stored one (repeats within the file are rejected first), so ``load`` is told to skip the
key look-up (``FeedImporter.target_was_empty``). On SQLite a large load defers the target
table's indexes to one rebuild at the end (the natural-key index too when the table was empty),
and the whole import, roll-up refresh included, runs with a larger page cache.
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session
from tqdm import tqdm

from bot.errors import ImportFormatError
from bot.ingest import worker
from bot.ingest.base import FIRST_ISSUES, FeedImporter, ImportSummary
from bot.ingest.csvfile import RejectsFile, default_rejects_path, has_quotes, raw_records, read_header
from bot.ingest.issues import REJECT, Issue
from bot.ingest.prepare import ChunkPreparer, Prepared
from bot.ingest.quotes import unbalanced_quote_lines
from bot.ingest.short_rows import short_records
from bot.phi_echo import echo, scrub
from bot.phi_guard import Guard
from bot.pseudonym_key_check import record_key
from storage.bulk import UpsertCounts
from storage.bulk_indexes import deferred_indexes, load_cache, table_rows, worth_deferring
from storage.models import FeedLoad, ImportIssue, utcnow

CHUNK_ROWS = 50_000  # rows per chunk, in one process
PIPELINE_CHUNK_ROWS = 16_000  # rows per chunk with a worker: smaller chunks start the writer sooner
PIPELINE_FIRST_ROWS = 4_000  # small first chunk: the writer starts after ~45 ms, not ~90 (Kaggle file)
PARALLEL_MIN_BYTES = 4 << 20  # below this, starting a worker process costs more than it saves


def run_import(session: Session, importer: FeedImporter, path: Path | str, **options: Any) -> ImportSummary:
    """Import one CSV file with ``importer``; see :mod:`bot.ingest.base`.

    Options: ``file_format`` (str, default detect), ``rejects_path`` (Path, default
    ``rejects/<name>.<UTC time>-<run id>.rejects.csv`` in the working directory: one per run), ``progress``
    (bool | None: None = only on a tty), ``chunksize`` (rows, default 50,000; 16,000 with a
    worker), ``parallel`` (bool | None: prepare chunks in a worker process; None = when the
    importer's ``validate`` is pure and the file is 4 MB or more; never without ``fork``).

    Raises:
        ImportFormatError: unreadable file or unrecognised header (nothing is imported).
    """
    return ImportRun(session, importer, Path(path), **options).run()


def progress_enabled(requested: bool | None) -> bool:
    return sys.stderr.isatty() if requested is None else requested


class ImportRun:
    def __init__(self, session: Session, importer: FeedImporter, path: Path, *, file_format: str | None = None,
                 rejects_path: Path | None = None, progress: bool | None = None, chunksize: int | None = None,
                 parallel: bool | None = None, guard: Guard | None = None) -> None:
        self.session, self.importer, self.path, self.guard = session, importer, path, guard
        self.header = read_header(path)
        importer.file_format = importer.detect_format(self.header, file_format, path.name)
        self.rejects = RejectsFile(Path(rejects_path) if rejects_path else default_rejects_path(path))
        self.progress = progress_enabled(progress)
        self.parallel = self._use_worker(parallel)
        self.chunksize = chunksize or (PIPELINE_CHUNK_ROWS if self.parallel else CHUNK_ROWS)
        self.summary = ImportSummary(importer.feed, str(path), importer.file_format, noun=importer.noun)
        self._bad: list[tuple[int, str]] = []
        self._strays: dict[int, str] = {}  # line -> raw text of lines with a quote that never closes

    def run(self) -> ImportSummary:
        self._same_pseudonym_key()
        load = FeedLoad(feed=self.importer.feed, source_name=str(self.path)[:300], file_format=self.importer.file_format)
        self.session.add(load)
        self.session.flush()
        self.importer.feed_load_id = self.summary.feed_load_id = load.id
        with load_cache(self.session):
            self._run(load)
        return self.summary

    def _same_pseudonym_key(self) -> None:
        """Refuse a pseudonymising import under another key than the stored pseudonyms' (the
        first such import records the key's fingerprint).

        Raises:
            ImportFormatError: the key differs (nothing is imported)."""
        key = getattr(self.importer, "pseudonym_key", "")
        if key:
            record_key(self.session, key, "Nothing was imported.", error=ImportFormatError)

    def _run(self, load: FeedLoad) -> None:
        self.importer.begin(self.session)
        stored = table_rows(self.session, self.importer.model)
        self.importer.target_was_empty = stored == 0
        size = self.path.stat().st_size
        multiline = self._multiline()
        if multiline:
            with self.path.open("rb") as handle:
                self._strays = unbalanced_quote_lines(handle, len(self.header))
            if 1 in self._strays:
                raise ImportFormatError(f"{self.path.name}: the header (line 1) has a '\"' that never closes")
        counts = short_records(self.path, len(self.header), multiline, frozenset(self._strays))
        self.summary.blank = counts.blank
        preparer = ChunkPreparer(self.importer, self.header, self.chunksize, multiline, load.id,
                                 self.session if self.importer.validate_uses_session else None,
                                 first_chunksize=min(PIPELINE_FIRST_ROWS, self.chunksize) if self.parallel else None,
                                 blank_lines=frozenset(self._strays), short_lines=counts.short, guard=self.guard)
        with ExitStack() as stack:
            bar = stack.enter_context(tqdm(total=size, unit="B", unit_scale=True, desc=f"import {self.importer.feed}",
                                           file=sys.stderr, disable=not self.progress, leave=False))
            chunks = stack.enter_context(closing(
                worker.prepared_in_worker(preparer, self.path) if self.parallel else self._prepared_here(preparer)))
            first = True
            for prepared in chunks:
                self._account(prepared)
                if first and prepared.read and worth_deferring(
                        int(prepared.read * size / max(prepared.position, 1)), stored):
                    # the natural-key index too when no look-up will need it (empty table)
                    stack.enter_context(deferred_indexes(self.session, self.importer.model,
                                                         unique=self.importer.target_was_empty))
                first = False
                self._collect(self._write(prepared))
                bar.update(prepared.position - bar.n)
        self._unsplittable()
        self._unbalanced()
        self.importer.finish(self.session, self.summary)
        self._close(load)

    def _use_worker(self, requested: bool | None) -> bool:
        if self.importer.validate_uses_session or not worker.available():
            return False
        if requested is not None:
            return requested
        return self.path.stat().st_size >= PARALLEL_MIN_BYTES

    def _prepared_here(self, preparer: ChunkPreparer) -> Generator[Prepared]:
        with self.path.open("rb") as handle:
            yield from preparer.chunks(handle)

    def _multiline(self) -> bool:
        return has_quotes(self.path)

    def _account(self, prepared: Prepared) -> None:
        """Counts, issue tallies, date range and rejects file of one prepared chunk."""
        s = self.summary
        s.read += prepared.read
        s.rejected += len(prepared.rejected)
        s.warned += prepared.warned
        self._count_issues(prepared.issues)
        if prepared.first_date is not None:
            s.data_min_date = prepared.first_date if s.data_min_date is None else min(s.data_min_date,
                                                                                        prepared.first_date)
        if prepared.last_date is not None:
            s.data_max_date = prepared.last_date if s.data_max_date is None else max(s.data_max_date,
                                                                                       prepared.last_date)
        self._bad += prepared.bad
        if len(prepared.rejected):
            self.rejects.write(prepared.rejected, prepared.reasons)

    def _write(self, prepared: Prepared) -> UpsertCounts:
        """All database work of one chunk."""
        counts = self.importer.load(self.session, prepared.kept)
        if not prepared.issues.empty:
            rows = prepared.issues.assign(feed_load_id=self.summary.feed_load_id).to_dict("records")
            self.session.execute(insert(ImportIssue), rows)
        return counts

    def _collect(self, counts: UpsertCounts) -> None:
        s = self.summary
        s.imported, s.updated, s.unchanged = (s.imported + counts.imported, s.updated + counts.updated,
                                              s.unchanged + counts.unchanged)

    def _count_issues(self, found: pd.DataFrame) -> None:
        if found.empty:
            return
        for (severity, code), count in found.groupby(["severity", "code"]).size().items():
            kind = f"{severity} {code}"
            self.summary.issue_counts[kind] = self.summary.issue_counts.get(kind, 0) + int(count)
        room = max(FIRST_ISSUES - len(self.summary.first_issues), 0)
        self.summary.first_issues += [Issue(int(r.line), r.severity, r.code, r.detail)
                                      for r in found.head(room).itertuples()]

    def _unsplittable(self) -> None:
        """Rows with more fields than the header: rejected, raw fields kept in the rejects file."""
        if not self._bad:
            return
        raw = raw_records(self.path, {line for line, _ in self._bad}, frozenset(self._strays))
        width, lines = len(self.header), [line for line, _ in self._bad]
        table = pd.DataFrame([(raw.get(line, []) + [None] * width)[:width] for line in lines],
                             columns=self.header, index=lines)
        reasons = pd.Series({line: f"bad_field_count: {msg}; extra field(s): "
                             f"{'|'.join(echo(v) for v in raw.get(line, [])[width:])}" for line, msg in self._bad})
        self._reject_whole_lines(table, "bad_field_count", [msg for _, msg in self._bad], reasons)

    def _unbalanced(self) -> None:
        """Lines with a '"' that never closes (left out of the read as blank lines): rejected; the
        rejects file keeps their raw text, cut at commas (quotes ignored), the rest in the last column."""
        if not self._strays:
            return
        width, lines = len(self.header), sorted(self._strays)
        cells = [self._strays[line].split(",", width - 1) for line in lines]
        table = pd.DataFrame([c + [None] * (width - len(c)) for c in cells], columns=self.header, index=lines)
        details = [f"a '\"' opens a field that never closes (line {line})" for line in lines]
        self._reject_whole_lines(table, "unbalanced_quote", details,
                                 pd.Series([f"unbalanced_quote: {d}" for d in details], index=lines))

    def _reject_whole_lines(self, table: pd.DataFrame, code: str, details: list[str], reasons: pd.Series) -> None:
        """Count, record and write to the rejects file rows rejected outside the chunk loop
        (``table``: raw fields, index = line; details and reasons scrubbed as every import reason)."""
        details, reasons = [scrub(d) for d in details], reasons.map(scrub)
        found = pd.DataFrame({"line": list(table.index), "severity": REJECT, "code": code, "detail": details})
        self._count_issues(found)
        self.session.execute(insert(ImportIssue), found.assign(feed_load_id=self.summary.feed_load_id).to_dict("records"))
        self.summary.read += len(table)
        self.summary.rejected += len(table)
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
