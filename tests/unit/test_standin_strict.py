"""The strict stand-in's rules, checked against cases Slack's own documentation settles."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.slack.api_errors import BOT_NAME, plain_words
from devtools.standin.slash import delivered_text, should_escape
from devtools.standin.strict import message_problem, view_problem

REPO = Path(__file__).resolve().parents[2]


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def test_message_limits_as_slack_documents_them() -> None:
    assert message_problem({"text": "hi"}) is None
    assert message_problem({}) == ("no_text", ["a message needs text or blocks"])
    assert message_problem({"text": "x" * 40_001})[0] == "msg_too_long"
    assert message_problem({"blocks": [section("x" * 3_000)], "text": "t"}) is None
    assert message_problem({"blocks": [section("x" * 3_001)], "text": "t"})[0] == "invalid_blocks"
    assert message_problem({"blocks": [{"type": "divider"}] * 51, "text": "t"})[0] == "invalid_blocks"
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "x" * 3_001}]}
    assert message_problem({"blocks": [context], "text": "t"})[0] == "invalid_blocks"  # finding 2
    assert message_problem({"blocks": [{"type": "no_such_block"}], "text": "t"})[0] == "invalid_blocks"
    assert message_problem({"blocks": [section("x" * 2_900)] * 5, "text": "t"})[0] == "msg_blocks_too_long"


def test_view_limits() -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 24}, "blocks": [section("ok")]}
    assert view_problem({"view": view}) is None
    assert view_problem({"view": {**view, "title": {"type": "plain_text", "text": "x" * 25}}})[0] == "invalid_arguments"
    select = {"type": "static_select", "action_id": "a", "options": [
        {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(101)]}
    assert view_problem({"view": {**view, "blocks": [{"type": "input", "block_id": "b", "label": {
        "type": "plain_text", "text": "Clinic"}, "element": select}]}})[0] == "invalid_arguments"


def test_slash_text_arrives_as_the_manifest_says() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    for entry in manifest["features"]["slash_commands"]:
        typed = "grant @nurse.jane manager north in #ops"
        got = delivered_text(entry["command"], typed, users={"nurse.jane": "U0JANE"}, channels={"ops": "C0OPS"})
        if entry.get("should_escape", False):
            assert got == "grant <@U0JANE|nurse.jane> manager north in <#C0OPS|ops>"
        else:
            assert got == typed
    with pytest.raises(KeyError):
        should_escape("/nope")


def test_invite_hint_names_the_app_as_the_manifest_does() -> None:
    manifest = yaml.safe_load((REPO / "manifest.yml").read_text())
    assert manifest["display_information"]["name"] == BOT_NAME
    assert f"/invite @{BOT_NAME}" in (plain_words("not_in_channel", "C1") or "")
