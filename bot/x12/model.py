"""Typed result of reading an X12 835 (005010X221A1) remittance file.

Shapes: ``Remittance835`` → ``Transaction`` (one ST/SE) → ``ClaimPayment`` (one CLP, loop 2100)
→ ``ServiceLine`` (one SVC, loop 2110). Money is integer cents (negative allowed: reversals and
negative CAS amounts exist); dates are ``datetime.date``. Anything the reader could not use is a
``SegmentProblem`` with its position, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Separators:
    """Delimiters of one file. ``repetition`` is None when ISA11 is not a separator (4010 'U')."""

    element: str = "*"
    component: str = ":"
    segment: str = "~"
    repetition: str | None = None


@dataclass(frozen=True)
class SegmentProblem:
    """A segment the reader dropped (``error``) or read with a repair (``warning``).

    ``segment_index``: 1-based position of the segment in the file; ``line``: 1-based line where
    it starts; ``offset``: byte offset of its first character; ``transaction``: ST02 of the
    enclosing transaction, when inside one.
    """

    segment_index: int
    segment_id: str
    reason: str
    severity: Severity = "error"
    line: int | None = None
    offset: int | None = None
    transaction: str | None = None
    code: str | None = None  # the import issue code when not the generic one (e.g. x12_trailer_count)

    def position(self) -> str:
        """Human-readable position, e.g. ``segment 24 (line 24, byte 1032, ST 0001)``."""
        parts = [f"line {self.line}" if self.line is not None else None,
                 f"byte {self.offset}" if self.offset is not None else None,
                 f"ST {self.transaction}" if self.transaction else None]
        inner = ", ".join(p for p in parts if p)
        return f"segment {self.segment_index}" + (f" ({inner})" if inner else "")


@dataclass(frozen=True)
class Adjustment:
    """One (group, CARC, amount, quantity) triple of a CAS segment."""

    group_code: str  # CO | PR | OA | PI | CR
    carc: str
    amount_cents: int
    quantity: Decimal | None = None


@dataclass
class ServiceLine:
    """One SVC (loop 2110). ``procedure``: ``qualifier:code[:modifier...]`` with ':' whatever the file used."""

    qualifier: str
    code: str
    modifiers: tuple[str, ...]
    charge_cents: int
    paid_cents: int
    units: Decimal | None
    segment_index: int
    adjustments: list[Adjustment] = field(default_factory=list)
    rarcs: list[str] = field(default_factory=list)  # LQ*HE

    @property
    def procedure(self) -> str:
        return ":".join((self.qualifier, self.code, *self.modifiers))


@dataclass
class ClaimPayment:
    """One CLP (loop 2100), the payer's adjudication of one claim.

    CLP01 patient control number, CLP02 status, CLP03 charge, CLP04 paid, CLP05 patient
    responsibility, CLP06 filing indicator, CLP07 payer claim control number.
    ``rarcs``: claim-level remark codes (MOA/MIA, or LQ*HE placed before any SVC).
    """

    patient_control_number: str
    status_code: str
    charge_cents: int
    paid_cents: int
    patient_responsibility_cents: int
    filing_indicator: str | None
    payer_claim_control_number: str | None
    segment_index: int
    adjustments: list[Adjustment] = field(default_factory=list)
    service_lines: list[ServiceLine] = field(default_factory=list)
    rarcs: list[str] = field(default_factory=list)


@dataclass
class Party:
    """An N1 loop (payer ``PR`` or payee ``PE``): N1-02 name, N1-03/N1-04 id qualifier and id."""

    name: str
    id_qualifier: str | None = None
    identifier: str | None = None


@dataclass
class Transaction:
    """One ST/SE 835 transaction. ``remit_date``: BPR16, else DTM*405 (see ``reader``)."""

    control_number: str | None
    segment_index: int
    payment_cents: int | None = None  # BPR02
    payment_date: date | None = None  # BPR16
    production_date: date | None = None  # DTM*405
    payer: Party | None = None
    payee: Party | None = None
    claims: list[ClaimPayment] = field(default_factory=list)
    envelope_errors: list[str] = field(default_factory=list)  # trailer checks failed (``envelope``)
    envelope_warnings: list[str] = field(default_factory=list)  # trailer counts off; claims kept
    # unreadable BPR16 / DTM*405 ("segment N: BPR16 '…' is not a calendar date"): not segment
    # problems of their own, they are said with the claims whose remit date they decide
    date_problems: list[str] = field(default_factory=list)
    has_st: bool = True  # False: segments found outside any ST/SE, read into an unnamed transaction

    @property
    def remit_date(self) -> date | None:
        return self.payment_date or self.production_date

    @property
    def rejected(self) -> bool:
        """True when an envelope check failed: the transaction is listed but not imported."""
        return bool(self.envelope_errors)


@dataclass
class Remittance835:
    """Everything read from one file: transactions in file order and every problem found."""

    separators: Separators
    transactions: list[Transaction] = field(default_factory=list)
    problems: list[SegmentProblem] = field(default_factory=list)
    segment_count: int = 0

    @property
    def claims(self) -> list[ClaimPayment]:
        """Every claim read, including those of rejected transactions (see ``accepted_claims``)."""
        return [c for t in self.transactions for c in t.claims]

    @property
    def accepted_claims(self) -> list[ClaimPayment]:
        """Claims of transactions whose envelope checks passed: what an import may store."""
        return [c for t in self.transactions if not t.rejected for c in t.claims]
