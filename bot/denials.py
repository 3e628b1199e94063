"""Recognise denials in an 835 claim payment and name their root cause (shared/spec/denials.md).

Rules, in order:

1. Excluded from numerator and denominator: reversals (CLP02 22), non-adjudications (CLP02 23
   forwarded, 25 predetermination) and exact duplicates (CARC 18 at claim level, or anywhere on a
   claim paid 0).
2. A *denial adjustment* is a CAS triple with a positive amount whose CARC is outside the
   cost-share/contractual/informational set {1, 2, 3, 45, 23, 59, 94, 253, 24}. Zero or negative
   amounts carry no denied money (they appear on reversals and corrections).
3. Claim paid 0 (CLP04) with at least one denial adjustment (claim or line level) → ``denied``;
   paid 0 without one (e.g. all PR-1 deductible) → ``not_denial``; paid ≠ 0 → ``paid``.
   CLP02 = 4 is never used as the flag.
4. On a paid claim, a service line paid 0 with a denial adjustment is a *line denial*.
5. The category comes from the (group, CARC, RARC) triple: CARCs 16, 96, A1 and 252 are refined
   by the first RARC found in :data:`bot.denial_codes.RARC_CATEGORY` (line RARCs, then claim
   RARCs); the group gives the liability (PR patient, CO provider write-off). When several denial
   adjustments exist, the one with the largest amount names the category (first on ties).
   Unknown and retired CARCs (A2, 42, …) are kept, categorised ``uncategorised`` and listed in
   ``uncategorised_carcs``; they are never rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.denial_codes import (
    CARC_CATEGORY,
    CATEGORIES,
    LIABILITY,
    NON_DENIAL_CARCS,
    RARC_CATEGORY,
    RARC_REFINED_CARCS,
)
from bot.x12.model import Adjustment, ClaimPayment

Status = Literal["paid", "denied", "not_denial", "excluded"]
EXCLUDED_STATUS_CODES = {"22": "reversal", "23": "not_adjudicated", "25": "not_adjudicated"}
DUPLICATE_CARC = "18"

__all__ = ["CATEGORIES", "DenialResult", "LineDenial", "adjustment_category", "classify_claim"]


@dataclass(frozen=True)
class LineDenial:
    """A denied service line on a paid claim; ``line_index`` is 0-based within the claim."""

    line_index: int
    procedure: str
    category: str
    carc: str
    amount_cents: int


@dataclass(frozen=True)
class DenialResult:
    """Classification of one CLP. ``category``/``carc``/``liability`` are set only when denied;
    ``excluded_reason`` is ``reversal`` | ``duplicate`` | ``not_adjudicated`` when excluded."""

    status: Status
    category: str | None = None
    carc: str | None = None
    liability: str | None = None
    excluded_reason: str | None = None
    line_denials: tuple[LineDenial, ...] = ()
    uncategorised_carcs: tuple[str, ...] = ()

    @property
    def is_denial(self) -> bool:
        return self.status == "denied"

    @property
    def line_denial_categories(self) -> tuple[str, ...]:
        return tuple(d.category for d in self.line_denials)


def adjustment_category(adjustment: Adjustment, rarcs: Sequence[str] = ()) -> str:
    """Root-cause category key (see ``CATEGORIES``) of one adjustment given its RARCs."""
    if adjustment.carc in RARC_REFINED_CARCS:
        for code in rarcs:
            if code in RARC_CATEGORY:
                return RARC_CATEGORY[code]
    return CARC_CATEGORY.get(adjustment.carc, "uncategorised")


def _is_denial(adjustment: Adjustment) -> bool:
    return (adjustment.amount_cents > 0 and adjustment.carc not in NON_DENIAL_CARCS
            and adjustment.carc != DUPLICATE_CARC)


def _with_rarcs(claim: ClaimPayment) -> list[tuple[Adjustment, tuple[str, ...], int | None]]:
    """Every adjustment with the RARCs that refine it and its line index (None: claim level)."""
    items: list[tuple[Adjustment, tuple[str, ...], int | None]] = [
        (adj, tuple(claim.rarcs), None) for adj in claim.adjustments]
    for i, line in enumerate(claim.service_lines):
        items += [(adj, (*line.rarcs, *claim.rarcs), i) for adj in line.adjustments]
    return items


def classify_claim(claim: ClaimPayment) -> DenialResult:
    """Classify one claim payment per the module rules. Pure; never raises on unknown codes."""
    items = _with_rarcs(claim)
    uncategorised = tuple(dict.fromkeys(
        adj.carc for adj, rarcs, _ in items
        if adj.carc not in NON_DENIAL_CARCS and adjustment_category(adj, rarcs) == "uncategorised"))
    if claim.status_code in EXCLUDED_STATUS_CODES:
        return DenialResult("excluded", excluded_reason=EXCLUDED_STATUS_CODES[claim.status_code],
                            uncategorised_carcs=uncategorised)
    duplicate_claim_level = any(a.carc == DUPLICATE_CARC for a in claim.adjustments)
    duplicate_anywhere = any(a.carc == DUPLICATE_CARC for a, _, _ in items)
    if duplicate_claim_level or (claim.paid_cents == 0 and duplicate_anywhere):
        return DenialResult("excluded", excluded_reason="duplicate", uncategorised_carcs=uncategorised)
    if claim.paid_cents != 0:
        return DenialResult("paid", line_denials=_line_denials(claim), uncategorised_carcs=uncategorised)
    denials = [(adj, rarcs) for adj, rarcs, _ in items if _is_denial(adj)]
    if not denials:
        return DenialResult("not_denial", uncategorised_carcs=uncategorised)
    adj, rarcs = max(denials, key=lambda d: d[0].amount_cents)  # max keeps the first on ties
    return DenialResult("denied", category=adjustment_category(adj, rarcs), carc=adj.carc,
                        liability=LIABILITY.get(adj.group_code), uncategorised_carcs=uncategorised)


def _line_denials(claim: ClaimPayment) -> tuple[LineDenial, ...]:
    found = []
    for i, line in enumerate(claim.service_lines):
        denials = [a for a in line.adjustments if _is_denial(a)]
        if line.paid_cents == 0 and denials:
            adj = max(denials, key=lambda a: a.amount_cents)
            category = adjustment_category(adj, (*line.rarcs, *claim.rarcs))
            found.append(LineDenial(i, line.procedure, category, adj.carc, adj.amount_cents))
    return tuple(found)
