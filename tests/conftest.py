"""Shared fixtures.

Databases: ``db_url`` is parametrised over SQLite and PostgreSQL (127.0.0.1:5432, user postgres,
trust auth; override with OPSBOT_TEST_PG_URL). Each test gets a fresh database cloned from a
template migrated once per session. When PostgreSQL is unreachable the PostgreSQL variants skip,
except under CI=true, where that is a failure. ``seeded_db`` does the same for generated networks:
each is seeded once per session and database kind, and every test gets its own copy.

Shared data: ``shared_dir`` is ``../shared`` beside the checkout; tests that need it skip with a
reason where it is absent.
"""

from __future__ import annotations

import copy
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


# The test files that take longest (``--durations``, 2 workers), run first so that both xdist
# workers finish together instead of one starting a three-minute test near the end
# (``scripts/test`` runs ``--dist loadfile --no-loadscope-reorder``, which keeps this order).
LONGEST_FIRST = (
    "tests/integration/test_kpi_every_kpi_network50.py",
    "tests/integration/test_forecast_kaggle.py",
    "tests/e2e/test_fuzz_commands.py",
    "tests/integration/test_lease_week.py",
    "tests/integration/test_improve_cycle_seeded.py",
    "tests/integration/test_kpi_rollups_fast.py",
    "tests/e2e/test_db_pause.py",
    "tests/integration/test_delivery_races.py",
    "tests/e2e/test_fuzz_interactions.py",
    "tests/integration/test_kpi_every_kpi.py",
    "tests/integration/test_drivers_seeded.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest files first (``LONGEST_FIRST``); the rest keep their order."""

    def rank(item: pytest.Item) -> int:
        return next((i for i, path in enumerate(LONGEST_FIRST) if item.nodeid.startswith(path)), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the rest keep their order


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
    yield from _clone(kind, templates[kind], tmp_path)


def _clone(kind: str, template: str | None, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a copy of ``template`` (a SQLite file or a PostgreSQL database name) and
    drop the copy afterwards."""
    url = _copy(kind, template, tmp_path)
    try:
        yield url
    finally:
        _drop(kind, url)


def _copy(kind: str, template: str | None, tmp_path: Path) -> str:
    """The URL of a new copy of ``template``: a file copy, or ``CREATE DATABASE … TEMPLATE …``."""
    if kind == "sqlite":
        target = tmp_path / f"opsbot-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(str(template), target)
        return f"sqlite:///{target}"
    if template is None:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (outside CI this skips)")
    name = f"opsbot_t_{uuid.uuid4().hex[:12]}"
    _as_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return str(make_url(PG_ADMIN_URL).set(database=name))


def _drop(kind: str, url: str) -> None:
    if kind == "sqlite":
        return  # the file goes with pytest's temporary directory
    _as_admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _as_admin(sql: str) -> None:
    """``sql`` (CREATE/DROP DATABASE) run outside a transaction on the admin connection, ``PG_ADMIN_URL``."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    finally:
        admin.dispose()


class SeededTemplates:
    """Seeded networks made once per test session (per xdist worker) and cloned for each test.

    Generating and writing a network (``bot.seed.seed_database``) takes seconds to minutes; the
    same parameters always give the same rows, so each (database kind, parameters) is seeded once
    into a template (a SQLite file, a PostgreSQL database) and every test gets its own copy
    (a file copy, ``CREATE DATABASE … TEMPLATE …``): tests may write to their copy freely.
    """

    def __init__(self, templates: dict[str, str | None], workdir: Path) -> None:
        self._templates, self._workdir = templates, workdir
        self._made: dict[tuple[str, str], tuple[str, Any]] = {}

    def clone(self, kind: str, params: Any, tmp_path: Path, **seed_kw: Any) -> Iterator[tuple[str, Any]]:
        """Yield (URL of a fresh copy of the seeded ``kind`` database, the seed's ``SeedReport``
        (a copy)); ``seed_kw`` go to ``seed_database`` (``pseudonym_key`` required)."""
        key = (kind, repr((params, sorted(seed_kw.items()))))
        if key not in self._made:
            self._made[key] = self._seed(kind, params, seed_kw)
        template, report = self._made[key]
        for url in _clone(kind, template, tmp_path):
            yield url, copy.deepcopy(report)

    def _seed(self, kind: str, params: Any, seed_kw: dict[str, Any]) -> tuple[str, Any]:
        from devtools.seed import seed_database
        from storage.db import session_scope

        url = _copy(kind, self._templates[kind], self._workdir)  # kept: it is the template now
        engine = make_engine(url)
        try:
            with session_scope(make_session_factory(engine)) as s:
                report = seed_database(s, params, **seed_kw)
        finally:
            engine.dispose()
        name = make_url(url).database
        assert name is not None
        return name, report

    def drop(self) -> None:
        for (kind, _), (name, _) in self._made.items():
            if kind == "postgresql":
                _drop(kind, str(make_url(PG_ADMIN_URL).set(database=name)))


@pytest.fixture(scope="session")
def seeded_templates(_templates: dict[str, str | None],
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededTemplates]:
    made = SeededTemplates(_templates, tmp_path_factory.mktemp("seeded"))
    yield made
    made.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded_db(request: pytest.FixtureRequest, seeded_templates: SeededTemplates,
              tmp_path: Path) -> Iterator[Callable[..., tuple[sessionmaker[Session], Any]]]:
    """``seeded_db(SeedParams(...), pseudonym_key=..., **seed_kw)`` → (session factory, SeedReport):
    a fresh copy of that seeded network, once on SQLite and once on PostgreSQL (as ``db_url``)."""
    opened: list[tuple[Iterator[tuple[str, Any]], Engine]] = []

    def make(params: Any, **seed_kw: Any) -> tuple[sessionmaker[Session], Any]:
        copies = seeded_templates.clone(request.param, params, tmp_path, **seed_kw)
        url, report = next(copies)
        engine = make_engine(url)
        opened.append((copies, engine))
        return make_session_factory(engine), report

    yield make
    for copies, engine in opened:
        engine.dispose()
        for _ in copies:  # finish the generator: drops the copy
            pass


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
