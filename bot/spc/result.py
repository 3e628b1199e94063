"""Result types of the SPC charts (shapes shared by charts, alerting and rendering).

Semantics follow qicharts2 0.8.1 (Anhøj): per-point arrays have one entry per period; ``NaN``
means "no value" (missing point, or no limit, e.g. every limit of a run chart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from bot.errors import OpsBotError

ChartKind = Literal["run", "p", "pp", "u", "c", "i"]


class SpcInputError(OpsBotError, ValueError):
    """Chart input that cannot be charted (lengths differ, negative counts, count > denominator...)."""


@dataclass(frozen=True)
class RunsAnalysis:
    """Anhøj runs analysis of the included points (Anhøj & Olesen 2014; qicharts2 ``runs.analysis``).

    ``n_useful``: included points not on the centre line (and not missing). When it is 0 the
    four counts are ``None`` (qicharts2 gives NA) and ``signal`` is False.
    ``longest_run_max`` = round(log2 n_useful) + 3; ``n_crossings_min`` = qbinom(0.05, n_useful − 1, ½).
    ``n_obs``: included points; ``last_run``: length of the run holding the last useful point;
    ``last_useful``: index (into the chart) of that point.
    """

    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    signal: bool
    n_obs: int = 0
    last_run: int | None = None
    last_useful: int | None = None

    @property
    def long_run_signal(self) -> bool:
        return self.longest_run is not None and self.longest_run > (self.longest_run_max or 0)

    @property
    def few_crossings_signal(self) -> bool:
        return self.n_crossings is not None and self.n_crossings < (self.n_crossings_min or 0)


@dataclass(frozen=True, eq=False)
class ChartResult:
    """One chart: ``kind`` "run" | "p" | "pp" (Laney p′) | "u" | "c" | "i".

    ``y``: plotted value per point (rates for p/pp/u, i.e. counts / n; raw values otherwise).
    ``n``: denominators per point (p/pp/u, or run/i given ``n``) else None. ``counts``: numerators.
    ``cl``, ``lcl``, ``ucl``: per point (float arrays; NaN where no limit).
    ``sigma_signal``: bool per point, strictly outside a limit (excluded points included).
    ``baseline``: bool per point, used for CL/limits (baseline selection minus excluded points).
    ``include``: bool per point, False for excluded points (these are left out of runs analysis).
    ``sigma_z``: Laney's between-period inflation factor (pp only). ``notes``: plain-language caveats.
    """

    kind: ChartKind
    y: np.ndarray
    n: np.ndarray | None
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    sigma_signal: np.ndarray
    runs: RunsAnalysis
    baseline: np.ndarray
    include: np.ndarray
    counts: np.ndarray | None = None
    sigma_z: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return int(self.y.shape[0])

    def signal_points(self) -> list[int]:
        """Indices (0-based) of the sigma-signal points."""
        return [int(i) for i in np.flatnonzero(self.sigma_signal)]

    @property
    def has_limits(self) -> bool:
        return bool(np.isfinite(self.ucl).any() or np.isfinite(self.lcl).any())

    @property
    def n_baseline(self) -> int:
        """Baseline points that carry a value (what the minimum-baseline rule counts)."""
        return int((self.baseline & np.isfinite(self.y)).sum())

    def summary(self) -> dict[str, float | int | bool | None]:
        """qicharts2 ``summary.qic`` fields for the chart (one part): aLCL/aUCL are mean limits."""
        r = self.runs
        return {
            "n_obs": r.n_obs, "n_useful": r.n_useful, "longest_run": r.longest_run,
            "longest_run_max": r.longest_run_max, "n_crossings": r.n_crossings,
            "n_crossings_min": r.n_crossings_min, "runs_signal": r.signal,
            "a_lcl": _nanmean(self.lcl), "cl": _nanmean(self.cl), "a_ucl": _nanmean(self.ucl),
            "sigma_signal": int(self.sigma_signal.sum()),
        }


def _nanmean(a: np.ndarray) -> float:
    finite = a[~np.isnan(a)]
    return float(finite.mean()) if finite.size else float("nan")
