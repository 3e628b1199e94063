"""Two ``opsbot scheduler`` processes on one database: one leads (holds the lease), the other
waits; SIGTERM to the leader releases the lease and the standby takes over within a renewal
interval; the leader's Prometheus endpoint reports ``opsbot_scheduler_leader 1``."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from devtools.standin import SlackStandIn
from jobs.lease import holder_of
from storage.db import make_engine, make_session_factory
from tests.e2e.conftest import BotProcess, bot_env, free_port, http

pytestmark = pytest.mark.e2e


def _wait(probe, proc: BotProcess, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.2)
    pytest.fail(f"condition not met within {timeout}s:\n{proc.output()}")


def test_standby_scheduler_takes_over_when_the_leader_stops(db_url: str, tmp_path: Path) -> None:
    sessions = make_session_factory(make_engine(db_url))
    with SlackStandIn() as slack:
        env = bot_env(tmp_path, DATABASE_URL=db_url, SLACK_API_URL=slack.base_url, SLACK_BOT_TOKEN="xoxb-sched",
                      OPSBOT_LEASE_SECONDS="6", OPSBOT_LOG_LEVEL="INFO")
        port_a, port_b = free_port(), free_port()
        with BotProcess(["scheduler", "--metrics-port", str(port_a)], env, tmp_path) as a:
            leader = _wait(lambda: holder_of(sessions), a)
            with BotProcess(["scheduler", "--metrics-port", str(port_b)], env, tmp_path) as b:
                _wait(lambda: "standby" in b.output(), b)
                assert holder_of(sessions) == leader
                metrics = http("GET", f"http://127.0.0.1:{port_a}/metrics")[1]
                assert "opsbot_scheduler_leader 1.0" in metrics
                assert "opsbot_scheduler_leader 0.0" in http("GET", f"http://127.0.0.1:{port_b}/metrics")[1]
                a.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
                assert a.proc.wait(timeout=60) == 0  # type: ignore[union-attr]
                released = time.monotonic()
                new = _wait(lambda: (h := holder_of(sessions)) and h != leader and h, b, timeout=30)
                assert time.monotonic() - released < 6  # renewal every 2 s; no need to wait for expiry
                assert "released" in a.output()
                assert str(b.proc.pid) in new  # type: ignore[union-attr]
