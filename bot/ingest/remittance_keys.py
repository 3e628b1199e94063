"""Which stored remittance a CLP of an 835 is, and whether its service lines can be trusted.

``natural_key`` of a remittance: SHA-1 (hex, 40) of payer key | CLP01 | CLP07 | CLP02 | CLP03 |
CLP04 | CLP05 cents | remit date. The same CLP in a re-sent file gets the same key (re-import
adds nothing); a reversal (CLP02 22, negative amounts) or a later re-adjudication gets its own.

Reversals and corrections (005010X221A1, section 1.10.2.8): a payer corrects a claim payment by
reversing it (CLP02 22, the original's amounts negated) and sending the corrected claim. The
corrected claim is a new adjudication, never a duplicate nor a re-read of the original, even when
its CLP repeats the reversed one element for element (only its service lines changed, say), in
this file or in an earlier one with the same remit date: so the key of every CLP that follows a
reversal of its claim (payer, CLP01) in the same file also holds the number of such reversals
read before it (:class:`ClaimKeys`). The key of a CLP with no reversal of its claim before it in
its file is the plain one.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.x12 import ClaimPayment, Remittance835

REVERSAL = "22"  # CLP02: reversal of previous payment
LINE_SEGMENTS = frozenset({"SVC", "CAS", "LQ"})  # a dropped one loses a service line, an adjustment or a remark


def natural_key(payer_key: str, claim: Any, remit_date: date, after_reversals: int = 0) -> str:
    """The remittance's natural key (see the module docstring); ``claim``: a :class:`ClaimPayment`
    or anything with its CLP attributes; ``after_reversals``: reversals of its claim read before
    it in its file."""
    parts: list[Any] = [payer_key, claim.patient_control_number, claim.payer_claim_control_number or "",
                        claim.status_code, claim.charge_cents, claim.paid_cents, claim.patient_responsibility_cents,
                        remit_date.isoformat()]
    if after_reversals:
        parts.append(f"after-reversal-{after_reversals}")
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()


class ClaimKeys:
    """Natural keys of the CLPs of one file, given in file order."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._reversals: dict[tuple[str, str], int] = {}  # (payer key, CLP01) -> reversals read so far

    def key(self, payer_key: str, claim: ClaimPayment, remit_date: date) -> str | None:
        """The CLP's key, extended with the reversals of its claim read before it in this file
        (none: the plain key); None when that key is taken already (an identical repeat:
        ``duplicate_in_file``)."""
        claim_of = (payer_key, claim.patient_control_number)
        before = self._reversals.get(claim_of, 0)
        key = natural_key(payer_key, claim, remit_date, before)
        if key in self._taken:
            return None
        self._taken.add(key)
        if claim.status_code == REVERSAL:
            self._reversals[claim_of] = before + 1
        return key


def incomplete_claims(result: Remittance835) -> set[int]:
    """Segment numbers of the CLPs that lost a service line, an adjustment or a remark to a read
    problem (an SVC, CAS or LQ segment dropped inside their loop 2100/2110): their service lines
    as read are not the whole claim. A loop ends at the next CLP, read or dropped, or ST."""
    starts = sorted({c.segment_index for c in result.claims} | {t.segment_index for t in result.transactions}
                    | {p.segment_index for p in result.problems if p.segment_id == "CLP" and p.severity == "error"})
    read = {c.segment_index for c in result.claims}
    hit: set[int] = set()
    for p in result.problems:
        if p.severity == "error" and p.segment_id in LINE_SEGMENTS:
            owner = _last_before(starts, p.segment_index)
            if owner in read:
                hit.add(owner)
    return hit


def _last_before(starts: Sequence[int], index: int) -> int | None:
    at = bisect_left(starts, index)
    return starts[at - 1] if at else None
