"""X12 envelope trailer checks (ASC X12 005010 control structures, X12.5/X12.6).

Structural rules, each failure an ``error`` that rejects every 835 transaction it encloses (the
trailer does not close what it should, or the file was cut, so what was read may be incomplete):

- SE02 = ST02; GE02 = GS06; IEA02 = ISA13.
- A transaction must end with its SE before the next ST, GE, IEA or the end of the file.
- A GS must be closed by its GE, an ISA by its IEA (a truncated file fails here).

Count rules, each failure a ``warning`` (code ``x12_trailer_count``) that keeps the transactions:

- SE01 = number of segments in the transaction, counting ST and SE.
- GE01 = number of ST headers (transaction sets) in the functional group.
- IEA01 = number of GS headers (functional groups) in the interchange.

X12 makes a wrong count a syntax error of the transaction set (a 999 acknowledgment would
reject it), but a remittance is money already paid: its claims are read segment by segment, each
broken CLP/SVC/CAS is dropped on its own, so the claims read intact are imported and the
operator is told, once at the trailer, how many segments were declared and how many counted
(``Transaction.envelope_warnings``; each of its stored claims counts as loaded with a warning).

Envelopes are optional (real files arrive as bare ST/SE), but a header that is present must
have a matching trailer. A rejected transaction is still read (so its problems are listed) but
carries its reasons in ``Transaction.envelope_errors`` and is not imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.x12.model import Severity, Transaction
from bot.x12.tokenizer import RawSegment

Report = Callable[[str, Severity, str | None], None]  # reason, severity, issue code
COUNT_CODE = "x12_trailer_count"


@dataclass
class Scope:
    """An open GS (group) or ISA (interchange): its control number, the count of headers directly
    inside (ST for a group, GS for an interchange) and the 835 transactions enclosed."""

    kind: str  # "GS" | "ISA"
    control: str
    start: int  # segment index of the header
    count: int = 0
    members: list[Transaction] = field(default_factory=list)


def reject(members: list[Transaction], reason: str) -> None:
    for tx in members:
        tx.envelope_errors.append(reason)


class Envelope:
    """Nesting state of ISA/GS/ST; ``report`` records an error at the current segment."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.group: Scope | None = None
        self.interchange: Scope | None = None

    def fail(self, members: list[Transaction], reason: str) -> None:
        held = f"; {len(members)} transaction(s) not imported" if members else ""
        self.report(reason + held, "error", None)
        reject(members, reason)

    def miscount(self, members: list[Transaction], reason: str) -> None:
        """A trailer count that does not match what was read: a warning, the claims kept."""
        claims = sum(len(t.claims) for t in members if not t.rejected)
        kept = (f"; a trailer count error (X12 rejects the transaction set for it), but the segments "
                f"were read one by one: the {claims} claim payment(s) read intact are imported, the "
                "sender should check the file") if members else ""
        self.report(reason + kept, "warning", COUNT_CODE)
        for tx in members:
            tx.envelope_warnings.append(reason)

    # -- headers -------------------------------------------------------------------------------
    def on_isa(self, seg: RawSegment) -> None:
        if self.interchange is not None:
            self._unclosed_interchange(f"ISA at segment {seg.index}")
        self.interchange = Scope("ISA", seg.get(13).strip(), seg.index)

    def on_gs(self, seg: RawSegment) -> None:
        if self.group is not None:
            self._unclosed_group(f"GS at segment {seg.index}")
        self.group = Scope("GS", seg.get(6).strip(), seg.index)
        if self.interchange is not None:
            self.interchange.count += 1

    def on_st(self, tx: Transaction | None) -> None:
        """A new ST header (``tx`` is None for a non-835 transaction, counted but not kept)."""
        if self.group is not None:
            self.group.count += 1
            if tx is not None:
                self.group.members.append(tx)
        if self.interchange is not None and tx is not None:
            self.interchange.members.append(tx)

    # -- trailers ------------------------------------------------------------------------------
    def on_se(self, seg: RawSegment, tx: Transaction, start: int) -> None:
        counted = seg.index - start + 1
        se01, se02 = seg.get(1).strip(), seg.get(2).strip()
        if not se01.isdigit() or int(se01) != counted:
            self.miscount([tx], f"SE01 {se01!r} declared, {counted} segments counted in transaction "
                                f"{tx.control_number!r} (ST to SE inclusive)")
        if se02 != (tx.control_number or ""):
            self.fail([tx], f"SE02 {se02!r} does not match ST02 {tx.control_number!r}")

    def on_ge(self, seg: RawSegment) -> None:
        group, self.group = self.group, None
        if group is None:
            self.report("GE without a GS", "error", None)
            return
        ge01, ge02 = seg.get(1).strip(), seg.get(2).strip()
        if not ge01.isdigit() or int(ge01) != group.count:
            self.miscount(group.members, f"GE01 {ge01!r} declared, {group.count} transaction set(s) counted "
                                         f"in group {group.control!r}")
        if ge02 != group.control:
            self.fail(group.members, f"GE02 {ge02!r} does not match GS06 {group.control!r}")

    def on_iea(self, seg: RawSegment) -> None:
        if self.group is not None:
            self._unclosed_group("IEA")
        interchange, self.interchange = self.interchange, None
        if interchange is None:
            self.report("IEA without an ISA", "error", None)
            return
        iea01, iea02 = seg.get(1).strip(), seg.get(2).strip()
        if not iea01.isdigit() or int(iea01) != interchange.count:
            self.miscount(interchange.members, f"IEA01 {iea01!r} declared, {interchange.count} functional "
                                               f"group(s) counted in interchange {interchange.control!r}")
        if iea02 != interchange.control:
            self.fail(interchange.members, f"IEA02 {iea02!r} does not match ISA13 {interchange.control!r}")

    def finish(self) -> None:
        """End of file: every open group and interchange lacks its trailer."""
        if self.group is not None:
            self._unclosed_group("the end of the file")
        if self.interchange is not None:
            self._unclosed_interchange("the end of the file")

    def _unclosed_group(self, where: str) -> None:
        group, self.group = self.group, None
        assert group is not None
        self.fail(group.members, f"group {group.control!r} (GS at segment {group.start}) has no GE trailer "
                                 f"before {where}")

    def _unclosed_interchange(self, where: str) -> None:
        interchange, self.interchange = self.interchange, None
        assert interchange is not None
        self.fail(interchange.members, f"interchange {interchange.control!r} (ISA at segment {interchange.start}) "
                                       f"has no IEA trailer before {where}")
