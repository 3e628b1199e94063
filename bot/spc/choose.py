"""Choosing between the p chart and Laney's p′ chart for a proportion.

Criterion (Laney 2002; documented here because qicharts2 leaves the choice to the analyst):
use p′ only when the baseline is clearly over-dispersed, i.e. BOTH
  1. Laney's screened σz ≥ ``OVERDISPERSION_SIGMA_Z`` (1.25: p-chart limits would be at least
     25 % too narrow; σz ≈ 1 when the binomial model holds), and
  2. Pearson's dispersion statistic Σzᵢ² over the baseline exceeds its χ²(m − 1) 99th
     percentile (p < ``OVERDISPERSION_ALPHA``), so a σz above 1.25 from a handful of points
     does not flip the chart by chance.
σz is robust to a single spike (its moving ranges are screened); the χ² test guards small m.
With small denominators σz stays near 1 and the p chart is kept, as it should be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
from scipy.stats import chi2

from bot.spc.charts import Values, laney_p_chart, p_chart
from bot.spc.inputs import BaselineSpec
from bot.spc.result import ChartResult

OVERDISPERSION_SIGMA_Z = 1.25
OVERDISPERSION_ALPHA = 0.01


def overdispersion_p_value(chart: ChartResult) -> float:
    """P-value of Pearson's χ² dispersion test over the chart's baseline points (NaN if < 2)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(chart.cl * (1 - chart.cl) / chart.n) if chart.n is not None else np.nan
        z = (chart.y - chart.cl) / sd
    z = z[chart.baseline & np.isfinite(z)]
    if z.size < 2:
        return float("nan")
    return float(chi2.sf(float(np.sum(z**2)), z.size - 1))


def choose_p_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
                   exclude: Iterable[int] = ()) -> ChartResult:
    """The p chart, or the Laney p′ chart when the baseline is over-dispersed (criterion above).

    Same inputs and errors as :func:`bot.spc.charts.p_chart`; the chosen chart's ``notes`` say
    why p′ was used.
    """
    exclude = list(exclude)
    plain = p_chart(y, n, baseline=baseline, exclude=exclude)
    laney = laney_p_chart(y, n, baseline=baseline, exclude=exclude)
    sigma_z, p_value = laney.sigma_z, overdispersion_p_value(plain)
    if sigma_z is not None and sigma_z >= OVERDISPERSION_SIGMA_Z and p_value < OVERDISPERSION_ALPHA:
        note = (f"Why Laney p′: period-to-period variation is {sigma_z:.2f}× what the "
                f"denominators alone explain, so plain p-chart limits would be too narrow")
        return replace(laney, notes=laney.notes + (note,))
    return plain
