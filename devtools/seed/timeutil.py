"""Vectorised clinic-local → UTC conversion and day-number helpers for the generator.

Internally the generator counts clinic-local time as integer minutes since 1970-01-01 00:00
(local wall clock) and dates as integer day numbers; these helpers turn them into the storage
convention (naive UTC datetimes, ``datetime.date``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def local_minutes_to_utc(minutes: np.ndarray, zones: np.ndarray) -> pd.Series:
    """Naive-UTC ``datetime64[us]`` for local wall-clock ``minutes`` in each row's IANA zone.

    ``minutes`` may hold NaN (→ NaT). Clinic hours never fall in a DST gap; if one did, the time
    is shifted forward (the ``nonexistent`` rule), and ambiguous times take standard time.
    """
    minutes = np.asarray(minutes, dtype="float64")
    out = np.full(len(minutes), np.datetime64("NaT"), dtype="datetime64[us]")
    zones = np.asarray(zones, dtype=object)
    for zone in pd.unique(zones):
        mask = (zones == zone) & ~np.isnan(minutes)
        if not mask.any():
            continue
        local = pd.DatetimeIndex((minutes[mask].astype("int64") * 60_000_000).astype("datetime64[us]"))
        utc = local.tz_localize(zone, ambiguous=False, nonexistent="shift_forward").tz_convert("UTC")
        out[mask] = utc.tz_localize(None).to_numpy(dtype="datetime64[us]")
    return pd.Series(out)


def days_to_dates(days: np.ndarray) -> pd.Series:
    """``datetime64[s]`` midnight values for integer day numbers (for ``Date`` columns)."""
    return pd.Series(np.asarray(days, dtype="int64").astype("datetime64[D]").astype("datetime64[s]"))
