"""Acknowledged work survives ``kill -9`` (issue 14): two ``opsbot serve`` replicas on one
PostgreSQL database behind nginx (``deploy/nginx/``), 20 signed ``/kpi`` commands in flight —
acknowledged, their answers held by the stand-in Slack (``hold_responses``) — when one replica is
SIGKILLed. The posts of the killed replica never land (its connections die with it); every one of
the 20 answers must still arrive, each with the figures counted from the CSV, from the surviving
replica once the dead one's claims lapse (``OPSBOT_REPLY_LEASE_SECONDS=3``). Skips without nginx.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.signing import signed_headers, slash_command_body
from devtools.standin import SlackStandIn
from tests.e2e.conftest import BotProcess, free_port, http
from tests.e2e.replicas import NGINX, Nginx, replicas_on_postgres
from tests.e2e.test_serve_http import _expected

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")]
SECRET = "replicas-crash-signing-secret"
COMMANDS = 20


@pytest.fixture
def pair(tmp_path: Path, _templates: dict) -> Iterator[tuple[SlackStandIn, list[BotProcess], str]]:  # type: ignore[type-arg]
    with replicas_on_postgres(tmp_path, _templates, 2, SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-crash",
                              OPSBOT_REPLY_LEASE_SECONDS="3", OPSBOT_LOG_LEVEL="INFO") as (_, slack, ports, procs):
        with Nginx(tmp_path, free_port(), ports) as nginx:
            yield slack, procs, nginx.url


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_kill_9_with_20_commands_in_flight_loses_no_answer(pair) -> None:  # type: ignore[no-untyped-def]
    slack, procs, url = pair
    n, d = _expected()
    slack.hold_responses(4.0)  # every answer waits at "Slack" long enough to be in flight at the kill
    urls = [slack.new_response_url() for _ in range(COMMANDS)]
    statuses: list[int] = []

    def send(reply_url: str) -> None:
        body = slash_command_body("/kpi", "no-show-rate all", user_id="U0CRASH", response_url=reply_url)
        statuses.append(http("POST", url + "/slack/events", body, signed_headers(SECRET, body), timeout=10)[0])

    senders = [threading.Thread(target=send, args=(u,)) for u in urls]
    for t in senders:
        t.start()
    for t in senders:
        t.join()
    assert statuses == [200] * COMMANDS  # all acknowledged
    time.sleep(1.5)  # every answer computed and held at the stand-in; none has landed
    assert not slack.response_posts
    procs[0].proc.send_signal(signal.SIGKILL)
    procs[0].proc.wait(timeout=10)
    slack.hold_responses(0.0)
    wanted = {_path(u) for u in urls}
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not wanted <= {p.headers["X-Path"] for p in slack.response_posts}:
        time.sleep(0.2)
    got: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for post in slack.response_posts:
        got.setdefault(post.headers["X-Path"], []).append(post.params)
    missing = wanted - set(got)
    assert not missing, f"{len(missing)} of {COMMANDS} answers lost:\n{procs[1].output()[-3000:]}"
    for path in wanted:
        text = json.dumps(got[path][0], ensure_ascii=False)
        assert f"{n:,} of {d:,}" in text and f"{n / d * 100:.2f} %" in text
    taken_over = procs[1].output().count("taken over")
    print(f"\nkill -9: {COMMANDS} commands acked, {COMMANDS} answers arrived, {taken_over} of them "
          f"redone by the surviving replica after the dead one's lease lapsed")
    assert taken_over >= 1  # the killed replica had answers in flight, and they were redone
