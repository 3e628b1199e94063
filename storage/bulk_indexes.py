"""Bulk-load index handling for SQLite: drop the table's indexes, load, rebuild each in one sort.

Inserting 100k rows into a table with four indexes costs one B-tree insertion per row per
index, mostly in random order; building each index afterwards is one sort. Secondary indexes
are always droppable; a named *unique* index (the appointments natural key since migration
0008) only when asked (``unique=True``): without it a look-up by natural key scans the table, so
the caller must do none meanwhile; its rebuild still refuses a repeated key. The primary key and
``sqlite_autoindex`` indexes of UNIQUE constraints have no SQL text and are never touched. SQLite
DDL is transactional: a failed load rolls the indexes back with everything else. PostgreSQL
loads with COPY and keeps its indexes (dropping them would take an exclusive lock on a live table).

:func:`load_cache` raises the connection's page cache to :data:`LOAD_CACHE_KIB` for a whole
import (measured on the 110k-row Kaggle file: the default 2 MB spills half-built pages to the
WAL and reads them back, and the roll-up refresh's GROUP BY sorts spill too; 32 MB holds the
load, the index builds and the sorts) and restores it afterwards: a bound, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

REBUILD_MIN_ROWS = 20_000
LOAD_CACHE_KIB = 32_768


def worth_deferring(new_rows: int, stored_rows: int) -> bool:
    """Rebuilding beats incremental insertion when the load is big and at least half the table."""
    return new_rows >= REBUILD_MIN_ROWS and 2 * new_rows >= stored_rows


def secondary_indexes(raw: Any, table: str, *, unique: bool = False) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's droppable indexes (SQLite); unique indexes
    only with ``unique=True``."""
    cur = raw.cursor()
    try:
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND sql IS NOT NULL ORDER BY name", (table,))
        return [(name, sql) for name, sql in cur.fetchall()
                if unique or not sql.lstrip().upper().startswith("CREATE UNIQUE")]
    finally:
        cur.close()


def run_all(raw: Any, statements: list[str]) -> None:
    cur = raw.cursor()
    try:
        for statement in statements:
            cur.execute(statement)
    finally:
        cur.close()


def table_rows(session: Session, model: Any) -> int:
    table: Table = model if isinstance(model, Table) else model.__table__
    raw = session.connection().connection.dbapi_connection
    assert raw is not None  # a checked-out connection holds its DBAPI connection
    cur = raw.cursor()
    try:
        cur.execute(f'SELECT count(*) FROM "{table.name}"')
        (count,) = cur.fetchone() or (0,)
        return int(count)
    finally:
        cur.close()


@contextmanager
def deferred_indexes(session: Session, model: Any, *, unique: bool = False) -> Iterator[None]:
    """Within the block, ``model``'s secondary indexes (and its unique indexes if ``unique``)
    are absent (SQLite; no-op elsewhere).

    They are rebuilt when the block exits normally, in the session's transaction; the caller must
    roll back if it raises. Use around a large load only (see :func:`worth_deferring`): queries
    inside the block run without those indexes.

    Raises:
        sqlite3.IntegrityError: (on exit) the rows loaded repeat a key of a rebuilt unique index.
    """
    session.flush()
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    table: Table = model if isinstance(model, Table) else model.__table__
    raw = conn.connection.dbapi_connection
    indexes = secondary_indexes(raw, table.name, unique=unique)
    run_all(raw, [f'DROP INDEX "{name}"' for name, _ in indexes])
    # No ``finally``: if the block or a rebuild fails, the caller's rollback restores the indexes.
    yield
    run_all(raw, [ddl for _, ddl in indexes])


@contextmanager
def load_cache(session: Session) -> Iterator[None]:
    """Within the block, the connection's page cache is at least :data:`LOAD_CACHE_KIB` (SQLite;
    no-op elsewhere); restored afterwards, also on error."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.dbapi_connection
    cache = _pragma(raw, "cache_size")  # < 0: KiB; > 0: pages
    kib = -cache if cache < 0 else cache * _pragma(raw, "page_size") // 1024
    run_all(raw, [f"PRAGMA cache_size = {-max(kib, LOAD_CACHE_KIB)}"])
    try:
        yield
    finally:
        with suppress(Exception):  # a performance setting only: never mask the real error
            run_all(raw, [f"PRAGMA cache_size = {cache}"])


def _pragma(raw: Any, name: str) -> int:
    cur = raw.cursor()
    try:
        cur.execute(f"PRAGMA {name}")
        return int(cur.fetchone()[0])
    finally:
        cur.close()
