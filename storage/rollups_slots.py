"""Third next available, pre-computed for every measurement day (``tna_daily``), and the
per-provider slot summary (``slot_provider_summary``).

The definition is the one in :mod:`bot.kpi.tna`: on measurement day d a slot is free when it is
not blocked, was published by the end of d (``created_at`` < local midnight after d, or no
``created_at``) and not booked by then (``booked_at`` NULL or ≥ that midnight), with the end of d
taken in the clinic's time zone. So slot i is free on the days [a_i, b_i] with a_i = local date
of ``created_at`` (−∞ when NULL) and b_i = min(slot_date, local date of ``booked_at`` − 1). For
each (clinic, provider, appointment type) and day d the first and third free slots on or after d
(by slot date, then start) are found by a vectorised window search over the slots sorted by
date: numpy, no per-slot Python loop. The engine applies its horizon when reading; for the
horizons in ``bot.kpi.tna.MEASURED_HORIZONS`` the answers themselves (network and per clinic)
go to ``kpi_measure_daily`` (``storage.rollups_measures``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.bulk_values import column_values
from storage.models import Clinic, Slot
from storage.models.rollups import SlotProviderSummary, TnaDaily

_EPOCH = np.datetime64("1970-01-01", "D")
_NEVER = np.iinfo(np.int64).min // 4


def _local_days(instants: pd.Series, zones: pd.Series) -> np.ndarray:
    """Clinic-local day numbers (days since 1970-01-01) of naive-UTC instants; NaT → −1."""
    out = np.full(len(instants), -1, dtype=np.int64)
    stamps = pd.to_datetime(instants)
    for tz in zones.dropna().unique():
        mask = (zones == tz).to_numpy() & stamps.notna().to_numpy()
        if mask.any():
            local = stamps[mask].dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)
            out[mask] = (local.to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)
    return out


def _slots(session: Session) -> pd.DataFrame:
    """Every non-blocked slot with its clinic's time zone; the instants and ``slot_date`` as
    datetime64 (naive UTC; dates at midnight).

    Millions of rows on a large network, so they are read as the driver's plain tuples and the
    dates parsed by column: SQLAlchemy's per-value conversion (SQLite keeps datetimes as text) and
    a frame built from ``Row`` objects (pandas probes each row's attributes) cost about three
    times the CPU (2.8 s against 1.0 s for 330,000 slots)."""
    s = Slot
    stmt = select(s.clinic_id, s.provider_id, s.appointment_type, s.slot_date, s.start_at, s.created_at,
                  s.booked_at, Clinic.timezone).join(Clinic, Clinic.id == s.clinic_id).where(s.state != "blocked")
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    raw = conn.connection.dbapi_connection
    assert raw is not None  # a checked-out connection holds its DBAPI connection
    cur = raw.cursor()
    try:
        cur.execute(str(compiled))
        rows = cur.fetchall()
    finally:
        cur.close()
    cols = ["clinic_id", "provider_id", "appointment_type", "slot_date", "start_at", "created_at", "booked_at", "tz"]
    frame = pd.DataFrame(rows, columns=cols)
    for col in ("slot_date", "start_at", "created_at", "booked_at"):
        frame[col] = pd.to_datetime(frame[col], format="ISO8601")
    return frame


def free_windows(slots: pd.DataFrame) -> pd.DataFrame:
    """Add ``day`` (slot date), ``a``/``b`` (first/last free measurement day) as day numbers."""
    f = slots.copy()
    f["day"] = (pd.to_datetime(f["slot_date"]).to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64)
    created = _local_days(f["created_at"], f["tz"])
    booked = _local_days(f["booked_at"], f["tz"])
    f["a"] = np.where(f["created_at"].notna().to_numpy(), created, _NEVER)
    f["b"] = np.where(f["booked_at"].notna().to_numpy(), np.minimum(f["day"].to_numpy(), booked - 1),
                      f["day"].to_numpy())
    return f


def first_and_third(day: np.ndarray, a: np.ndarray, b: np.ndarray, group_end: np.ndarray, lo: np.ndarray,
                    when: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each query (``lo`` = index of the first slot dated ≥ ``when`` in its group, slots of a
    group sorted by date and ending before ``group_end``): the dates of the first and third free
    slots (−1 when none). Windows of slots widen only for the queries still unresolved."""
    n_q = len(lo)
    first = np.full(n_q, -1, dtype=np.int64)
    third = np.full(n_q, -1, dtype=np.int64)
    todo = np.arange(n_q)
    width = 8
    last = len(day) - 1
    while todo.size:
        idx = lo[todo, None] + np.arange(width)[None, :]
        valid = idx < group_end[todo, None]
        idx = np.minimum(idx, last)
        w = when[todo, None]
        free = valid & (a[idx] <= w) & (b[idx] >= w)
        count = free.cumsum(axis=1)
        has1, has3 = count[:, -1] >= 1, count[:, -1] >= 3
        done = has3 | ~valid[:, -1]  # three found, or the group's slots are exhausted
        rows = np.arange(todo.size)
        f_pos, t_pos = free.argmax(axis=1), (count >= 3).argmax(axis=1)
        hit = done & has1
        first[todo[hit]] = day[idx[rows[hit], f_pos[hit]]]
        hit3 = done & has3
        third[todo[hit3]] = day[idx[rows[hit3], t_pos[hit3]]]
        todo = todo[~done]
        width *= 4
    return first, third


def compute_tna(slots: pd.DataFrame, last_day: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tna rows, provider coverage) from non-blocked slots with ``tz``; days up to ``last_day``."""
    f = free_windows(slots)
    f = f[f["a"] <= f["b"]].sort_values(["clinic_id", "provider_id", "appointment_type", "day", "start_at"])
    f = f.reset_index(drop=True)
    created_day = np.where(f["a"].to_numpy() == _NEVER, f["day"].to_numpy(), f["a"].to_numpy())
    prov = f.assign(start=np.minimum(created_day, f["day"].to_numpy()), open=f["a"].to_numpy() == _NEVER) \
        .groupby(["clinic_id", "provider_id"]).agg(covered_from=("start", "min"), open_before=("open", "any")) \
        .reset_index()
    if f.empty:
        return pd.DataFrame(columns=["clinic_id", "provider_id", "appointment_type", "day", "first", "third"]), prov
    keys = ["clinic_id", "provider_id", "appointment_type"]
    gid = f.groupby(keys, sort=False).ngroup().to_numpy()  # rows are sorted: ids ascend
    starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]])
    ends = np.r_[starts[1:], len(f)]
    gkeys = f.iloc[starts][keys].reset_index(drop=True)
    gkeys = gkeys.merge(prov[["clinic_id", "provider_id", "covered_from"]], how="left", on=["clinic_id", "provider_id"])
    lengths = np.maximum(last_day - gkeys["covered_from"].to_numpy() + 1, 0)
    q_group = np.repeat(np.arange(len(gkeys)), lengths)
    q_day = gkeys["covered_from"].to_numpy()[q_group] + (np.arange(lengths.sum()) - np.repeat(
        np.cumsum(lengths) - lengths, lengths))
    day = f["day"].to_numpy()
    big = np.int64(1 << 32)
    key = gid.astype(np.int64) * big + (day - day.min())
    lo = np.searchsorted(key, q_group.astype(np.int64) * big + np.maximum(q_day - day.min(), 0) - 0, "left")
    first, third = first_and_third(day, f["a"].to_numpy(), f["b"].to_numpy(), ends[q_group], lo, q_day)
    keep = first >= 0
    out = gkeys.iloc[q_group[keep]][["clinic_id", "provider_id", "appointment_type"]].reset_index(drop=True)
    out["day"], out["first"], out["third"] = q_day[keep], first[keep], third[keep]
    return out, prov


def _dates(days: np.ndarray) -> pd.Series:
    return pd.Series((_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[ns]"))


def _write(session: Session, table: Any, frame: pd.DataFrame) -> None:
    conn = session.connection()
    dialect = conn.dialect.name
    cols = list(frame.columns)
    if frame.empty:
        return
    values = list(zip(*(column_values(frame[c], table.c[c].type, dialect) for c in cols), strict=True))
    names = ", ".join(f'"{c}"' for c in cols)
    raw = conn.connection.dbapi_connection
    assert raw is not None  # a checked-out connection holds its DBAPI connection
    cur = raw.cursor()
    try:
        if dialect == "postgresql":
            with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cur.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(cols))})', values)
    finally:
        cur.close()


def refresh_tna(session: Session, answers: Callable[[pd.DataFrame], None] | None = None) -> int:
    """Recompute ``tna_daily`` and ``slot_provider_summary`` from all slots. Measurement days run
    from each provider's first publication (or first slot) to the newest publication/booking in
    the network. ``answers``, if given, is called with the ``tna_daily`` frame (day numbers:
    ``clinic_id, provider_id, appointment_type, day, first, third``) to store the answers
    (:func:`bot.kpi.rollup_refresh.refresh_tna`). Returns the number of ``tna_daily`` rows."""
    s = Slot
    session.execute(delete(TnaDaily))
    session.execute(delete(SlotProviderSummary))
    latest = session.execute(select(s.clinic_id, s.provider_id, func.max(s.created_at), func.max(s.booked_at))
                             .group_by(s.clinic_id, s.provider_id)).all()
    if not latest:
        return 0
    instants = [v for row in latest for v in row[2:] if v is not None]
    newest = max(instants) if instants else None
    last_day = (_day_of(newest) if newest is not None else None)
    slots = _slots(session)
    if last_day is None:
        last_day = int((pd.to_datetime(slots["slot_date"]).max().to_datetime64().astype("datetime64[D]") - _EPOCH)
                       .astype(np.int64)) if len(slots) else 0
    last_day += 1  # a day past the newest UTC instant: covers any clinic-local "today"
    tna, prov = compute_tna(slots, last_day)
    summary = pd.DataFrame(latest, columns=["clinic_id", "provider_id", "last_created_at", "last_booked_at"])
    summary = summary.merge(prov, how="left", on=["clinic_id", "provider_id"])
    summary["covered_to"] = _dates(np.full(len(summary), last_day))
    cov = summary["covered_from"]
    summary["covered_from"] = _dates(cov.fillna(last_day + 1).astype(np.int64).to_numpy())
    summary["open_before"] = summary["open_before"].fillna(False).astype(bool)
    _write(session, SlotProviderSummary.__table__, summary)
    rows = pd.DataFrame({"clinic_id": tna["clinic_id"], "provider_id": tna["provider_id"],
                         "appointment_type": tna["appointment_type"], "measure_date": _dates(tna["day"].to_numpy()),
                         "first_free_date": _dates(tna["first"].to_numpy()),
                         "third_free_date": _dates(tna["third"].to_numpy())})
    rows.loc[tna["third"].to_numpy() < 0, "third_free_date"] = pd.NaT
    _write(session, TnaDaily.__table__, rows)
    if answers is not None:  # the answers themselves, network and per clinic (the KPI layer's formulas)
        answers(tna)
    return len(rows)


def _day_of(instant: datetime | str) -> int:
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    return (date(instant.year, instant.month, instant.day) - date(1970, 1, 1)).days


__all__ = ["compute_tna", "first_and_third", "free_windows", "refresh_tna", "timedelta"]
