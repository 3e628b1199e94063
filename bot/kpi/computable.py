"""What a ratio KPI says when its denominator is zero or negative (kpis.md: a value is never
invented; a rate over a negative base such as −10,243.02 USD of net charges means nothing).

:func:`bot.kpi.base.ratio_measure` marks such a Measure (``extra[NOT_COMPUTABLE]`` = Σd);
this module turns the mark into the sentence the answer shows, using the KPI's catalogue record
for the denominator's words and unit, and the note a trend carries for the points it leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.kpi.base import NOT_COMPUTABLE, UNRANKED, Measure, TrendPoint
from bot.kpi.catalogue import KpiDef

CURRENCY = "USD"


def denominator_words(kpi: KpiDef) -> str:
    """The catalogue's denominator without its parenthesis: "charges minus contractual adjustments"."""
    return kpi.denominator.split(" (")[0].strip()


def not_computable_text(kpi: KpiDef, m: Measure) -> str | None:
    """"not computable: the period's charges minus contractual adjustments are −10,243.02 USD",
    or None when ``m`` is not marked. Money D is cents; the minus sign is U+2212."""
    if NOT_COMPUTABLE not in m.extra:
        return None
    d = float(m.extra[NOT_COMPUTABLE])
    shown = f"{d / 100:,.2f} {CURRENCY}" if kpi.money else f"{d:,.0f} {kpi.noun}".rstrip()
    return f"not computable: the period's {denominator_words(kpi)} are {shown.replace('-', '−')}"


def explain(kpi: KpiDef, m: Measure) -> Measure:
    """``m`` with its not-computable sentence as ``extra['why']`` (the answer's and comparison's
    text) and ``extra[UNRANKED]`` (a breakdown row's text); ``m`` itself when not marked."""
    if (why := not_computable_text(kpi, m)) is not None:
        m.extra.setdefault("why", why)
        m.extra.setdefault(UNRANKED, why)
    return m


def left_out_note(kpi: KpiDef, trend: Sequence[TrendPoint]) -> str | None:
    """The trend's note for points left out of it and of the SPC reading because their ratio is
    not computable ("2026-06-12 left out: not computable (…)"), or None."""
    out = [p for p in trend if NOT_COMPUTABLE in p.measure.extra]
    if not out:
        return None
    labels = ", ".join(p.label for p in out)
    return (f"{labels} left out: not computable ({denominator_words(kpi)} zero or negative).")
