"""Reads and writes for the look-ahead models (issue 20): appointment history frames, template
capacity, stored models. All SQL for ``bot.forecast`` lives here; nothing above storage is imported.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from storage.models import Appointment, Clinic, Provider, ScheduleTemplate
from storage.models.forecast import ForecastModel

FLAG_COLUMNS = ["sms_reminder", "scholarship", "hypertension", "diabetes", "alcoholism", "handicap"]
HISTORY_COLUMNS = ["id", "clinic_id", "provider_id", "patient_pseudonym", "booked_at", "appointment_at",
                   "appointment_date", "status", "appointment_type", "lead_days", "age_band", *FLAG_COLUMNS]


def appointment_frame(session: Session, *, until: date | None = None, since: date | None = None,
                      clinic_ids: list[int] | None = None) -> pd.DataFrame:
    """Appointments with ``since <= appointment_date <= until`` (either bound optional), every status.

    Returns a frame with :data:`HISTORY_COLUMNS` (``appointment_date`` as datetime64 midnight,
    ``booked_at``/``appointment_at`` naive UTC datetime64, NaT when absent). No patient identifier
    beyond the keyed pseudonym is read.
    """
    # plain SQL, raw driver values: SQLAlchemy's per-row type processing costs ~2x on a year of a
    # 50-clinic network; dates and times are parsed vectorised by pandas in _typed instead
    where, params = [], {}
    if until is not None:
        where.append("appointment_date <= :until")
        params["until"] = until.isoformat()
    if since is not None:
        where.append("appointment_date >= :since")
        params["since"] = since.isoformat()
    if clinic_ids is not None:
        where.append(f"clinic_id IN ({', '.join(str(int(c)) for c in clinic_ids) or 'NULL'})")
    sql = f"SELECT {', '.join(HISTORY_COLUMNS)} FROM appointments" + (f" WHERE {' AND '.join(where)}" if where else "")
    rows = session.execute(text(sql), params).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(HISTORY_COLUMNS)
    return _typed(pd.DataFrame({c: list(v) for c, v in zip(HISTORY_COLUMNS, columns, strict=True)}, columns=HISTORY_COLUMNS))


def day_frame(session: Session, day: date, clinic_ids: list[int]) -> pd.DataFrame:
    """The appointments of ``clinic_ids`` on ``day`` plus every earlier-or-same-day appointment of
    the same patients (any clinic): all that eve-of-day features need, without reading the rest.
    Columns as :func:`appointment_frame`."""
    patients = (select(Appointment.patient_pseudonym)
                .where(Appointment.appointment_date == day, Appointment.clinic_id.in_(clinic_ids)))
    cols = [getattr(Appointment, c) for c in HISTORY_COLUMNS]
    stmt = select(*cols).where(Appointment.appointment_date <= day,
                               Appointment.patient_pseudonym.in_(patients))
    return _typed(pd.DataFrame(session.execute(stmt).all(), columns=HISTORY_COLUMNS))


def has_appointments(session: Session, clinic_id: int) -> bool:
    """Whether the appointment feed has ever carried a row (any date, any status) for ``clinic_id``."""
    stmt = select(Appointment.id).where(Appointment.clinic_id == clinic_id).limit(1)
    return session.execute(stmt).first() is not None


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for c in ("appointment_date", "booked_at", "appointment_at"):
        frame[c] = pd.to_datetime(frame[c], errors="coerce", format="mixed").astype("datetime64[ns]")
    for c in ("id", "clinic_id"):
        frame[c] = pd.to_numeric(frame[c])
    frame["lead_days"] = pd.to_numeric(frame["lead_days"], errors="coerce")
    for c in FLAG_COLUMNS:  # 1.0 / 0.0 / NaN (unknown): drivers give bool, 0/1 or None
        frame[c] = frame[c].astype(object).astype("float64")
    return frame


def clinic_table(session: Session) -> pd.DataFrame:
    """``id, key, name, timezone`` of every clinic."""
    rows = session.execute(select(Clinic.id, Clinic.key, Clinic.name, Clinic.timezone).order_by(Clinic.key)).all()
    return pd.DataFrame(rows, columns=["id", "key", "name", "timezone"])


def provider_names(session: Session, provider_ids: list[int]) -> dict[int, str]:
    """Provider id -> display name."""
    if not provider_ids:
        return {}
    return dict(session.execute(select(Provider.id, Provider.name).where(Provider.id.in_(provider_ids))).all())


def template_capacity(session: Session) -> pd.DataFrame:
    """Slots per clinic and weekday from the schedule templates: ``clinic_id, weekday, slots``
    (weekday 0 = Monday; slots = sum over sessions of floor(session minutes / slot minutes))."""
    rows = session.execute(
        select(Provider.clinic_id, ScheduleTemplate.weekday, ScheduleTemplate.start_time,
               ScheduleTemplate.end_time, ScheduleTemplate.slot_minutes)
        .join(Provider, Provider.id == ScheduleTemplate.provider_id)).all()
    frame = pd.DataFrame(rows, columns=["clinic_id", "weekday", "start", "end", "slot_minutes"])
    if frame.empty:
        return pd.DataFrame(columns=["clinic_id", "weekday", "slots"])
    minutes = [(e.hour * 60 + e.minute) - (s.hour * 60 + s.minute) for s, e in zip(frame["start"], frame["end"], strict=True)]
    frame["slots"] = [max(0, m) // max(1, int(sm)) for m, sm in zip(minutes, frame["slot_minutes"], strict=True)]
    return frame.groupby(["clinic_id", "weekday"], as_index=False)["slots"].sum()


def save_model(session: Session, kind: str, payload: bytes, *, window_start: date | None, window_end: date | None,
               rows: int, shown: bool, metrics: dict[str, Any], trained_at: datetime | None = None) -> int:
    """Store one trained model; returns its id (the caller commits)."""
    row = ForecastModel(kind=kind, payload=payload, window_start=window_start, window_end=window_end, rows=rows,
                        shown=shown, metrics=json.dumps(metrics, default=str))
    if trained_at is not None:
        row.trained_at = trained_at
    session.add(row)
    session.flush()
    return row.id


def latest_model(session: Session, kind: str) -> ForecastModel | None:
    """The newest stored model of ``kind`` (shown or not), or None."""
    newest = select(func.max(ForecastModel.id)).where(ForecastModel.kind == kind).scalar_subquery()
    return session.scalar(select(ForecastModel).where(and_(ForecastModel.kind == kind, ForecastModel.id == newest)))
