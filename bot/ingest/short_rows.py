"""Find the records with fewer fields than the header, which pandas would pad with empty cells.

RFC 4180: every record has the same number of fields as the header. pandas reads a record with
too many fields as a bad line (rejected by the runner), but one with too few is filled with NaN
and would load as if its last cells were empty; :func:`short_records` finds those (one pass over
the file, before the chunks are read) so they are rejected too. Blank lines are not records
nor are rows of empty fields only (pandas skips both); :func:`short_records` counts them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.ingest.quotes import BlankedLines

BLOCK = 1 << 22  # bytes per block of the quote-free scan (its comma positions: 8 bytes each)


@dataclass
class FieldCounts:
    """``short``: physical line -> fields of each record shorter than the header; ``blank``:
    lines with nothing but commas on them (skipped, and reported as such)."""

    short: dict[int, int] = field(default_factory=dict)
    blank: int = 0


def short_records(path: Path, width: int, multiline: bool, blank_lines: frozenset[int] = frozenset()) -> FieldCounts:
    """The records of ``path`` (header = line 1, not checked) with fewer than ``width`` fields.

    ``multiline``: the file has a ``"`` (a field may then span lines and hold commas: read with
    :mod:`csv`, ``blank_lines`` read as empty as the import does); otherwise every line is a
    record and its fields are its commas + 1 (counted with numpy, block by block).
    """
    if multiline:
        return _scan_csv(path, width, blank_lines)
    with path.open("rb") as handle:
        return _scan_plain(handle, width)


def _scan_csv(path: Path, width: int, blank_lines: frozenset[int]) -> FieldCounts:
    out = FieldCounts()
    with path.open("rb") as binary, io.TextIOWrapper(io.BufferedReader(BlankedLines(binary, blank_lines)),
                                                     encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        for fields in reader:
            if start > 1:
                if not any(fields) and len(fields) <= width:
                    out.blank += start not in blank_lines  # a stray-quote line is rejected, not blank
                elif len(fields) < width:
                    out.short[start] = len(fields)
            start = reader.line_num + 1
    return out


def _scan_plain(handle: io.BufferedReader, width: int) -> FieldCounts:
    out = FieldCounts()
    line, carry_commas, carry_bytes = 1, 0, 0  # number of the line in progress, its commas and bytes so far
    while block := handle.read(BLOCK):
        data = np.frombuffer(block, dtype=np.uint8)
        ends = np.flatnonzero(data == 10)
        commas = np.flatnonzero(data == 44)
        if len(ends):
            per_line = np.diff(np.searchsorted(commas, ends), prepend=0)
            per_line[0] += carry_commas
            size = np.diff(ends, prepend=-1) - 1
            size[0] += carry_bytes
            size -= (data[np.maximum(ends - 1, 0)] == 13) & (ends > 0)  # a \r before the \n
            _tally(out, line, per_line, size, width)
            line += len(ends)
            carry_commas, carry_bytes = int(len(commas) - np.searchsorted(commas, ends[-1])), len(block) - ends[-1] - 1
        else:
            carry_commas, carry_bytes = carry_commas + len(commas), carry_bytes + len(block)
    if carry_bytes:
        _tally(out, line, np.array([carry_commas]), np.array([carry_bytes]), width)
    return out


def _tally(out: FieldCounts, first_line: int, commas: np.ndarray, size: np.ndarray, width: int) -> None:
    numbers = first_line + np.arange(len(commas))
    record = numbers > 1
    blank = record & (size <= commas) & (commas < width)  # nothing but commas: an entirely empty row
    out.blank += int(blank.sum())
    short = record & ~blank & (commas + 1 < width)
    out.short.update(zip(numbers[short].tolist(), (commas[short] + 1).tolist(), strict=True))
