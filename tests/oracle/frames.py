"""The oracle's question and answer types, and reading SQL into pandas (no product code).

Dates come back as ``datetime64[ns]`` (SQLite hands back text, PostgreSQL ``date``), flags as
pandas ``boolean`` (nullable), instants as naive UTC ``datetime64[ns]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Ask:
    """One question: ``clinic_id`` None = the whole network; [start, end] inclusive local dates,
    ``end`` already capped at the asker's "today" (a KPI describes what has happened)."""

    clinic_id: int | None
    start: date
    end: date

    @property
    def lo(self) -> pd.Timestamp:
        return pd.Timestamp(self.start)

    @property
    def hi(self) -> pd.Timestamp:
        return pd.Timestamp(self.end)


@dataclass
class Expected:
    """The oracle's answer. ``value`` None = "no data". ``n``/``d``: numerator and denominator
    as the product shows them (counts, cents, days…); ``exact``: N and D are whole numbers to be
    compared exactly (else to a relative 1e-9). ``extra``: further figures to compare (name →
    value), e.g. the mean and same-day share of booking lead time."""

    value: float | None
    n: float | None = None
    d: float | None = None
    exact: bool = True
    extra: dict[str, float] = field(default_factory=dict)


NO_DATA = Expected(value=None)


def ratio(n: float, d: float, *, exact: bool = True) -> Expected:
    """Σn/Σd, or no data when D is 0 (kpis.md: never 0 % for an empty period)."""
    return Expected(value=n / d, n=n, d=d, exact=exact) if d else NO_DATA


def in_scope(df: pd.DataFrame, ask: Ask, day_col: str, clinic_col: str = "clinic_id") -> pd.DataFrame:
    """Rows of ``df`` in the question's clinic (or all) with ``day_col`` inside the period."""
    rows = df if ask.clinic_id is None else df[df[clinic_col] == ask.clinic_id]
    return rows[(rows[day_col] >= ask.lo) & (rows[day_col] <= ask.hi)]


def read(session: Session, sql: str) -> pd.DataFrame:
    """Run ``sql`` on the session's own DB-API connection (a million rows in ~2 s, against ~10 s
    through SQLAlchemy ``Row`` objects) and return a frame; ``*_date`` → datetime64, ``*_at`` →
    naive UTC datetime64. Dates in ``sql`` are literals from :func:`lit` (no user input here)."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql)
        df = pd.DataFrame.from_records(cursor.fetchall(), columns=[c[0] for c in cursor.description])
    finally:
        cursor.close()
    for col in df.columns:
        if col.endswith("_date"):
            df[col] = pd.to_datetime(df[col].astype("string"), format="%Y-%m-%d")
        elif col.endswith("_at"):
            df[col] = pd.to_datetime(df[col], format="mixed")
    return df


def lit(day: date) -> str:
    """A date as an SQL literal both dialects compare with a date column."""
    return f"'{day:%Y-%m-%d}'"


def flags(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """Turn SQLite 0/1 and PostgreSQL True/False (either may be NULL) into nullable booleans."""
    for col in cols:
        df[col] = df[col].astype("Float64").astype("boolean")
    return df
