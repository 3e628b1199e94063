"""Bulk-load index handling for SQLite: drop secondary indexes, load, rebuild once.

Inserting 100k rows into a table with four secondary indexes costs one B-tree insertion per row
per index, mostly in random order; building each index afterwards is one sort. On the appointment
table that halves the insert time. The unique natural-key index (an ``sqlite_autoindex``, which
has no SQL text) is never dropped, so look-ups and integrity stay intact. SQLite DDL is
transactional: a failed load rolls the indexes back with everything else. PostgreSQL loads with
COPY and keeps its indexes (dropping them would take an exclusive lock on a live table).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

REBUILD_MIN_ROWS = 20_000


def worth_deferring(new_rows: int, stored_rows: int) -> bool:
    """Rebuilding beats incremental insertion when the load is big and at least half the table."""
    return new_rows >= REBUILD_MIN_ROWS and 2 * new_rows >= stored_rows


def secondary_indexes(raw: Any, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's droppable indexes (SQLite)."""
    cur = raw.cursor()
    try:
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND sql IS NOT NULL", (table,))
        return [(name, sql) for name, sql in cur.fetchall()]
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
    cur = raw.cursor()
    try:
        cur.execute(f'SELECT count(*) FROM "{table.name}"')
        return int(cur.fetchone()[0])
    finally:
        cur.close()


@contextmanager
def deferred_indexes(session: Session, model: Any) -> Iterator[None]:
    """Within the block, ``model``'s secondary indexes are absent (SQLite; no-op elsewhere).

    They are rebuilt when the block exits normally, in the session's transaction; the caller must
    roll back if it raises. Use around a large load only (see :func:`worth_deferring`): queries
    inside the block run without those indexes.
    """
    session.flush()
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    table: Table = model if isinstance(model, Table) else model.__table__
    raw = conn.connection.dbapi_connection
    indexes = secondary_indexes(raw, table.name)
    run_all(raw, [f'DROP INDEX "{name}"' for name, _ in indexes])
    # No ``finally``: if the block fails, the caller's rollback restores the dropped indexes
    # (and a writer thread may still be using the connection until the caller has waited for it).
    yield
    run_all(raw, [ddl for _, ddl in indexes])
