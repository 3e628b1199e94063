"""What a ratio KPI says when its denominator is zero or negative (kpis.md: a value is never
invented; a rate over a negative base such as −10,243.02 USD of net charges means nothing).

:func:`bot.kpi.base.ratio_measure` marks such a Measure (``extra[NOT_COMPUTABLE]`` = Σd);
this module turns the mark into the sentence the answer shows, using the KPI's catalogue record
for the denominator's words and unit, and the note a trend carries for the points it leaves out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.kpi.base import NOT_COMPUTABLE, UNRANKED, Measure, TrendPoint
from bot.kpi.catalogue import KpiDef

CURRENCY = "USD"


def denominator_words(kpi: KpiDef) -> str:
    """The catalogue's denominator without its parentheses, a leading "all" or a trailing "in the
    period": "charges minus contractual adjustments", "patient cash", "completed encounters"."""
    words = re.sub(r"\s*\([^)]*\)", "", kpi.denominator).strip()
    return re.sub(r"^all |,.*$| in the period$", "", words).strip()


def not_computable_text(kpi: KpiDef, m: Measure) -> str | None:
    """"not computable: the period's charges minus contractual adjustments are −10,243.02 USD",
    or None when ``m`` is not marked. Money D is cents; the minus sign is U+2212."""
    if NOT_COMPUTABLE not in m.extra:
        return None
    d = float(m.extra[NOT_COMPUTABLE])
    words = denominator_words(kpi)
    if not kpi.money:  # counts: only zero can happen (numerator rows on a day without D rows)
        return f"not computable: the period has {d:,.0f} {kpi.noun or words}".replace("-", "−", 1)
    verb = "are" if words.split()[0].endswith("s") else "is"
    amount = f"{d / 100:,.2f}".replace("-", "−")
    return f"not computable: the period's {words} {verb} {amount} {CURRENCY}"


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
