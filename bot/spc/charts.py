"""Run, p, Laney p′, u, c and I (XmR) charts, number for number as qicharts2 0.8.1.

Sources: qicharts2 ``qic.run/p/pp/u/c/i`` (Anhøj), Montgomery "Introduction to Statistical
Quality Control" 6.33, 7.17, 7.19; Laney (2002) "Improved control charts for attributes";
moving-range screening (Nelson 1982; qicharts2 option ``qic.screenedmr = TRUE``, its default).

Each function takes ``(y, n=None, *, baseline=None, exclude=())``: ``y`` values (run, i, c) or
counts (p, pp, u, with denominators ``n``); ``baseline`` None = all points, a slice, an int k
(first k points, qicharts2 ``freeze = k``) or a bool mask; ``exclude`` 0-based indices left out
of the CL/limits and of the runs analysis (they can still be sigma signals).
Errors: ``SpcInputError`` for inputs that cannot be charted, ``NoDataError`` for no points.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from bot.spc.inputs import BaselineSpec, Prepared, prepare
from bot.spc.result import ChartKind, ChartResult, SpcInputError
from bot.spc.runs import runs_analysis

D2 = 1.128  # d2 for moving ranges of two
MR_SCREEN = 3.267  # D4 for n = 2: moving ranges at or above D4 × mean are screened out

Values = Iterable[float | None]


def r_sum(a: np.ndarray) -> float:
    """R ``sum(a, na.rm = TRUE)`` bit for bit: a left-to-right sum accumulated in long double
    (R ``rsum`` in src/main/summary.c, ``LDOUBLE s``), rounded to double once at the end.
    numpy's own ``sum`` adds pairwise in double and can differ in the last bit."""
    a = np.asarray(a, dtype=float)
    a = a[~np.isnan(a)]
    if not a.size:
        return 0.0
    return float(np.cumsum(a.astype(np.longdouble))[-1])


def r_mean(a: np.ndarray) -> float:
    """R ``mean(a, na.rm = TRUE)`` bit for bit (R src/main/summary.c, ``real_mean``): in long
    double, s = Σx / n, then one refinement pass s += Σ(x − s) / n, rounded to double once.
    NaN for no finite values, without warnings. The last bit matters: it decides which points
    lie exactly on an I chart's centre line, and so the runs analysis (issue 16:
    [2.0, 0.1, 0.1, 1.2, 0.9, 1.2, 1.2, 0.6, 1.8, 1.8, 1.7, 1.8] has mean 1.2 in R, not
    numpy's 1.2000000000000002)."""
    a = np.asarray(a, dtype=float)
    a = a[~np.isnan(a)]
    if not a.size:
        return float("nan")
    x = a.astype(np.longdouble)
    n = np.longdouble(a.size)
    s = np.cumsum(x)[-1] / n
    if np.isfinite(s):
        s = s + np.cumsum(x - s)[-1] / n
    return float(s)


_mean = r_mean


def r_median(a: np.ndarray) -> float:
    """R ``median(a, na.rm = TRUE)``: the middle value, or R ``mean`` of the two middle values."""
    a = np.sort(np.asarray(a, dtype=float)[~np.isnan(np.asarray(a, dtype=float))])
    if not a.size:
        return float("nan")
    half = (a.size + 1) // 2
    return float(a[half - 1]) if a.size % 2 else r_mean(a[half - 1:half + 1])


def screened_mean_mr(values: np.ndarray) -> float:
    """Mean moving range of ``values`` (consecutive pairs, NaN pairs dropped) after dropping
    moving ranges ≥ 3.267 × their mean. A NaN value breaks its two pairs; it is not bridged."""
    mr = np.abs(np.diff(values))
    amr = _mean(mr)
    with np.errstate(invalid="ignore"):
        return _mean(mr[mr < MR_SCREEN * amr])


def _finish(kind: ChartKind, p: Prepared, cl: float, sd: np.ndarray | float, *,
            clip_upper: bool, floor_lower: bool, notes: list[str], sigma_z: float | None = None,
            ) -> ChartResult:
    size = p.y.size
    cl_arr = np.full(size, cl)
    with np.errstate(invalid="ignore"):
        ucl = cl_arr + 3 * np.broadcast_to(sd, (size,))
        lcl = cl_arr - 3 * np.broadcast_to(sd, (size,))
        if clip_upper:
            ucl[np.isfinite(ucl) & (ucl > 1)] = 1.0
        if floor_lower:
            lcl[np.isfinite(lcl) & (lcl < 0)] = 0.0
        ucl[~np.isfinite(ucl)] = np.nan  # "remove control lines from missing subgroups"
        lcl[~np.isfinite(lcl)] = np.nan
        sigma = (p.y > ucl) | (p.y < lcl)
    if kind != "run" and np.isnan(ucl).all() and np.isnan(lcl).all():
        notes.append("no control limits: the baseline shows no usable variation")
    return ChartResult(
        kind=kind, y=p.y, n=p.n, cl=cl_arr, lcl=lcl, ucl=ucl, sigma_signal=sigma,
        runs=runs_analysis(p.y, cl_arr, p.include), baseline=p.baseline, include=p.include,
        counts=p.counts, sigma_z=sigma_z, notes=p.notes + tuple(notes),
    )


