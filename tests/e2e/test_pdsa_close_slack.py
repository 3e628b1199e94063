"""The reminder's "Close cycle" button end to end: the reminder job's DM, the click and the modal
submission as Slack sends them, through the real Bolt app against the stand-in Slack.

Expected behaviour (tester's item 2): closing from the reminder follows the same lifecycle as
closing with ``/pdsa update`` — an Act decision is asked for (the update modal, Act required), and
the idea moves with it (abandon → ``abandoned``, with a history line naming the cycle). Nothing
closes on the click alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.ids import Action, Callback
from devtools.signing import block_actions_payload, interactive_body, slash_command_body, view_submission_payload
from jobs import pdsa_reminders
from storage.models import Idea, IdeaStateChange, PdsaCycle, utcnow
from tests.e2e.slack_payloads import BOT_TOKEN, InProcessBot, idea_values, in_process_bot
from tests.e2e.test_ideas_slack import ORG_YAML, body_json

pytestmark = pytest.mark.e2e


@pytest.fixture
def bot(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[InProcessBot]:
    with in_process_bot(ORG_YAML, tmp_path, engine, sessions) as bot:
        yield bot


def txt(v: str) -> dict[str, Any]:
    return {"value": {"type": "plain_text_input", "value": v}}


def act(v: str | None) -> dict[str, Any]:
    return {"value": {"type": "radio_buttons", "selected_option": {"value": v} if v else None}}


def started_cycle(bot: InProcessBot) -> tuple[int, int]:
    """An idea with cycle 1 open, owned by U0OWNER: (idea id, cycle id)."""
    bot.submit_idea(idea_values("Huddle at 8:00", "Late starts", "Daily huddle"))
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        idea_id = s.scalars(select(Idea.id)).one()
    bot.send(slash_command_body("/pdsa", f"start {idea_id}", user_id="U0OWNER",
                                response_url=bot.slack.new_response_url()))
    view = bot.slack.wait_for("views.open")[0].params["view"]
    start = {"pdsa_objective": txt("Start on time"), "pdsa_number": txt("1"),
             "pdsa_kpi": {"value": {"type": "static_select", "selected_option": None}}}
    bot.send(interactive_body(view_submission_payload(
        Callback.PDSA_START, start, user_id="U0OWNER", private_metadata=view["private_metadata"])))
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        return idea_id, s.scalars(select(PdsaCycle.id)).one()


def reminder_close_button(bot: InProcessBot) -> dict[str, Any]:
    """Run the reminder job 8 days on (default reminder: 7 days) and return the DM's close button."""
    client = WebClient(token=BOT_TOKEN, base_url=bot.slack.base_url)
    pdsa_reminders.run(bot.sessions, client, utcnow() + timedelta(days=8))
    posted = bot.slack.wait_for("chat.postMessage")[-1].params
    blocks = posted["blocks"] if isinstance(posted["blocks"], list) else json.loads(posted["blocks"])
    buttons = [e for b in blocks for e in b.get("elements", []) if e.get("action_id") == Action.PDSA_CLOSE]
    assert len(buttons) == 1
    return buttons[0]


def state(bot: InProcessBot, idea_id: int, cycle_id: int) -> tuple[str, str, str | None, list[tuple[str, str, str]]]:
    with bot.sessions() as s:
        cycle = s.get(PdsaCycle, cycle_id)
        history = s.scalars(select(IdeaStateChange).where(IdeaStateChange.idea_id == idea_id)
                            .order_by(IdeaStateChange.id)).all()
        return (s.get(Idea, idea_id).state, cycle.status, cycle.act,
                [(h.from_state, h.to_state, h.reason or "") for h in history])


def test_close_button_asks_for_the_act_decision_and_the_idea_moves_with_it(bot: InProcessBot) -> None:
    idea_id, cycle_id = started_cycle(bot)
    button = reminder_close_button(bot)
    assert button["value"] == str(cycle_id)
    opened = len(bot.slack.calls_to("views.open"))
    bot.send(interactive_body(block_actions_payload(Action.PDSA_CLOSE, button["value"], user_id="U0MGR",
                                                    channel_id="D0OWNER",
                                                    response_url=bot.slack.new_response_url())))
    view = bot.slack.wait_for("views.open", count=opened + 1)[-1].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == Callback.PDSA_UPDATE
    assert view["title"]["text"] == f"Close cycle #{cycle_id}"
    act_block = next(b for b in view["blocks"] if b.get("block_id") == "pdsa_act")
    assert act_block.get("optional", False) is False  # the Act decision is required to close
    bot.slack.wait_until_quiet()
    # the click alone closes nothing: the idea is still testing with its cycle open
    assert state(bot, idea_id, cycle_id)[:3] == ("testing", "open", None)

    values = {"pdsa_observations": txt("Huddles skipped most days"), "pdsa_study": txt("No change in late starts"),
              "pdsa_act": act("abandon")}
    resp = bot.send(interactive_body(view_submission_payload(
        Callback.PDSA_UPDATE, values, user_id="U0MGR", private_metadata=view["private_metadata"])))
    assert resp.status == 200 and not body_json(resp).get("errors")
    bot.slack.wait_until_quiet()
    idea_state, status, decision, history = state(bot, idea_id, cycle_id)
    assert (idea_state, status, decision) == ("abandoned", "closed", "abandon")
    assert history[-1] == ("testing", "abandoned", "PDSA cycle 1: abandon — No change in late starts")


def test_close_button_on_a_closed_cycle_says_so_and_opens_nothing(bot: InProcessBot) -> None:
    idea_id, cycle_id = started_cycle(bot)
    values = {"pdsa_observations": txt(""), "pdsa_study": txt("Worked"), "pdsa_act": act("adopt")}
    bot.send(interactive_body(view_submission_payload(
        Callback.PDSA_UPDATE, values, user_id="U0OWNER", private_metadata=json.dumps({"cycle_id": cycle_id}))))
    bot.slack.wait_until_quiet()
    assert state(bot, idea_id, cycle_id)[:3] == ("adopted", "closed", "adopt")
    opened = len(bot.slack.calls_to("views.open"))
    url = bot.slack.new_response_url()
    bot.send(interactive_body(block_actions_payload(Action.PDSA_CLOSE, str(cycle_id), user_id="U0MGR",
                                                    channel_id="D0OWNER", response_url=url)))
    reply = bot.slack.wait_for("response_url")[-1].params
    assert reply["text"] == f"PDSA cycle #{cycle_id} is already closed (adopt)."
    bot.slack.wait_until_quiet()
    assert len(bot.slack.calls_to("views.open")) == opened
