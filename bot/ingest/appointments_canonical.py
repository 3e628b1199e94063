"""The project's own appointment CSV (specification: docs/formats/appointments.md).

Time handling: ``appointment_at`` / ``booked_at`` with an offset (``Z``, ``+02:00``) are instants;
without one they are wall-clock times in the clinic's zone (organisation file, else the stored
clinic, else ``--timezone``); a bare date (``2026-03-02``) gives the local date and no instant.
Instants are stored in UTC; ``appointment_date`` is the clinic-local date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.ingest.appointment_columns import AppointmentSource, lead_days, value_detail, warn_booked_late
from bot.ingest.feed_fields import check_keys
from bot.ingest.issues import ChunkIssues
from storage.models import AppointmentStatus

_STATUSES = {s.value for s in AppointmentStatus}
_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_DATE_ONLY = r"\d{4}-\d{2}-\d{2}"
_OFFSET = r".*(Z|[+-]\d{2}:?\d{2})"
NO_ZONE = ("is new (not in the organisation file nor the database) and has no time zone: add it to the "
           "organisation file (OPSBOT_CONFIG, clinics: key, name, timezone) or pass --timezone")


def validate_canonical(importer: AppointmentSource, chunk: pd.DataFrame, issues: ChunkIssues) -> pd.DataFrame:
    col = lambda name: chunk[name].str.strip() if name in chunk else pd.Series(np.nan, index=chunk.index, dtype=object)  # noqa: E731
    out = pd.DataFrame(index=chunk.index)
    ext = col("appointment_id")
    issues.reject(ext.isna(), "missing_id", "appointment_id is empty")
    issues.reject(ext.str.len().gt(64).fillna(False), "invalid_id", "appointment_id is longer than 64 characters")
    out["external_id"] = ext.fillna("")

    clinic = col("clinic")
    issues.reject(clinic.isna(), "missing_clinic", "clinic is empty")
    check_keys(clinic, "clinic", issues)
    clinic = importer.clinics.resolve(clinic, issues)
    zones = _zones(importer, clinic)
    out["clinic_key"], out["clinic_name"] = clinic, col("clinic_name")

    raw_at = col("appointment_at")
    issues.reject(raw_at.isna(), "missing_appointment_date", "appointment_at is empty")
    at, local_date, problem = _instants(raw_at, zones)
    bad = local_date.isna() & raw_at.notna() & ~reject_unzoned(issues, clinic, problem)
    issues.reject(bad, "invalid_appointment_date", problem[bad])
    out["appointment_at"], out["appointment_date"] = at, local_date

    status = col("status").str.lower().str.replace(r"[\s-]+", "_", regex=True)
    unknown = ~status.isin(_STATUSES)
    issues.reject(unknown, "unknown_outcome", value_detail("status", col("status").fillna(""), unknown,
                                                           "is not one of " + ", ".join(sorted(_STATUSES))))
    out["status"] = status

    raw_booked = col("booked_at")
    booked, booked_date, problem = _instants(raw_booked, zones)
    bad_booked = booked_date.isna() & raw_booked.notna()
    issues.warn(bad_booked, "invalid_booked_at", problem[bad_booked])
    out["booked_at"] = booked
    out["lead_days"] = lead_days(local_date, booked_date)
    warn_booked_late(issues, out["lead_days"], local_date, booked_date)

    out["appointment_type"] = col("appointment_type").str.slice(0, 64)
    for flag in ("insurance_verified", "authorization_required", "authorized"):
        out[flag] = _flag(col(flag), flag, issues)
    out["provider_key"], out["provider_name"] = col("provider"), col("provider_name")
    out["patient_pseudonym"] = importer.patient_pseudonyms(col("patient_id"), issues)
    return out


def reject_unzoned(issues: ChunkIssues, clinic: pd.Series, problem: pd.Series) -> pd.Series:
    """Reject the rows whose clinic has no time zone (``clinic_without_timezone``, saying how to
    give it one); returns the rows whose time could not be read for want of a zone (those with
    an empty or rejected clinic have their reason already)."""
    unzoned = problem.eq(NO_ZONE)
    issues.reject(unzoned & clinic.notna(), "clinic_without_timezone", "clinic '" + clinic.fillna("") + "' " + NO_ZONE)
    return unzoned


def _zones(importer: AppointmentSource, clinic: pd.Series) -> pd.Series:
    """IANA zone per row: organisation file, else the stored clinic, else ``--timezone``."""
    known = {**importer.stored_zones, **importer.timezones}
    return clinic.map({k: known.get(k, importer.default_timezone) for k in clinic.dropna().unique()})


def _instants(raw: pd.Series, zones: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(UTC instant or NaT, clinic-local date or NaT, problem text) per row."""
    at = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    day = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    problem = value_detail("", raw.fillna(""), raw.notna(), "is not an ISO 8601 date or date-time").str.strip()
    date_only = raw.str.fullmatch(_DATE_ONLY, na=False)
    day[date_only] = pd.to_datetime(raw[date_only], format="%Y-%m-%d", errors="coerce")
    aware = raw.str.fullmatch(_OFFSET, na=False) & ~date_only
    naive = raw.notna() & ~aware & ~date_only
    utc = pd.to_datetime(raw[aware], format="ISO8601", errors="coerce", utc=True)
    no_zone = (aware | naive) & zones.isna()
    problem[no_zone] = NO_ZONE
    for zone in zones[(aware | naive) & zones.notna()].unique():
        here = zones.eq(zone)
        wall = pd.to_datetime(raw[naive & here], format="ISO8601", errors="coerce")
        stamps = pd.concat([utc[here[aware]], wall.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT")
                            .dt.tz_convert("UTC")])
        at[stamps.index] = stamps.dt.tz_localize(None)
        day[stamps.index] = stamps.dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
        gap = naive & here & raw.notna() & day.isna() & wall.reindex(raw.index).notna()
        problem[gap] = f"local time does not exist or is ambiguous in {zone} (DST change)"
    return at, day, problem


def _flag(raw: pd.Series, name: str, issues: ChunkIssues) -> pd.Series:
    text = raw.str.lower()
    value = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    value[text.isin(_TRUE)] = True
    value[text.isin(_FALSE)] = False
    odd = raw.notna() & value.isna()
    issues.warn(odd, "invalid_boolean", value_detail(name, raw.fillna(""), odd, "is not true/false; left blank"))
    return value

