"""The README's path for a new operations admin, step by step, on a clean working folder and
against the Slack stand-in instead of slack.com (issue 13, "A practice can run it for real").

Steps as README.md "Running it in your Slack workspace" gives them: copy ``examples/org.yml``, a
``.env`` with the tokens (plus ``SLACK_API_URL`` = the stand-in), ``opsbot db upgrade``, ``opsbot
roles bootstrap U…``, then ``opsbot serve`` (HTTP) and ``opsbot socket`` (Socket Mode), each
answering ``/opsbot roles`` with the admin role; an edit of the organisation file applies without
a restart; a revocation event is acknowledged. (The drop folder: tests/e2e/test_drop_folder.py.)
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from devtools.signing import slash_command_body
from devtools.standin import SlackStandIn
from tests.e2e.conftest import REPO, BotProcess, bot_env, free_port, signed_post

pytestmark = pytest.mark.e2e
ADMIN = "U012AB3CD"
SECRET = "readme-signing-secret"


def opsbot(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def folder(tmp_path: Path, standin: SlackStandIn) -> tuple[Path, dict[str, str]]:
    """Steps 3-5: .env, org.yml from the example, database, first admin."""
    shutil.copy(REPO / "examples" / "org.yml", tmp_path / "org.yml")
    (tmp_path / "drop").mkdir()
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-readme\n"
        f"SLACK_SIGNING_SECRET={SECRET}\n"
        "SLACK_APP_TOKEN=xapp-1-readme\n"
        "OPSBOT_CONFIG=org.yml\n"
        "DATABASE_URL=sqlite:///opsbot.db\n"
        f"OPSBOT_DROP_DIR={tmp_path / 'drop'}\n"
        f"SLACK_API_URL={standin.base_url}\n")
    env = bot_env(tmp_path)  # nothing from the test's environment: the .env is read
    assert opsbot(env, tmp_path, "db", "upgrade").returncode == 0
    boot = opsbot(env, tmp_path, "roles", "bootstrap", ADMIN)
    assert boot.returncode == 0 and f"{ADMIN} is now admin" in boot.stdout, boot.stderr
    again = opsbot(env, tmp_path, "roles", "bootstrap", "U0SOMEONE")
    assert again.returncode == 1 and ADMIN in again.stderr  # once only
    return tmp_path, env


def replies_to(standin: SlackStandIn, url: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [c.params for c in standin.response_posts if c.headers.get("X-Path", "") in url]
        if found:
            return json.dumps(found)
        time.sleep(0.1)
    return ""


def test_http_mode_answers_and_reloads_the_organisation_file(folder, standin: SlackStandIn) -> None:  # type: ignore[no-untyped-def]
    cwd, env = folder
    port = free_port()
    with BotProcess(["serve", "--port", str(port)], env, cwd) as proc:
        proc.wait_http(f"http://127.0.0.1:{port}/readyz")
        events = f"http://127.0.0.1:{port}/slack/events"

        def command(text: str) -> str:
            url = standin.new_response_url()
            status, _ = signed_post(events, SECRET, slash_command_body("/opsbot", text, user_id=ADMIN, response_url=url))
            assert status == 200
            return replies_to(standin, url)

        assert "Your roles: admin (organisation)" in command("roles"), proc.output()
        assert "Clinics configured: 2" in command("status")
        org = cwd / "org.yml"
        org.write_text(org.read_text().replace("\nroles:", "\n  - {key: east, name: East Clinic, timezone: UTC}\nroles:"))
        deadline = time.monotonic() + 20
        while "Clinics configured: 3" not in (answer := command("status")) and time.monotonic() < deadline:
            time.sleep(1)
        assert "Clinics configured: 3" in answer, proc.output()  # no restart
        revoked = json.dumps({"token": "t", "team_id": "T0LOCAL", "api_app_id": "A0", "type": "event_callback",
                              "event_id": "Ev0README", "event_time": int(time.time()),
                              "event": {"type": "tokens_revoked", "tokens": {"bot": ["B0"]}}})
        assert signed_post(events, SECRET, revoked, )[0] == 200


def test_socket_mode_answers(folder, standin: SlackStandIn, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]
    cwd, env = folder
    with BotProcess(["socket"], env, cwd) as proc:
        if not standin.socket.wait_for_connections(1, timeout=30):
            pytest.fail(f"opsbot socket never connected:\n{proc.output()}")
        fixture = json.loads((shared_dir / "slack" / "socket_mode_messages.json").read_text())
        envelope = copy.deepcopy(next(e for e in fixture["envelopes"] if e["type"] == "slash_commands"))
        url = standin.new_response_url()
        envelope["envelope_id"] = str(uuid.uuid4())
        envelope["payload"].update(command="/opsbot", text="roles", user_id=ADMIN, response_url=url)
        standin.socket.send(envelope)
        ack = standin.socket.wait_for_ack(envelope["envelope_id"], timeout=20)
        assert ack is not None, proc.output()
        answer = json.dumps(ack.get("payload") or "") + replies_to(standin, url)
        assert "Your roles: admin (organisation)" in answer, proc.output()
        # events the manifest subscribes to are acknowledged over the socket too (a message in a
        # channel, Slack's own sample; then tokens_revoked)
        for kind, event in (("message", None), ("tokens_revoked", {"type": "tokens_revoked", "tokens": {"bot": ["B0"]}})):
            frame = copy.deepcopy(next(e for e in fixture["envelopes"] if e["type"] == "events_api"))
            frame["envelope_id"], frame["payload"]["event_id"] = str(uuid.uuid4()), f"Ev{uuid.uuid4().hex[:10]}"
            if event is not None:
                frame["payload"]["event"] = event
            standin.socket.send(frame)
            assert standin.socket.wait_for_ack(frame["envelope_id"], timeout=20) is not None, (kind, proc.output())
