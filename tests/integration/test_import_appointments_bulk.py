"""storage.bulk.upsert_frame and storage.reference on both databases (shared import framework)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clinic_names import stored_clinic
from storage.bulk import UpsertCounts, upsert_frame
from storage.db import session_scope
from storage.models import Appointment, Claim, Clinic, Payer, Provider
from storage.reference import ensure_clinics, ensure_payers, ensure_providers

KEY = ("source", "external_id")


def claims(clinic_id: int) -> pd.DataFrame:
    return pd.DataFrame({
        "source": "t", "external_id": ["c1", "c2", "c3"], "patient_control_number": ["p1", "p2", "p3"],
        "clinic_id": clinic_id, "service_date": [date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)],
        "created_date": pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-07"]),
        "submitted_date": [date(2026, 1, 8), None, None], "charge_cents": [12_500, 0, 99],
        "scrubber_edits": [0, 2, 1], "manually_touched": [False, True, False], "clean": [True, False, True],
    })


def test_upsert_without_row_hash_compares_every_column(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        clinic = ensure_clinics(session, [{"key": "a", "name": "A"}])["a"]
        assert upsert_frame(session, Claim, claims(clinic), KEY) == UpsertCounts(3, 0, 0)
    with session_scope(sessions) as session:
        frame = claims(clinic)
        assert upsert_frame(session, Claim, frame, KEY) == UpsertCounts(0, 0, 3)
        frame.loc[1, "submitted_date"] = date(2026, 1, 9)
        frame.loc[2, "clean"] = False
        frame = pd.concat([frame, claims(clinic).iloc[:1].assign(external_id="c4")], ignore_index=True)
        assert upsert_frame(session, Claim, frame, KEY) == UpsertCounts(1, 2, 1)
    with session_scope(sessions) as session:
        rows = {c.external_id: c for c in session.scalars(select(Claim))}
        assert rows["c2"].submitted_date == date(2026, 1, 9) and rows["c3"].clean is False
        assert rows["c1"].charge_cents == 12_500 and rows["c1"].created_date == date(2026, 1, 5)
        assert rows["c3"].submitted_date is None and rows["c2"].manually_touched is True


def test_upsert_with_row_hash_ignores_dtype_noise(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        clinic = ensure_clinics(session, [{"key": "a"}])["a"]
        frame = pd.DataFrame({"source": "t", "external_id": ["1", "2"], "clinic_id": clinic,
                              "patient_pseudonym": "x", "appointment_date": [date(2026, 1, 1), date(2026, 1, 2)],
                              "booked_at": [datetime(2025, 12, 1, 9, 30), None], "status": "completed",
                              "lead_days": [31, None]})
        assert upsert_frame(session, Appointment, frame, KEY).imported == 2
    same = frame.assign(lead_days=np.array([31.0, np.nan]), appointment_date=["2026-01-01", "2026-01-02"],
                        booked_at=pd.to_datetime(["2025-12-01 09:30", None]))
    with session_scope(sessions) as session:
        assert upsert_frame(session, Appointment, same, KEY) == UpsertCounts(0, 0, 2)
        assert upsert_frame(session, Appointment, same.assign(status=["completed", "no_show"]), KEY) == \
            UpsertCounts(0, 1, 1)
        row = session.scalars(select(Appointment).where(Appointment.external_id == "1")).one()
        assert (row.booked_at, row.lead_days, row.appointment_date) == (datetime(2025, 12, 1, 9, 30), 31, date(2026, 1, 1))


def test_upsert_refuses_bad_frames(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        with pytest.raises(ValueError, match="duplicate natural key"):
            upsert_frame(session, Claim, pd.DataFrame({"source": ["t", "t"], "external_id": ["1", "1"]}), KEY)
        with pytest.raises(ValueError, match="unknown column"):
            upsert_frame(session, Claim, pd.DataFrame({"source": ["t"], "external_id": ["1"], "nope": [1]}), KEY)
        assert upsert_frame(session, Claim, pd.DataFrame(columns=["source", "external_id"]), KEY) == UpsertCounts()


def test_reference_get_or_create(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        first = ensure_clinics(session, [{"key": "sao-jose", "name": "SÃO JOSÉ", "timezone": "America/Sao_Paulo"}])
        again = ensure_clinics(session, [{"key": "sao-jose", "name": "renamed"}, {"key": "b"}])
        assert again["sao-jose"] == first["sao-jose"] and len(set(again.values())) == 2
        providers = ensure_providers(session, [{"key": "dr-x", "clinic_key": "b", "name": "Dr X"}])
        assert ensure_providers(session, [{"key": "dr-x", "clinic_key": "b"}]) == providers
        with pytest.raises(LookupError, match="unknown clinic"):
            ensure_providers(session, [{"key": "dr-y", "clinic_key": "missing"}])
        payers = ensure_payers(session, [{"key": "bcbs", "name": "Blue Cross"}])
        assert ensure_payers(session, [{"key": "bcbs"}]) == payers
    with session_scope(sessions) as session:
        clinic = stored_clinic(session, "sao jose")
        assert clinic is not None and (clinic.name, clinic.name_folded) == ("SÃO JOSÉ", "sao jose")
        assert session.scalars(select(Provider.clinic_id)).one() == again["b"]
        assert session.scalars(select(Payer.name_folded)).one() == "blue cross"
        assert len(session.scalars(select(Clinic)).all()) == 2
