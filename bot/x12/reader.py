"""Tolerant 835 reader: keeps every readable claim and reports every segment it could not use.

Loop structure followed (005010X221A1): ST → BPR, TRN, DTM*405, N1*PR (payer), N1*PE (payee)
→ LX → CLP (2100) [CAS, NM1, MIA, MOA, DTM, AMT…] → SVC (2110) [DTM, CAS, REF, AMT, LQ*HE] → SE.

Remit date: BPR16 (payment/EFT effective date), else DTM*405 (production date); an unreadable one
is kept on the transaction (``Transaction.date_problems``), not dropped with its segment.
A broken CLP drops that claim (its CAS/SVC are reported, not attached elsewhere); a broken SVC
drops that line; a broken CAS triple drops that triple; the rest of the file is read.
Envelope trailers (SE, GE, IEA) are checked by ``bot.x12.envelope``: a structural failure is an
error at the trailer's position and marks every enclosed transaction ``rejected`` (read, not
imported); a count that does not match (SE01, GE01, IEA01) is a warning there, the claims kept.
"""

from __future__ import annotations

from pathlib import Path

from bot.x12 import fields as f
from bot.x12.envelope import Envelope
from bot.x12.model import (
    Adjustment,
    ClaimPayment,
    Party,
    Remittance835,
    SegmentProblem,
    ServiceLine,
    Severity,
    Transaction,
)
from bot.x12.tokenizer import RawSegment, is_tag, tokenize

ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA"})
IGNORED = frozenset({"TRN", "CUR", "REF", "N2", "N3", "N4", "PER", "RDM", "LX",
                     "TS3", "TS2", "NM1", "AMT", "QTY", "PLB", "DTM", "TA1"})


def read_835_file(path: str | Path) -> Remittance835:
    """Read one 835 file from disk; see :func:`read_835`."""
    return read_835(Path(path).read_bytes())


def read_835(data: bytes | str) -> Remittance835:
    """Parse 835 bytes. Never raises on content: problems are listed in ``result.problems``."""
    raw = data.encode("latin-1", "replace") if isinstance(data, str) else data
    separators, segments, problems = tokenize(raw)
    state = _Reader(Remittance835(separators, problems=problems, segment_count=len(segments)))
    for segment in segments:
        state.feed(segment)
    state.finish()
    return state.result


