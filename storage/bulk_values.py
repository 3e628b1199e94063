"""Column-wise conversion of pandas data to driver values, row hashes, and key look-up SQL.

Helpers of :mod:`storage.bulk`. Conversions are vectorised (numpy/pandas), never per row in
Python, and give the exact representation SQLAlchemy uses for the column type:

=============  ==============================  =========================
column type    SQLite (stored as)              PostgreSQL (psycopg gets)
=============  ==============================  =========================
DateTime       ``'YYYY-MM-DD HH:MM:SS.ffffff'``  ``datetime`` (naive UTC)
Date           ``'YYYY-MM-DD'``                 ``date``
Boolean        ``0`` / ``1``                    ``bool``
Integer        ``int``                          ``int``
Float/Numeric  ``float``                        ``float``
String/Text    ``str``                          ``str``
=============  ==============================  =========================

Nulls (``None``, ``NaN``, ``NaT``, ``pd.NA``) become ``None`` everywhere.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, Table, Time
from sqlalchemy.dialects import postgresql


def column_values(series: pd.Series, sqltype: Any, dialect: str) -> list[Any]:
    """Python values for the DBAPI driver of ``dialect`` ("sqlite" | "postgresql"), one per row."""
    notna = series.notna().to_numpy()
    if isinstance(sqltype, DateTime):
        stamps = _naive_utc(series).to_numpy().astype("datetime64[us]")
        if dialect == "sqlite":
            text = np.datetime_as_string(stamps, unit="us")  # 'YYYY-MM-DDTHH:MM:SS.ffffff'
            if len(text):
                text.view("U1").reshape(len(text), -1)[:, 10] = " "  # SQLAlchemy's separator
            out = text.astype(object)
        else:
            out = stamps.astype(object)
    elif isinstance(sqltype, Date):
        days = _naive_utc(series).to_numpy().astype("datetime64[D]")
        out = (np.datetime_as_string(days, unit="D") if dialect == "sqlite" else days).astype(object)
    elif isinstance(sqltype, Boolean):
        flags = series.astype("boolean")
        out = (flags.astype("Int64") if dialect == "sqlite" else flags).to_numpy(dtype=object, na_value=None)
    elif isinstance(sqltype, Integer):
        out = series.astype("Int64").to_numpy(dtype=object, na_value=None)
    elif isinstance(sqltype, (Float, Numeric)):
        out = series.astype(float).to_numpy(dtype=object)
    elif isinstance(sqltype, Time):
        out = np.array([None if pd.isna(v) else (v.isoformat(timespec="microseconds")
                        if dialect == "sqlite" else v) for v in series], dtype=object)
    else:
        out = series.to_numpy(dtype=object, copy=True)
    out[~notna] = None
    return out.tolist()


def _naive_utc(series: pd.Series) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series, format="ISO8601")
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series


def compute_row_hash(frame: pd.DataFrame, columns: list[str], table: Table) -> pd.Series:
    """16-hex-digit content hash per row over ``columns`` (stored in ``row_hash`` columns).

    Each column is first put in a canonical form chosen by its SQL type (instants and dates as
    integer ticks, integers and booleans as int64, text as text), so the hash does not depend on
    pandas dtypes (``5`` vs ``5.0``, ``None`` vs ``NaN``, date vs string). Column hashes come from
    ``pandas.util.hash_array`` (SipHash with a fixed key: stable across runs) and are combined in
    column-name order. A null hashes differently from any value, including the text "None".
    """
    combined = np.zeros(len(frame), dtype=np.uint64)
    for name in sorted(columns):
        combined = (combined * np.uint64(1_000_003)) ^ _column_hash(frame[name], table.c[name].type)
    return pd.Series(hex16(combined), index=frame.index)


_NULL = np.int64(-(2**63))


def _column_hash(series: pd.Series, sqltype: Any) -> np.ndarray:
    if isinstance(sqltype, (DateTime, Date)):
        unit = "datetime64[us]" if isinstance(sqltype, DateTime) else "datetime64[D]"
        return pd.util.hash_array(_naive_utc(series).to_numpy().astype(unit).view("int64"))
    if isinstance(sqltype, (Integer, Boolean)):
        typed = series.astype("boolean").astype("Int64") if isinstance(sqltype, Boolean) else series.astype("Int64")
        return pd.util.hash_array(typed.to_numpy(dtype="int64", na_value=_NULL))
    if isinstance(sqltype, (Float, Numeric)):
        return pd.util.hash_array(series.astype(float).fillna(np.inf).to_numpy())
    text = series.to_numpy(dtype=object, copy=True)
    text[~series.notna().to_numpy()] = "\x00"
    codes, uniques = pd.factorize(text)
    if len(uniques) * 2 < len(text):
        return pd.util.hash_array(np.asarray(uniques, dtype=object).astype(str).astype(object),
                                  categorize=False)[codes]
    return pd.util.hash_array(text.astype(str).astype(object), categorize=False)


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex16(values: np.ndarray) -> np.ndarray:
    """uint64 array -> object array of 16-character lowercase hex strings (vectorised)."""
    octets = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    ascii_ = np.empty((len(values), 16), dtype=np.uint8)
    ascii_[:, 0::2] = _HEX[octets >> 4]
    ascii_[:, 1::2] = _HEX[octets & 15]
    return ascii_.view("S16").ravel().astype("U16").astype(object)


def key_lookup_sql(table: Table, dialect: str, natural_key: tuple[str, ...], keys: list[tuple],
                   compare: list[str]) -> tuple[str, Any]:
    """One statement selecting ``id, *natural_key, *compare`` of stored rows whose key is in ``keys``.

    SQLite joins on ``json_each`` of a JSON array of keys; PostgreSQL on ``unnest`` of one typed
    array per key column. Either way: one round trip, the unique index does the matching.
    """
    cols = ", ".join(f't."{c}"' for c in (*natural_key, *compare))
    if dialect == "postgresql":
        pg = postgresql.dialect()
        arrays = ", ".join(f"%s::{table.c[c].type.compile(dialect=pg)}[]" for c in natural_key)
        aliases = ", ".join(f"k{i}" for i in range(len(natural_key)))
        on = " AND ".join(f't."{c}" = j.k{i}' for i, c in enumerate(natural_key))
        sql = (f'SELECT t.id, {cols} FROM "{table.name}" AS t '
               f"JOIN unnest({arrays}) AS j({aliases}) ON {on}")
        return sql, [list(col) for col in zip(*keys)] if keys else [[] for _ in natural_key]
    on = " AND ".join(f"t.\"{c}\" = json_extract(j.value, '$[{i}]')" for i, c in enumerate(natural_key))
    sql = f'SELECT t.id, {cols} FROM json_each(?) AS j JOIN "{table.name}" AS t ON {on}'
    return sql, (json.dumps(keys),)
