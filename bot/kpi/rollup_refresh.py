"""Refresh the KPI roll-ups after a load: storage's SQL steps run with the KPI layer's formulas.

Who calls what: the importers call :func:`refresh_feed_rollups` (the appointment importer
:func:`refresh_appointment_rollups`) at the end of a load with the loaded date range, the seed
generator and a repair :func:`refresh_all_rollups`, the retention job
:func:`refresh_appointment_rollups`. The steps themselves (SQL, numpy passes, the writers) are in
:mod:`storage.rollups` and its siblings, which import nothing above storage: the formulas come
from here — the components of a feed (:func:`bot.kpi.components.for_feed`), the stored answers
of third next available and the supply KPIs (:mod:`bot.kpi.rollup_measures`), the usage window
the engine reads (:data:`bot.kpi.inventory.USAGE_DAYS`). Everything runs in the caller's
transaction; the caller commits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.kpi.base import Scope
from bot.kpi.components import for_feed
from bot.kpi.inventory import USAGE_DAYS, inventory_first_days
from bot.kpi.rollup_measures import supply_kpis, supply_measures, tna_measures
from bot.kpi.tna import MEASURED_HORIZONS, measure_component
from storage import rollups_slots, rollups_supply
from storage.models import FeedLoad
from storage.rollups import (
    FEEDS,
    ROLLUP_TABLES,
    mark_fresh,
    refresh_appointment_daily,
    refresh_components,
    refresh_lead_time,
)
from storage.rollups_ar import refresh_net_ar
from storage.rollups_measures import write_measures


def refresh_appointment_rollups(session: Session, date_from: date | None = None,
                                date_to: date | None = None, clinic_ids: list[int] | None = None) -> int:
    """Rebuild ``appointment_daily`` for appointment dates in [date_from, date_to] (inclusive;
    None = unbounded) and, if given, only those clinics; then the appointment KPI components and
    the lead-time histogram for the same dates (all clinics), and mark the feed fresh.
    Returns the number of ``appointment_daily`` rows written.
    """
    written = refresh_appointment_daily(session, date_from, date_to, clinic_ids)
    refresh_components(session, for_feed("appointments"), date_from, date_to)
    refresh_lead_time(session, date_from, date_to)
    mark_fresh(session, "appointments")
    return written


def refresh_tna(session: Session) -> int:
    """``tna_daily`` and ``slot_provider_summary`` from all slots, then the stored answers of
    third next available at each horizon of :data:`bot.kpi.tna.MEASURED_HORIZONS`. Returns the
    number of ``tna_daily`` rows."""

    def answers(tna: pd.DataFrame) -> None:
        for horizon in MEASURED_HORIZONS:  # network and per clinic
            write_measures(session, measure_component(horizon), tna_measures(tna, horizon))

    return rollups_slots.refresh_tna(session, answers)


def refresh_supply(session: Session, window: int | None = None) -> int:
    """``supply_item_daily`` over the trailing ``window`` days (None: the engine's
    :data:`bot.kpi.inventory.USAGE_DAYS`), and with the engine's window the answers of days of
    supply and reorder point (``kpi_measure_daily``). Returns rows written."""
    window = USAGE_DAYS if window is None else window
    if window != USAGE_DAYS:
        return rollups_supply.refresh_supply(session, window)
    for kpi in supply_kpis():  # no usage at all: no stale answers either
        write_measures(session, kpi.kpi_id, [])

    def answers(rows: pd.DataFrame, meta: dict[int, dict[str, Any]]) -> None:
        firsts = inventory_first_days(session, Scope(), memo=False)
        for kpi_id, found in supply_measures(rows, meta, window, firsts).items():
            write_measures(session, kpi_id, found)

    return rollups_supply.refresh_supply(session, window, answers)


def refresh_feed_rollups(session: Session, feed: str, date_from: date | None = None,
                         date_to: date | None = None) -> None:
    """Refresh what a load of ``feed`` can change, for its data dates [date_from, date_to]
    (slots, inventory and A/R: their Python-built roll-ups are recomputed for every day), and
    mark the feed fresh."""
    if feed == "appointments":
        refresh_appointment_rollups(session, date_from, date_to)
        return
    refresh_components(session, for_feed(feed), date_from, date_to)
    if feed == "slots":
        refresh_tna(session)
    if feed in ("inventory", "supply", "lots"):
        refresh_supply(session)
    if feed == "ar":
        refresh_net_ar(session)
    mark_fresh(session, feed)


def refresh_all_rollups(session: Session) -> None:
    """Rebuild every roll-up from all raw rows (after seeding, or to repair): the feeds of
    :data:`storage.rollups.FEEDS` in that order, then any other feed that was ever loaded (a new
    feed's KPI components need no entry here)."""
    loaded = set(session.scalars(select(FeedLoad.feed).distinct()))
    for feed in (*FEEDS, *sorted(loaded - set(FEEDS))):
        if feed in ("supply", "lots"):  # everything they feed was rebuilt with "inventory"
            mark_fresh(session, feed)
            continue
        refresh_feed_rollups(session, feed)
    for table in ROLLUP_TABLES:  # fresh planner statistics for the rebuilt tables (both dialects)
        session.execute(text(f"ANALYZE {table}"))
