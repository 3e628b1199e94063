"""The demo tour (``devtools.demo.tour``) run as ``opsbot demo`` runs it, for the e2e tests that
read what it left: a 3-clinic, 60-day seeded network in a migrated SQLite file, the tour's
organisation file, and the real Bolt app in-process against the Slack stand-in (:class:`LocalSlack`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import load_settings
from devtools.asking import LocalSlack
from devtools.demo import tour as demo
from devtools.seed import SeedParams, seed_database
from storage import migrate
from storage.db import make_engine, make_session_factory, session_scope


@contextmanager
def toured_network(directory: Path, pseudonym_key: str,
                   echo: Callable[[str], None]) -> Iterator[tuple[LocalSlack, demo.TourContext, int]]:
    """(the LocalSlack the tour ran against, its ``TourContext``, how many steps failed), the tour
    having printed through ``echo``; the database is ``directory/tour.db``, disposed of on exit."""
    url = f"sqlite:///{directory / 'tour.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as session:
        report = seed_database(session, SeedParams(clinics=3, days=60, seed=3, end_date=demo.demo_end_date()),
                               pseudonym_key=pseudonym_key, validate_rows=0)
    settings = load_settings(DATABASE_URL=url, OPSBOT_CONFIG=str(demo.demo_org_config(sessions, directory)))
    try:
        with LocalSlack(settings, engine, sessions) as local:
            ctx = demo.TourContext(local, report, directory, echo=echo)
            failed = demo.run_tour(ctx)
            yield local, ctx, failed
    finally:
        engine.dispose()
