"""Fast, idempotent bulk upsert of a pandas DataFrame into one table (SQLite and PostgreSQL).

``upsert_frame(session, Model, frame, natural_key)`` is what every feed importer and the seed
generator call. Rows are matched to stored rows by the natural key (a unique constraint on the
table); new rows are inserted, changed rows updated, identical rows left alone and counted.

Why raw DBAPI: the ORM (and even Core ``insert()``) costs tens of microseconds of Python per row;
a 110k-row feed must load in about the time of a bare ``pandas.to_sql`` (see bench/bench_import.py).
The statements run on the session's own connection, inside its transaction, so a failure later
in the import rolls everything back. Values are converted column-wise (vectorised) into exactly the
representation SQLAlchemy itself stores (SQLite: ISO text for dates/instants, 0/1 for booleans).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Table
from sqlalchemy.orm import Session

from storage.bulk_indexes import REBUILD_MIN_ROWS, run_all, secondary_indexes, worth_deferring
from storage.bulk_values import column_values, compute_row_hash, key_hashes, key_lookup_sql

__all__ = ["UpsertCounts", "compute_row_hash", "upsert_frame"]

# Never part of change detection: the surrogate key and the load that last touched the row.
_NOT_COMPARED = frozenset({"id", "feed_load_id", "row_hash"})


@dataclass
class UpsertCounts:
    """Rows inserted, changed and left identical by one or more upserts (addable)."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(self.imported + other.imported, self.updated + other.updated,
                            self.unchanged + other.unchanged)

    @property
    def total(self) -> int:
        return self.imported + self.updated + self.unchanged


def upsert_frame(session: Session, model: Any, frame: pd.DataFrame,
                 natural_key: tuple[str, ...], *, assume_new: bool = False) -> UpsertCounts:
    """Insert new rows and update changed ones, matching on ``natural_key``.

    Args:
        session: open session; the work joins its transaction (pending ORM objects are flushed
            first). Nothing is committed here.
        model: mapped class (e.g. ``Appointment``) or a ``Table``.
        frame: one row per record; columns are table column names (unknown columns raise
            ``ValueError``). Nulls may be ``None``/``NaN``/``NaT``/``pd.NA``. Datetimes must be
            naive UTC (tz-aware values are converted to UTC). Dates may be ``date`` objects,
            strings or datetime64 (the date part is used).
        natural_key: column names forming the table's unique constraint; must be in ``frame``.
        assume_new: the caller knows that no key of ``frame`` is stored (e.g. the table was
            empty when its transaction began and it never repeats a key): the look-up of stored
            rows is skipped and every row inserted. Wrong use fails on the unique constraint.

    Change detection: if the table has a ``row_hash`` column, a row is unchanged when its stored
    hash equals the frame's (the hash is computed with :func:`compute_row_hash` over all non-key
    columns when the frame lacks it); otherwise every frame column except ``id``/``feed_load_id``
    is compared with the stored value. Updated rows get every frame column written.

    Returns:
        ``UpsertCounts(imported, updated, unchanged)``; they sum to ``len(frame)``.

    Raises:
        ValueError: unknown columns, a missing or null key column, or duplicate natural keys.
    """
    table: Table = model if isinstance(model, Table) else model.__table__
    if frame.empty:
        return UpsertCounts()
    frame = _checked(table, frame, natural_key)
    if "row_hash" in table.c and "row_hash" not in frame.columns:
        frame = frame.assign(row_hash=compute_row_hash(
            frame, [c for c in frame.columns if c not in natural_key and c not in _NOT_COMPARED], table))
    session.flush()
    conn = session.connection()
    dialect = conn.dialect.name
    raw = conn.connection.dbapi_connection
    columns = list(frame.columns)
    values: dict[str, list[Any]] = {}

    def column(name: str) -> list[Any]:
        if name not in values:
            values[name] = column_values(frame[name], table.c[name].type, dialect)
        return values[name]

    # the table size only matters on SQLite, to decide whether rebuilding its indexes pays
    stored = _row_count(raw, table) if not assume_new or (
        dialect == "sqlite" and len(frame) >= REBUILD_MIN_ROWS) else 0
    existing: dict[tuple, tuple[int, tuple]] = {}
    if stored and not assume_new:
        compare = ["row_hash"] if "row_hash" in table.c else [
            c for c in columns if c not in natural_key and c not in _NOT_COMPARED]
        keys = list(zip(*(column(c) for c in natural_key), strict=True))
        existing = _existing(raw, table, dialect, natural_key, keys, compare)
    if not existing:
        # first load of these keys: everything is new; leave out all-null nullable columns
        # (fewer values to bind; they default to NULL anyway)
        insert_cols = [c for c in columns if not (table.c[c].nullable and frame[c].isna().all())]
        _insert(raw, table, dialect, insert_cols, zip(*(column(c) for c in insert_cols), strict=True), len(frame), stored)
        return UpsertCounts(imported=len(frame))
    rows = list(zip(*(column(c) for c in columns), strict=True))
    new_rows, changed = [], []
    cmp_idx = [columns.index(c) for c in compare]
    for key, row in zip(keys, rows, strict=True):
        found = existing.get(key)
        if found is None:
            new_rows.append(row)
        elif tuple(row[i] for i in cmp_idx) != found[1]:
            changed.append(row + (found[0],))
    _insert(raw, table, dialect, columns, iter(new_rows), len(new_rows), stored)
    _update(raw, table, dialect, columns, changed)
    return UpsertCounts(len(new_rows), len(changed), len(rows) - len(new_rows) - len(changed))


