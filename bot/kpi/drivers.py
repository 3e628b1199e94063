"""Why a ratio KPI changed: a rate / mix (shift-share) decomposition over segments (clinic,
provider, payer) and a numerator split by denial category, whose parts add up exactly to the
total change.

For a ratio R = Σn / Σd over segments i, with rate r_i = n_i / d_i and volume share
w_i = d_i / Σd in the period before (0) and after (1), the change is

    ΔR = R1 − R0 = Σ_i (w1_i r1_i − w0_i r0_i)

Kitagawa's midpoint split (E. M. Kitagawa, "Components of a difference between two rates",
JASA 50 (1955) 1168–1194; P. Das Gupta, "Standardization and decomposition of rates", US Census
Bureau P23-186, 1993) gives the rate part Σ Δr_i · w̄_i and the mix part Σ Δw_i · r̄_i (bars: the
mean of the two periods). The mix part's per-segment terms Δw_i · r̄_i are not contributions: a
segment whose share grows always shows a positive term, even with a rate below everyone else's
(issue: "Dr. Omar Haddad +4.94 pts (volume share moved)" while his rate fell and he pulled the
clinic down). Because Σ Δw_i = 0, subtracting the overall rate leaves the sum unchanged and gives
each segment its own effect (the Griliches–Regev form of the shift-share decomposition:
Z. Griliches and H. Regev, "Firm productivity in Israeli industry 1979–1988", J. Econometrics 65
(1995) 175–203, as set out in L. Foster, J. Haltiwanger and C. J. Krizan, "Aggregate productivity
growth", NBER Studies in Income and Wealth 63 (2001) 303–372: the "between" term in deviations
from the aggregate):

    rate effect_i = (r1_i − r0_i) · (w0_i + w1_i) / 2          ("their rate rose / fell")
    mix effect_i  = (w1_i − w0_i) · ((r0_i + r1_i) / 2 − R̄)     ("their share of volume grew,
                                                                   at a rate above / below the overall")
    R̄ = (R0 + R1) / 2

so a segment gaining volume adds to the KPI only if its rate is above the overall rate, and
rate effect_i + mix effect_i = w1_i r1_i − w0_i r0_i − Δw_i R̄; the contributions of all segments
add up to ΔR exactly. A segment with no volume in one period (new or gone) takes the other
period's rate there: its rate effect is 0 and its contribution w1 (r1 − R̄) or −w0 (r0 − R̄), all
mix (Griliches–Regev's entry and exit terms). A segment with a numerator but no denominator
(money posted without charges) has no rate: its whole contribution n1/D1 − n0/D0 − Δw_i R̄ is
counted as rate effect.

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
    """One segment's share of the change (same unit as the KPI's value: a proportion for %).

    ``before``/``after``: the segment's (Σn, Σd); ``shares``: its volume share w0, w1 (0 for a
    numerator split); ``reference``: R̄, the mean of the two periods' overall rates, against
    which its rate is said to be above or below."""

    key: Any
    name: str
    before: Pair
    after: Pair
    rate_effect: float
    mix_effect: float
    shares: tuple[float, float] = (0.0, 0.0)
    reference: float = 0.0

    @property
    def total(self) -> float:
        return self.rate_effect + self.mix_effect

    @property
    def rates(self) -> tuple[float, float] | None:
        """(r0, r1), a period without volume taking the other's rate; None without a rate."""
        (n0, d0), (n1, d1) = self.before, self.after
        if (d0 == 0 and n0 != 0) or (d1 == 0 and n1 != 0) or (d0 == 0 and d1 == 0):
            return None
        r0 = n0 / d0 if d0 else n1 / d1
        return r0, (n1 / d1 if d1 else r0)


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


def _overall(before: Mapping[Any, Pair], after: Mapping[Any, Pair]) -> tuple[float, float, float, float]:
    """(D0, D1, R0, R1): each period's total denominator and overall rate."""
    big_d0 = sum(d for _, d in before.values())
    big_d1 = sum(d for _, d in after.values())
    if big_d0 <= 0 or big_d1 <= 0:
        raise ValueError("both periods need a positive denominator")
    return (big_d0, big_d1, sum(n for n, _ in before.values()) / big_d0,
            sum(n for n, _ in after.values()) / big_d1)


def decompose(before: Mapping[Any, Pair], after: Mapping[Any, Pair]) -> tuple[float, dict[Any, tuple[float, float]]]:
    """``(ΔR, {segment: (rate effect, mix effect)})`` for segments ``{key: (Σn, Σd)}`` (module
    docstring: Kitagawa 1955 rate effects, Griliches–Regev 1995 mix effects about R̄). Each
    segment's two effects add up to its contribution; all contributions add up to ΔR.

    Raises:
        ValueError: a period's total denominator is not positive.
    """
    big_d0, big_d1, r_before, r_after = _overall(before, after)
    reference = (r_before + r_after) / 2
    out: dict[Any, tuple[float, float]] = {}
    for key in set(before) | set(after):
        n0, d0 = before.get(key, (0.0, 0.0))
        n1, d1 = after.get(key, (0.0, 0.0))
        w0, w1 = d0 / big_d0, d1 / big_d1
        # Σ (w1 − w0) = 0, so taking (w1 − w0)·R̄ off every segment keeps the sum equal to ΔR
        contribution = n1 / big_d1 - n0 / big_d0 - (w1 - w0) * reference
        rates = Contribution(key, "", (n0, d0), (n1, d1), 0.0, 0.0).rates
        if rates is None:
            out[key] = (contribution, 0.0)
            continue
        rate = (rates[1] - rates[0]) * (w0 + w1) / 2
        out[key] = (rate, contribution - rate)  # = (w1 − w0)((r0 + r1)/2 − R̄) up to rounding
    return r_after - r_before, out


def segment_drivers(dim: str, before: Mapping[Any, Pair], after: Mapping[Any, Pair],
                    names: Mapping[Any, str]) -> Drivers:
    """:func:`decompose` as :class:`Drivers` for ``dim``, each part named from ``names`` (else
    its key) and carrying its shares and R̄ for the words (:mod:`bot.kpi.drivers_text`).

    Raises:
        ValueError: a period's total denominator is not positive.
    """
    total, parts = decompose(before, after)
    big_d0, big_d1, r_before, r_after = _overall(before, after)
    contribs = []
    for k, (rate, mix) in parts.items():
        b, a = before.get(k, (0.0, 0.0)), after.get(k, (0.0, 0.0))
        contribs.append(Contribution(k, names.get(k, str(k)), b, a, rate, mix,
                                     (b[1] / big_d0, a[1] / big_d1), (r_before + r_after) / 2))
    return Drivers(dim, total, sorted(contribs, key=lambda c: (-abs(c.total), c.name)))


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
            out.append(segment_drivers(dim, rows0, rows1, names_for(session, dim, list(set(rows0) | set(rows1)))))
        except ValueError:
            return []
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
