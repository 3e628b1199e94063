"""The public Kaggle "Medical Appointment No Shows" file (Vitória, Brazil; 14 misspelled columns).

Mapping (facts from /work/shared/data/SOURCES.md):

* ``AppointmentID`` -> ``external_id`` (natural key with source ``kaggle-noshow``).
* ``Neighbourhood`` -> clinic: key = slug (``"RESISTÊNCIA"`` -> ``resistencia``), name as
  written (accents kept), time zone America/Sao_Paulo unless the organisation file says otherwise.
* ``No-show``: ``Yes`` -> ``no_show`` (the patient did NOT attend), ``No`` -> ``completed``.
* ``AppointmentDay`` carries no time of day (always ``T00:00:00Z``): its DATE as written is the
  clinic-local appointment date. Converting midnight UTC to São Paulo time would move every
  appointment to the previous day, so it is deliberately not converted; ``appointment_at`` is null.
* ``ScheduledDay`` -> ``booked_at`` (the instant as written, UTC). Its clock times run 06–21 h,
  i.e. they are local times labelled ``Z``; the booking date as written is therefore taken as the
  local booking date, and ``lead_days`` = appointment date − that date (same-day = 0).
* ``PatientId`` is read as text and pseudonymised; ``Age`` is checked and kept only as an age
  band (:func:`bot.ingest.appointment_columns.age_bands`; a negative or missing age: no band).
* ``SMS_received``, ``Scholarship``, ``Hipertension``, ``Diabetes``, ``Alcoholism``: 0/1 flags ->
  booleans; ``Handcap`` (0–4, the number of handicaps) -> ``handicap`` = any. Another value:
  null and a warning. These inputs of the no-show model identify nobody (issue 20).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.ingest.appointment_columns import (
    AppointmentSource,
    age_bands,
    by_value,
    lead_days,
    longer_than,
    value_detail,
    warn_booked_late,
)
from bot.ingest.issues import ChunkIssues
from storage.reference import slugify

_OUTCOMES = {"yes": "no_show", "no": "completed"}
FLAG_COLUMNS = {"SMS_received": "sms_reminder", "Scholarship": "scholarship", "Hipertension": "hypertension",
                "Diabetes": "diabetes", "Alcoholism": "alcoholism", "Handcap": "handicap"}
_EXACT = {**_OUTCOMES, "Yes": "no_show", "No": "completed", "YES": "no_show", "NO": "completed"}


def validate_kaggle(importer: AppointmentSource, chunk: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    # Vectorised throughout: text is parsed by pandas' C parsers, and per-value string work is
    # done on the distinct values only (factorize), never per row in Python.
    out = pd.DataFrame(index=chunk.index)
    ext = chunk["AppointmentID"]  # a machine export: values as written, no padding to strip
    issues.reject(ext.isna(), "missing_id", "AppointmentID is empty")
    issues.reject(longer_than(ext, 64), "invalid_id", "AppointmentID is longer than 64 characters")
    out["external_id"] = ext.fillna("")

    day_raw = chunk["AppointmentDay"]
    stamp = by_value(day_raw, _utc_stamps)  # a few dozen distinct days: parse each once
    day = stamp.dt.normalize()
    issues.reject(day_raw.isna(), "missing_appointment_date", "AppointmentDay is empty")
    bad_day = day.isna() & day_raw.notna()
    issues.reject(bad_day, "invalid_appointment_date", value_detail("AppointmentDay", day_raw, bad_day, "is not a date"))
    issues.warn(stamp.ne(day) & day.notna(), "appointment_time_ignored",
                "AppointmentDay has a time of day; only its date is used")
    out["appointment_date"] = day

    outcome = _outcomes(chunk["No-show"])
    unknown = outcome.isna()
    if unknown.any():
        detail = pd.Series("No-show is empty", index=chunk.index, dtype=object)
        present = unknown & chunk["No-show"].notna()
        detail[present] = value_detail("No-show", chunk["No-show"], present, "is not Yes or No")
        issues.reject(unknown, "unknown_outcome", detail[unknown])
    out["status"] = outcome

    booked_raw = chunk["ScheduledDay"]
    booked = _utc_stamps(booked_raw)
    issues.warn(booked_raw.isna(), "missing_booked_at", "ScheduledDay is empty; lead time unknown")
    bad_booked = booked.isna() & booked_raw.notna()
    issues.warn(bad_booked, "invalid_booked_at", value_detail("ScheduledDay", booked_raw, bad_booked, "is not a date-time"))
    out["booked_at"] = booked
    out["lead_days"] = lead_days(day, booked.dt.normalize())
    warn_booked_late(issues, out["lead_days"], day, booked)

    if "Age" in chunk:
        age = by_value(chunk["Age"], lambda ages: pd.to_numeric(ages, errors="coerce"))
        negative = age.lt(0)
        issues.warn(negative, "negative_age", "Age is " + age[negative].astype("Int64").astype(str))
        bad_age = age.isna()
        issues.warn(bad_age, "invalid_age", value_detail("Age", chunk["Age"].fillna(""), bad_age, "is not a number"))
        # the band only: the age itself is not stored (object dtype: a null stays NULL, not '')
        out["age_band"] = by_value(age, age_bands).astype(object).where(age.ge(0), None)
    for column, name in FLAG_COLUMNS.items():
        if column in chunk:
            out[name] = _flags(chunk[column], column, issues)

    place, key = _clinics(chunk["Neighbourhood"])
    issues.reject(place.isna(), "missing_clinic", "Neighbourhood is empty")
    out["clinic_key"], out["clinic_name"] = importer.clinics.resolve(key, issues), place
    out["patient_pseudonym"] = importer.patient_pseudonyms(chunk["PatientId"], issues)
    return out


def _utc_stamps(raw: pd.Series) -> pd.Series:
    """ISO 8601 text -> naive UTC datetime64 (NaT where unparseable)."""
    return pd.to_datetime(raw, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)


def _outcomes(raw: pd.Series) -> pd.Series:
    exact = raw.map(_EXACT)
    odd = exact.isna() & raw.notna()
    if odd.any():
        exact[odd] = raw[odd].str.strip().str.lower().map(_OUTCOMES)
    return exact


def _clinics(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(clinic name as written, stripped; clinic key = its slug) per row, null when blank;
    computed once per distinct neighbourhood."""
    codes, uniques = pd.factorize(raw)
    names = [str(v).strip() or None for v in np.asarray(uniques, dtype=object).tolist()]
    keys = [(slugify(n) or "unnamed") if n else None for n in names]
    name_table, key_table = np.array(names + [None], dtype=object), np.array(keys + [None], dtype=object)
    return (pd.Series(name_table[codes], index=raw.index, dtype=object),
            pd.Series(key_table[codes], index=raw.index, dtype=object))


def _flags(raw: pd.Series, column: str, issues: ChunkIssues) -> pd.Series:
    """0/1 text (``Handcap``: 0–4) -> nullable boolean (True when > 0); other values: null, warned."""
    number = by_value(raw, lambda values: pd.to_numeric(values, errors="coerce"))
    bad = number.isna() | number.lt(0)
    issues.warn(bad & raw.notna(), "invalid_flag", value_detail(column, raw.fillna(""), bad & raw.notna(),
                                                                "is not 0 or a positive count"))
    return number.gt(0).astype("boolean").mask(bad)
