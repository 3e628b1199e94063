"""The no-show rate on the real Kaggle "Medical Appointment No Shows" file, against the reference
figures in shared/data/SOURCES.md (computed independently with pandas by the data's curators).

The file is loaded with a minimal loader here (neighbourhood = clinic, "No-show = Yes" = no-show)
so the test depends only on the engine, the roll-up and the storage layer.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import insert

from bot.kpi.engine import answer
from bot.kpi.grammar import parse_kpi_command
from bot.kpi.rollup_refresh import refresh_appointment_rollups
from bot.orgconfig import OrgConfig
from bot.services.kpi import kpi_reply
from core.text import fold
from storage.bulk import upsert_frame
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Appointment, Clinic, FeedLoad

KAGGLE = "data/rmartins__DataMining/KaggleV2-May-2016.csv"
LOADED_AT = datetime(2016, 6, 9, 7, 30)


def load_kaggle(sessions, path) -> None:  # type: ignore[no-untyped-def]
    raw = pd.read_csv(path, dtype={"PatientId": str, "AppointmentID": str})
    hoods = sorted(raw["Neighbourhood"].unique())
    with session_scope(sessions) as s:
        s.execute(insert(Clinic), [{"key": f"n{i:03d}", "name": h, "name_folded": fold(h), "timezone": "America/Sao_Paulo"}
                                   for i, h in enumerate(hoods)])
        load = FeedLoad(feed="appointments", source_name="KaggleV2-May-2016.csv", started_at=LOADED_AT,
                        finished_at=LOADED_AT, rows_read=len(raw))
        s.add(load)
        s.flush()
        ids = {name: cid for cid, name in s.execute(Clinic.__table__.select().with_only_columns(
            Clinic.id, Clinic.name)).all()}
        booked = pd.to_datetime(raw["ScheduledDay"], utc=True).dt.tz_localize(None)
        day = pd.to_datetime(raw["AppointmentDay"], utc=True).dt.date
        frame = pd.DataFrame({
            "source": "kaggle", "external_id": raw["AppointmentID"],
            "clinic_id": raw["Neighbourhood"].map(ids), "provider_id": None,
            "patient_pseudonym": raw["PatientId"].str.slice(0, 16),
            "booked_at": booked, "appointment_date": day,
            "status": raw["No-show"].map({"Yes": "no_show", "No": "completed"}),
            "lead_days": (pd.to_datetime(day) - booked.dt.normalize()).dt.days,
            "feed_load_id": load.id,
        })
        upsert_frame(s, Appointment, frame, ("source", "external_id"))
        refresh_appointment_rollups(s)


@pytest.mark.shared_data
def test_no_show_rate_matches_the_reference_figures(db_url, shared_dir):
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    load_kaggle(sessions, shared_dir / KAGGLE)
    org = OrgConfig()
    now = datetime(2016, 6, 20, 12, 0)
    with session_scope(sessions) as s:
        whole = answer(s, parse_kpi_command("no-show-rate all"), org, now=now)
        may = answer(s, parse_kpi_command("no show 2016-05"), org, now=now)
        maria = answer(s, parse_kpi_command("noshow clinic maria ortiz"), org, now=now)
        ranged = answer(s, parse_kpi_command("no-show-rate 2016-04-29..2016-06-08"), org, now=now)
        resist = answer(s, parse_kpi_command("no-show-rate clinic resistencia all"), org, now=now)
        _, text = kpi_reply(s, org, "no-show-rate all", now=now)
        _, later = kpi_reply(s, org, "no-show-rate last 30d", now=datetime(2017, 1, 15))
    engine.dispose()
    # SOURCES.md reference figures
    assert (whole.measure.n, whole.measure.d) == (22_319, 110_527)
    assert round(whole.measure.value * 100, 2) == 20.19
    assert (may.measure.n, may.measure.d) == (16_804, 80_841)
    assert round(may.measure.value * 100, 2) == 20.79
    assert (maria.measure.n, maria.measure.d) == (1_219, 5_805)
    assert round(maria.measure.value * 100, 2) == 21.00
    # SOURCES.md: appointments run 2016-04-29..2016-06-08
    assert (str(whole.measure.first), str(whole.measure.last)) == ("2016-04-29", "2016-06-08")
    assert (ranged.measure.n, ranged.measure.d) == (22_319, 110_527)
    assert (str(may.measure.first), str(may.measure.last)) == ("2016-05-02", "2016-05-31")
    assert resist.scope.clinic_name == "RESISTÊNCIA"
    assert "20.19 %" in text and "22,319 of 110,527 appointments" in text
    assert "no data" in later and "2016-06-08" in later and "0.00 %" not in later
