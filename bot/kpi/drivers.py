"""Why a ratio KPI changed: a rate / mix decomposition over segments (clinic, provider, payer)
and a numerator split by denial category, whose parts add up exactly to the total change.

For a ratio R = Σn / Σd over segments i, with rate r_i = n_i / d_i and volume share
w_i = d_i / Σd in the period before (0) and after (1), the change is

    ΔR = Σ_i (w1_i r1_i − w0_i r0_i)

and each segment's term splits symmetrically (the midpoint, or Kitagawa, decomposition:
E. M. Kitagawa, "Components of a difference between two rates", JASA 50 (1955) 1168–1194;
also Das Gupta 1993) into

    rate effect  = (r1_i − r0_i) · (w0_i + w1_i) / 2     ("their rate moved")
    mix effect   = (w1_i − w0_i) · (r0_i + r1_i) / 2     ("their volume share moved")

which add up to w1_i r1_i − w0_i r0_i exactly. A segment with no volume in one period takes
the other period's rate there (all of its term is mix). A segment with a numerator but no
denominator (money posted without charges) keeps its whole term n1/D1 − n0/D0 as rate effect.

Denial categories (CARC groups) only split the numerator (a non-denied claim has no category),
so each category's term is n1_c / D1 − n0_c / D0, all of it rate effect.

Values are proportions (0.021 = 2.1 points) for % KPIs; plain ratios otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.denial_codes import CATEGORIES
from bot.kpi.base import Scope, ratio_by
from bot.kpi.catalogue import KpiDef
from bot.kpi.ratio import RatioKpi
from bot.kpi.scope import names_for
from storage.models import Remittance

CATEGORY = "denial_category"
DIM_WORDS = {"clinic": "clinic", "provider": "provider", "payer": "payer", CATEGORY: "denial category"}
Pair = tuple[float, float]  # (Σn, Σd)


@dataclass(frozen=True)
class Contribution:
    """One segment's share of the change (same unit as the KPI's value: a proportion for %)."""

    key: Any
    name: str
    before: Pair
    after: Pair
    rate_effect: float
    mix_effect: float

    @property
    def total(self) -> float:
        return self.rate_effect + self.mix_effect


@dataclass
class Drivers:
    """The decomposition of one change by one dimension; ``parts`` largest |total| first."""

    dim: str
    total: float
    parts: list[Contribution] = field(default_factory=list)
    numerator_only: bool = False

    def top(self, k: int = 3, sign: float | None = None) -> list[Contribution]:
        """The ``k`` largest contributors; with ``sign`` only those moving the same way."""
        sign = self.total if sign is None else sign
        same = [p for p in self.parts if p.total * sign > 0] if sign else self.parts
        return same[:k]


def decompose(before: Mapping[Any, Pair], after: Mapping[Any, Pair]) -> tuple[float, dict[Any, tuple[float, float]]]:
    """``(ΔR, {segment: (rate effect, mix effect)})`` for segments ``{key: (Σn, Σd)}``.

    ΔR = ΣN1/ΣD1 − ΣN0/ΣD0; the effects of all segments add up to ΔR (Kitagawa 1955).

    Raises:
        ValueError: a period's total denominator is not positive.
    """
    w0_total = sum(d for _, d in before.values())
    w1_total = sum(d for _, d in after.values())
    if w0_total <= 0 or w1_total <= 0:
        raise ValueError("both periods need a positive denominator")
    total = sum(n for n, _ in after.values()) / w1_total - sum(n for n, _ in before.values()) / w0_total
    out: dict[Any, tuple[float, float]] = {}
    for key in set(before) | set(after):
        n0, d0 = before.get(key, (0.0, 0.0))
        n1, d1 = after.get(key, (0.0, 0.0))
        term = n1 / w1_total - n0 / w0_total
        if (d0 == 0 and n0 != 0) or (d1 == 0 and n1 != 0) or (d0 == 0 and d1 == 0):
            out[key] = (term, 0.0)
            continue
        r0 = n0 / d0 if d0 else n1 / d1
        r1 = n1 / d1 if d1 else r0
        w0, w1 = d0 / w0_total, d1 / w1_total
        rate = (r1 - r0) * (w0 + w1) / 2
        out[key] = (rate, term - rate)  # = (w1 − w0)(r0 + r1)/2 up to rounding; keeps the sum exact
    return total, out


def numerator_split(before: Mapping[Any, float], d0: float, after: Mapping[Any, float],
                    d1: float) -> dict[Any, float]:
    """``{part: n1/d1 − n0/d0}`` for numerator parts over fixed period denominators."""
    return {k: after.get(k, 0.0) / d1 - before.get(k, 0.0) / d0 for k in set(before) | set(after)}


Range = tuple[date | None, date | None]


def dims_to_explain(kpi: KpiDef, scope: Scope, by: str | None) -> list[str]:
    """The dimensions that can explain a change in ``scope``: ``by`` if asked, else each of the
    KPI's dimensions the scope does not fix; a KPI broken down by (denial) category also by
    denial category, its numerator split."""
    if by:
        dims = [by]
    else:
        fixed = {"clinic": scope.clinic_ids is not None and len(scope.clinic_ids) == 1,
                 "provider": scope.provider_id is not None, "payer": scope.payer_id is not None}
        dims = [d for d in kpi.dimensions if not fixed.get(d, False)]
    return dims + ([CATEGORY] if "category" in kpi.dimensions else [])


def explain_change(session: Session, impl: RatioKpi, scope: Scope, before: Range, after: Range,
                   dims: Sequence[str]) -> list[Drivers]:
    """The change from ``before`` to ``after`` decomposed by each of ``dims`` (raw rows, the
    same sums as the KPI's value). Empty when either period has no denominator."""
    spec = impl.spec
    out: list[Drivers] = []
    for dim in dims:
        if dim == CATEGORY:
            out.extend(_by_category(session, impl, scope, before, after))
            continue
        if dim not in spec.dims:
            continue
        rows0 = {k: (n, d) for k, n, d in ratio_by(session, spec, scope, *before, dim)}
        rows1 = {k: (n, d) for k, n, d in ratio_by(session, spec, scope, *after, dim)}
        try:
            total, parts = decompose(rows0, rows1)
        except ValueError:
            return []
        names = names_for(session, dim, list(parts))
        contribs = [Contribution(k, names.get(k, str(k)), rows0.get(k, (0.0, 0.0)), rows1.get(k, (0.0, 0.0)),
                                 rate, mix) for k, (rate, mix) in parts.items()]
        out.append(Drivers(dim, total, sorted(contribs, key=lambda c: (-abs(c.total), c.name))))
    return out


def _by_category(session: Session, impl: RatioKpi, scope: Scope, before: Range, after: Range) -> list[Drivers]:
    spec = dataclasses.replace(impl.spec, dims={**impl.spec.dims, CATEGORY: Remittance.denial_category})
    rows0 = ratio_by(session, spec, scope, *before, CATEGORY)
    rows1 = ratio_by(session, spec, scope, *after, CATEGORY)
    d0, d1 = sum(d for _, _, d in rows0), sum(d for _, _, d in rows1)
    if d0 <= 0 or d1 <= 0:
        return []
    n0 = {k: n for k, n, _ in rows0 if n}
    n1 = {k: n for k, n, _ in rows1 if n}
    parts = numerator_split(n0, d0, n1, d1)
    total = sum(n1.values()) / d1 - sum(n0.values()) / d0
    contribs = [Contribution(k, CATEGORIES.get(k, str(k or "uncategorised")), (n0.get(k, 0.0), d0),
                             (n1.get(k, 0.0), d1), v, 0.0) for k, v in parts.items()]
    return [Drivers(CATEGORY, total, sorted(contribs, key=lambda c: (-abs(c.total), c.name)), numerator_only=True)]
