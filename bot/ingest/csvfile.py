"""Streaming CSV reading with physical line numbers, and the rejects file.

``read_chunks`` yields ``(chunk, bad_records)``: ``chunk`` has every column as text (empty cells
are NaN, nothing else is: "NA" stays the text "NA"), its index is the physical line number of
each row in the file (header = line 1; quoted fields spanning lines and blank lines are counted);
blank rows are already removed. ``bad_records`` are rows pandas could not split into the header's
number of fields, as ``(line, message)``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
from pandas.errors import ParserWarning

from bot.errors import ImportFormatError
from bot.ingest.quotes import BlankedLines

_BAD_LINE = re.compile(r"Skipping line (\d+): (.*)")


def read_header(path: Path) -> list[str]:
    """Column names of the first line, stripped. Raises ImportFormatError if unreadable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise ImportFormatError(f"{path.name}: not UTF-8 text; save the file as UTF-8 CSV") from None
    except OSError as exc:
        raise ImportFormatError(f"{path}: cannot read the file ({exc.strerror})") from None
    if not header:
        raise ImportFormatError(f"{path.name}: the file is empty (no header line)")
    names = [name.strip() for name in header]
    _refuse_duplicate_columns(path, names)
    return names


def _refuse_duplicate_columns(path: Path, names: list[str]) -> None:
    """A column named twice makes every row ambiguous: refuse the file, naming both positions."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        key = name.lower()
        if key and key in seen:
            raise ImportFormatError(
                f"{path.name}: the header names column `{name}` twice (columns {seen[key]} and {position}); "
                "remove or rename one and import again")
        seen.setdefault(key, position)


def has_quotes(path: Path, block: int = 1 << 20) -> bool:
    """True when any ``"`` occurs (only then can a field span lines)."""
    with path.open("rb") as handle:
        while data := handle.read(block):
            if b'"' in data:
                return True
    return False


def read_chunks(handle: IO[bytes] | io.RawIOBase, header: list[str], chunksize: int, multiline: bool,
                first_chunksize: int | None = None) -> Iterator[tuple[pd.DataFrame, list[tuple[int, str]]]]:
    """Yield chunks indexed by physical line (see module docstring): ``chunksize`` rows each,
    the first one ``first_chunksize`` rows if given (a pipeline gets going sooner)."""
    try:  # the reader decodes its first buffer already
        reader = pd.read_csv(handle, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig",
                             skip_blank_lines=False, on_bad_lines="warn", chunksize=chunksize)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ImportFormatError(f"cannot parse the file: {exc}") from None
    next_record, extra_lines = 2, 0  # record number of the next row; newlines inside fields so far
    size = first_chunksize or chunksize
    while True:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ParserWarning)
            try:
                chunk = reader.get_chunk(size)
                size = chunksize
            except StopIteration:
                return
            except (pd.errors.ParserError, UnicodeDecodeError) as exc:
                raise ImportFormatError(f"cannot parse the file near record {next_record}: {exc}") from None
        # one warning can name several lines ("Skipping line 3: …\nSkipping line 5: …")
        messages = {int(m.group(1)): m.group(2).strip()
                    for w in caught for m in _BAD_LINE.finditer(str(w.message))}
        bad = sorted(messages)
        chunk.columns = header[: len(chunk.columns)] + list(chunk.columns[len(header):])
        records = next_record + np.arange(len(chunk))
        for record in bad:
            records[records >= record] += 1
        next_record = int(max(records[-1] if len(records) else 0, bad[-1] if bad else 0)) + 1
        shift = np.zeros(len(chunk), dtype="int64")
        if multiline:
            inside = sum((chunk[c].str.count("\n").fillna(0).to_numpy(dtype="int64") for c in chunk.columns),
                         np.zeros(len(chunk), dtype="int64"))
            shift = extra_lines + np.cumsum(inside) - inside
            extra_lines += int(inside.sum())
        chunk.index = pd.Index(records + shift, name="line")
        # bad records: their physical line is approximate only when quoted newlines precede them
        bad_lines = [(record + extra_lines if multiline else record, messages[record]) for record in bad]
        yield restore_neutralised(_without_blank_rows(chunk)), bad_lines


