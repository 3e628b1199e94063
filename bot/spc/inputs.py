"""Validation of chart inputs and the baseline / exclusion masks (qicharts2 ``freeze``/``exclude``).

Conventions: indices are 0-based; missing values are ``None`` or NaN. For p/pp/u charts the
inputs are counts (numerators) and denominators, the plotted values are rates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bot.errors import NoDataError
from bot.spc.result import SpcInputError

BaselineSpec = slice | np.ndarray | Sequence[bool] | int | None


@dataclass(frozen=True)
class Prepared:
    """Validated inputs: ``y`` plotted values, ``counts``/``n`` (or None), masks, notes."""

    y: np.ndarray
    counts: np.ndarray | None
    n: np.ndarray | None
    baseline: np.ndarray  # baseline selection AND included
    include: np.ndarray
    notes: tuple[str, ...]


def _floats(values: Iterable[float | None], what: str) -> np.ndarray:
    try:
        arr = np.array([np.nan if v is None else v for v in values], dtype=float)
    except (TypeError, ValueError) as exc:
        raise SpcInputError(f"{what} must be numbers (or empty for missing): {exc}") from exc
    if arr.ndim != 1:
        raise SpcInputError(f"{what} must be one-dimensional")
    if np.isinf(arr).any():
        raise SpcInputError(f"{what} has infinite values at points {_where(np.isinf(arr))}")
    return arr


def _where(mask: np.ndarray) -> str:
    idx = [str(i) for i in np.flatnonzero(mask)[:10]]
    return ", ".join(idx) + (" …" if mask.sum() > 10 else "")


def masks(size: int, baseline: BaselineSpec, exclude: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
    """(baseline & included, included) bool masks. ``baseline``: None (all points), a slice,
    an int k (the first k points, qicharts2 ``freeze = k``) or a bool mask of length ``size``."""
    if baseline is None:
        base = np.ones(size, dtype=bool)
    elif isinstance(baseline, slice):
        base = np.zeros(size, dtype=bool)
        base[baseline] = True
    elif isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
        base = np.arange(size) < int(baseline)
    else:
        base = np.asarray(baseline)
        if base.dtype != bool or base.shape != (size,):
            raise SpcInputError(f"baseline mask must be {size} booleans, got {base.dtype} {base.shape}")
    include = np.ones(size, dtype=bool)
    for i in exclude:
        if not 0 <= int(i) < size:
            raise SpcInputError(f"excluded point {i} is outside the chart (0..{size - 1})")
        include[int(i)] = False
    return base & include, include


def prepare(y: Iterable[float | None], n: Iterable[float | None] | None, *, baseline: BaselineSpec,
            exclude: Iterable[int], needs_n: bool, proportion: bool) -> Prepared:
    """Validate; with ``n`` the values are counts and the plotted ``y`` is counts / n.

    Raises NoDataError (no points), SpcInputError (lengths differ, negative numbers, a count with
    a zero denominator, a proportion above 1). A point with count 0 and denominator 0, or a missing
    count or denominator, becomes a missing point (qicharts2 ``complete.cases``; 0/0 is NaN).
    """
    raw = _floats(y, "counts" if n is not None else "values")
    if raw.size == 0:
        raise NoDataError("There are no data points to chart.")
    base, include = masks(raw.size, baseline, exclude)
    if n is None:
        if needs_n:
            raise SpcInputError("this chart needs denominators (n) for its counts")
        return Prepared(raw, None, None, base, include, ())
    den = _floats(n, "denominators")
    if den.size != raw.size:
        raise SpcInputError(f"{raw.size} counts but {den.size} denominators")
    missing = np.isnan(raw) | np.isnan(den)
    counts, den = np.where(missing, np.nan, raw), np.where(missing, np.nan, den)
    with np.errstate(invalid="ignore"):
        checks = [(den < 0, "negative denominators"),
                  ((den == 0) & (counts != 0), "a nonzero count with a zero denominator")]
        if needs_n:
            checks.append((counts < 0, "negative counts"))
        if proportion:
            checks.append((counts > den, "counts above their denominator"))
        for bad, why in checks:
            if bad.any():
                raise SpcInputError(f"cannot chart {why} (points {_where(bad)})")
        rate = counts / den
    notes: list[str] = []
    empty = den == 0
    if empty.any():
        notes.append(f"{int(empty.sum())} point(s) with a zero denominator are shown as gaps")
    return Prepared(rate, counts, den, base, include, tuple(notes))
