"""Split raw X12 text into positioned segments, with separators taken from the ISA.

ISA rules (X12.5 envelope): the element separator is the 4th character of the file; ISA11 is
the repetition separator (005010; '^'), ISA16 the component separator, and the character after
ISA16 terminates segments. A correct ISA is 106 characters; mis-sized ones (trimmed padding)
exist, so ISA16 is located by counting 16 element separators, and the size is reported.
Without an ISA the separators are inferred: element = the character after the first segment
id, segment terminator '~' (else newline), component ':'.

Text is decoded as Latin-1 so that a character offset is also the byte offset.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from bot.x12.model import SegmentProblem, Separators

ISA_LENGTH = 106
_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_FIRST_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}([^A-Z0-9\s])")


@dataclass(frozen=True)
class RawSegment:
    """One segment: ``index`` 1-based, ``elements[0]`` is the segment id."""

    index: int
    elements: list[str]
    line: int
    offset: int

    @property
    def tag(self) -> str:
        return self.elements[0]

    def get(self, position: int) -> str:
        """Element ``position`` (1-based, as in 'CLP04'), '' when absent."""
        return self.elements[position] if position < len(self.elements) else ""


def detect_separators(text: str, start: int) -> tuple[Separators, list[SegmentProblem]]:
    """Separators of ``text`` whose first segment begins at ``start``; problems found on the way."""
    if text.startswith("ISA", start) and len(text) > start + 4:
        element = text[start + 3]
        seps = [i for i, ch in enumerate(text[start:start + 400], start) if ch == element]
        if len(seps) >= 16 and seps[15] + 1 < len(text):
            isa16 = seps[15] + 1
            component = text[isa16]
            terminator = text[isa16 + 1] if isa16 + 1 < len(text) else "\n"
            if terminator in "\r\n":
                terminator = "\n"
            isa11 = text[seps[10] + 1:seps[11]]
            repetition = isa11 if len(isa11) == 1 and not isa11.isalnum() and isa11 != " " else None
            problems = []
            size = isa16 + 1 - start + 1
            if size != ISA_LENGTH:
                problems.append(SegmentProblem(1, "ISA", f"ISA is {size} characters, {ISA_LENGTH} expected; "
                                               "separators read by element count", "warning", 1, start))
            return Separators(element, component, terminator, repetition), problems
        return _inferred(text, start), [SegmentProblem(
            1, "ISA", "ISA has fewer than 16 elements; separators inferred", "error", 1, start)]
    return _inferred(text, start), []


def _inferred(text: str, start: int) -> Separators:
    match = _FIRST_TAG.match(text, start)
    element = match.group(1) if match else "*"
    terminator = "~" if "~" in text else "\n"
    return Separators(element, ":", terminator, None)


def tokenize(data: bytes) -> tuple[Separators, list[RawSegment], list[SegmentProblem]]:
    """Segments of ``data`` with 1-based index, line and byte offset; empty segments are skipped."""
    text = data.decode("latin-1")
    start = 3 if text.startswith("\xef\xbb\xbf") else 0
    while start < len(text) and text[start].isspace():
        start += 1
    separators, problems = detect_separators(text, start)
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    segments: list[RawSegment] = []
    pos = start
    for piece in text[start:].split(separators.segment):
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            offset = pos + lead
            line = bisect_right(newlines, offset - 1) + 1
            elements = body.split(separators.element)
            segments.append(RawSegment(len(segments) + 1, elements, line, offset))
            if not _TAG.match(elements[0]):
                problems.append(SegmentProblem(len(segments), elements[0][:8],
                                               "not a segment id", "error", line, offset))
        pos += len(piece) + len(separators.segment)
    return separators, segments, problems


def is_tag(value: str) -> bool:
    return bool(_TAG.match(value))