def _pooled(p: Prepared) -> float:
    assert p.counts is not None and p.n is not None
    b = p.baseline & ~np.isnan(p.n)
    total = r_sum(p.n[b])  # R sum(): long-double accumulation
    return r_sum(p.counts[b]) / total if total > 0 else float("nan")


def run_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
              exclude: Iterable[int] = ()) -> ChartResult:
    """Run chart: CL = median of the baseline values (rates y/n if ``n`` given); no limits."""
    p = prepare(y, n, baseline=baseline, exclude=exclude, needs_n=False, proportion=False)
    b = p.y[p.baseline]
    b = b[~np.isnan(b)]
    cl = r_median(b)
    return _finish("run", p, cl, np.nan, clip_upper=False, floor_lower=False, notes=[])


def i_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
            exclude: Iterable[int] = ()) -> ChartResult:
    """I (XmR) chart: CL = mean, σ = screened mean moving range / 1.128 over baseline points
    (consecutive within the baseline), limits CL ± 3σ, no flooring (qicharts2 ``y.neg = TRUE``)."""
    p = prepare(y, n, baseline=baseline, exclude=exclude, needs_n=False, proportion=False)
    cl = _mean(p.y[p.baseline])
    sd = screened_mean_mr(p.y[p.baseline] - cl) / D2
    return _finish("i", p, cl, sd, clip_upper=False, floor_lower=False, notes=[])


def c_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
            exclude: Iterable[int] = ()) -> ChartResult:
    """C chart of counts: CL = mean, σ = √CL, LCL floored at 0 (Montgomery 7.17)."""
    if n is not None:
        raise SpcInputError("a c chart takes counts only; use a u chart for counts per denominator")
    p = prepare(y, None, baseline=baseline, exclude=exclude, needs_n=False, proportion=False)
    if (p.y < 0).any():
        raise SpcInputError("a c chart cannot chart negative counts")
    cl = _mean(p.y[p.baseline])
    return _finish("c", p, cl, np.sqrt(cl), clip_upper=False, floor_lower=True, notes=[])


def u_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
            exclude: Iterable[int] = ()) -> ChartResult:
    """U chart: counts ``y`` per exposure ``n``; CL = Σy/Σn over the baseline, σᵢ = √(CL/nᵢ),
    LCL floored at 0 (Montgomery 7.19). Plotted values are rates y/n."""
    p = prepare(y, n, baseline=baseline, exclude=exclude, needs_n=True, proportion=False)
    cl = _pooled(p)
    assert p.n is not None  # prepare(needs_n=True) refuses a chart without denominators
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(cl / p.n)
    return _finish("u", p, cl, sd, clip_upper=False, floor_lower=True, notes=[])


def _p_sigma(p: Prepared, cl: float) -> np.ndarray:
    assert p.n is not None  # p charts are prepared with needs_n=True
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sqrt(cl * (1 - cl) / p.n)


def p_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
            exclude: Iterable[int] = ()) -> ChartResult:
    """P chart: counts ``y`` of denominators ``n``; CL = Σy/Σn over the baseline (pooled, not
    the mean of rates), σᵢ = √(p̄(1−p̄)/nᵢ), limits CL ± 3σᵢ clipped to [0, 1]."""
    p = prepare(y, n, baseline=baseline, exclude=exclude, needs_n=True, proportion=True)
    cl = _pooled(p)
    return _finish("p", p, cl, _p_sigma(p, cl), clip_upper=True, floor_lower=True, notes=[])


def laney_sigma_z(p: Prepared, cl: float, sd: np.ndarray) -> float:
    """Laney σz: screened mean moving range of zᵢ = (pᵢ − p̄)/σᵢ over baseline points, / 1.128."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p.y[p.baseline] - cl) / sd[p.baseline]
    z[~np.isfinite(z)] = np.nan
    return screened_mean_mr(z) / D2


def laney_p_chart(y: Values, n: Values | None = None, *, baseline: BaselineSpec = None,
                  exclude: Iterable[int] = ()) -> ChartResult:
    """Laney p′ chart: as the p chart with σᵢ multiplied by σz (see :func:`laney_sigma_z`);
    for proportions with large denominators where between-period variation is real (Laney 2002)."""
    p = prepare(y, n, baseline=baseline, exclude=exclude, needs_n=True, proportion=True)
    cl = _pooled(p)
    sd = _p_sigma(p, cl)
    sigma_z = laney_sigma_z(p, cl, sd)
    return _finish("pp", p, cl, sd * sigma_z, clip_upper=True, floor_lower=True, notes=[],
                   sigma_z=sigma_z)
