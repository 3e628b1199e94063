"""``opsbot serve`` replicas for the replica tests: :func:`replicas_on_postgres` starts them on one
fresh PostgreSQL database; nginx in front of them lives in :mod:`devtools.standin.nginx` (the load
test in ``bench/`` uses it without pytest) and is re-exported here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.standin import SlackStandIn
from devtools.standin.nginx import DEPLOY, NGINX, Nginx, nginx_config
from tests.conftest import fresh_database
from tests.e2e.conftest import BotProcess, bot_env, free_port, load_appointments_csv
from tests.e2e.test_serve_http import APPOINTMENTS_CSV

__all__ = ["DEPLOY", "NGINX", "Nginx", "nginx_config", "replicas_on_postgres"]


@contextmanager
def replicas_on_postgres(tmp: Path, templates: dict[str, str | None], count: int,
                         **settings: str) -> Iterator[tuple[str, SlackStandIn, list[int], list[BotProcess]]]:
    """(database URL, stand-in Slack, ports, processes): a fresh PostgreSQL database holding
    ``test_serve_http.APPOINTMENTS_CSV``, and ``count`` ``opsbot serve --threads 8`` replicas on it
    pointed at the stand-in (``settings``: more environment), each answering ``/readyz``.
    On exit the replicas are stopped and the database dropped. Skips without PostgreSQL."""
    gen = fresh_database("postgresql", templates, tmp)
    db_url = next(gen)
    try:
        csv_path = tmp / "appointments.csv"
        csv_path.write_text(APPOINTMENTS_CSV)
        load_appointments_csv(db_url, csv_path)
        ports = [free_port() for _ in range(count)]
        with SlackStandIn() as slack:
            env = bot_env(tmp, DATABASE_URL=db_url, SLACK_API_URL=slack.base_url, **settings)
            procs = [BotProcess(["serve", "--port", str(p), "--threads", "8"], env, tmp) for p in ports]
            try:
                for proc in procs:
                    proc.__enter__()
                for proc, port in zip(procs, ports, strict=True):
                    proc.wait_http(f"http://127.0.0.1:{port}/readyz", timeout=90)
                yield db_url, slack, ports, procs
            finally:
                for proc in procs:
                    proc.__exit__(None, None, None)
    finally:
        gen.close()  # drops the database
