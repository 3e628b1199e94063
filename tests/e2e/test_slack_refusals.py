"""Issue 13 findings 6, 8, 9: when Slack refuses (the bot not invited, a private or deleted
channel, an archived channel, an expired response_url, invalid_blocks), the person is told in
plain words what happened and what to do, nothing is logged at ERROR for these expected
conditions, the idea modal never claims a post that did not happen, and an unexpected error in a
modal submission is answered in the modal (not HTTP 500).

Error codes and their meaning: Slack's chat.postMessage reference (slack.md, Outbound); the
stand-in answers them as Slack does (``devtools.standin.channels``).
"""

from __future__ import annotations

import json
import logging

import pytest

from bot.ideas import service
from bot.ideas.clinics import resolve_clinic
from bot.ideas.kpis import kpi_choices
from bot.ids import Action, Callback
from bot.orgconfig import OrgConfig
from bot.views.ideas import idea_form
from devtools.signing import block_actions_payload
from storage.db import session_scope
from storage.models import Idea
from tests.e2e.slack_payloads import InProcessBot, idea_values
from tests.e2e.test_ideas_slack import IMPROVE, body_json, bot, count, eventually  # noqa: F401

pytestmark = pytest.mark.e2e
INVITE = "/invite @Clinic Ops Bot"


def bot_org(bot: InProcessBot) -> OrgConfig:  # noqa: F811
    import yaml

    from tests.e2e.test_ideas_slack import ORG_YAML

    return OrgConfig.model_validate(yaml.safe_load(ORG_YAML))


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _modal_outcome(bot: InProcessBot) -> str:  # noqa: F811
    update = bot.slack.wait_for("views.update", 1, timeout=10)[-1]
    return json.dumps(update.params["view"]["blocks"], ensure_ascii=False)


@pytest.mark.parametrize("state,words", [("remove", INVITE), ("delete", INVITE), ("archive", "archived")])
def test_idea_post_refused_is_told_in_the_modal_and_never_claimed(bot: InProcessBot, caplog, state: str,  # noqa: F811
                                                                  words: str) -> None:
    getattr(bot.slack.channels, state)(IMPROVE)
    caplog.set_level(logging.INFO)
    resp = bot.submit_idea(idea_values("Text reminders for no-shows", "Many no-shows on Mondays", "Send SMS"))
    first = json.dumps(body_json(resp)["view"]["blocks"])
    assert "posted in" not in first.lower() and "Posting it in" in first
    outcome = _modal_outcome(bot)
    assert "*not* posted" in outcome and words in outcome, outcome
    assert count(bot.sessions, Idea) == 1  # the idea itself is kept
    assert _errors(caplog) == []


def test_idea_posted_says_so_only_after_slack_accepted_it(bot: InProcessBot) -> None:  # noqa: F811
    bot.submit_idea(idea_values("Restock gloves weekly", "We run out", "Weekly order"))
    outcome = _modal_outcome(bot)
    assert f"It is posted in <#{IMPROVE}>" in outcome
    assert bot.slack.calls_to("chat.postMessage")[0].at <= bot.slack.calls_to("views.update")[0].at


def _share(bot: InProcessBot, channel: str, response_url: str) -> None:  # noqa: F811
    with session_scope(bot.sessions) as s:  # the clinic's row, as the first import creates it
        resolve_clinic(s, bot_org(bot), "north")
    payload = block_actions_payload(Action.KPI_SHARE, json.dumps({"q": "no_show_rate clinic north"}),
                                    user_id="U0MGR", channel_id=channel, response_url=response_url)
    assert bot.interact(payload).status == 200


@pytest.mark.parametrize("state,words", [("remove", INVITE), ("delete", "private"), ("archive", "archived")])
def test_share_in_a_channel_slack_refuses_is_told_in_plain_words(bot: InProcessBot, caplog, state: str,  # noqa: F811
                                                                 words: str) -> None:
    getattr(bot.slack.channels, state)("C0SHARE")
    caplog.set_level(logging.INFO)
    _share(bot, "C0SHARE", bot.slack.new_response_url())
    reply = bot.slack.wait_for("response_url", 1, timeout=15)[0].params["text"]
    assert words in reply and "<#C0SHARE>" in reply and "went wrong" not in reply
    assert _errors(caplog) == []


def test_invalid_blocks_is_told_and_logged_below_error(bot: InProcessBot, caplog) -> None:  # noqa: F811
    bot.slack.inject("chat.postMessage", error="invalid_blocks")
    caplog.set_level(logging.INFO)
    _share(bot, "C0SHARE", bot.slack.new_response_url())
    reply = bot.slack.wait_for("response_url", 1, timeout=15)[0].params["text"]
    assert "invalid_blocks" in reply and "fault on our side" in reply
    assert _errors(caplog) == []
    assert any("invalid_blocks" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_expired_response_url_falls_back_to_an_ephemeral_message(bot: InProcessBot, caplog) -> None:  # noqa: F811
    caplog.set_level(logging.INFO)
    _share(bot, "C0SHARE", bot.slack.new_response_url(expired=True))
    told = bot.slack.wait_for("chat.postEphemeral", 1, timeout=15)[0].params
    assert (told["channel"], told["user"]) == ("C0SHARE", "U0MGR") and "Shared" in told["text"]
    assert bot.slack.response_posts[0].error == "expired_url"
    assert _errors(caplog) == []


def test_unexpected_error_in_a_modal_submission_is_answered_in_the_modal(bot: InProcessBot, monkeypatch) -> None:  # noqa: F811
    def broken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(service, "submit_idea", broken)
    blocks = idea_form([("north", "North Family Practice")], kpi_choices())["blocks"]
    resp = bot.submit(Callback.IDEA_SUBMIT, idea_values("Shorter queues", "Long queues", "Stagger"),
                      user_id="U0NAMED", blocks=blocks)
    assert resp.status == 200
    answer = body_json(resp)
    assert answer["response_action"] == "errors"
    (message,) = answer["errors"].values()
    assert "went wrong" in message and "ref " in message
    assert "database went away" not in message
    assert next(iter(answer["errors"])) == blocks[next(i for i, b in enumerate(blocks) if b["type"] == "input")][
        "block_id"]  # shown under the form's first input: what was typed stays


def test_unexpected_error_in_a_modal_without_inputs_updates_it(bot: InProcessBot, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setattr(service, "submit_idea", lambda *_a, **_k: 1 / 0)
    resp = bot.submit_idea(idea_values("Shorter queues", "Long queues", "Stagger arrivals"))
    answer = body_json(resp)
    assert resp.status == 200 and answer["response_action"] == "update"
    assert "went wrong" in json.dumps(answer["view"]["blocks"])
    _ = eventually
