"""Days to third next available appointment (IHI; kpis.md "Access and scheduling").

Reading (the catalogue's documented choices where kpis.md is silent): measured on the period's
last day when the schedule is known through it (up to the latest day with slot data, the
clinic-local date of the last publication or booking, or later up to the day the slot feed was
last loaded: nothing changed in between), else on that latest known day; "no data" when that day
is before the period. A slot is open on
day d when it was published before the end of d (clinic-local midnight), is not blocked, and was
not booked before the end of d. Per provider and appointment type: calendar days from d to the
third open slot dated d or later (same day = 0); per provider the mean over its types; the KPI is
the mean over providers that have a value (N = D = how many). No look-ahead limit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import text

from tests.oracle.frames import NO_DATA, Ask, Expected
from tests.oracle.tables import RawTables


def end_of_day_utc(day: date, zone: str) -> pd.Timestamp:
    """Naive UTC instant of the local midnight that ends ``day`` in ``zone``."""
    local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
    return pd.Timestamp(local.astimezone(UTC).replace(tzinfo=None))


def latest_slot_day(t: RawTables, clinic_id: int | None) -> date | None:
    """Clinic-local date of the last publication or booking in scope (max over clinics)."""
    zones = dict(zip(t.clinics.id, t.clinics.timezone, strict=True))
    days = []
    for row in t.slot_activity.itertuples():
        if clinic_id is not None and row.clinic_id != clinic_id:
            continue
        instants = [v for v in (row.created_at, row.booked_at) if not pd.isna(v)]
        if instants:
            last = max(instants).to_pydatetime().replace(tzinfo=UTC)
            days.append(last.astimezone(ZoneInfo(zones[row.clinic_id])).date())
    return max(days) if days else None


def third_next_available(t: RawTables, ask: Ask) -> Expected:
    latest = latest_slot_day(t, ask.clinic_id)
    if latest is None:
        return NO_DATA
    loaded = t.s.execute(text("select max(finished_at) from feed_loads where feed = 'slots'")).scalar()
    if loaded is not None and ask.end > latest:
        zones = set(t.clinics.timezone) if ask.clinic_id is None else set(
            t.clinics[t.clinics.id == ask.clinic_id].timezone)
        zone = zones.pop() if len(zones) == 1 else "UTC"
        at = pd.Timestamp(loaded).to_pydatetime().replace(tzinfo=UTC)
        latest = max(latest, at.astimezone(ZoneInfo(zone)).date())
    day = min(ask.end, latest)
    if day < ask.start:
        return NO_DATA
    s = t.slots if ask.clinic_id is None else t.slots[t.slots.clinic_id == ask.clinic_id]
    s = s[(s.slot_date >= pd.Timestamp(day)) & (s.state != "blocked")]
    eod = s.clinic_id.map({c: end_of_day_utc(day, z) for c, z in zip(t.clinics.id, t.clinics.timezone, strict=True)})
    open_ = s[(s.created_at.isna() | (s.created_at < eod)) & (s.booked_at.isna() | (s.booked_at >= eod))]
    third = (open_.sort_values("slot_date").groupby(["provider_id", "appointment_type"]).slot_date.nth(2))
    if open_.empty or third.empty:
        return NO_DATA
    pairs = open_.loc[third.index, ["provider_id"]].assign(days=(third - pd.Timestamp(day)).dt.days)
    per_provider = pairs.groupby("provider_id").days.mean()
    return Expected(value=float(per_provider.mean()), n=len(per_provider), d=len(per_provider))
