"""``opsbot socket`` as a subprocess against the stand-in's apps.connections.open + WebSocket."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.standin import SlackStandIn
from storage import migrate
from tests.e2e.conftest import BotProcess, bot_env

pytestmark = pytest.mark.e2e


@pytest.fixture
def socket_bot(tmp_path: Path) -> Iterator[tuple[SlackStandIn, BotProcess]]:
    db_url = f"sqlite:///{tmp_path / 'opsbot.db'}"
    migrate.upgrade(db_url)
    with SlackStandIn() as slack:
        env = bot_env(tmp_path, DATABASE_URL=db_url, SLACK_API_URL=slack.base_url,
                      SLACK_BOT_TOKEN="xoxb-e2e-test", SLACK_APP_TOKEN="xapp-1-e2e-test")
        with BotProcess(["socket"], env, tmp_path) as proc:
            if not slack.socket.wait_for_connections(1, timeout=30):
                pytest.fail(f"opsbot socket never connected:\n{proc.output()}")
            yield slack, proc


def _slash_envelope(shared_dir: Path, slack: SlackStandIn, text: str = "help") -> dict:
    fixture = json.loads((shared_dir / "slack" / "socket_mode_messages.json").read_text())
    envelope = copy.deepcopy(next(e for e in fixture["envelopes"] if e["type"] == "slash_commands"))
    envelope["envelope_id"] = str(uuid.uuid4())
    envelope["payload"].update(command="/kpi", text=text, response_url=slack.new_response_url())
    return envelope


def test_connects_with_the_app_token_via_apps_connections_open(socket_bot) -> None:  # type: ignore[no-untyped-def]
    slack, _ = socket_bot
    opens = slack.calls_to("apps.connections.open")
    assert len(opens) == 1 and opens[0].status == 200
    assert "Authorization" not in opens[0].headers  # recorded calls never keep the token


def test_slash_command_envelope_is_acknowledged_with_its_envelope_id(socket_bot, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    slack, proc = socket_bot
    envelope = _slash_envelope(shared_dir, slack)
    slack.socket.send(envelope)
    ack = slack.socket.wait_for_ack(envelope["envelope_id"], timeout=15)
    assert ack is not None, proc.output()
    assert ack["envelope_id"] == envelope["envelope_id"]
    # accepts_response_payload=true: whatever the /kpi listener acked with rides in the ack.
    assert set(ack) <= {"envelope_id", "payload"}
    # The listener's answer (usage help for "/kpi help") is in the ack payload or the response_url.
    if not ack.get("payload"):
        slack.wait_for("response_url", 1, timeout=20)
    answer = json.dumps(ack.get("payload") or slack.responses[0]).lower()
    assert "/kpi" in answer


def test_disconnect_frame_makes_the_client_reconnect(socket_bot, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    slack, proc = socket_bot
    slack.socket.disconnect("refresh_requested")
    assert slack.socket.wait_for_connections(2, timeout=30), proc.output()
    assert len(slack.calls_to("apps.connections.open")) >= 2
    envelope = _slash_envelope(shared_dir, slack)
    slack.socket.send(envelope)  # goes to the new connection
    ack = slack.socket.wait_for_ack(envelope["envelope_id"], timeout=15)
    assert ack is not None and ack["envelope_id"] == envelope["envelope_id"], proc.output()
