"""Three ``opsbot serve`` replicas on one PostgreSQL database, over real sockets.

* A modal opened through replica A (``/idea`` → ``views.open``) is submitted through replica B
  (``view_submission``) and the idea is stored: no interaction state lives in a process.
* Through nginx (configured from ``deploy/nginx/``): a few seconds of signed ``/kpi`` traffic;
  one replica is SIGKILLed mid-run (only requests in flight on it may fail; every request started
  after the kill succeeds), another is SIGTERMed (graceful: no request fails, every acknowledged
  command still gets its reply, the process exits 0). Skips when nginx is not installed
  (``apt-get install nginx``); under CI=true too, with the reason printed.
* Every log line of a request carries nginx's request id (JSON logs).
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.ids import Callback
from devtools.signing import interactive_body, signed_headers, slash_command_body, view_submission_payload
from devtools.standin import SlackStandIn
from storage.db import make_engine
from storage.models import Idea
from tests.e2e.conftest import BotProcess, free_port, http, signed_post
from tests.e2e.replicas import NGINX, Nginx, replicas_on_postgres
from tests.e2e.slack_payloads import idea_values

pytestmark = pytest.mark.e2e
SECRET = "replicas-e2e-signing-secret"
IMPROVE = "C0IMPROVE"
ORG_YAML = f"""
organisation: Replica Health
clinics:
  - key: c0
    name: Jardim da Penha
    timezone: America/Sao_Paulo
    channels: {{improvement: {IMPROVE}}}
  - key: c1
    name: Resistencia
    timezone: America/Sao_Paulo
"""


@dataclass
class Cluster:
    db_url: str
    slack: SlackStandIn
    ports: list[int]
    procs: list[BotProcess]
    tmp: Path
    stopped: list[int] = field(default_factory=list)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, _templates: dict) -> Iterator[Cluster]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("replicas")
    (tmp / "org.yml").write_text(ORG_YAML)
    with replicas_on_postgres(tmp, _templates, 3, SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-replicas",
                              OPSBOT_CONFIG=str(tmp / "org.yml"), OPSBOT_LOG_FORMAT="json", OPSBOT_LOG_LEVEL="INFO",
                              OPSBOT_SHUTDOWN_GRACE_SECONDS="10") as (db_url, slack, ports, procs):
        yield Cluster(db_url, slack, ports, procs, tmp)


def test_modal_opened_on_one_replica_is_submitted_on_another(cluster: Cluster) -> None:
    body = slash_command_body("/idea", "", user_id="U0REPL", trigger_id="999.888.replica",
                              response_url=cluster.slack.new_response_url())
    assert signed_post(cluster.url(0) + "/slack/events", SECRET, body)[0] == 200  # replica A
    opened = cluster.slack.wait_for("views.open", timeout=20)[0].params["view"]
    assert opened["callback_id"] == Callback.IDEA_SUBMIT
    values = idea_values("Reminder texts two days ahead", "Monday no-shows", "Send an SMS two days before", clinic="c0")
    payload = view_submission_payload(Callback.IDEA_SUBMIT, values, user_id="U0REPL",
                                      private_metadata=opened.get("private_metadata", ""),
                                      blocks=opened["blocks"])
    status, answer = signed_post(cluster.url(1) + "/slack/events", SECRET, interactive_body(payload))  # replica B
    assert status == 200 and json.loads(answer)["response_action"] == "update"
    post = cluster.slack.wait_for("chat.postMessage", timeout=20)[-1]
    assert post.params["channel"] == IMPROVE
    engine = make_engine(cluster.db_url)
    with engine.connect() as conn:
        titles = conn.execute(select(Idea.title, Idea.submitter_user_id)).all()
    engine.dispose()
    assert titles == [("Reminder texts two days ahead", "U0REPL")]


@dataclass
class Result:
    started: float
    ended: float
    status: int
    response_url: str


def _traffic(url: str, slack: SlackStandIn, seconds: float, rate: float, out: list[Result]) -> None:
    """Signed /kpi commands at ``rate`` per second from 4 threads for ``seconds``."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(k: int) -> None:
        n = 0
        begin = time.monotonic()
        while True:
            due = begin + n * 4 / rate + k / rate
            if due > stop:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            n += 1
            reply = slack.new_response_url()
            body = slash_command_body("/kpi", "no-show-rate all", user_id="U0LOAD", response_url=reply)
            t0 = time.monotonic()
            try:
                status = http("POST", url + "/slack/events", body, signed_headers(SECRET, body), timeout=10)[0]
            except OSError:
                status = 0
            with lock:
                out.append(Result(t0, time.monotonic(), status, reply))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _replies(slack: SlackStandIn) -> set[str]:
    return {c.headers.get("X-Path", "") for c in slack.response_posts}


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx); the replica "
                                          "fail-over test needs it as the proxy")
