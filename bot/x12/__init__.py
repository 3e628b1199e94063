"""Tolerant reader for X12 835 health-care claim payment/advice (005010X221A1) files.

``read_835(bytes)`` / ``read_835_file(path)`` → :class:`Remittance835` (transactions, claims,
service lines, adjustments as integer cents) plus every unusable segment as a
:class:`SegmentProblem` with its position. No library on PyPI read the real-world samples this
project must accept (files without an ISA envelope, placeholder values, mismatched component
separators) without raising, so the reader is owned here.
"""

from bot.x12.model import (
    Adjustment,
    ClaimPayment,
    Party,
    Remittance835,
    SegmentProblem,
    Separators,
    ServiceLine,
    Transaction,
)
from bot.x12.reader import read_835, read_835_file

__all__ = [
    "Adjustment", "ClaimPayment", "Party", "Remittance835", "SegmentProblem", "Separators",
    "ServiceLine", "Transaction", "read_835", "read_835_file",
]
