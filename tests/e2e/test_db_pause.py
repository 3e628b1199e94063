"""A hung database (issue 14): ``opsbot serve`` reaches PostgreSQL through :class:`PauseProxy`,
which stops forwarding for 20 s (the shared server itself is never paused). Every ``/kpi`` sent
meanwhile is acknowledged within Slack's 3 s with the plain notice that the data store is not
answering (no "something went wrong", no traceback), ``/readyz`` answers 503 within a second, and
once the proxy forwards again answers resume without a restart, with the figures counted from
the CSV."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.errors import STORE_NOT_ANSWERING
from devtools.signing import signed_headers, slash_command_body
from devtools.standin import SlackStandIn
from tests.conftest import fresh_database
from tests.e2e.conftest import BotProcess, bot_env, free_port, http, load_appointments_csv
from tests.e2e.pauseproxy import PauseProxy
from tests.e2e.test_serve_http import APPOINTMENTS_CSV, _expected

pytestmark = pytest.mark.e2e
SECRET = "db-pause-signing-secret"
PAUSE_SECONDS = 20.0


@pytest.fixture
def served(tmp_path: Path, _templates: dict) -> Iterator[tuple[str, SlackStandIn, PauseProxy, BotProcess]]:  # type: ignore[type-arg]
    gen = fresh_database("postgresql", _templates, tmp_path)
    db_url = next(gen)
    csv_path = tmp_path / "appointments.csv"
    csv_path.write_text(APPOINTMENTS_CSV)
    load_appointments_csv(db_url, csv_path)
    url = make_url(db_url)
    port = free_port()
    with PauseProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy, SlackStandIn() as slack:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env = bot_env(tmp_path, DATABASE_URL=proxied, SLACK_API_URL=slack.base_url, SLACK_SIGNING_SECRET=SECRET,
                      SLACK_BOT_TOKEN="xoxb-pause")
        with BotProcess(["serve", "--port", str(port), "--threads", "16"], env, tmp_path) as proc:
            base = f"http://127.0.0.1:{port}"
            proc.wait_http(base + "/readyz", timeout=90)
            yield base, slack, proxy, proc
    try:
        next(gen)
    except StopIteration:
        pass


def _kpi(base: str, slack: SlackStandIn) -> tuple[int, float, str, str]:
    """(status, seconds to the ack, ack body, response_url path) of one signed /kpi."""
    reply = slack.new_response_url()
    body = slash_command_body("/kpi", "no-show-rate all", user_id="U0PAUSE", response_url=reply)
    t0 = time.monotonic()
    status, ack = http("POST", base + "/slack/events", body, signed_headers(SECRET, body), timeout=15)
    return status, time.monotonic() - t0, ack, "/" + reply.split("/", 3)[3]


def _answer(slack: SlackStandIn, path: str, timeout: float) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        posts = [p for p in slack.response_posts if p.headers["X-Path"] == path]
        if posts:
            return json.dumps(posts[0].params, ensure_ascii=False)
        time.sleep(0.05)
    return None


def test_paused_database_every_command_acked_in_3s_with_a_clear_message_then_recovery(served) -> None:  # type: ignore[no-untyped-def]
    base, slack, proxy, proc = served
    n, d = _expected()
    figures = f"{n:,} of {d:,}"
    status, _, ack, path = _kpi(base, slack)  # warm: pool connections open, answer flows
    assert status == 200 and figures in (_answer(slack, path, 20) or "")

    proxy.pause()
    paused_at = time.monotonic()
    results: list[tuple[int, float, str, str]] = []
    ready: list[tuple[int, float]] = []
    threads = []
    for i in range(int((PAUSE_SECONDS - 2) / 1.5) + 1):  # a command every 1.5 s, 0 … 18 s into the pause
        time.sleep(max(0.0, paused_at + i * 1.5 - time.monotonic()))
        t = threading.Thread(target=lambda: results.append(_kpi(base, slack)))
        t.start()
        threads.append(t)
        if i % 2:
            t0 = time.monotonic()
            ready.append((http("GET", base + "/readyz", timeout=5)[0], time.monotonic() - t0))
    for t in threads:
        t.join()
    time.sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - paused_at)))
    proxy.resume()
    resumed_at = time.monotonic()

    assert len(results) >= 10
    slow = [r for r in results if r[0] != 200 or r[1] > 3.0]
    assert not slow, slow
    assert all(STORE_NOT_ANSWERING in json.loads(r[2])["text"] for r in results), [r[2] for r in results]
    assert all(status == 503 and took < 1.0 for status, took in ready), ready

    answered_at = None  # answers resume without a restart
    while time.monotonic() - resumed_at < 30 and answered_at is None:
        status, took, ack, path = _kpi(base, slack)
        if status == 200 and not ack.strip() and figures in (_answer(slack, path, 10) or ""):
            answered_at = time.monotonic()
        else:
            time.sleep(0.5)
    assert answered_at is not None, proc.output()[-3000:]
    assert http("GET", base + "/readyz")[0] == 200
    assert proc.proc is not None and proc.proc.poll() is None  # the same process, never restarted
    posts = [json.dumps(p.params) for p in slack.response_posts]
    assert not any("went wrong" in p for p in posts)
    assert "Traceback" not in proc.output()
    acks = sorted(r[1] for r in results)
    print(f"\nPostgreSQL paused {PAUSE_SECONDS:.0f} s: {len(results)} commands, all acked with the notice, "
          f"ack max {acks[-1]:.2f} s; /readyz {len(ready)}x 503, max {max(t for _, t in ready):.2f} s; "
          f"first full answer {answered_at - resumed_at:.1f} s after resume")
