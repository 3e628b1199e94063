"""manifest.yml against the running app: every subscribed event, the message shortcut and every
slash command reach a listener of the real Bolt app (``create_app``), which acknowledges them
with 200 — none gets Bolt's 404 "unhandled request", which Slack would retry (events) or show
as a failure (commands). Revocation events are recorded (single-token mode)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from slack_bolt import BoltRequest
from sqlalchemy import select

from bot.settings import load_settings
from devtools.asking import LocalSlack
from devtools.signing import event_body, interactive_body, signed_headers, slash_command_body
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import SlackRevocation

REPO = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((REPO / "manifest.yml").read_text())


def event_for(name: str) -> dict:
    """A minimal event of manifest event ``name`` (``message.im`` → a message in an IM)."""
    if name.startswith("message."):
        kind = name.split(".", 1)[1]
        channel_type = {"im": "im", "channels": "channel", "groups": "group"}[kind]
        return {"type": "message", "channel_type": channel_type, "channel": "D0X" if kind == "im" else "C0X",
                "user": "U0NURSE", "text": "hello", "ts": "1700000000.000100"}
    extra = {"subteam_members_changed": {"subteam_id": "S0NURSES", "added_users": ["U0A"], "removed_users": []},
             "subteam_created": {"subteam": {"id": "S0NEW", "handle": "new"}},
             "subteam_updated": {"subteam": {"id": "S0NURSES", "users": ["U0A"]}},
             "tokens_revoked": {"tokens": {"bot": ["B0BOT"]}},
             "app_mention": {"user": "U0NURSE", "text": "<@U0BOT> hi", "channel": "C0X", "ts": "1.1"},
             "app_home_opened": {"user": "U0NURSE", "channel": "D0X", "tab": "home"}}
    return {"type": name, **extra.get(name, {})}


@pytest.fixture
def bot(sqlite_url: str) -> Iterator[LocalSlack]:
    engine = make_engine(sqlite_url)
    with LocalSlack(load_settings(DATABASE_URL=sqlite_url), engine, make_session_factory(engine)) as local:
        yield local
    engine.dispose()


def dispatch(bot: LocalSlack, body: str) -> int:
    assert bot.app is not None
    return bot.app.dispatch(BoltRequest(body=body, headers=signed_headers(bot.secret, body))).status


@pytest.mark.parametrize("name", MANIFEST["settings"]["event_subscriptions"]["bot_events"])
def test_every_subscribed_event_is_acknowledged_by_a_listener(bot: LocalSlack, name: str) -> None:
    assert dispatch(bot, event_body(event_for(name))) == 200


def test_an_event_the_manifest_does_not_subscribe_to_is_not_handled(bot: LocalSlack) -> None:
    # the check above can fail: Bolt answers 404 for an event without a listener
    assert dispatch(bot, event_body({"type": "reaction_added", "user": "U0A", "reaction": "+1"})) == 404


def test_every_shortcut_and_command_reaches_a_listener(bot: LocalSlack) -> None:
    for shortcut in MANIFEST["features"]["shortcuts"]:
        payload = {"type": "message_action", "callback_id": shortcut["callback_id"], "trigger_id": "1.2.3",
                   "team": {"id": "T0LOCAL", "domain": "x"}, "user": {"id": "U0NURSE", "team_id": "T0LOCAL"},
                   "channel": {"id": "C0X", "name": "x"}, "message": {"type": "message", "text": "wait times", "ts": "1.1",
                                                                       "user": "U0NURSE"},
                   "message_ts": "1.1", "response_url": bot.standin.new_response_url(), "token": "t"}
        assert dispatch(bot, interactive_body(payload)) == 200, shortcut["callback_id"]
    for command in MANIFEST["features"]["slash_commands"]:
        body = slash_command_body(command["command"], "help", response_url=bot.standin.new_response_url())
        assert dispatch(bot, body) == 200, command["command"]


def test_revocations_are_recorded_with_one_bot_token(bot: LocalSlack) -> None:
    assert dispatch(bot, event_body(event_for("tokens_revoked"))) == 200
    assert dispatch(bot, event_body({"type": "app_uninstalled"})) == 200
    bot._settle(10)  # the listeners record after acknowledging
    with session_scope(bot.sessions) as s:
        rows = sorted((r.event, r.team_id, r.detail) for r in s.scalars(select(SlackRevocation)))
    assert rows == [("app_uninstalled", "T0LOCAL", None), ("tokens_revoked", "T0LOCAL", "bot: 1")]
