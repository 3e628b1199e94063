"""The days ahead for one clinic: expected no-shows with a range, the high-risk slots, and the
demand outlook against template capacity. Aggregates and slot facts only: never a patient name,
record number or pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from bot.errors import NoDataError
from bot.forecast import demand, demand_backtest, noshow
from bot.forecast.demand_backtest import DemandScore
from bot.forecast.interval import ExpectedCount, combined_count, expected_count
from bot.forecast.service import stored_model
from bot.forecast.vocabulary import HIGH_RISK
from storage import forecast_queries as q

LOOK_BACK_DAYS = 400  # history read for features and demand (a year and a bit)


@dataclass(frozen=True)
class DayOutlook:
    clinic: str
    day: date
    booked: int
    no_shows: ExpectedCount | None  # None: no model that beat its baseline
    high_risk: int


@dataclass(frozen=True)
class RiskSlot:
    """One high-risk appointment as the front desk sees it: local time, provider, visit type."""

    time: str  # "09:40" clinic-local, or "—" when the feed has no time of day
    provider: str
    visit_type: str
    probability: float


def local_day(now: datetime, tz: str, days: int = 0) -> date:
    """The clinic-local date ``days`` after ``now`` (naive UTC)."""
    return (now.replace(tzinfo=UTC).astimezone(ZoneInfo(tz or "UTC")).date()) + timedelta(days=days)


def _clinic(session: Session, key: str) -> tuple[int, str, str]:
    table = q.clinic_table(session)
    row = table[table["key"] == key]
    if row.empty:
        from bot.errors import UsageError

        raise UsageError(f"Unknown clinic {key!r}.")
    return int(row["id"].iloc[0]), str(row["name"].iloc[0]), str(row["timezone"].iloc[0])


def require_appointment_data(session: Session, clinic_key: str) -> None:
    """Refuse a look-ahead for a clinic whose appointment feed has never carried a row: its days
    hold no data, not "0 booked visits" (kpis.md: no data is never 0). A clinic with data and
    nothing booked on a day keeps its true 0.

    Raises:
        NoDataError: no appointment row for the clinic, ever. UsageError: unknown clinic.
    """
    cid, name, _tz = _clinic(session, clinic_key)
    if not q.has_appointments(session, cid):
        raise NoDataError(f"No data yet for {name} ({clinic_key}): the appointment feed has never carried a row "
                          "for it, so there are no booked visits to count or score. The look-ahead appears once "
                          "its appointments are imported.")


def open_weekdays(session: Session, clinic_key: str) -> frozenset[int] | None:
    """The weekdays (0 = Monday) on which ``clinic_key`` has clinic hours (template slots); None
    when it has no schedule template at all (hours unknown: every day is taken as open)."""
    cid, _name, _tz = _clinic(session, clinic_key)
    cap = q.template_capacity(session)
    return weekdays_open(cap, cid)


def weekdays_open(cap: pd.DataFrame, clinic_id: int) -> frozenset[int] | None:
    """:func:`open_weekdays` from a :func:`storage.forecast_queries.template_capacity` frame."""
    mine = cap[cap["clinic_id"] == clinic_id]
    if mine.empty:
        return None
    return frozenset(int(w) for w, n in zip(mine["weekday"], mine["slots"], strict=True) if int(n) > 0)


def is_open(day: date, open_days: frozenset[int] | None) -> bool:
    return open_days is None or day.weekday() in open_days


def next_open(after: date, open_days: frozenset[int] | None) -> date | None:
    """The first day after ``after`` with clinic hours; None when the clinic has none on any weekday."""
    return next((d for d in (after + timedelta(days=i) for i in range(1, 8)) if is_open(d, open_days)), None)


def scored_day(session: Session, clinic_ids: list[int], day: date,
               model: noshow.NoShowModel | None = None) -> tuple[pd.DataFrame, pd.Series | None]:
    """The appointments (not cancelled) of ``clinic_ids`` on ``day`` and their probabilities
    (None without a shown model). Reads only those patients' history (:func:`q.day_frame`)."""
    history = q.day_frame(session, day, clinic_ids)
    rows = history[(history["appointment_date"] == pd.Timestamp(day)) & (history["clinic_id"].isin(clinic_ids))
                   & (~history["status"].isin(("cancelled", "late_cancelled")))]
    model = model or stored_model(session)
    if model is None:
        return rows, None
    return rows, pd.Series(noshow.score(model, rows, history), index=rows.index)


def outlook_of(name: str, day: date, rows: pd.DataFrame, p: pd.Series | None) -> DayOutlook:
    """A :class:`DayOutlook` from scored rows of one clinic."""
    if p is None:
        return DayOutlook(name, day, len(rows), None, 0)
    return DayOutlook(name, day, len(rows), expected_count(p.to_numpy()), int((p >= HIGH_RISK).sum()))


def day_outlook(session: Session, clinic_key: str, day: date) -> DayOutlook:
    """Booked visits, expected no-shows (80 % Poisson-binomial range) and high-risk count for
    ``clinic_key`` on ``day`` (clinic-local). Raises UsageError for an unknown clinic."""
    cid, name, _tz = _clinic(session, clinic_key)
    rows, p = scored_day(session, [cid], day)
    return outlook_of(name, day, rows, p)


