"""A hand-made appointments feed loaded straight into the tables, for tests that ask the KPI engine
about a few appointments they wrote themselves (no importer in between)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.kpi.rollup_refresh import refresh_appointment_rollups
from storage.models import Appointment, FeedLoad


def load_hand_appointments(s: Session, rows: Iterable[Mapping[str, Any]], *, loaded_at: datetime) -> None:
    """One ``FeedLoad`` of ``hand.csv`` (started ``loaded_at``, finished 5 minutes later), the
    ``rows`` as appointments, then the appointment roll-ups refreshed from them.

    Each row gives ``clinic_id``, ``appointment_date`` and ``status`` (and any other ``Appointment``
    column); the i-th row defaults to source ``t``, external id ``i``, pseudonym ``p{i}``, row hash ``x``.
    """
    s.add(FeedLoad(feed="appointments", source_name="hand.csv", started_at=loaded_at,
                   finished_at=loaded_at + timedelta(minutes=5)))
    s.execute(insert(Appointment), [{"source": "t", "external_id": str(i), "patient_pseudonym": f"p{i}",
                                     "row_hash": "x", **row} for i, row in enumerate(rows)])
    refresh_appointment_rollups(s)
