"""Text typed after a slash command is never sent back to Slack while it holds a patient identifier.

Every command (``/idea``, ``/pdsa``, ``/kpi``, ``/digest``, ``/opsbot``) is driven as Slack sends it
(signed form body through the real Bolt app; Web API and response_url answered by the stand-in)
with hostile texts: a name with a title, a date of birth, an MRN, an SSN, a phone number, a street
address. Nothing that reaches Slack (the ack body, every Web API call, every response_url post)
may hold any of those values; where the command would have echoed the text (the idea form's
title), the person is told which kind of identifier was found and to remove it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import BoltResponse
from sqlalchemy.orm import Session, sessionmaker

from bot.ids import Callback
from bot.views.ideas import IdeaField
from tests.e2e.slack_payloads import InProcessBot, in_process_bot

pytestmark = pytest.mark.e2e
TRIGGER = "1.2.trig"
ORG_YAML = """
organisation: Test Health
clinics:
  - key: north
    name: North Family Practice
    timezone: America/New_York
  - key: south
    name: South Clinic
    timezone: America/Chicago
roles:
  admin: [U0ADMIN]
  manager: {north: [U0MGR]}
"""

# (hostile text, the values in it that must never reach Slack, the kind the guard must name)
HOSTILE = [
    ("Call patient Maria Gonzalez DOB 03/14/1962 MRN 4481920 about her refill",
     ["Gonzalez", "03/14/1962", "4481920"], "date of birth"),
    ("Mrs. Eleanor Whitfield missed her visit", ["Eleanor", "Whitfield"], "person's name"),
    ("pt SSN 123-45-6789 on file", ["123-45-6789", "6789"], "social security number"),
    ("call back at (423) 555-0187 tomorrow", ["555-0187", "0187"], "phone number"),
    ("lives at 1420 Oak Street, Kingsport TN 37660", ["1420 Oak", "37660", "Kingsport"], "street address"),
    ("MRN 00482913 waited two hours", ["00482913"], "medical record number"),
]

# every command's place for free text (``{}`` is the hostile text)
SHAPES = [
    ("/idea", "{}"), ("/idea", "list {}"), ("/idea", "show {}"), ("/idea", "status 1 declined {}"),
    ("/idea", "status {}"), ("/pdsa", "{}"), ("/pdsa", "start {}"), ("/pdsa", "list clinic {}"),
    ("/pdsa", "update {}"), ("/kpi", "{}"), ("/kpi", "no-show rate at {}"), ("/kpi", "no-show rate {}"),
    ("/digest", "{}"), ("/digest", "preview {}"), ("/digest", "subscribe {}"), ("/digest", "unsubscribe {}"),
    ("/opsbot", "{}"), ("/opsbot", "roles {}"), ("/opsbot", "roles grant {}"),
    ("/opsbot", "roles grant <@U0NEW> manager {}"), ("/opsbot", "roles revoke {}"),
]


@pytest.fixture
def bot(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[InProcessBot]:
    with in_process_bot(ORG_YAML, tmp_path, engine, sessions) as bot:
        yield bot


def _everything_sent(bot: InProcessBot, ack: BoltResponse) -> str:
    """The ack body and every call the bot made, once the first reply has come and Slack is quiet."""
    deadline = time.monotonic() + 15
    while not (bot.slack.calls or bot.slack.response_posts or ack.body) and time.monotonic() < deadline:
        time.sleep(0.02)
    bot.slack.wait_until_quiet(idle=0.25, timeout=15)
    sent = [ack.body or ""]
    sent += [json.dumps(c.params, ensure_ascii=False) for c in bot.slack.calls]
    sent += [json.dumps(c.params, ensure_ascii=False) for c in bot.slack.response_posts]
    return "\n".join(sent)


@pytest.mark.parametrize("user", ["U0ADMIN", "U0ANYONE"])
@pytest.mark.parametrize("command,shape", SHAPES)
def test_no_command_sends_a_typed_identifier_back(bot: InProcessBot, command: str, shape: str, user: str) -> None:
    for text, secrets, _kind in HOSTILE:
        bot.slack.calls.clear()
        bot.slack.response_posts.clear()
        ack = bot.slash(command, shape.format(text), user_id=user, trigger_id=TRIGGER)
        assert ack.status == 200
        sent = _everything_sent(bot, ack)
        assert sent.strip(), f"{command} {shape}: no answer at all"
        leaked = [s for s in secrets if s in sent]
        assert not leaked, f"{command} {shape.format(text)!r} as {user} sent {leaked} back to Slack:\n{sent[:1500]}"


@pytest.mark.parametrize("text,secrets,kind", HOSTILE)
def test_idea_text_with_an_identifier_opens_an_empty_form_naming_the_kind(
        bot: InProcessBot, text: str, secrets: list[str], kind: str) -> None:
    bot.slash("/idea", text, user_id="U0MGR", trigger_id=TRIGGER)
    view = bot.slack.wait_for("views.open")[0].params["view"]
    title = next(b for b in view["blocks"] if b.get("block_id") == IdeaField.TITLE)
    assert not title["element"].get("initial_value")
    shown = json.dumps(view, ensure_ascii=False)
    assert kind in shown
    assert "remove" in shown.lower()
    assert not [s for s in secrets if s in shown]


def test_idea_text_without_an_identifier_still_prefills_the_title(bot: InProcessBot) -> None:
    bot.slash("/idea", "Text reminders two days before visits", user_id="U0MGR", trigger_id=TRIGGER)
    view = bot.slack.wait_for("views.open")[0].params["view"]
    title = next(b for b in view["blocks"] if b.get("block_id") == IdeaField.TITLE)
    assert title["element"]["initial_value"] == "Text reminders two days before visits"
    assert "identifier" not in json.dumps(view["blocks"][0]).lower()


def test_idea_from_a_message_with_an_identifier_opens_an_empty_form(bot: InProcessBot) -> None:
    """The "Make an idea" message shortcut copies a message's text into the form: the same rule."""
    payload = {"type": "message_action", "callback_id": Callback.IDEA_FROM_MESSAGE, "trigger_id": "9.9.trig",
               "user": {"id": "U0MGR", "team_id": "T0LOCAL"}, "team": {"id": "T0LOCAL", "domain": "local"},
               "channel": {"id": "C0LOCAL", "name": "clinic-ops"}, "action_ts": "1.2",
               "response_url": bot.slack.new_response_url(), "token": "verification_token",
               "message_ts": "1.1", "message": {"type": "message", "user": "U0X", "ts": "1.1",
                                                "text": "Front desk note\nMr. Delgado, DOB 7/2/1958, asked again"}}
    bot.interact(payload)
    view = bot.slack.wait_for("views.open")[0].params["view"]
    shown = json.dumps(view, ensure_ascii=False)
    assert "Delgado" not in shown and "7/2/1958" not in shown
    assert "date of birth" in shown


