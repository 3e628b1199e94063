"""Element parsers for 835 data: amounts (X12 type R) to integer cents, CCYYMMDD dates, code shapes.

Each parser raises :class:`FieldError` with a message naming the element (e.g. ``CLP04``) and the
offending value; the reader turns that into a ``SegmentProblem``.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_AMOUNT = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)$")
_DATE = re.compile(r"^\d{8}$")
#: CARC shapes: 1–3 digits (not all zeros) or a letter and 1–2 digits (A1, B7, P12).
_CARC = re.compile(r"^(?:0{0,2}[1-9]\d{0,2}|[A-Z]\d{1,2})$")
#: RARC shapes: M, MA or N followed by digits (MA130, N206, M127).
_RARC = re.compile(r"^(?:MA|M|N)\d{1,4}$")
GROUP_CODES = frozenset({"CO", "PR", "OA", "PI", "CR"})
CLAIM_STATUS_CODES = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
COMPONENT_FALLBACKS = (">", ":", "^", "|")


class FieldError(ValueError):
    """An element that cannot be read; ``str()`` names the element and value."""


def cents(value: str, name: str) -> int:
    """X12 decimal amount → integer cents (half-up beyond 2 decimals); negative allowed."""
    text = value.strip()
    if not _AMOUNT.match(text):
        raise FieldError(f"{name} {value!r} is not an amount")
    return int((Decimal(text) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def optional_cents(value: str, name: str) -> int | None:
    return cents(value, name) if value.strip() else None


def quantity(value: str, name: str) -> Decimal | None:
    """Optional decimal quantity (units, CAS quantity); None when empty."""
    text = value.strip()
    if not text:
        return None
    if not _AMOUNT.match(text):
        raise FieldError(f"{name} {value!r} is not a number")
    return Decimal(text)


def ccyymmdd(value: str, name: str) -> date:
    text = value.strip()
    if not _DATE.match(text):
        raise FieldError(f"{name} {value!r} is not a CCYYMMDD date")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise FieldError(f"{name} {value!r} is not a calendar date") from None


def carc(value: str, name: str) -> str:
    """A claim adjustment reason code, shape-checked only: unknown or retired codes pass."""
    text = value.strip().upper()
    if not _CARC.match(text):
        raise FieldError(f"{name} {value!r} is not a reason code (CARC)")
    return text.lstrip("0") if text.isdigit() else text


def rarc(value: str, name: str) -> str:
    text = value.strip().upper()
    if not _RARC.match(text):
        raise FieldError(f"{name} {value!r} is not a remark code (RARC)")
    return text


def split_composite(value: str, separator: str) -> tuple[list[str], str | None]:
    """Split a composite element; fall back to a common other separator after a 2-character
    qualifier (files declaring ':' in ISA16 but writing 'HC>99214' exist). Returns the parts and
    a repair note when the fallback was used."""
    if separator in value:
        return value.split(separator), None
    for alt in COMPONENT_FALLBACKS:
        if alt != separator and len(value) > 3 and value[2] == alt and value[:2].isalnum():
            return value.split(alt), f"component separator {alt!r} used where {separator!r} is declared"
    return [value], None
