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
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Numeric, Table, Time
from sqlalchemy.dialects import postgresql


def column_values(series: pd.Series, sqltype: Any, dialect: str) -> list[Any]:
    """Python values for the DBAPI driver of ``dialect`` ("sqlite" | "postgresql"), one per row."""
    notna = series.notna().to_numpy()
    if not notna.any():
        return [None] * len(series)
    if isinstance(sqltype, (DateTime, Date)) and len(series) >= _FEW_DISTINCT_FROM:
        codes, uniques = pd.factorize(series)
        if len(uniques) * 8 < len(series):  # e.g. appointment dates: convert each distinct value once
            table = column_values(pd.Series(uniques), sqltype, dialect) + [None]
            return np.array(table, dtype=object)[codes].tolist()
    if isinstance(sqltype, DateTime):
        stamps = _naive_utc(series).to_numpy().astype("datetime64[us]")
        out = sqlite_datetime_text(stamps, notna) if dialect == "sqlite" else stamps.astype(object)
    elif isinstance(sqltype, Date):
        days = _naive_utc(series).to_numpy().astype("datetime64[D]")
        out = (np.datetime_as_string(days, unit="D") if dialect == "sqlite" else days).astype(object)
    elif isinstance(sqltype, Boolean):
        flags = series.astype("boolean")
        out = (flags.astype("Int64") if dialect == "sqlite" else flags).to_numpy(dtype=object, na_value=None)
    elif isinstance(sqltype, Integer):
        if isinstance(series.dtype, np.dtype) and series.dtype.kind in "iu":  # plain integers: no nulls
            return series.to_numpy().tolist()
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


_FEW_DISTINCT_FROM = 1_000  # rows; below this, converting every value is as cheap
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)
_US_PER_DAY = 86_400_000_000


