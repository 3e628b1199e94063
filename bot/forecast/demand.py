"""Demand against capacity: booked visits per clinic and day for the weeks ahead.

Forecast for day *d* = origin *o* + *h* (*o* = the last day with data, 1 ≤ *h* ≤ 28), a blend of
two standard estimates, both over the same weekday in the last :data:`WEEKS` ordinary weeks
before *o* (medians: robust to the odd short week, and the median is the MAE-optimal point):

* the **weekday median** of booked visits, and
* the **additive pickup** (the booking-curve method of hotel and airline revenue management):
  the bookings already on the books for *d* at *o* (any status: nothing learned after *o*) plus
  the median of what was still to come at the same lead time on past days;

weighted by the share of a day's visits typically on the books *h* days ahead (near days lean on
the bookings made, far days on the weekday pattern). Without booking times only the weekday
median is used. On a public holiday (``holidays`` package, the clinic's ``holidays`` setting,
else :data:`DEFAULT_CALENDAR`) the part not yet booked is scaled by the holiday ratio learned
from the clinic's past holidays; a holiday never seen is judged by its own bookings against the
usual bookings that far ahead, and without enough of them counts as closed for a configured
calendar and open for the default guess. Day-of-week is the dominant pattern in outpatient daily volumes
(published outpatient forecasts report MAPE around 7 % with weekday seasonality dominating).

Baseline (the naive forecast it must beat): "same weekday last week", i.e. the last observed
value of the same weekday on or before *o*, carried forward. :mod:`bot.forecast.demand_backtest`
scores both on past origins; a clinic whose forecast does not beat the baseline is not shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from bot.forecast.vocabulary import HORIZON

WEEKS = 26
HORIZON_DAYS = HORIZON["demand"]
# the calendar tried when the clinic sets none: its effect is learned from the clinic's own past
# holidays (ratio ≈ 1 where the clinic works through them), so a wrong guess costs little
DEFAULT_CALENDAR = {"country": "US"}
# bookings usually on the books by then for a holiday never seen before to be judged open or
# closed from its own bookings (fewer: a configured calendar means closed, the default guess open)
MIN_BOOKED_EVIDENCE = 3.0

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


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


def _holiday_days(calendar: dict[str, str] | None, years: range) -> frozenset[date]:
    calendar = calendar or DEFAULT_CALENDAR
    return _holidays(calendar["country"], calendar.get("subdiv"), years.start, years.stop)


@lru_cache(maxsize=64)
def _holidays(country: str, subdiv: str | None, first_year: int, stop_year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=list(range(first_year, stop_year))))


@dataclass(frozen=True)
class DemandHistory:
    """One clinic's daily demand as arrays indexed by day number ``i`` (day ``first + i``).

    ``visits[i]``: final booked visits (NaN after ``known``, the last day with final counts);
    ``on_books[i, h]``: bookings for day ``i`` made at least ``h`` days before it (any status,
    ``0 <= h <= horizon``), None when the data has no booking times; ``holiday[i]``: a public
    holiday of the calendar; ``configured``: the calendar was set by the clinic (an unseen holiday
    then counts as closed)."""

    first: date
    known: int
    visits: Floats
    on_books: Floats | None
    holiday: Bools
    configured: bool

    def index(self, day: date) -> int:
        return (day - self.first).days

    def day(self, i: int) -> date:
        return self.first + timedelta(days=i)


def demand_history(frame: pd.DataFrame, known_end: date, *, calendar: dict[str, str] | None = None,
                   horizon: int = HORIZON_DAYS, first: date | None = None, tz: str | None = None) -> DemandHistory:
    """History of one clinic from its appointments (``appointment_date``, ``status`` and, when
    present, ``booked_at`` in naive UTC; every status). ``known_end``: the last day whose visits
    are final (later days only contribute bookings on the books). Days run from the first
    appointment (or ``first``) to ``known_end + horizon``. ``tz``: the clinic's time zone, for
    the local day a booking was made (UTC days without it)."""
    dates = pd.to_datetime(frame["appointment_date"]).dt.normalize()
    start = first or (dates.min().date() if len(dates) else known_end)
    n = (known_end - start).days + horizon + 1
    di = (dates - pd.Timestamp(start)).dt.days.to_numpy()
    inside = (di >= 0) & (di < n)
    live = (frame["status"] != "cancelled").to_numpy()
    visits = np.bincount(di[inside & live].astype("int64"), minlength=n).astype("float64")[:n]
    visits[(known_end - start).days + 1:] = np.nan
    on_books: Floats | None = None
    if "booked_at" in frame.columns and frame["booked_at"].notna().any():
        booked = pd.to_datetime(frame["booked_at"])
        if tz:
            booked = booked.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
        booked = booked.dt.normalize()
        lead = (dates - booked).dt.days.to_numpy(dtype="float64")
        ok = inside & ~np.isnan(lead)
        lead_ix = np.clip(lead[ok], 0, horizon).astype("int64")
        grid = np.zeros((n, horizon + 1))
        np.add.at(grid, (di[ok].astype("int64"), lead_ix), 1.0)
        on_books = grid[:, ::-1].cumsum(axis=1)[:, ::-1]  # on_books[i, h] = bookings with lead >= h
    days = [start + timedelta(days=i) for i in range(n)]
    hol = _holiday_days(calendar, range(start.year, days[-1].year + 1))
    holiday = np.array([d in hol for d in days], dtype=bool)
    return DemandHistory(start, (known_end - start).days, visits, on_books, holiday, calendar is not None)


def _weekday(i: int, first: date) -> int:
    return (first.weekday() + i) % 7


def predict(hist: DemandHistory, origin: date, horizon: int = HORIZON_DAYS) -> pd.Series:
    """Forecast visits for ``origin+1 .. origin+horizon`` using only what was known at the end of
    ``origin``: visits of days ``<= origin`` and bookings made by ``origin``. A float Series by
    day (NaN without any history)."""
    o = hist.index(origin)
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=horizon, freq="D")
    if o < 0:
        return pd.Series(np.nan, index=days)
    o = min(o, hist.known)
    lo = max(0, hist.index(origin) - 7 * WEEKS + 1)
    past = np.arange(lo, o + 1)
    ordinary = past[~hist.holiday[past] & ~np.isnan(hist.visits[past])]
    wd_past = (hist.first.weekday() + ordinary) % 7
    ratio = _holiday_ratio(hist, past, ordinary, wd_past)
    out = np.zeros(horizon)
    for h in range(1, horizon + 1):
        i = hist.index(origin) + h
        rows = ordinary[wd_past == _weekday(i, hist.first)]
        if len(rows) == 0:
            continue  # a weekday never worked: closed
        f = hist.visits[rows]
        level = float(np.median(f))
        booked, usual = 0.0, 0.0
        if hist.on_books is not None and i < len(hist.on_books) and h < hist.on_books.shape[1]:
            m = hist.on_books[rows, h]
            booked, usual = float(hist.on_books[i, h]), float(np.median(m))
            worked = f > 0
            share = float(np.clip(np.median(m[worked] / f[worked]), 0.0, 1.0)) if worked.any() else 0.0
            level = (1 - share) * level + share * (booked + float(np.median(f - m)))
        if i < len(hist.holiday) and hist.holiday[i]:
            r = ratio
            if r is None:  # no past holiday: the bookings made so far say whether it opens
                r = min(1.0, booked / usual) if usual >= MIN_BOOKED_EVIDENCE else (0.0 if hist.configured else 1.0)
            level = booked + r * max(level - booked, 0.0)
        out[h - 1] = max(level, 0.0)
    return pd.Series(out, index=days)


def _holiday_ratio(hist: DemandHistory, past: npt.NDArray[np.int64], ordinary: npt.NDArray[np.int64],
                   wd_past: npt.NDArray[np.int64]) -> float | None:
    """Visits on the clinic's past holidays over the weekday median (mean, clipped to 0..2);
    None with no past holiday in the window."""
    ratios = []
    for i in past[hist.holiday[past] & ~np.isnan(hist.visits[past])]:
        same = hist.visits[ordinary[wd_past == _weekday(int(i), hist.first)]]
        typical = float(np.median(same)) if len(same) else 0.0
        if typical > 0:
            ratios.append(min(2.0, float(hist.visits[i]) / typical))
    return float(np.mean(ratios)) if ratios else None


def forecast(series: pd.Series, origin: date, horizon: int = HORIZON_DAYS,
             calendar: dict[str, str] | None = None) -> pd.Series:
    """Forecast visits for ``origin+1 .. origin+horizon`` from ``series`` (visits by day,
    DatetimeIndex, only days ``<= origin`` are used; no booking times, so the weekday median
    with holidays). Returns a float Series by day."""
    hist = series[series.index <= pd.Timestamp(origin)]
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=horizon, freq="D")
    if hist.empty:
        return pd.Series(np.nan, index=days)
    full = hist.reindex(pd.date_range(hist.index.min(), pd.Timestamp(origin), freq="D"), fill_value=0)
    frame = pd.DataFrame({"appointment_date": full.index.repeat(full.to_numpy().astype("int64")),
                          "status": "completed"})
    return predict(demand_history(frame, origin, calendar=calendar, horizon=horizon,
                                  first=full.index.min().date()), origin, horizon)


def naive_forecast(series: pd.Series, origin: date, horizon: int = HORIZON_DAYS) -> pd.Series:
    """"Same weekday last week": the latest observed value of each weekday on or before ``origin``."""
    hist = series[series.index <= pd.Timestamp(origin)]
    last = hist[hist.index > pd.Timestamp(origin) - pd.Timedelta(days=7)]
    by_wd = dict(zip(last.index.day_of_week, last.to_numpy(), strict=True))
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=horizon, freq="D")
    return pd.Series([float(by_wd.get(d.day_of_week, np.nan)) for d in days], index=days)


def naive(hist: DemandHistory, origin: date, horizon: int = HORIZON_DAYS) -> pd.Series:
    """:func:`naive_forecast` on a :class:`DemandHistory` (NaN where the weekday is before the data)."""
    o = hist.index(origin)
    days = pd.date_range(pd.Timestamp(origin) + pd.Timedelta(days=1), periods=horizon, freq="D")
    values = []
    for h in range(1, horizon + 1):
        back = o + h - 7 * ((h + 6) // 7)  # the latest same weekday on or before the origin
        values.append(float(hist.visits[back]) if 0 <= back <= hist.known else np.nan)
    return pd.Series(values, index=days)


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