class _Reader:
    def __init__(self, result: Remittance835) -> None:
        self.result = result
        self.tx: Transaction | None = None
        self.tx_start = 0
        self.skip_tx = False
        self.claim: ClaimPayment | None = None
        self.line: ServiceLine | None = None
        self.dropped: str | None = None  # "CLP" / "SVC" while inside a loop that was dropped
        self.seg: RawSegment | None = None
        self.envelope = Envelope(self.problem)

    # -- reporting -----------------------------------------------------------------------------
    def problem(self, reason: str, severity: Severity = "error", code: str | None = None) -> None:
        seg = self.seg
        assert seg is not None
        self.result.problems.append(SegmentProblem(
            seg.index, seg.tag, reason, severity, seg.line, seg.offset,
            self.tx.control_number if self.tx else None, code))

    # -- dispatch ------------------------------------------------------------------------------
    def feed(self, seg: RawSegment) -> None:
        self.seg = seg
        tag = seg.tag
        handler = getattr(self, f"on_{tag}", None)
        if tag == "ST":
            self.on_ST(seg)
        elif tag in ENVELOPE:
            self.on_envelope(seg)
        elif self.skip_tx and tag != "SE":
            return
        elif handler is not None:
            try:
                handler(seg)
            except f.FieldError as exc:
                self.problem(str(exc))
        elif tag not in IGNORED and is_tag(tag):  # malformed ids were reported by the tokenizer
            self.problem(f"unknown segment id {tag!r} in an 835")

    def finish(self) -> None:
        self._close_open_transaction("the end of the file")
        self.envelope.finish()

    # -- envelope ------------------------------------------------------------------------------
    def _close_open_transaction(self, where: str) -> None:
        """An ST still open here never got its SE: an error that rejects the transaction."""
        tx = self.tx
        if tx is not None and tx.has_st:
            kept = [] if self.skip_tx else [tx]
            self.envelope.fail(kept, f"transaction {tx.control_number!r} (ST at segment {tx.segment_index}) "
                                     f"has no SE trailer before {where}")
        self.tx, self.skip_tx, self.claim, self.line, self.dropped = None, False, None, None, None

    def on_envelope(self, seg: RawSegment) -> None:
        self._close_open_transaction(f"{seg.tag} at segment {seg.index}")
        getattr(self.envelope, f"on_{seg.tag.lower()}")(seg)

    def on_ST(self, seg: RawSegment) -> None:
        self._close_open_transaction(f"ST at segment {seg.index}")
        self.tx = Transaction(seg.get(2) or None, seg.index)
        self.tx_start = seg.index
        self.skip_tx = seg.get(1) != "835"
        if self.skip_tx:
            self.problem(f"ST01 {seg.get(1)!r} is not 835; transaction skipped")
        else:
            self.result.transactions.append(self.tx)
        self.envelope.on_st(None if self.skip_tx else self.tx)

    def on_SE(self, seg: RawSegment) -> None:
        if self.tx is None or not self.tx.has_st:
            self.problem("SE without an ST")
            self.tx, self.skip_tx, self.claim, self.line, self.dropped = None, False, None, None, None
            return
        if not self.skip_tx:
            self.envelope.on_se(seg, self.tx, self.tx_start)
        self.tx, self.skip_tx, self.claim, self.line, self.dropped = None, False, None, None, None

    def _transaction(self) -> Transaction:
        if self.tx is None:
            self.problem("segment outside an ST/SE transaction; read into an unnamed transaction", "warning")
            self.tx = Transaction(None, self.seg.index if self.seg else 0, has_st=False)
            self.result.transactions.append(self.tx)
        return self.tx

    def on_BPR(self, seg: RawSegment) -> None:
        """BPR02 and BPR16 are read apart: neither makes the other unusable. An unreadable
        BPR02 (the payment total, which no claim needs) is a warning; an unreadable BPR16 is kept
        on the transaction (``date_problems``) and said with each claim it leaves undated or dated
        from DTM*405 (``bot.ingest.remittance_rows``)."""
        tx = self._transaction()
        try:
            tx.payment_cents = f.optional_cents(seg.get(2), "BPR02")
        except f.FieldError as exc:
            self.problem(f"{exc}; the payment total is not used (claims are read from their CLP)", "warning")
        if seg.get(16):
            try:
                tx.payment_date = f.ccyymmdd(seg.get(16), "BPR16")
            except f.FieldError as exc:
                tx.date_problems.append(f"segment {seg.index}: {exc}")

    def on_DTM(self, seg: RawSegment) -> None:
        if seg.get(1) == "405" and self.claim is None and self.dropped is None:
            tx = self._transaction()
            try:
                tx.production_date = f.ccyymmdd(seg.get(2), "DTM02 (405)")
            except f.FieldError as exc:
                if tx.payment_date is not None:  # not needed: BPR16 (read before, loop 1000) dates the claims
                    self.problem(f"{exc}; not used (BPR16 gives the remit date)", "warning")
                else:
                    tx.date_problems.append(f"segment {seg.index}: {exc}")

    def on_N1(self, seg: RawSegment) -> None:
        if seg.get(1) not in ("PR", "PE"):
            return
        party = Party(seg.get(2).strip(), seg.get(3) or None, seg.get(4).strip() or None)
        if seg.get(1) == "PR":
            self._transaction().payer = party
        else:
            self._transaction().payee = party

    # -- claims (loop 2100) --------------------------------------------------------------------
    def on_CLP(self, seg: RawSegment) -> None:
        tx = self._transaction()
        self.claim, self.line, self.dropped = None, None, "CLP"
        pcn, status = seg.get(1).strip(), seg.get(2).strip()
        if not pcn:
            raise f.FieldError("CLP01 patient control number is empty")
        if not status.isdigit():
            raise f.FieldError(f"CLP02 {status!r} is not a claim status code")
        claim = ClaimPayment(
            pcn, status, f.cents(seg.get(3), "CLP03"), f.cents(seg.get(4), "CLP04"),
            f.optional_cents(seg.get(5), "CLP05") or 0, seg.get(6) or None, seg.get(7).strip() or None,
            seg.index)
        if status not in f.CLAIM_STATUS_CODES:
            self.problem(f"CLP02 {status!r} is not a 5010 claim status code; claim kept", "warning")
        tx.claims.append(claim)
        self.claim, self.dropped = claim, None

    def _in_dropped(self, what: str) -> bool:
        if self.dropped is not None:
            self.problem(f"{what} belongs to an unreadable {self.dropped} segment; skipped")
            return True
        return False

    def on_CAS(self, seg: RawSegment) -> None:
        if self._in_dropped("CAS"):
            return
        target = self.line or self.claim
        if target is None:
            self.problem("CAS outside a claim; skipped")
            return
        group = seg.get(1).strip()
        if group not in f.GROUP_CODES:
            raise f.FieldError(f"CAS01 {group!r} is not a claim adjustment group code")
        for i in range(2, len(seg.elements), 3):
            if not seg.get(i).strip():
                continue
            n = i // 3 + 1
            try:
                target.adjustments.append(Adjustment(
                    group, f.carc(seg.get(i), f"CAS reason {n}"), f.cents(seg.get(i + 1), f"CAS amount {n}"),
                    f.quantity(seg.get(i + 2), f"CAS quantity {n}")))
            except f.FieldError as exc:
                self.problem(f"{exc}; this adjustment skipped")

    def on_SVC(self, seg: RawSegment) -> None:
        if self.claim is None:
            if not self._in_dropped("SVC"):
                self.problem("SVC outside a claim; skipped")
            return
        self.line, self.dropped = None, "SVC"
        parts, repair = f.split_composite(seg.get(1).strip(), self.result.separators.component)
        if len(parts) < 2 or not parts[1].strip():
            raise f.FieldError(f"SVC01 {seg.get(1)!r} has no procedure code")
        if not seg.get(2).strip():
            raise f.FieldError("SVC02 line charge is empty")
        line = ServiceLine(parts[0], parts[1], tuple(p for p in parts[2:6] if p), f.cents(seg.get(2), "SVC02"),
                           f.cents(seg.get(3) or "0", "SVC03"), f.quantity(seg.get(5), "SVC05"), seg.index)
        if repair:
            self.problem(f"SVC01: {repair}", "warning")
        self.claim.service_lines.append(line)
        self.line, self.dropped = line, None

    # -- remark codes --------------------------------------------------------------------------
    def on_LQ(self, seg: RawSegment) -> None:
        if seg.get(1) != "HE" or self._in_dropped("LQ"):
            return
        if self.claim is None:
            self.problem("LQ outside a claim; skipped")
            return
        code = f.rarc(seg.get(2), "LQ02")
        if self.line is None:
            self.problem("LQ*HE before any SVC; remark attached to the claim", "warning")
        (self.line or self.claim).rarcs.append(code)

    def _claim_remarks(self, seg: RawSegment, positions: tuple[int, ...]) -> None:
        if self._in_dropped(seg.tag):
            return
        if self.claim is None:
            self.problem(f"{seg.tag} outside a claim; skipped")
            return
        if self.line is not None:
            self.problem(f"{seg.tag} after an SVC belongs to the claim; attached to the claim", "warning")
        for pos in positions:
            if seg.get(pos).strip():
                try:
                    self.claim.rarcs.append(f.rarc(seg.get(pos), f"{seg.tag}{pos:02d}"))
                except f.FieldError as exc:
                    self.problem(f"{exc}; remark skipped")

    def on_MOA(self, seg: RawSegment) -> None:
        self._claim_remarks(seg, (3, 4, 5, 6, 7))

    def on_MIA(self, seg: RawSegment) -> None:
        self._claim_remarks(seg, (5, 20, 21, 22, 23))
