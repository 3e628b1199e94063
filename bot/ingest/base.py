"""The import framework every CSV feed importer uses.

A feed importer subclasses :class:`FeedImporter`, declares its formats and target table, and
implements ``validate``; :func:`bot.ingest.runner.run_import` does the rest:

1. read the header and pick the format (``formats``: name -> required columns) or check the one
   asked for; an unrecognised header raises :class:`bot.errors.ImportFormatError`;
2. open a :class:`FeedLoad` row (the run's record; its ``finished_at`` is the data's "as of");
3. stream the file in chunks (``pandas.read_csv(chunksize=..., dtype=str)``; memory stays flat)
   with a tqdm progress bar on stderr (bytes read; off when stderr is not a tty or when asked);
   large files are read and validated in a worker process while the caller's writes
   (:mod:`bot.ingest.worker`);
4. per chunk: ``validate`` turns the raw text rows into model columns and marks rejects/warnings
   by line; rows whose natural key (``file_key``) repeats an earlier row of the file are rejected
   (``duplicate_id``); only then does ``create_references`` create the clinics, providers and
   payers the rows still kept name (a row not imported creates nothing); good rows go to ``load``
   (default: :func:`storage.bulk.upsert_frame`);
   rejected raw rows go to the rejects file with ``line`` and ``reason``; issues go to
   ``import_issues`` tagged with the feed load;
5. fill in the ``FeedLoad`` counts and date range, call ``finish`` (e.g. roll-up refresh) and
   return an :class:`ImportSummary`.

Everything runs in the caller's session (one transaction: a failed import leaves no trace).

Writing a new feed importer (e.g. claims)::

    class ClaimsImporter(FeedImporter):
        feed = "claims"; model = Claim; natural_key = ("source", "external_id")
        date_column = "service_date"
        formats = {"canonical": ("claim_id", "clinic", "service_date", "charge")}

        def validate(self, chunk, issues, session):
            # chunk: raw text columns, NaN = empty cell, index = physical line number
            out = pd.DataFrame(index=chunk.index)
            out["external_id"] = chunk["claim_id"].str.strip()
            issues.reject(out["external_id"].isna(), "missing_id", "claim_id is empty")
            ...  # vectorised parsing; issues.warn(mask, code, detail) for odd-but-usable rows
            return out   # model columns; rejected rows are dropped by the framework
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from sqlalchemy.orm import Session

from bot.errors import ImportFormatError
from bot.ingest.headline import ROWS, Noun, headline
from bot.ingest.issues import ChunkIssues, Issue
from bot.kpi.rollup_refresh import refresh_feed_rollups
from storage.bulk import UpsertCounts, upsert_frame

FIRST_ISSUES = 100  # issues listed in the printed report; all are stored in import_issues


class FeedImporter:
    """Base class of a feed importer; see the module docstring for the contract.

    Class attributes: ``feed`` (FeedLoad.feed), ``model`` (target table), ``natural_key``
    (its unique columns), ``date_column`` (model column giving the data date range),
    ``formats`` (format name -> header columns that must be present, in detection order),
    ``validate_uses_session`` (see below), ``noun`` (what one stored row is, for the report).
    """

    feed: ClassVar[str]
    model: ClassVar[Any]
    natural_key: ClassVar[tuple[str, ...]] = ("source", "external_id")
    date_column: ClassVar[str | None] = None
    formats: ClassVar[dict[str, tuple[str, ...]]]
    noun: ClassVar[Noun] = ROWS
    # False = ``validate`` never touches the database (it is then passed ``session=None``) and, on
    # a large file, the runner validates chunk n+1 in a worker process while this one writes chunk
    # n; ``validate`` then sees its own copy of the importer (state it changes stays there), and
    # all database work (e.g. resolving clinic keys to ids) belongs in ``load``.
    validate_uses_session: ClassVar[bool] = True

    def __init__(self) -> None:
        self.file_format = ""
        self.feed_load_id = 0
        # Set by the runner: the target table held no row when this import began. Repeated keys
        # within the file are rejected before ``load``, so no loaded row can match a stored one
        # and ``load`` may skip the key look-up (``upsert_frame(..., assume_new=True)``).
        self.target_was_empty = False

    def detect_format(self, header: list[str], requested: str | None, source: str) -> str:
        """The format of a file with this header (the ``requested`` one is checked, not trusted).

        Raises:
            ImportFormatError: unknown format name, or required columns missing (named).
        """
        if requested is not None:
            if requested not in self.formats:
                raise ImportFormatError(f"unknown {self.feed} format {requested!r}; "
                                        f"known: {', '.join(self.formats)}")
            missing = [c for c in self.formats[requested] if c not in header]
            if missing:
                raise ImportFormatError(f"{source}: not a {requested} {self.feed} file; "
                                        f"missing column(s): {', '.join(missing)}")
            return requested
        for name, required in self.formats.items():
            if all(c in header for c in required):
                return name
        expected = "; ".join(f"{n}: {', '.join(cols)}" for n, cols in self.formats.items())
        raise ImportFormatError(f"{source}: header not recognised as a {self.feed} file. "
                                f"Expected columns — {expected}")

    def begin(self, session: Session) -> None:
        """Called once before the first chunk (``file_format``/``feed_load_id`` are set)."""

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session | None) -> pd.DataFrame:
        """Raw text chunk -> frame of model columns, same index; mark issues on ``issues``."""
        raise NotImplementedError

    @property
    def file_key(self) -> tuple[str, ...]:
        """The natural key's columns in ``validate``'s output (the duplicate check reads them)."""
        return self.natural_key

    def create_references(self, kept: pd.DataFrame, issues: ChunkIssues, session: Session | None) -> pd.DataFrame:
        """Called after every check of a chunk, ``duplicate_id`` included, with the rows still
        kept: resolve reference keys to ids, creating what is missing (only these rows may create
        anything). May add warnings to ``issues``, never rejects. Default: ``kept`` unchanged."""
        return kept

    def load(self, session: Session, frame: pd.DataFrame) -> UpsertCounts:
        """Write the good rows of one chunk (``feed_load_id`` column already added).

        Always runs in the process that owns the session."""
        return upsert_frame(session, self.model, frame, self.natural_key, assume_new=self.target_was_empty)

    def finish(self, session: Session, summary: ImportSummary) -> None:
        """Called after the last chunk, before the FeedLoad is closed: refreshes the KPI roll-ups
        the feed feeds, from the first loaded data date on (``storage.rollups``)."""
        refresh_feed_rollups(session, self.feed, summary.data_min_date, None)


@dataclass
class ImportSummary:
    """What one import did. Counts are rows (data lines); ``warned`` = loaded rows with warnings."""

    feed: str
    source_name: str
    file_format: str
    feed_load_id: int = 0
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    warned: int = 0
    blank: int = 0  # entirely empty lines/rows: not rows, skipped (not in ``read``)
    unit: str = "rows"  # what read/imported/rejected count ("claims (CLP)" for an 835)
    noun: Noun = ROWS  # what one stored row is, in words: ("appointment", "appointments")
    issue_counts: dict[str, int] = field(default_factory=dict)  # "severity code" -> rows
    first_issues: list[Issue] = field(default_factory=list)
    rejects_path: Path | None = None
    # how the report introduces the rejects file and what to do with it (an 835's is a list to read)
    rejects_heading: str = "rejected rows written to"
    rejects_advice: str = "fix them and import that file"
    rejects_deleted_after: date | None = None  # set by the caller from the org's retention period
    data_min_date: date | None = None
    data_max_date: date | None = None

    def headline(self) -> str:
        """What the run did, in words (:func:`bot.ingest.headline.headline`): the report's first line."""
        where = f"see {self.rejects_path}" if self.rejects_path is not None else "reasons below"
        text = headline(Path(self.source_name).name, read=self.read, imported=self.imported, updated=self.updated,
                        unchanged=self.unchanged, rejected=self.rejected, warned=self.warned, noun=self.noun,
                        rows=ROWS if self.unit == "rows" else self.noun, where=where)
        if not self.rejected and self.rejects_path is not None:  # an 835 can drop segments and keep every claim
            text += f"; {self.rejects_heading} {self.rejects_path}"
        return text

    def lines(self) -> list[str]:
        """Human-readable summary, one line per item (no patient data): the :meth:`headline`, then
        the counts, the reasons and the issues by line."""
        unit = "" if self.unit == "rows" else f" {self.unit}"
        out = [self.headline(),
               f"{self.feed} ({self.file_format}) from {self.source_name}: read {self.read:,}{unit}, "
               f"imported {self.imported:,}, updated {self.updated:,}, unchanged {self.unchanged:,}, "
               f"rejected {self.rejected:,}, warnings {self.warned:,}"]
        if self.blank:
            out.append(f"{self.blank:,} empty line(s) skipped (not counted as read)")
        if self.data_min_date:
            out.append(f"data dates {self.data_min_date} .. {self.data_max_date}")
        if self.issue_counts:
            out.append(self._reasons_heading())
        out += [f"  {count:,} × {kind}" for kind, count in sorted(self.issue_counts.items())]
        if self.first_issues:
            total = sum(self.issue_counts.values())
            listed = len(self.first_issues)
            by = self.first_issues[0].where
            out.append(f"issues by {by}:" if listed >= total else f"first {listed:,} of {total:,} issues by {by}:")
            out += [f"  {issue}" for issue in sorted(self.first_issues, key=lambda i: i.line)]
            if listed < total:
                out.append(f"  … {total - listed:,} more, all stored with feed load {self.feed_load_id} "
                           "(table import_issues)")
        if self.rejects_path is not None:
            kept = (f"; readable by you only, deleted after {self.rejects_deleted_after}"
                    if self.rejects_deleted_after else "")
            out.append(f"{self.rejects_heading} {self.rejects_path} ({self.rejects_advice}{kept})")
        return out

    def _reasons_heading(self) -> str:
        """The issue tallies are reasons (a row can have several, and an 835 segment problem is
        no claim), so they are introduced as such next to the row counts they explain; each kind
        is named only when there is one ("3 warnings (3 claims loaded with warnings)", never
        "0 reject reasons"), and a count of 0 affected rows is said in words."""
        rejects = sum(n for kind, n in self.issue_counts.items() if kind.startswith("reject "))
        warnings = sum(self.issue_counts.values()) - rejects
        unit = "row" if self.unit == "rows" else "claim"
        parts = []
        if rejects:
            hit = _plural(self.rejected, "rejected " + unit) if self.rejected else f"no {unit} rejected"
            parts.append(f"{_plural(rejects, 'reject reason')} ({hit})")
        if warnings:
            hit = f"{_plural(self.warned, unit)} loaded with warnings" if self.warned else f"no {unit} loaded with warnings"
            parts.append(f"{_plural(warnings, 'warning')} ({hit})")
        return ("reasons: " if rejects else "") + ", ".join(parts) + f"; one {unit} can have several"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")

