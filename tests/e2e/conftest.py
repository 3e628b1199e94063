"""End-to-end helpers: the stand-in fixture, signed posts and a small CSV loader. Running ``opsbot``
as a subprocess (``BotProcess``, ``bot_env``, ``free_port``, ``http``) lives in
:mod:`devtools.standin.process`, so the benchmarks use it without pytest; it is re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.standin import SlackStandIn
from devtools.standin.process import REPO, BotNotReady, BotProcess, bot_env, free_port, http

__all__ = ["REPO", "BotNotReady", "BotProcess", "bot_env", "free_port", "http"]  # kept importable from here


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as slack:
        yield slack


def signed_post(url: str, secret: str, body: str, *, timestamp: int | None = None,
                timeout: float = 10.0) -> tuple[int, str]:
    from devtools.signing import signed_headers

    return http("POST", url, body, signed_headers(secret, body, timestamp), timeout=timeout)


def as_json(text: str) -> dict:
    return json.loads(text) if text.strip().startswith("{") else {"text": text}


def load_appointments_csv(db_url: str, path: Path) -> None:
    """Load a Kaggle-layout appointments CSV (Neighbourhood = clinic; "No-show" = "Yes" means
    not attended) straight into the tables, then refresh the roll-ups the KPI engine reads.
    A deliberately small loader so the e2e test depends on the served bot, not on an importer."""
    import csv
    import hashlib
    from datetime import datetime

    from bot.kpi.rollup_refresh import refresh_appointment_rollups
    from core.text import fold
    from storage.db import make_engine, make_session_factory, session_scope
    from storage.models import Appointment, Clinic, FeedLoad

    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        load = FeedLoad(feed="appointments", source_name=path.name, file_format="csv",
                        started_at=datetime(2016, 6, 9, 7), finished_at=datetime(2016, 6, 9, 7), rows_read=len(rows))
        s.add(load)
        clinics: dict[str, Clinic] = {}
        for i, name in enumerate(sorted({r["Neighbourhood"] for r in rows})):
            clinics[name] = Clinic(key=f"c{i}", name=name, name_folded=fold(name), timezone="America/Sao_Paulo")
            s.add(clinics[name])
        s.flush()
        for r in rows:
            booked = datetime.fromisoformat(r["ScheduledDay"].replace("Z", ""))
            day = datetime.fromisoformat(r["AppointmentDay"].replace("Z", "")).date()
            s.add(Appointment(
                source="kaggle", external_id=r["AppointmentID"], clinic_id=clinics[r["Neighbourhood"]].id,
                patient_pseudonym=hashlib.sha256(r["PatientId"].encode()).hexdigest()[:16],
                booked_at=booked, appointment_date=day, lead_days=(day - booked.date()).days,
                status="no_show" if r["No-show"] == "Yes" else "completed",
                row_hash=hashlib.sha256(repr(sorted(r.items())).encode()).hexdigest()[:16], feed_load_id=load.id))
        s.flush()
        refresh_appointment_rollups(s)
    engine.dispose()