def _checked(table: Table, frame: pd.DataFrame, natural_key: tuple[str, ...]) -> pd.DataFrame:
    unknown = [c for c in frame.columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name}: unknown column(s) {unknown}")
    missing = [c for c in natural_key if c not in frame.columns]
    if missing:
        raise ValueError(f"{table.name}: natural key column(s) {missing} missing from the frame")
    if frame[list(natural_key)].isna().any().any():
        raise ValueError(f"{table.name}: a natural key column holds nulls")
    # a 64-bit hash per key finds the (rare) repeats; only then the exact, slower comparison
    if pd.Series(key_hashes(frame[list(natural_key)])).duplicated().any() and (
            dup := frame.duplicated(list(natural_key))).any():
        raise ValueError(f"{table.name}: {int(dup.sum())} duplicate natural key(s) in the frame, "
                         f"first {frame.loc[dup, list(natural_key)].iloc[0].tolist()}")
    return frame


def _existing(raw: Any, table: Table, dialect: str, natural_key: tuple[str, ...],
              keys: list[tuple], compare: list[str]) -> dict[tuple, tuple[int, tuple]]:
    """Stored rows among ``keys``: natural key -> (id, compared values)."""
    sql, params = key_lookup_sql(table, dialect, natural_key, keys, compare)
    cur = raw.cursor()
    try:
        cur.execute(sql, params)
        width = len(natural_key)
        return {tuple(r[1:1 + width]): (r[0], tuple(r[1 + width:])) for r in cur.fetchall()}
    finally:
        cur.close()


def _row_count(raw: Any, table: Table) -> int:
    cur = raw.cursor()
    try:
        cur.execute(f'SELECT count(*) FROM "{table.name}"')
        return int(cur.fetchone()[0])
    finally:
        cur.close()


def _insert(raw: Any, table: Table, dialect: str, columns: list[str], rows: Iterator[tuple], count: int,
            stored: int) -> None:
    """COPY on PostgreSQL; ``executemany`` on SQLite, where a load at least half the size of the
    table drops the droppable indexes and rebuilds them after (see storage.bulk_indexes).
    ``rows`` is consumed once (``count`` of them); the garbage collector is paused meanwhile
    (each row is a new tuple: collections would only rescan the frame's objects)."""
    if not count:
        return
    names = ", ".join(f'"{c}"' for c in columns)
    cur = raw.cursor()
    try:
        with gc_paused():
            if dialect == "postgresql":
                with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            # unique indexes too: the look-up of stored keys is done, and their rebuild re-checks
            indexes = secondary_indexes(raw, table.name, unique=True) if worth_deferring(count, stored) else []
            run_all(raw, [f'DROP INDEX "{name}"' for name, _ in indexes])
            marks = ", ".join("?" * len(columns))
            cur.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)
            run_all(raw, [ddl for _, ddl in indexes])
    finally:
        cur.close()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause automatic garbage collection (if on) for the block: reference counting still frees
    the short-lived row tuples; only cycle detection waits."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _update(raw: Any, table: Table, dialect: str, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    mark = "%s" if dialect == "postgresql" else "?"
    sets = ", ".join(f'"{c}" = {mark}' for c in columns)
    cur = raw.cursor()
    try:
        cur.executemany(f'UPDATE "{table.name}" SET {sets} WHERE id = {mark}', rows)
    finally:
        cur.close()
