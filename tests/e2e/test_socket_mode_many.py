"""Issue 13 finding 1: over ONE Socket Mode connection, every slash command and interaction of a
process is answered, not only the first (Bolt gives Socket Mode listeners an empty raw body, so a
guard keyed on it dropped every later delivery as a "duplicate").

Frames are shaped as Slack's own Socket Mode envelopes (``shared/slack/socket_mode_messages.json``,
from python-slack-sdk's tests) and the block_actions payload from bolt-python's tests.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from pathlib import Path

from devtools.standin import SlackStandIn
from tests.e2e.test_socket_mode import socket_bot  # noqa: F401 - fixture

COMMANDS = [("/kpi", "help"), ("/kpi", "no_show_rate"), ("/idea", "help"), ("/pdsa", "help"),
            ("/digest", "help"), ("/digest", "list"), ("/opsbot", "help"), ("/kpi", "kpis"),
            ("/pdsa", "list"), ("/idea", "list")]


def _envelopes(shared_dir: Path, slack: SlackStandIn) -> list[tuple[str, dict]]:
    """(what answers it, envelope): 50 slash commands, 10 block_actions, 10 message shortcuts."""
    fixture = json.loads((shared_dir / "slack" / "socket_mode_messages.json").read_text())
    slash = next(e for e in fixture["envelopes"] if e["type"] == "slash_commands")
    shortcut = next(e for e in fixture["envelopes"] if e["type"] == "interactive")
    action = json.loads((shared_dir / "slack" / "block_actions.json").read_text())["payload"]
    out: list[tuple[str, dict]] = []
    for i in range(50):
        command, text = COMMANDS[i % len(COMMANDS)]
        env = copy.deepcopy(slash)
        env["payload"].update(command=command, text=f"{text}" if i < len(COMMANDS) else f"{text} {i}",
                              user_id=f"U{i:08d}", response_url=slack.new_response_url(),
                              trigger_id=f"{i}.222.{uuid.uuid4().hex}")
        out.append(("command", env))
    for i in range(10):
        payload = copy.deepcopy(action)
        payload["trigger_id"] = f"{100 + i}.333.{uuid.uuid4().hex}"
        payload["actions"][0].update(action_id="home_new_idea", value="new", action_ts=f"{time.time():.6f}")
        payload["response_url"] = slack.new_response_url()
        out.append(("views.open", {"envelope_id": "", "payload": payload, "type": "interactive",
                                   "accepts_response_payload": False}))
    for i in range(10):
        env = copy.deepcopy(shortcut)
        env["payload"].update(type="message_action", callback_id="idea_from_message",
                              trigger_id=f"{200 + i}.444.{uuid.uuid4().hex}",
                              message={"type": "message", "text": f"Front desk queue idea {i}", "ts": f"{i}.1"},
                              channel={"id": "C111", "name": "random"}, response_url=slack.new_response_url())
        out.append(("views.open", env))
    for _, env in out:
        env["envelope_id"] = str(uuid.uuid4())
    return out


def _answered(slack: SlackStandIn, kind: str, env: dict, ack: dict | None) -> bool:
    payload = env["payload"]
    if ack is None:
        return False
    if kind == "views.open":
        return any(c.params.get("trigger_id") == payload["trigger_id"] for c in slack.calls_to("views.open"))
    if ack.get("payload"):
        return True
    path = payload["response_url"].split("/", 3)[-1]
    if any(c.headers.get("X-Path", "").lstrip("/") == path for c in slack.response_posts):
        return True
    return any(c.params.get("trigger_id") == payload["trigger_id"] for c in slack.calls_to("views.open")) or any(
        c.params.get("user") == payload["user_id"] for c in slack.calls_to("chat.postEphemeral"))


def test_70_deliveries_over_one_connection_get_70_answers(socket_bot, shared_dir: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    slack, proc = socket_bot
    envelopes = _envelopes(shared_dir, slack)
    assert len({json.dumps(e["payload"], sort_keys=True) for _, e in envelopes}) == 70
    for _, env in envelopes:
        slack.socket.send(env)
    acks = {kind_env[1]["envelope_id"]: slack.socket.wait_for_ack(kind_env[1]["envelope_id"], timeout=60)
            for kind_env in envelopes}
    slack.wait_until_quiet(idle=1.0, timeout=60)
    unanswered = [(e["payload"].get("command") or e["payload"].get("type"), e["payload"].get("text"))
                  for kind, e in envelopes if not _answered(slack, kind, e, acks[e["envelope_id"]])]
    assert unanswered == [], proc.output()[-3000:]
    assert sum(a is not None for a in acks.values()) == 70
    assert slack.socket.connect_count == 1  # all over one connection
    assert "duplicate delivery" not in proc.output()
