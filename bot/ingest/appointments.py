"""Appointment feed importer: the canonical CSV (docs/formats/appointments.md) and the public
Kaggle "Medical Appointment No Shows" export.

Rejected (cannot be an appointment): missing/duplicate id, missing/invalid appointment date,
unknown outcome, missing clinic, a local time that needs a time zone nobody gave. Everything
odd but usable is loaded and listed as a warning by line (booked after the appointment day,
negative age, spreadsheet-damaged patient id, ...). Patient ids are pseudonymised
(:mod:`bot.privacy`) in the validation step; no raw id reaches the database or an issue detail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ingest.appointments_canonical import validate_canonical
from bot.ingest.appointments_kaggle import validate_kaggle
from bot.ingest.base import FeedImporter, ImportSummary
from bot.ingest.clinic_keys import ClinicKeys
from bot.ingest.issues import ChunkIssues
from bot.ingest.patient_ids import check_patient_ids
from bot.kpi.rollup_refresh import refresh_appointment_rollups
from bot.privacy import Pseudonymiser
from storage.bulk import UpsertCounts, upsert_frame
from storage.models import Appointment, Clinic
from storage.reference import ensure_clinics, ensure_providers

KAGGLE = "kaggle-noshow"
CANONICAL = "canonical"
SAO_PAULO = "America/Sao_Paulo"
_DAMAGED_ID = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")  # e.g. 9.37795E+11 from a spreadsheet
HELPERS = ("clinic_key", "clinic_name", "provider_key", "provider_name")  # resolved in load()
MODEL_COLUMNS = ("sms_reminder", "age_band", "scholarship", "hypertension", "diabetes", "alcoholism", "handicap")
CONTENT_COLUMNS = ("clinic_id", "provider_id", "patient_pseudonym", "booked_at", "appointment_at",
                   "appointment_date", "status", "appointment_type", "lead_days", "insurance_verified",
                   "authorization_required", "authorized", *MODEL_COLUMNS)


class AppointmentsImporter(FeedImporter):
    """Import appointments; natural key ``(source, external_id)``.

    Args:
        pseudonym_key: the ``OPSBOT_PSEUDONYM_KEY`` secret (plain text).
        timezones: clinic key -> IANA zone from the organisation file (wins over the database).
        clinic_names: clinic key -> display name from the organisation file.
        default_timezone: zone for clinics known nowhere else (``--timezone``).
        source: value of ``Appointment.source`` (default: the format name).
    """

    feed = "appointments"
    noun = ("appointment", "appointments")
    model = Appointment
    natural_key = ("source", "external_id")
    date_column = "appointment_date"
    validate_uses_session = False
    formats = {
        KAGGLE: ("PatientId", "AppointmentID", "ScheduledDay", "AppointmentDay", "Neighbourhood", "No-show"),
        CANONICAL: ("appointment_id", "clinic", "patient_id", "appointment_at", "status"),
    }

    def __init__(self, pseudonym_key: str, *, timezones: Mapping[str, str] | None = None,
                 clinic_names: Mapping[str, str] | None = None, default_timezone: str | None = None,
                 source: str | None = None) -> None:
        super().__init__()
        self.pseudonym_key = pseudonym_key
        self.timezones = dict(timezones or {})
        self.clinic_names = dict(clinic_names or {})
        self.default_timezone = default_timezone
        self.source = source
        self.stored_zones: dict[str, str] = {}
        self._pseudonymiser: Pseudonymiser | None = None
        self._clinic_ids: dict[str, int] = {}
        self.clinics = ClinicKeys(self.timezones, self.clinic_names)

    def begin(self, session: Session) -> None:
        self.stored_zones = dict(session.execute(select(Clinic.key, Clinic.timezone)).all())
        self.clinics.load(session)
        self._clinic_ids = {}  # clinic key -> id, filled by resolve() (valid within this run)

    def validate(self, chunk: pd.DataFrame, issues: ChunkIssues, session: Session | None) -> pd.DataFrame:
        """Pure (no database): clinics/providers come out as keys, resolved to ids in ``load``."""
        parse = validate_kaggle if self.file_format == KAGGLE else validate_canonical
        out = parse(self, chunk, issues)
        out.insert(0, "source", self.source or self.file_format)
        return out

    def create_references(self, kept: pd.DataFrame, issues: ChunkIssues, session: Session | None) -> pd.DataFrame:
        """Pure: flags the first kept row of each new clinic (``new_clinic``; a ``duplicate_id``
        row is not kept); the clinics and providers themselves are created in ``load``."""
        self.clinics.warn_new(kept["clinic_key"], issues)
        return kept

    def load(self, session: Session, frame: pd.DataFrame) -> UpsertCounts:
        return upsert_frame(session, Appointment, self.resolve(session, frame), self.natural_key,
                            assume_new=self.target_was_empty)

    def resolve(self, session: Session, frame: pd.DataFrame) -> pd.DataFrame:
        """Replace the clinic/provider key columns by ids (creating missing clinics/providers)."""
        if frame.empty:
            return frame.drop(columns=[c for c in HELPERS if c in frame.columns])
        zone = SAO_PAULO if self.file_format == KAGGLE else self.default_timezone
        codes, clinic_keys = pd.factorize(frame["clinic_key"])
        if any(k not in self._clinic_ids for k in clinic_keys):  # existing clinics are never renamed: ids can be kept
            self._clinic_ids.update(ensure_clinics(session, clinic_rows(frame["clinic_key"], frame["clinic_name"],
                                                                        zone, self)))
        ids = np.array([self._clinic_ids[k] for k in clinic_keys] + [0], dtype="int64")[codes]
        clinic_id = pd.Series(ids, index=frame.index)
        frame = frame.assign(clinic_id=clinic_id.astype("Int64").mask(codes < 0) if (codes < 0).any() else clinic_id)
        keys = frame.get("provider_key")
        if keys is not None and keys.notna().any():
            rows = pd.DataFrame({"key": keys, "name": frame["provider_name"].fillna(keys),
                                 "clinic_key": frame["clinic_key"]}).dropna(subset=["key"]).drop_duplicates("key")
            provider_ids = ensure_providers(session, rows.to_dict("records"))
            frame = frame.assign(provider_id=keys.map(provider_ids).astype("Int64"))
        absent = {c: None for c in CONTENT_COLUMNS if c not in frame.columns}
        return frame.drop(columns=[c for c in HELPERS if c in frame.columns]).assign(**absent)

    def patient_pseudonyms(self, raw: pd.Series, issues: ChunkIssues) -> pd.Series:
        """Pseudonyms ('' when missing) with warnings for missing/damaged ids and rejects of
        formula-like ones (:mod:`bot.ingest.patient_ids`), never echoing them.

        Work is done once per distinct id (patients repeat) and mapped back by factorize codes;
        pseudonyms are remembered across the chunks of a file (:class:`bot.privacy.Pseudonymiser`).
        """
        if self._pseudonymiser is None:
            self._pseudonymiser = Pseudonymiser(self.pseudonym_key)
        check_patient_ids(raw, issues)
        codes, uniques = pd.factorize(raw)
        ids = [str(v).strip() for v in np.asarray(uniques, dtype=object).tolist()]
        pseudonyms = np.array(self._pseudonymiser.many(ids, stripped=True) + [""], dtype=object)
        missing = np.array([not v for v in ids] + [True])
        pseudonyms[missing] = ""
        damaged = np.zeros(len(ids) + 1, dtype=bool)
        damaged[[i for i, v in enumerate(ids) if ("e" in v or "E" in v) and _DAMAGED_ID.fullmatch(v)]] = True
        missing, damaged = missing[codes], damaged[codes]
        issues.warn(pd.Series(missing, index=raw.index), "missing_patient_id",
                    "patient id is empty; visits cannot be linked")
        issues.warn(pd.Series(damaged, index=raw.index), "damaged_patient_id",
                    "patient id is in spreadsheet scientific notation (digits lost); its visits cannot be "
                    "linked reliably")
        return pd.Series(pseudonyms[codes], index=raw.index, dtype=object)

    def finish(self, session: Session, summary: ImportSummary) -> None:
        """Refresh the appointment roll-ups over the loaded date range."""
        if summary.data_min_date is None:
            return
        refresh_appointment_rollups(session, summary.data_min_date, summary.data_max_date)


def clinic_rows(keys: pd.Series, names: pd.Series, default_tz: str | None,
                importer: AppointmentsImporter) -> list[dict[str, Any]]:
    """Distinct ``ensure_clinics`` rows for the keys of a chunk (org-file name/zone preferred)."""
    pairs = pd.DataFrame({"key": keys, "name": names}).dropna(subset=["key"]).drop_duplicates("key")
    return [{"key": k, "name": importer.clinic_names.get(k) or n,
             "timezone": importer.timezones.get(k) or default_tz or "UTC"}
            for k, n in zip(pairs["key"], pairs["name"].fillna(pairs["key"]), strict=True)]
