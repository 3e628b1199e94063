"""Which generated network a test runs on: the one place that knows network sizes and where the
50-clinic network comes from.

``SMALL`` is seeded into each test's fresh database (four clinics, 110 days ending on a Sunday
in late February, so the last month is partial and the month before is whole). ``NETWORK50``
is the 50-clinic, one-year network; :func:`network50_url` reads an existing database named by
``$OPSBOT_NETWORK50_URL`` (read only, see :func:`read_only_engine`); without one it generates the
network into a fresh SQLite file under CI (``CI=true``) or when ``$OPSBOT_NETWORK50=generate``
(about as long as ``opsbot seed --clinics 50 --days 365``: about two minutes here), and otherwise skips
saying how to run it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from devtools.seed import SeedParams

ENV_NETWORK50 = "OPSBOT_NETWORK50_URL"
ENV_GENERATE = "OPSBOT_NETWORK50"


@dataclass(frozen=True)
class Shape:
    clinics: int
    days: int
    seed: int = 1
    end_date: date | None = None  # None: whatever the database holds (read from the data)
    checked_clinics: int = 3  # clinics compared besides the network


# Four clinics: New York, Chicago, Denver, Los Angeles. Ends on Sunday 22 February 2026, in
# standard time, so Los Angeles' late-afternoon bookings fall after UTC midnight.
SMALL = Shape(clinics=4, days=110, seed=11, end_date=date(2026, 2, 22))
NETWORK50 = Shape(clinics=50, days=365, checked_clinics=3)
# what a generated 50-clinic network ends on (fixed: the same rows on every run)
GENERATED_END = date(2026, 3, 18)


# how the oracle tests seed: ``seed_database(session, seed_params(shape), **SEED_KW)``
SEED_KW = {"pseudonym_key": "oracle-test-key", "validate_rows": 0}


def seed_params(shape: Shape) -> SeedParams:
    from devtools.seed import SeedParams

    return SeedParams(clinics=shape.clinics, days=shape.days, seed=shape.seed,
                      **({"end_date": shape.end_date} if shape.end_date else {}))


def seed(sessions: sessionmaker[Session], shape: Shape) -> None:
    """Generate ``shape`` into the (empty, migrated) database behind ``sessions``."""
    from devtools.seed import seed_database
    from storage.db import session_scope

    with session_scope(sessions) as s:
        seed_database(s, seed_params(shape), **SEED_KW)  # type: ignore[arg-type]


def network50_url(workdir: Path) -> str:
    """The database holding the 50-clinic × 365-day network: ``$OPSBOT_NETWORK50_URL``, or one
    generated into ``workdir`` (CI, or ``OPSBOT_NETWORK50=generate``); otherwise skip."""
    url = os.environ.get(ENV_NETWORK50, "").strip()
    if url:
        return url
    if os.environ.get("CI", "").lower() != "true" and os.environ.get(ENV_GENERATE, "") != "generate":
        pytest.skip(f"set {ENV_NETWORK50} to a database seeded with `opsbot seed --clinics 50 --days 365`, "
                    f"or {ENV_GENERATE}=generate to generate one here (minutes); CI always generates it")
    from storage import migrate

    url = f"sqlite:///{workdir / 'network50.db'}"
    migrate.upgrade(url)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _scratch(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # a scratch file written once and then only read: no fsync, rollback journal in memory
        # (the default journal and full sync cost a quarter of a minute at the final commit)
        dbapi_conn.execute("PRAGMA synchronous = OFF")
        dbapi_conn.execute("PRAGMA journal_mode = MEMORY")

    try:
        seed(sessionmaker(bind=engine), Shape(NETWORK50.clinics, NETWORK50.days, NETWORK50.seed, GENERATED_END))
    finally:
        engine.dispose()
    return url


def read_only_engine(url: str) -> Engine:
    """An engine that cannot write: SQLite ``PRAGMA query_only``, PostgreSQL read-only
    transactions (the 50-clinic database is shared; tests must leave it as they found it)."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, connect_args={"options": "-c default_transaction_read_only=on"})
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _query_only(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA query_only = ON")

    return engine


def shape_of(session: Session) -> tuple[int, int]:
    """(clinics, days of A/R history) actually in the database."""
    clinics = session.execute(text("select count(*) from clinics")).scalar() or 0
    days = session.execute(text("select count(distinct as_of_date) from ar_snapshots")).scalar() or 0
    return int(clinics), int(days)
