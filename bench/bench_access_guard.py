"""How long the request guard (dedup + bounds + roles + audit row) adds before ``ack``.

Runs ``bot.middleware.guard.check`` on fresh signed-shape bodies against a temporary SQLite
database (or DATABASE_URL) and prints the median and 95th percentile in milliseconds.
Prints figures only; never fails on timing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from types import SimpleNamespace
from urllib.parse import parse_qsl

from bot.access.resolver import GroupCache, RoleResolver
from bot.access.roles import RolesConfig
from bot.middleware.guard import check
from bot.orgconfig import OrgConfig
from bot.signing import slash_command_body
from storage import migrate
from storage.db import make_engine, make_session_factory


def main(n: int = 500) -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    migrate.upgrade(url)
    engine = make_engine(url)
    org = OrgConfig.model_validate({"clinics": [{"key": "north", "name": "North"}],
                                    "roles": {"admin": ["U0ADMIN"], "finance": {"north": ["U0FIN"]}}})
    ctx = SimpleNamespace(org=org, sessions=make_session_factory(engine))
    resolver = RoleResolver(org.roles, GroupCache(None))
    times = []
    for i in range(n):
        raw = slash_command_body("/kpi", f"denial-rate clinic north last {i % 90 + 1}d", user_id="U0FIN")
        body = dict(parse_qsl(raw))
        start = time.perf_counter()
        check(ctx, resolver, body, raw)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"guard.check on {url.split(':')[0]}: n={n} median={statistics.median(times):.2f} ms "
          f"p95={times[int(n * 0.95)]:.2f} ms max={times[-1]:.2f} ms")
    engine.dispose()


if __name__ == "__main__":
    main()
