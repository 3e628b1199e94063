"""Ideas and PDSA end to end: signed Slack payloads through the real Bolt app (``create_app``)
in-process, Web API calls answered by the Slack stand-in on 127.0.0.1, both databases.

Payload shapes come from ``devtools.signing`` (built on the genuine fixtures in ``shared/slack``); one
test also replays the genuine ``view_submission.json`` / ``block_actions.json`` with our ids.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import BoltResponse
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.ids import Action, Callback
from bot.views.ideas import IdeaField
from devtools.signing import event_body
from storage.models import Idea, IdeaStateChange, IdeaVote
from tests.e2e.slack_payloads import InProcessBot, idea_values, in_process_bot, pdsa_start_values, text_input

pytestmark = pytest.mark.e2e
IMPROVE = "C0IMPROVE"
ORG_YAML = f"""
organisation: Test Health
clinics:
  - key: north
    name: North Family Practice
    timezone: America/New_York
    channels: {{improvement: {IMPROVE}}}
  - key: south
    name: South Clinic
    timezone: America/Chicago
roles:  # issue 8: moving ideas and running PDSA cycles need the manager role
  manager: {{north: [U0MGR, U0OWNER]}}
"""


@pytest.fixture
def bot(tmp_path: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[InProcessBot]:
    with in_process_bot(ORG_YAML, tmp_path, engine, sessions) as bot:
        yield bot


def body_json(resp: BoltResponse) -> dict[str, Any]:
    return json.loads(resp.body) if resp.body else {}


def eventually(probe: Any, timeout: float = 5.0) -> Any:
    """``probe()`` once it returns something truthy (work after ``ack`` runs on Bolt's threads)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        got = probe()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as s:
        return len(s.scalars(select(model)).all())


def test_slash_idea_opens_the_form_with_the_trigger_id(bot: InProcessBot) -> None:
    assert bot.slash("/idea", "", user_id="U0NAMED", trigger_id="123.456.abc").status == 200
    call = bot.slack.wait_for("views.open")[0]
    assert call.params["trigger_id"] == "123.456.abc"
    view = call.params["view"]
    assert view["callback_id"] == Callback.IDEA_SUBMIT
    clinic_block = next(b for b in view["blocks"] if b.get("block_id") == IdeaField.CLINIC)
    assert [o["value"] for o in clinic_block["element"]["options"]] == ["north", "south"]


@pytest.mark.parametrize("problem,kind", [
    ("Pt with MRN 12345678 waited 2 hours", "medical record number"),
    ("Patient (DOB 03/04/1975) was double booked", "date of birth"),
])
def test_submission_with_identifier_is_refused_and_nothing_is_stored(bot: InProcessBot, problem: str, kind: str) -> None:
    resp = bot.submit_idea(idea_values("Double booking", problem, "Check the schedule"))
    out = body_json(resp)
    assert out["response_action"] == "errors"
    message = out["errors"][IdeaField.PROBLEM]
    assert kind in message
    assert "12345678" not in message and "1975" not in message  # the value is never echoed
    assert count(bot.sessions, Idea) == 0
    assert count(bot.sessions, IdeaStateChange) == 0
    assert bot.slack.calls_to("chat.postMessage") == []


def test_anonymous_idea_stores_no_user_id_in_any_row(bot: InProcessBot, engine: Any) -> None:
    user = "U0SECRETAUTHOR"
    resp = bot.submit_idea(idea_values("Pre-visit calls for new patients", "New patients arrive without forms",
                           "Call them two days before", anonymous=True), user=user)
    assert body_json(resp)["response_action"] == "update"
    post = bot.slack.wait_for("chat.postMessage")[0]
    assert post.params["channel"] == IMPROVE
    bot.slack.wait_until_quiet()
    found_rows = 0
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                found_rows += 1
                assert all(user not in str(v) for v in row.values()), (table, dict(row))
    assert found_rows >= 2  # the idea and its creation audit row
    with bot.sessions() as s:
        idea = s.scalars(select(Idea)).one()
        assert (idea.submitter_user_id, idea.created_at, idea.message_ts) == (None, None, None)
        assert idea.created_date.weekday() == 0  # coarsened to the Monday of the week
        change = s.scalars(select(IdeaStateChange)).one()
        assert (change.actor_user_id, change.changed_at) == (None, None)
    assert bot.slack.calls_to("conversations.open") == []  # no DM to the author
    assert user not in json.dumps(post.params)


def test_named_idea_is_posted_upvoted_once_and_moved_with_dm(bot: InProcessBot) -> None:
    resp = bot.submit_idea(idea_values("Text reminders for no-shows", "Many no-shows on Mondays", "Send SMS"))
    assert body_json(resp)["response_action"] == "update"
    bot.slack.wait_for("chat.postMessage")
    with bot.sessions() as s:
        idea = eventually(lambda: s.scalars(select(Idea).where(Idea.message_ts.is_not(None))).first())
        assert (idea.submitter_user_id, idea.channel_id) == ("U0NAMED", IMPROVE)
        ts = idea.message_ts
    for n, voter in enumerate(("U0V1", "U0V2"), start=1):
        assert bot.click(Action.IDEA_UPVOTE, str(idea.id), user_id=voter, channel_id=IMPROVE,
                         message_ts=ts).status == 200
        bot.slack.wait_for("chat.update", n)
    bot.click(Action.IDEA_UPVOTE, str(idea.id), user_id="U0V1", channel_id=IMPROVE,
              message_ts=ts)  # one vote a person: refused, politely
    assert "already upvoted" in bot.slack.wait_for("response_url")[0].params["text"]
    assert count(bot.sessions, IdeaVote) == 2
    updates = bot.slack.calls_to("chat.update")
    assert len(updates) == 2 and updates[-1].params["ts"] == ts
    assert "Upvote (2)" in json.dumps(updates[-1].params["blocks"])

    bot.click(f"{Action.IDEA_STATUS}:under_review", str(idea.id), user_id="U0MGR", channel_id=IMPROVE,
              message_ts=ts)
    dm = bot.slack.wait_for("conversations.open")[0]
    assert dm.params["users"] == "U0NAMED"
    msg = [c for c in bot.slack.wait_for("chat.postMessage", 2) if c.params["channel"].startswith("D")][0]
    assert "under review" in msg.params["text"] and "<@U0MGR>" in msg.params["text"]
    with bot.sessions() as s:
        moves = s.scalars(select(IdeaStateChange).order_by(IdeaStateChange.id)).all()
        assert [(m.from_state, m.to_state, m.actor_user_id) for m in moves] == [
            (None, "new", "U0NAMED"), ("new", "under_review", "U0MGR")]


def test_closing_by_command_needs_a_reason(bot: InProcessBot) -> None:
    idea_id = bot.idea_stored(idea_values("Restock gloves weekly", "We run out", "Weekly order"))
    bot.slash("/idea", f"status {idea_id} declined", user_id="U0MGR")
    reply = bot.slack.wait_for("response_url")[0].params
    assert "needs a reason" in reply["text"]
    bot.slash("/idea", f"status {idea_id} declined covered by the supplies project", user_id="U0MGR")
    bot.slack.wait_for("response_url", 2)
    with bot.sessions() as s:
        idea = s.get(Idea, idea_id)
        assert (idea.state, idea.close_reason) == ("declined", "covered by the supplies project")


def test_similar_title_offers_upvote_instead_then_submits_on_confirmation(bot: InProcessBot) -> None:
    bot.submit_idea(idea_values("Text message reminders for appointments", "no-shows", "SMS"))
    bot.slack.wait_until_quiet()
    out = body_json(bot.submit_idea(idea_values("Text reminders for appointments", "same", "SMS 2 days ahead")))
    assert out["response_action"] == "update"
    blocks = json.dumps(out["view"]["blocks"])
    assert "Similar ideas already exist" in blocks and Action.IDEA_UPVOTE_INSTEAD in blocks
    assert count(bot.sessions, Idea) == 1  # nothing stored until confirmed
    meta = out["view"]["private_metadata"]
    out2 = body_json(bot.submit_idea(idea_values("Text reminders for appointments", "same", "SMS 2 days ahead"),
                                metadata=meta))
    assert "saved" in json.dumps(out2["view"])
    assert count(bot.sessions, Idea) == 2


def test_clinic_without_improvement_channel_says_so(bot: InProcessBot) -> None:
    out = body_json(bot.submit_idea(idea_values("Better signage", "Patients get lost", "Signs", clinic="south")))
    assert "No improvement channel is configured for South Clinic" in json.dumps(out["view"])
    bot.slack.wait_until_quiet()
    assert bot.slack.calls_to("chat.postMessage") == []


def test_pdsa_start_update_adapt_and_home(bot: InProcessBot) -> None:
    idea_id = bot.idea_stored(idea_values("Huddle at 8:00", "Late starts", "Daily huddle"))
    bot.slash("/pdsa", f"start {idea_id}", user_id="U0OWNER")
    view = bot.slack.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == Callback.PDSA_START

    resp = bot.submit(Callback.PDSA_START, pdsa_start_values(), user_id="U0OWNER",
                      private_metadata=view["private_metadata"])
    assert resp.status == 200 and not resp.body
    bot.slack.wait_until_quiet()
    from storage.models import PdsaCycle
    with bot.sessions() as s:
        cycle = s.scalars(select(PdsaCycle)).one()
        assert (cycle.cycle_number, cycle.owner_user_id) == (1, "U0OWNER")
        assert s.get(Idea, idea_id).state == "testing"
        cycle_id = cycle.id
    update = {"pdsa_observations": text_input("Pt born 1975-03-04 arrived late"), "pdsa_study": text_input("x"),
              "pdsa_act": {"value": {"type": "radio_buttons", "selected_option": None}}}
    out = body_json(bot.submit(Callback.PDSA_UPDATE, update, user_id="U0OWNER",
                               private_metadata=json.dumps({"cycle_id": cycle_id})))
    assert "date of birth" in out["errors"]["pdsa_observations"]
    update["pdsa_observations"] = text_input("Huddles happened 4 of 5 days")
    update["pdsa_act"] = {"value": {"type": "radio_buttons", "selected_option": {"value": "adapt"}}}
    bot.submit(Callback.PDSA_UPDATE, update, user_id="U0OWNER", private_metadata=json.dumps({"cycle_id": cycle_id}))
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        cycles = s.scalars(select(PdsaCycle).order_by(PdsaCycle.id)).all()
        assert [(c.cycle_number, c.status, c.parent_id) for c in cycles] == [
            (1, "closed", None), (2, "open", cycle_id)]
    bot.send(event_body({"type": "app_home_opened", "user": "U0OWNER", "channel": "D0HOME", "tab": "home"}))
    home = bot.slack.wait_for("views.publish")[0].params
    assert home["user_id"] == "U0OWNER"
    assert "Huddle at 8:00" in json.dumps(home["view"]) and len(home["view"]["blocks"]) <= 100


def test_genuine_fixture_payloads_route_to_the_idea_listeners(bot: InProcessBot, shared_dir: Path) -> None:
    """The genuine bolt-python payloads, with only our callback/action ids and values swapped in."""
    genuine = json.loads((shared_dir / "slack" / "view_submission.json").read_text())["payload"]
    payload = copy.deepcopy(genuine)
    payload["view"]["callback_id"] = Callback.IDEA_SUBMIT
    payload["view"]["private_metadata"] = ""
    payload["view"]["state"]["values"] = idea_values("Record numbers", "Record #4455 was misfiled", "Scan")
    out = body_json(bot.interact(payload))
    assert out["response_action"] == "errors" and "record number" in out["errors"][IdeaField.PROBLEM]
    assert count(bot.sessions, Idea) == 0

    payload["view"]["state"]["values"] = idea_values("Scan referrals same day", "Faxes pile up", "Scan")
    assert body_json(bot.interact(payload))["response_action"] == "update"
    bot.slack.wait_until_quiet()
    with bot.sessions() as s:
        idea_id = s.scalars(select(Idea.id)).one()
    click = copy.deepcopy(json.loads((shared_dir / "slack" / "block_actions.json").read_text())["payload"])
    click["actions"][0].update(action_id=Action.IDEA_UPVOTE, value=str(idea_id))
    click["container"]["is_ephemeral"] = False
    click["response_url"] = bot.slack.new_response_url()
    assert bot.interact(click).status == 200
    update = bot.slack.wait_for("chat.update")[0]
    assert (update.params["channel"], update.params["ts"]) == ("C111", "111.222")
    assert count(bot.sessions, IdeaVote) == 1
