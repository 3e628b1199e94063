"""Stray double quotes: find the lines whose quoted field never closes, and read around them.

A ``"`` at the start of a field opens a quoted field that may legitimately span lines (an
embedded newline). A stray one (``"SANTA MARTHA`` typed by hand) makes the CSV parser swallow
every following line up to the next ``"``, or to the end of the file (pandas: "EOF inside
string"), so one bad field would sink the whole import. :func:`unbalanced_quote_lines` finds
such lines with Python's :mod:`csv` (same quoting rules as pandas' C parser: a quote opens a
field only at its start); :class:`BlankedLines` then reads the file with those lines emptied, so
every other line keeps its physical number and the empty lines are dropped as blank rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

WINDOW = 100  # a legitimate quoted field closes within this many physical lines


@dataclass
class _Feed:
    """Physical lines handed to a csv reader, numbered (header = 1), with push-back."""

    handle: IO[bytes]
    number: int = 0
    back: list[tuple[int, str]] = field(default_factory=list)  # pushed-back lines, last one first
    taken: list[tuple[int, str]] = field(default_factory=list)  # lines of the record being read
    ended: bool = False  # the record ran into the window limit or the end of the file

    def lines(self) -> Iterator[str]:
        """One record's worth of lines at most: stops (sets ``ended``) at WINDOW lines or EOF."""
        while len(self.taken) < WINDOW:
            if self.back:
                item = self.back.pop()
            else:
                raw = self.handle.readline()
                if not raw:
                    break
                self.number += 1
                text = raw.decode("utf-8", errors="replace")
                item = (self.number, text.removeprefix("\ufeff") if self.number == 1 else text)
            self.taken.append(item)
            yield item[1]
        self.ended = True


def unbalanced_quote_lines(handle: IO[bytes], width: int) -> dict[int, str]:
    """Physical line -> raw text (line ending removed) of each line whose quoted field does not
    close, within WINDOW lines, into a record of at most ``width`` fields.

    ``handle``: the file, binary, at its start; lines end at ``\\n``. Lines are decoded leniently
    (a decoding error is reported by the real read, not here). When a record is rejected, only
    its first line is; the lines after it are scanned again on their own.
    """
    feed = _Feed(handle)
    found: dict[int, str] = {}
    while True:
        # strict: a quote that closes a field must be followed by a delimiter or the line's end
        # (a stray quote paired with a later opening quote is not taken for a multi-line field)
        reader, feed.ended = csv.reader(feed.lines(), strict=True), False
        while True:
            feed.taken, failed = [], False
            try:
                fields = next(reader, None)
            except csv.Error:  # also when the swallowed lines exceed csv's field size limit
                fields, failed = None, True
            if not feed.taken:
                return found
            if feed.ended or len(feed.taken) > 1 and (failed or fields is None or len(fields) > width):
                break  # the record's first line opens a quote that does not close in a sane record
        first, *rest = feed.taken
        found[first[0]] = first[1].rstrip("\r\n")
        feed.back.extend(reversed(rest))  # scanned again on their own, with a fresh reader


class BlankedLines(io.RawIOBase):
    """A binary file read with the given physical lines emptied (their ``\\n`` kept), so every
    other line keeps its number. ``tell`` is the position in the underlying file."""

    def __init__(self, handle: IO[bytes], lines: set[int] | frozenset[int], block: int = 1 << 20) -> None:
        super().__init__()
        self._handle, self._lines, self._block = handle, sorted(lines), block
        self._next = 0  # index in _lines of the next line to empty
        self._number = 0  # line endings read so far
        self._pending, self._at = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._at >= len(self._pending):
            self._pending, self._at = self._fill(), 0
        n = min(len(buffer), len(self._pending) - self._at)
        buffer[:n] = self._pending[self._at:self._at + n]
        self._at += n
        return n

    def tell(self) -> int:
        return self._handle.tell() - (len(self._pending) - self._at)

    def _fill(self) -> bytes:
        """The next block of whole lines, the listed ones emptied."""
        data = self._handle.read(self._block)
        if data and not data.endswith(b"\n"):
            data += self._handle.readline()
        first = self._number + 1  # number of the block's first line
        self._number += data.count(b"\n")
        last = self._number + (0 if data.endswith(b"\n") or not data else 1)  # a last line without \n
        if self._next >= len(self._lines) or self._lines[self._next] > last:
            return data
        parts = data.split(b"\n")  # part i is line first + i
        while self._next < len(self._lines) and self._lines[self._next] <= last:
            parts[self._lines[self._next] - first] = b""
            self._next += 1
        return b"\n".join(parts)