def _without_blank_rows(chunk: pd.DataFrame) -> pd.DataFrame:
    """Drop the rows whose every field is empty (blank lines); only rows with an empty first
    field can be such rows, so the other columns are checked for those only."""
    if not len(chunk.columns):
        return chunk
    maybe = chunk.iloc[:, 0].isna().to_numpy()
    if not maybe.any():
        return chunk
    blank = maybe.copy()
    blank[maybe] = chunk[maybe].isna().all(axis=1).to_numpy()
    return chunk[~blank]


def raw_records(path: Path, lines: set[int], blank_lines: frozenset[int] = frozenset()) -> dict[int, list[str]]:
    """The raw fields of the given record lines (second pass; used only for unsplittable rows),
    reading ``blank_lines`` as empty (as the import did: see :mod:`bot.ingest.quotes`)."""
    found: dict[int, list[str]] = {}
    with path.open("rb") as binary, io.TextIOWrapper(io.BufferedReader(BlankedLines(binary, blank_lines)),
                                                     encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        for fields in reader:
            if reader.line_num in lines:
                found[reader.line_num] = fields
    return found


class RejectsFile:
    """The operator's correction file: rejected rows as read, plus ``line`` and ``reason``.

    Created on the first reject (under ``rejects/`` in the working directory, or at the path
    given); fix the rows and
    import the file again (the extra columns are ignored by the importers).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows = 0

    def write(self, raw: pd.DataFrame, reasons: pd.Series) -> None:
        if raw.empty:
            return
        out = raw.drop(columns=["line", "reason"], errors="ignore").copy()
        out.insert(0, "line", raw.index.to_numpy())
        out["reason"] = reasons.reindex(raw.index).to_numpy()
        out = neutralise_formulas(out)
        if self.rows == 0:
            private_file(self.path)
        out.to_csv(self.path, mode="a", header=self.rows == 0, index=False)
        self.rows += len(out)


#: Cells starting with these are read as formulas by Excel, LibreOffice and Google Sheets
#: (OWASP, "CSV Injection": =, +, -, @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The printable ones: what a key (clinic) may not start with once surrounding space is stripped.
FORMULA_CHARACTERS = ("=", "+", "-", "@")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells that a spreadsheet would run as a formula are
    prefixed with ``'`` (OWASP "CSV Injection"), so the rejects file is inert when opened.
    :func:`restore_neutralised` undoes it when the corrected file is imported again."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
        if risky.any():
            out[column] = values.astype(object)
            out.loc[risky, column] = "'" + text[risky].astype(str)
    return out


def restore_neutralised(chunk: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas` on a chunk read from a (corrected) rejects file:
    a cell of ``'`` followed by a formula start loses the ``'``."""
    for column in chunk.columns:
        values = chunk[column]
        quoted = values.str.startswith("'").fillna(False).to_numpy(dtype=bool)
        if not quoted.any():
            continue
        escaped = quoted & values.str[1:2].isin(FORMULA_STARTS).to_numpy(dtype=bool)
        if escaped.any():
            chunk.loc[escaped, column] = values[escaped].str[1:]
    return chunk


def private_file(path: Path) -> Path:
    """Create (or empty) ``path`` readable and writable by its owner only (0600; its folder 0700
    when created here): a rejects file holds raw rows with patient ids."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
    return path


def default_rejects_path(source: Path, now: datetime | None = None, run_id: str | None = None) -> Path:
    """``rejects/<name>.<UTC stamp>-<run id>.rejects.csv`` under the working directory, e.g.
    ``rejects/appointments.20261206T041503Z-3fa9c2.rejects.csv``: one file per run, so a later
    import of a same-named file never overwrites an earlier run's rejected rows (``now``: aware
    or naive UTC, default now; ``run_id``: default 6 random hex digits).

    Never beside the input: exports often sit in shared or read-only folders (and a folder of
    source data is no place for a file holding raw patient rows). The folder is created only
    when a row is rejected.
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return Path.cwd() / "rejects" / f"{source.stem}.{moment:%Y%m%dT%H%M%SZ}-{run_id or secrets.token_hex(3)}.rejects.csv"
