"""Shared fixtures.

Databases: ``db_url`` is parametrised over SQLite and PostgreSQL (127.0.0.1:5432, user postgres,
trust auth; override with OPSBOT_TEST_PG_URL). Each test gets a fresh database cloned from a
template migrated once per session. When PostgreSQL is unreachable the PostgreSQL variants skip,
except under CI=true, where that is a failure.

Shared data: ``shared_dir`` is ``../shared`` beside the checkout; tests that need it skip with a
reason where it is absent.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage import migrate
from storage.db import make_engine, make_session_factory

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_ADMIN_URL = os.environ.get("OPSBOT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# issue 15: commands refuse the public development pseudonym key unless told; the tests say so
os.environ.setdefault("OPSBOT_DEV_PSEUDONYM_KEY", "1")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared is absent ({SHARED}); this test reads the shared real data")
    return SHARED


def _pg_admin() -> Engine | None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001
        engine.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL is unreachable at {PG_ADMIN_URL} under CI=true: {exc}")
        return None
    return engine


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str | None]]:
    """Migrate one SQLite file and one PostgreSQL template database per test session."""
    tmp = tmp_path_factory.mktemp("dbtemplates")
    sqlite_template = tmp / "template.db"
    migrate.upgrade(f"sqlite:///{sqlite_template}")
    pg_template: str | None = None
    admin = _pg_admin()
    if admin is not None:
        pg_template = f"opsbot_tmpl_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{pg_template}"'))
        migrate.upgrade(str(make_url(PG_ADMIN_URL).set(database=pg_template)))
    yield {"sqlite": str(sqlite_template), "postgresql": pg_template}
    if admin is not None and pg_template:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{pg_template}" WITH (FORCE)'))
        admin.dispose()


def fresh_database(kind: str, templates: dict[str, str | None], tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a new migrated database of ``kind`` and drop it afterwards."""
    if kind == "sqlite":
        target = tmp_path / f"opsbot-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(str(templates["sqlite"]), target)
        yield f"sqlite:///{target}"
        return
    template = templates["postgresql"]
    if template is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (outside CI this skips)")
    name = f"opsbot_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield str(make_url(PG_ADMIN_URL).set(database=name))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, _templates: dict[str, str | None], tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database URL; the test runs once on SQLite and once on PostgreSQL."""
    yield from fresh_database(request.param, _templates, tmp_path)


@pytest.fixture
def sqlite_url(_templates: dict[str, str | None], tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated SQLite database URL (for tests that need only the embedded default)."""
    yield from fresh_database("sqlite", _templates, tmp_path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)
