"""Demand against capacity: booked visits per clinic and day for the weeks ahead.

Forecast for day *d* from origin *o* (the last day with data): the mean of the same weekday over
the last :data:`WEEKS` weeks before *o* (ordinary days only), times the clinic's recent level
(last 4 weeks over the 8 before, a slow trend), times the holiday ratio on a public holiday
(``holidays`` package, the clinic's ``holidays`` setting, else :data:`DEFAULT_CALENDAR`;
ratio learned from the clinic's past holidays; with none seen, 0 = closed for a configured
calendar, 1 = open for the default guess). Day-of-week is the dominant pattern in outpatient daily volumes (published
outpatient forecasts report MAPE around 7 % with weekday seasonality dominating).

Baseline (the naive forecast it must beat): "same weekday last week", i.e. the last observed
value of the same weekday on or before *o*, carried forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

WEEKS = 8
HORIZON_DAYS = 28
# the calendar tried when the clinic sets none: its effect is learned from the clinic's own past
# holidays (ratio ≈ 1 where the clinic works through them), so a wrong guess costs little
DEFAULT_CALENDAR = {"country": "US"}


def daily_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Booked visits (every status but ``cancelled``) per ``clinic_id`` and day: columns
    ``clinic_id, day, visits``, days without a visit filled with 0 between each clinic's first
    and last day."""
    live = frame[frame["status"] != "cancelled"]
    counts = live.groupby(["clinic_id", "appointment_date"]).size().rename("visits").reset_index()
    out = []
    for cid, g in counts.groupby("clinic_id"):
        days = pd.date_range(g["appointment_date"].min(), g["appointment_date"].max(), freq="D")
        s = g.set_index("appointment_date")["visits"].reindex(days, fill_value=0)
        out.append(pd.DataFrame({"clinic_id": cid, "day": days, "visits": s.to_numpy()}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=["clinic_id", "day", "visits"])


def _holiday_days(calendar: dict[str, str] | None, years: range) -> set[date]:
    calendar = calendar or DEFAULT_CALENDAR
    import holidays

    return set(holidays.country_holidays(calendar["country"], subdiv=calendar.get("subdiv"), years=list(years)))


def forecast(series: pd.Series, origin: date, horizon: int = HORIZON_DAYS,
             calendar: dict[str, str] | None = None) -> pd.Series:
    """Forecast visits for ``origin+1 .. origin+horizon`` from ``series`` (visits by day,
    DatetimeIndex, only days ``<= origin`` are used). Returns a float Series by day."""
    hist = series[series.index <= pd.Timestamp(origin)]
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=horizon, freq="D")
    if hist.empty:
        return pd.Series(np.nan, index=days)
    years = range(hist.index.min().year, days.max().year + 1)
    hol = _holiday_days(calendar, years)  # the default calendar when ``calendar`` is None
    is_hol = np.array([d.date() in hol for d in hist.index])
    ordinary = hist[~is_hol]
    recent = ordinary[ordinary.index > pd.Timestamp(origin) - pd.Timedelta(weeks=WEEKS)]
    by_wd = recent.groupby(recent.index.day_of_week).mean()
    o = pd.Timestamp(origin)
    last4 = ordinary[ordinary.index > o - pd.Timedelta(weeks=4)]
    prev = ordinary[(ordinary.index <= o - pd.Timedelta(weeks=4)) & (ordinary.index > o - pd.Timedelta(weeks=12))]
    # compare weekday means (a holiday missing from one window must not look like a trend)
    m4, mp = last4.groupby(last4.index.day_of_week).mean(), prev.groupby(prev.index.day_of_week).mean()
    both = m4.index.intersection(mp.index)
    total = float(mp[both].sum()) if len(both) else 0.0
    level = float(np.clip(m4[both].sum() / total, 0.8, 1.25)) if total > 0 else 1.0
    level = 1.0 + (level - 1.0) / 2  # half the recent change: a damped trend
    wd_mean = ordinary.groupby(ordinary.index.day_of_week).mean()
    hol_days = hist[is_hol]
    # no past holiday to learn from: a configured calendar means closed, the default guess means open
    unseen = 0.0 if calendar else 1.0
    ratio = float((hol_days / hol_days.index.day_of_week.map(wd_mean).to_numpy()).clip(0, 2).mean()) if len(hol_days) else unseen
    values = []
    for d in days:
        v = float(by_wd.get(d.day_of_week, wd_mean.get(d.day_of_week, 0.0))) * level
        values.append(v * ratio if d.date() in hol else v)
    return pd.Series(values, index=days)


def naive_forecast(series: pd.Series, origin: date, horizon: int = HORIZON_DAYS) -> pd.Series:
    """"Same weekday last week": the latest observed value of each weekday on or before ``origin``."""
    hist = series[series.index <= pd.Timestamp(origin)]
    last = hist[hist.index > pd.Timestamp(origin) - pd.Timedelta(days=7)]
    by_wd = dict(zip(last.index.day_of_week, last.to_numpy(), strict=True))
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=horizon, freq="D")
    return pd.Series([float(by_wd.get(d.day_of_week, np.nan)) for d in days], index=days)


@dataclass(frozen=True)
class DemandDay:
    day: date
    forecast: float  # expected booked visits
    capacity: int  # template slots that weekday


def third_next_available(days: list[DemandDay], start: int) -> int | None:
    """Projected third next available (days) from ``days[start]``: days until the third free slot,
    counting free slots as capacity minus forecast demand. None if not within the horizon."""
    free = 0.0
    for i in range(start, len(days)):
        free += max(0.0, days[i].capacity - days[i].forecast)
        if free >= 3:
            return i - start
    return None


def capacity_days(fc: pd.Series, capacity_by_weekday: dict[int, int]) -> list[DemandDay]:
    """Join a forecast with template capacity (slots by weekday, 0 = Monday)."""
    return [DemandDay(d.date(), float(v), int(capacity_by_weekday.get(d.day_of_week, 0))) for d, v in fc.items()]


def over_capacity(days: list[DemandDay]) -> list[DemandDay]:
    """Days whose forecast demand exceeds template capacity (capacity > 0, or demand on a closed day)."""
    return [d for d in days if d.forecast > d.capacity + 0.5]


def days_ahead(origin: date, n: int) -> date:
    return origin + timedelta(days=n)
