"""Identifiers in a dropped file's name and in its display fields never reach Slack (the outside
tester's report): the drop folder imports ``appointments-for-Jane-Whitaker-MRN12345678.csv`` and
fails ``appointments-<today>-Jane-Whitaker-dob-1961-03-04.csv``, whose provider_name is ``MRN 48213377
Smith``; then ``/opsbot status`` and ``/kpi no-show-rate
by provider`` are driven as Slack sends them (signed form body through the real Bolt app, Web API
and response_url answered by the stand-in). Nothing sent to Slack (the ack body, every Web API
call, every response_url post) may hold the name, the record numbers or the hostile provider name;
the status still says what happened, with the kinds in the file name's place.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from sqlalchemy.orm import Session, sessionmaker

from bot.alerts.config import AlertSettings
from bot.app import create_app
from bot.orgconfig import load_org_config
from bot.settings import load_settings
from devtools.signing import signed_headers, slash_command_body
from devtools.standin import SlackStandIn
from jobs.drop_folder import run
from jobs.runner import JobContext

pytestmark = pytest.mark.e2e
SECRET = "drop-identifiers-signing-secret"
ORG_YAML = """
organisation: Test Health
clinics:
  - {key: north, name: North Family Practice, timezone: America/New_York}
roles:
  admin: [U0ADMIN]
  manager: {north: [U0MGR]}
"""
NAMED_FILE = "appointments-for-Jane-Whitaker-MRN12345678.csv"
# docs/formats/appointments.md, canonical; dates inside the last 30 days of the run
ROWS = "appointment_id,clinic,appointment_at,status,provider,provider_name,patient_id\n"
NEVER = ["Whitaker", "Jane", "12345678", "48213377", "MRN 48213377", "1961-03-04"]


def _rows(prefix: str, provider_name: str, day: str) -> str:
    return "".join(f"{prefix}{i},north,{day}T09:{10 + i}:00,{'no_show' if i == 0 else 'completed'},dr-x,"
                   f"{provider_name},P{prefix}{i}\n" for i in range(5))


def _everything_sent(slack: SlackStandIn, ack: BoltResponse) -> str:
    # both commands answer through the response_url; other Web API calls (a user lookup) may come
    # first, so wait for the answer itself, not for the first call (under load the answer is slow)
    deadline = time.monotonic() + 30
    while not slack.response_posts and time.monotonic() < deadline:
        time.sleep(0.02)
    slack.wait_until_quiet(idle=0.25, timeout=15)
    sent = [ack.body or ""]
    sent += [json.dumps(c.params, ensure_ascii=False) for c in slack.calls]
    sent += [json.dumps(c.params, ensure_ascii=False) for c in slack.response_posts]
    return "\n".join(sent)


@pytest.fixture
def dropped(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[tuple[App, SlackStandIn]]:
    config = tmp_path / "org.yml"
    config.write_text(ORG_YAML)
    drop = tmp_path / "drop"
    drop.mkdir()
    today = datetime.now(UTC).date().isoformat()
    (drop / NAMED_FILE).write_text(ROWS + _rows("A", "Maria Silva", today))
    # every row rejected: the file goes to failed/ and status shows its long failure message
    (drop / f"appointments-{today}-Jane-Whitaker-dob-1961-03-04.csv").write_text(
        ROWS + _rows("B", "MRN 48213377 Smith", today))
    old = time.time() - 60
    for p in drop.iterdir():
        os.utime(p, (old, old))
    ctx = JobContext(org=load_org_config(config), alerts=AlertSettings(), sessions=sessions,
                     extra={"drop_dir": drop, "pseudonym_key": "k"})
    assert run(ctx, None, datetime.now(UTC))["imported"] == 1  # the hostile file: every row rejected
    with SlackStandIn() as slack:
        settings = load_settings(SLACK_BOT_TOKEN="xoxb-drop-test", SLACK_SIGNING_SECRET=SECRET,
                                 SLACK_API_URL=slack.base_url, OPSBOT_CONFIG=str(config), OPSBOT_DROP_DIR=str(drop))
        yield create_app(settings, engine, sessions), slack


def _slash(app: App, slack: SlackStandIn, command: str, text: str, user: str) -> str:
    slack.calls.clear()
    slack.response_posts.clear()
    body = slash_command_body(command, text, user_id=user, trigger_id="1.2.trig", response_url=slack.new_response_url())
    ack = app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
    assert ack.status == 200
    return _everything_sent(slack, ack)


def test_status_shows_file_names_through_the_guard(dropped: tuple[App, SlackStandIn]) -> None:
    app, slack = dropped
    sent = _slash(app, slack, "/opsbot", "status", "U0ADMIN")
    assert "appointments-for-[name]-MRN[record number]" in sent  # the file is still named, by its kinds
    assert "Imported 5 appointments" in sent
    assert "-[name]-dob-[date of birth].csv: failed: Nothing imported" in sent
    assert not [s for s in NEVER if s in sent], sent[:2000]


def test_kpi_by_provider_never_shows_the_hostile_provider_name(dropped: tuple[App, SlackStandIn]) -> None:
    app, slack = dropped
    sent = _slash(app, slack, "/kpi", "no-show-rate clinic north by provider last 30 days", "U0MGR")
    assert "Maria Silva" in sent  # the clean file's provider: 1 no-show of 5 appointments
    assert "20" in sent
    assert not [s for s in NEVER if s in sent], sent[:2000]
