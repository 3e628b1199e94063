"""What the two appointment formats (:mod:`bot.ingest.appointments_canonical`,
:mod:`bot.ingest.appointments_kaggle`) share: vectorised column helpers, and the importer as
their validation sees it (:class:`AppointmentSource`, implemented by
:class:`bot.ingest.appointments.AppointmentsImporter`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Protocol

import numpy as np
import pandas as pd
from pandas.api.extensions import take

from bot.ingest.clinic_keys import ClinicKeys
from bot.ingest.issues import ChunkIssues

# age bands (lower bounds, years): the ten-year bands of census tables, split finer in childhood
# where attendance habits change fastest; the last band is open ("85+")
AGE_BAND_EDGES = (0, 5, 12, 18, 25, 35, 45, 55, 65, 75, 85)


class AppointmentSource(Protocol):
    """The importer's state a format's ``validate`` reads: clinic time zones (organisation
    file, database, ``--timezone``) and the patient pseudonyms of the run."""

    timezones: dict[str, str]
    stored_zones: dict[str, str]
    default_timezone: str | None
    clinics: ClinicKeys  # matches the file's clinic keys to known clinics (bot.ingest.clinic_keys)

    def patient_pseudonyms(self, raw: pd.Series, issues: ChunkIssues) -> pd.Series:
        """Pseudonyms ('' when missing), warning on missing or damaged ids."""
        ...


def by_value(raw: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``convert(raw)`` computed once per distinct value (nulls give ``convert``'s null): cheap on
    low-cardinality columns such as appointment days or ages. Same index as ``raw``."""
    codes, uniques = pd.factorize(raw)
    converted = convert(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return pd.Series(take(converted.array, codes, allow_fill=True), index=raw.index)


def age_bands(ages: pd.Series) -> pd.Series:
    """Ages in years (numbers, NaN allowed) -> band labels such as ``"18-24"`` or ``"85+"``;
    null for a missing or negative age. Only the band is ever stored (never an age or a DOB)."""
    values = pd.to_numeric(ages, errors="coerce").to_numpy(dtype="float64")
    labels = [f"{lo}-{hi - 1}" for lo, hi in itertools.pairwise(AGE_BAND_EDGES)] + [f"{AGE_BAND_EDGES[-1]}+"]
    idx = np.searchsorted(np.asarray(AGE_BAND_EDGES), values, side="right") - 1
    table = np.array(labels + [None], dtype=object)
    idx = np.where(np.isnan(values) | (values < 0), len(labels), idx)
    return pd.Series(table[idx], index=ages.index, dtype=object)


def longer_than(raw: pd.Series, limit: int) -> np.ndarray:
    """Boolean mask of the values longer than ``limit`` characters (nulls: False)."""
    present = raw.notna().to_numpy()
    values = raw.to_numpy(dtype=object)[present]
    mask = np.zeros(len(raw), dtype=bool)
    if len(values) and max(map(len, values)) > limit:
        mask[present] = np.fromiter(map(len, values), dtype="int64", count=len(values)) > limit
    return mask


def lead_days(appointment_date: pd.Series, booked_local_date: pd.Series) -> pd.Series:
    """Whole days from booking (clinic-local date) to the appointment date; null if unknown."""
    return (pd.to_datetime(appointment_date) - pd.to_datetime(booked_local_date)).dt.days.astype("Int64")


def warn_booked_late(issues: ChunkIssues, days: pd.Series, appt: pd.Series, booked: pd.Series) -> None:
    late = days.lt(0).fillna(False).astype(bool)
    if late.any():
        detail = ("booked on " + booked[late].astype(str).str.slice(0, 10) + ", after the appointment day "
                  + appt[late].astype(str).str.slice(0, 10))
        issues.warn(late, "booked_after_appointment", detail)


def value_detail(prefix: str, raw: pd.Series, mask: pd.Series, suffix: str) -> pd.Series:
    """Per-row detail quoting a raw value (only for the rows of ``mask``; empty when none).
    Quoted whole (up to 200 characters): :class:`~bot.ingest.issues.ChunkIssues` decides whether
    it may be repeated or only described (:func:`bot.phi_echo.echo`)."""
    if not mask.any():
        return pd.Series(dtype=object)
    return prefix + " '" + raw[mask].astype(str).str.slice(0, 200) + "' " + suffix