def test_a_late_reply_quotes_the_request_only_without_identifiers() -> None:
    """A reply owed after a restart says which request it answers (``asked``): never an identifier."""
    from handlers.digest import _work
    from handlers.kpi import _command_work

    for text, secrets, _kind in HOSTILE:
        for work in (_command_work({"text": text, "user_id": "U1"}), _work({"text": text, "user_id": "U1"})):
            assert not [s for s in secrets if s in work["asked"]]
            assert work["asked"] in ("/kpi …", "/digest …")
    assert _command_work({"text": "no-show rate at North"})["asked"] == "/kpi no-show rate at North"


def test_a_late_reply_quote_applies_the_organisations_own_patterns() -> None:
    """An organisation's ``phi_patterns`` (orgconfig's example: a badge number) keep a request out
    of the late reply's quote, as the built-in kinds do."""
    from bot.phi_guard import Guard
    from handlers.digest import _work
    from handlers.kpi import _command_work

    org_guard = Guard.build({"badge number": r"BADGE-\d{6}"}, [])
    body = {"text": "no-show rate for BADGE-204511", "user_id": "U1"}
    assert _command_work(body)["asked"] == "/kpi no-show rate for BADGE-204511"  # not a built-in kind
    assert _command_work(body, org_guard)["asked"] == "/kpi …"
    assert _work(body, org_guard)["asked"] == "/digest …"
