"""What the "Close cycle" form refuses, judged by the server (tester's item 1), end to end: signed
payloads through the real Bolt app against the stand-in Slack.

Expected replies come from Slack's modal validation (API docs, "Handling view_submission":
``{"response_action": "errors", "errors": {block_id: message}}``, block ids ``pdsa_act`` and
``pdsa_study`` of the form) and from the rule that a cycle closes with an Act decision and a Study
note (what was learnt). ``optional: false`` on the Act block is enforced by Slack clients only, so
these submissions are the ones a client (or anyone with the signing secret) could send anyway.
A cycle id with no row is said to be gone, like an alert ("That alert no longer exists.").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ids import Action, Callback
from storage.models import PdsaCycle
from tests.e2e.slack_payloads import InProcessBot, idea_values, in_process_bot, pdsa_start_values, text_input

pytestmark = pytest.mark.e2e
ORG_YAML = """
clinics:
  - {key: north, name: North Family Practice, timezone: America/New_York}
roles:
  manager: {north: [U0OWNER]}
"""
NO_ACT = "Choose adopt, adapt or abandon to close the cycle."
NO_STUDY = "Say what was learnt (Study) to close the cycle."


@pytest.fixture
def bot(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[InProcessBot]:
    with in_process_bot(ORG_YAML, tmp_path, engine, sessions) as bot:
        yield bot


def act(value: str | None) -> dict[str, Any]:
    return {"value": {"type": "radio_buttons", "selected_option": {"value": value} if value else None}}


def open_cycle(bot: InProcessBot) -> int:
    """Cycle 1 of a new idea, started by U0OWNER: its id."""
    idea_id = bot.idea_stored(idea_values("Huddle at 8:00", "Late starts", "Daily huddle"))
    bot.slash("/pdsa", f"start {idea_id}", user_id="U0OWNER")
    view = bot.slack.wait_for("views.open")[0].params["view"]
    bot.submit(Callback.PDSA_START, pdsa_start_values(), user_id="U0OWNER", private_metadata=view["private_metadata"])
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        return s.scalars(select(PdsaCycle.id)).one()


def close_form(bot: InProcessBot, cycle_id: int) -> dict[str, Any]:
    """The view the reminder's "Close cycle" button opens."""
    bot.click(Action.PDSA_CLOSE, str(cycle_id), user_id="U0OWNER")
    return bot.slack.wait_for("views.open", 2)[-1].params["view"]


def submit(bot: InProcessBot, view: dict[str, Any], do: str, study: str, decision: str | None) -> dict[str, Any]:
    values = {"pdsa_observations": text_input(do), "pdsa_study": text_input(study), "pdsa_act": act(decision)}
    resp = bot.submit(Callback.PDSA_UPDATE, values, user_id="U0OWNER", private_metadata=view["private_metadata"])
    assert resp.status == 200
    return json.loads(resp.body) if resp.body else {}


def status(bot: InProcessBot, cycle_id: int) -> tuple[str, str | None]:
    with bot.sessions() as s:
        cycle = s.get(PdsaCycle, cycle_id)
        assert cycle is not None
        return cycle.status, cycle.act


def test_the_close_form_refuses_an_empty_act_on_the_act_block(bot: InProcessBot) -> None:
    cycle_id = open_cycle(bot)
    view = close_form(bot, cycle_id)
    assert view["title"]["text"] == f"Close cycle #{cycle_id}"
    reply = submit(bot, view, "Huddles held 4 of 5 days", "On-time starts rose", None)
    assert reply == {"response_action": "errors", "errors": {"pdsa_act": NO_ACT}}
    assert status(bot, cycle_id) == ("open", None)
    bot.slack.wait_until_quiet()
    assert not [c for c in bot.slack.calls_to("chat.postMessage") if "Update saved" in c.params["text"]]


def test_closing_without_a_study_note_is_refused_on_the_study_block(bot: InProcessBot) -> None:
    cycle_id = open_cycle(bot)
    view = close_form(bot, cycle_id)
    reply = submit(bot, view, "", "  ", "adopt")
    assert reply == {"response_action": "errors", "errors": {"pdsa_study": NO_STUDY}}
    assert status(bot, cycle_id) == ("open", None)


def test_an_empty_close_form_names_both_blocks_at_once(bot: InProcessBot) -> None:
    cycle_id = open_cycle(bot)
    reply = submit(bot, close_form(bot, cycle_id), "", "", None)
    assert reply == {"response_action": "errors", "errors": {"pdsa_act": NO_ACT, "pdsa_study": NO_STUDY}}
    assert status(bot, cycle_id) == ("open", None)


def test_the_plain_update_form_also_needs_a_study_note_to_close(bot: InProcessBot) -> None:
    """The rule is the server's, whichever form (or hand-made payload) carries the Act decision."""
    cycle_id = open_cycle(bot)
    update = {"private_metadata": json.dumps({"cycle_id": cycle_id})}
    assert submit(bot, update, "Huddles held", "", "abandon")["errors"] == {"pdsa_study": NO_STUDY}
    assert submit(bot, update, "Huddles held", "", None) == {}  # a plain update needs no Act
    assert status(bot, cycle_id) == ("open", None)


def test_a_close_with_act_and_study_closes_the_cycle(bot: InProcessBot) -> None:
    cycle_id = open_cycle(bot)
    assert submit(bot, close_form(bot, cycle_id), "", "On-time starts rose from 60% to 85%", "adopt") == {}
    assert status(bot, cycle_id) == ("closed", "adopt")


def test_closing_a_cycle_that_does_not_exist_says_it_no_longer_exists(bot: InProcessBot) -> None:
    bot.click(Action.PDSA_CLOSE, "999", user_id="U0OWNER")
    told = bot.slack.wait_for("response_url")[0].params["text"]
    assert "That PDSA cycle no longer exists." in told
    assert "role" not in told and "can't do that" not in told