def test_nginx_fails_over_when_a_replica_dies_and_drains_on_sigterm(cluster: Cluster) -> None:
    port = free_port()
    with Nginx(cluster.tmp, port, cluster.ports) as nginx:
        results: list[Result] = []
        load = threading.Thread(target=_traffic, args=(nginx.url, cluster.slack, 4.0, 20.0, results))
        load.start()
        time.sleep(1.5)
        kill_sent = time.monotonic()
        cluster.procs[2].proc.send_signal(signal.SIGKILL)  # type: ignore[union-attr]
        cluster.procs[2].proc.wait(timeout=10)  # type: ignore[union-attr]
        killed_at = time.monotonic()  # dead from here on
        time.sleep(1.0)
        termed_at = time.monotonic()
        cluster.procs[1].proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        load.join()
        assert cluster.procs[1].proc.wait(timeout=30) == 0  # type: ignore[union-attr]
        assert len(results) >= 60
        failed = [r for r in results if r.status != 200]
        # only requests in flight when the replica died may fail (4 client threads: at most 4)
        assert all(r.started <= killed_at and r.ended >= kill_sent for r in failed), failed
        assert len(failed) <= 4
        assert all(r.status == 200 for r in results if r.started > killed_at)
        # every acknowledged command got its reply, also those acked by the draining replica
        deadline = time.monotonic() + 20
        wanted = {r.response_url.split("/", 3)[3] for r in results if r.status == 200 and r.started > killed_at}
        while time.monotonic() < deadline and not wanted <= {p.lstrip("/") for p in _replies(cluster.slack)}:
            time.sleep(0.1)
        assert wanted <= {p.lstrip("/") for p in _replies(cluster.slack)}
        assert termed_at > killed_at
        status, _ = http("GET", nginx.url + "/readyz")
        assert status == 200  # replica A still serves
    log = cluster.procs[1].output()
    assert "draining" in log and '"level": "INFO"' in log


def test_every_log_line_of_a_request_carries_its_request_id(cluster: Cluster) -> None:
    alive = next(i for i, p in enumerate(cluster.procs) if p.proc and p.proc.poll() is None)
    body = slash_command_body("/kpi", "help", user_id="U0LOG", response_url=cluster.slack.new_response_url())
    headers = {**signed_headers(SECRET, body), "X-Request-Id": "edge-req-4242"}
    assert http("POST", cluster.url(alive) + "/slack/events", body, headers)[0] == 200
    deadline = time.monotonic() + 10
    lines: list[dict] = []  # type: ignore[type-arg]
    while time.monotonic() < deadline and not lines:
        lines = [json.loads(line) for line in cluster.procs[alive].output().splitlines()
                 if line.startswith("{") and "edge-req-4242" in line]
        time.sleep(0.1)
    assert lines and all(line["request_id"] == "edge-req-4242" for line in lines)
    assert any(line["msg"].startswith("POST /slack/events 200") for line in lines)
    text = http("GET", cluster.url(alive) + "/metrics")[1]
    assert 'opsbot_slack_ack_seconds_count{kind="command"}' in text
    assert "opsbot_deliveries" in text or "opsbot_import_rows_total" in text
