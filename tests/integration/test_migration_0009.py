"""Migration 0009 on a database that already holds roll-ups: the rows it backfills in SQL
(``kpi_daily`` grain ``network_payer``, ``lead_time_monthly``) are the ones the refresh builds,
and the feeds whose new roll-ups only a refresh can build are no longer fresh (the engine reads
the finer tables until then), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import session_scope

ROWS = {
    "network_payer": "select component, key_id, day, n, d, d_rows from kpi_daily where grain = 'network_payer' "
                     "order by component, key_id, day",
    "lead_time_monthly": "select clinic_id, provider_id, month, lead_days, appointments, first_day, last_day "
                         "from lead_time_monthly order by clinic_id, provider_id, month, lead_days",
}


def test_upgrade_backfills_what_the_refresh_builds(db_url, sessions, engine):  # type: ignore[no-untyped-def]
    seed = pytest.importorskip("devtools.seed")
    with session_scope(sessions) as s:
        seed.seed_database(s, seed.SeedParams(clinics=2, days=70, seed=3, end_date=date(2026, 3, 31)),
                           pseudonym_key="k", validate_rows=0)
    with session_scope(sessions) as s:
        built = {name: [tuple(r) for r in s.execute(text(sql))] for name, sql in ROWS.items()}
        fresh = set(s.execute(text("select feed from rollup_state")).scalars())
    assert len(built["network_payer"]) > 100 and len(built["lead_time_monthly"]) > 100
    assert {"slots", "inventory", "ar", "claims"} <= fresh
    engine.dispose()

    command.downgrade(migrate.alembic_config(db_url), "0008")  # undo 0009 (and any later head)
    assert "lead_time_monthly" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate.upgrade(db_url)

    with session_scope(sessions) as s:
        backfilled = {name: [tuple(r) for r in s.execute(text(sql))] for name, sql in ROWS.items()}
        after = set(s.execute(text("select feed from rollup_state")).scalars())
        indexes = {ix["name"] for ix in inspect(s.connection()).get_indexes("stock_counts")}
    assert backfilled == built
    assert after == fresh - {"slots", "inventory", "supply", "lots", "ar"}
    assert "ix_stock_counts_date_item" in indexes