def sqlite_datetime_text(stamps: np.ndarray, notna: np.ndarray) -> np.ndarray:
    """datetime64[us] -> object array of SQLAlchemy's SQLite text, ``'YYYY-MM-DD HH:MM:SS.ffffff'``
    (what ``str(datetime)`` gives with microseconds), None where ``notna`` is False.

    The date part is formatted once per distinct day, the clock digits with integer arithmetic
    into one ASCII buffer, decoded and cut into strings in one pass each (a third of the time of
    ``numpy.datetime_as_string`` + ``astype(object)`` on 100k stamps).
    """
    out = np.full(len(stamps), None, dtype=object)
    ticks = stamps[notna].view("int64")
    if not len(ticks):
        return out
    days, clock = np.divmod(ticks, _US_PER_DAY)
    codes, distinct = pd.factorize(days)
    day_text = np.datetime_as_string(np.asarray(distinct).astype("datetime64[D]"), unit="D")
    if any(len(d) != 10 for d in day_text):  # years outside 0001-9999: the general way
        text = np.datetime_as_string(stamps[notna], unit="us")
        text.view("U1").reshape(len(text), -1)[:, 10] = " "
        out[notna] = text.astype(object)
        return out
    buf = np.empty((len(ticks), 26), dtype=np.uint8)
    buf[:, :10] = np.frombuffer(day_text.astype("S10").tobytes(), dtype=np.uint8).reshape(-1, 10)[codes]
    buf[:, [10, 13, 16, 19]] = np.frombuffer(b" ::.", dtype=np.uint8)
    seconds, micros = np.divmod(clock, 1_000_000)
    for start, value, width in ((11, seconds // 3600, 2), (14, seconds // 60 % 60, 2), (17, seconds % 60, 2),
                                (20, micros, 6)):
        for i in range(width):
            buf[:, start + i] = _DIGITS[value // 10 ** (width - 1 - i) % 10]
    text = buf.tobytes().decode("ascii")
    out[notna] = [text[i:i + 26] for i in range(0, len(text), 26)]
    return out


def _naive_utc(series: pd.Series) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = pd.to_datetime(series, format="ISO8601")
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    return series


def compute_row_hash(frame: pd.DataFrame, columns: list[str], table: Table) -> pd.Series:
    """16-hex-digit content hash per row over ``columns`` (stored in ``row_hash`` columns).

    Each column is first put in a canonical form chosen by its SQL type (instants and dates as
    integer ticks, integers and booleans as int64, text as numpy text), so the hash does not
    depend on pandas dtypes (``5`` vs ``5.0``, ``None`` vs ``NaN``, date vs string). Column hashes
    come from ``pandas.util.hash_array`` (SipHash with a fixed key: stable across runs) and are
    combined in column-name order. A null differs from any value except, in text columns, the
    empty text (numpy's text form drops trailing NUL characters, and a null was written as one
    NUL); stored hashes depend on this, so it stays.
    """
    combined = np.zeros(len(frame), dtype=np.uint64)
    for name in sorted(columns):
        combined = (combined * np.uint64(1_000_003)) ^ _column_hash(frame[name], table.c[name].type)
    return pd.Series(hex16(combined), index=frame.index)


_NULL = np.int64(-(2**63))


@lru_cache(maxsize=256)
def _null_hash(sqltype: Any) -> np.uint64:
    """Hash of a null in a column of this SQL type (what ``_column_hash`` gives one null)."""
    return _column_hash(pd.Series([None], dtype=object), sqltype)[0]


def _column_hash(series: pd.Series, sqltype: Any) -> np.ndarray:
    notna = series.notna().to_numpy()
    if len(series) > 1 and not notna.any():  # e.g. a column the feed does not have: one hash
        return np.full(len(series), _null_hash(sqltype), dtype=np.uint64)
    if isinstance(sqltype, (DateTime, Date)):
        unit = "datetime64[us]" if isinstance(sqltype, DateTime) else "datetime64[D]"
        return pd.util.hash_array(_naive_utc(series).to_numpy().astype(unit).view("int64"))
    if isinstance(sqltype, (Integer, Boolean)):
        typed = series.astype("boolean").astype("Int64") if isinstance(sqltype, Boolean) else series.astype("Int64")
        return pd.util.hash_array(typed.to_numpy(dtype="int64", na_value=_NULL))
    if isinstance(sqltype, (Float, Numeric)):
        return pd.util.hash_array(series.astype(float).fillna(np.inf).to_numpy())
    text = series.to_numpy(dtype=object, copy=True)
    text[~notna] = ""  # what the NUL written for a null became in numpy text (see above)
    codes, uniques = pd.factorize(text)  # cheap: str objects cache their Python hash
    distinct = np.asarray(uniques, dtype=object)
    if pd.api.types.infer_dtype(distinct, skipna=False) == "string" and "\x00" not in "".join(distinct):
        return pd.util.hash_array(distinct, categorize=False)[codes]  # already numpy's text form
    if len(uniques) * 2 < len(text):
        return pd.util.hash_array(np.asarray(uniques, dtype=object).astype(str).astype(object),
                                  categorize=False)[codes]
    return pd.util.hash_array(text.astype(str).astype(object), categorize=False)


def key_hashes(keys: pd.DataFrame) -> np.ndarray:
    """64-bit hash per row of the key columns (``pandas.util.hash_array`` per column, combined);
    a column with one value throughout (e.g. ``source``) is hashed once."""
    combined = np.zeros(len(keys), dtype=np.uint64)
    for name in keys.columns:
        values = keys[name].to_numpy()
        if values.dtype == object and len(values) and (values == values[0]).all():
            column = np.full(len(values), pd.util.hash_array(values[:1])[0], dtype=np.uint64)
        else:
            column = pd.util.hash_array(values, categorize=False)
        combined = (combined * np.uint64(1_000_003)) ^ column
    return combined


def hex16(values: np.ndarray) -> np.ndarray:
    """uint64 array -> object array of 16-character lowercase hex strings (big-endian digits)."""
    text = values.astype(">u8").tobytes().hex()
    out = np.empty(len(values), dtype=object)
    out[:] = [text[i:i + 16] for i in range(0, len(text), 16)]
    return out


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
        return sql, [list(col) for col in zip(*keys, strict=True)] if keys else [[] for _ in natural_key]
    on = " AND ".join(f"t.\"{c}\" = json_extract(j.value, '$[{i}]')" for i, c in enumerate(natural_key))
    sql = f'SELECT t.id, {cols} FROM json_each(?) AS j JOIN "{table.name}" AS t ON {on}'
    return sql, (json.dumps(keys),)