@dataclass(frozen=True)
class SpanOutlook:
    """Several days of one clinic together (``first``..``last``, the days asked that have hours):
    booked visits, expected no-shows over all of them (:func:`bot.forecast.interval.combined_count`),
    high-risk slots."""

    clinic: str
    first: date
    last: date
    booked: int
    no_shows: ExpectedCount | None  # None: no model that beat its baseline
    high_risk: int


def span_outlook(session: Session, clinic_key: str, days: list[date]) -> tuple[list[DayOutlook], SpanOutlook | None]:
    """One :class:`DayOutlook` per day of ``days`` (clinic-local) and, for two days or more, their
    total. Raises UsageError for an unknown clinic."""
    cid, name, _tz = _clinic(session, clinic_key)
    model = stored_model(session)
    outlooks, probabilities = [], []
    for day in days:
        rows, p = scored_day(session, [cid], day, model)
        outlooks.append(outlook_of(name, day, rows, p))
        if p is not None:
            probabilities.append(p.to_numpy())
    if len(outlooks) < 2:
        return outlooks, None
    total = SpanOutlook(name, days[0], days[-1], sum(o.booked for o in outlooks),
                        combined_count(probabilities) if model is not None else None,
                        sum(o.high_risk for o in outlooks))
    return outlooks, total


def day_outlooks(session: Session, clinics: list[tuple[int, str]], day: date) -> list[DayOutlook]:
    """One outlook per ``(clinic id, name)`` on ``day``, scored in one pass; empty without a
    shown model (the digest then leaves the section out)."""
    model = stored_model(session)
    if model is None or not clinics:
        return []
    rows, p = scored_day(session, [c for c, _ in clinics], day, model)
    out = []
    for cid, name in clinics:
        mine = rows["clinic_id"] == cid
        out.append(outlook_of(name, day, rows[mine], None if p is None else p[mine]))
    return out


def high_risk_slots(session: Session, clinic_key: str, day: date) -> list[RiskSlot]:
    """The appointments on ``day`` with probability ≥ :data:`HIGH_RISK`, by time: time, provider
    and visit type only. Empty when no model beat its baseline."""
    cid, _name, tz = _clinic(session, clinic_key)
    rows, p = scored_day(session, [cid], day)
    if p is None:
        return []
    risky = rows.assign(p=p)[p >= HIGH_RISK].sort_values("appointment_at", na_position="last")
    names = q.provider_names(session, [int(v) for v in risky["provider_id"].dropna().unique()])
    zone = ZoneInfo(tz or "UTC")
    out = []
    for _, r in risky.iterrows():
        at = r["appointment_at"]
        when = "—" if pd.isna(at) else at.to_pydatetime().replace(tzinfo=UTC).astimezone(zone).strftime("%H:%M")
        provider = names.get(int(r["provider_id"]), "unassigned") if pd.notna(r["provider_id"]) else "unassigned"
        out.append(RiskSlot(when, provider, str(r["appointment_type"] or "visit"), float(r["p"])))
    return out


@dataclass(frozen=True)
class DemandOutlook:
    clinic: str
    origin: date
    days: list[demand.DemandDay]
    tna_in_two_weeks: int | None  # projected third next available (days) 14 days from now
    over: list[demand.DemandDay]
    # the clinic's backtest against "same weekday last week"; None: too little history to run it
    score: DemandScore | None = None

    @property
    def shown(self) -> bool:
        """Only a forecast that beat its baseline on this clinic's own past is shown to users."""
        return self.score is not None and self.score.shown


def demand_outlook(session: Session, clinic_key: str, today: date, calendar: dict[str, str] | None = None,
                   horizon: int = demand.HORIZON_DAYS) -> DemandOutlook:
    """Forecast booked visits for the ``horizon`` days after ``today`` against template capacity,
    with the clinic's backtest (:mod:`bot.forecast.demand_backtest`, origins before ``today``)
    that decides whether it is shown. Bookings already made for the days ahead are read too."""
    cid, name, tz = _clinic(session, clinic_key)
    frame = q.appointment_frame(session, since=today - timedelta(days=LOOK_BACK_DAYS),
                                until=today + timedelta(days=horizon), clinic_ids=[cid])
    known = today - timedelta(days=1)  # the last day whose visits are final
    if frame.empty:
        fc = pd.Series(0.0, index=pd.date_range(pd.Timestamp(today) + pd.Timedelta(days=1), periods=horizon))
        score = None
    else:
        hist = demand.demand_history(frame, known, calendar=calendar, horizon=horizon + 1, tz=tz or None)
        fc = demand.predict(hist, today, horizon)
        at = demand_backtest.origins(hist, horizon=horizon)
        score = demand_backtest.backtest(hist, clinic_key, at, horizon) if at else None
    cap = q.template_capacity(session)
    by_wd = {int(r.weekday): int(r.slots) for r in cap[cap["clinic_id"] == cid].itertuples()}
    days = demand.capacity_days(fc.fillna(0.0), by_wd)
    tna = demand.third_next_available(days, 14) if len(days) > 14 else None
    return DemandOutlook(name, today, days, tna, demand.over_capacity(days), score)
