"""What the e2e tests send to the real Bolt app in-process, in one place.

The wire formats themselves (signatures, slash-command and interaction bodies) are
:mod:`devtools.signing`; this module adds what the tests kept writing around them:

* :func:`signed_request` — a body as a ``BoltRequest`` with Slack's v0 signature headers;
* :func:`text_input`, :func:`static_select`, :func:`no_selection`, :func:`idea_values`,
  :func:`pdsa_start_values` — entries of ``view.state.values`` as Slack sends them on a modal
  submit (``{block_id: {action_id: {...}}}``, the action id being ``"value"`` in the bot's forms);
* :class:`InProcessBot` / :func:`in_process_bot` — ``create_app`` on an org file and the Slack
  stand-in, with signed sends whose ``response_url`` is one the stand-in captures;
* :func:`local_slack` — :class:`devtools.asking.LocalSlack` on a database seeded by the test and
  an org file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.ids import Callback
from bot.settings import load_settings
from bot.views.ideas import IdeaField
from devtools.asking import LocalSlack
from devtools.signing import (
    block_actions_payload,
    interactive_body,
    signed_headers,
    slash_command_body,
    view_submission_payload,
)
from devtools.standin import SlackStandIn
from storage.db import make_engine, make_session_factory, session_scope
from storage.models import Idea

SECRET = "e2e-signing-secret"
BOT_TOKEN = "xoxb-e2e-test"  # the bot token the app is built with


def signed_request(secret: str, body: str) -> BoltRequest:
    """``body`` with the ``X-Slack-Signature``/``X-Slack-Request-Timestamp`` headers Slack adds (now)."""
    return BoltRequest(body=body, headers=signed_headers(secret, body))


def text_input(value: str) -> dict[str, Any]:
    """A ``plain_text_input`` answer, under the action id ``value``."""
    return {"value": {"type": "plain_text_input", "value": value}}


def static_select(value: str, text: str | None = None) -> dict[str, Any]:
    """A ``static_select`` with ``value`` chosen (its label ``text``, by default the value itself)."""
    return {"value": {"type": "static_select", "selected_option": {
        "text": {"type": "plain_text", "text": value if text is None else text}, "value": value}}}


def no_selection() -> dict[str, Any]:
    """A ``static_select`` left unanswered."""
    return {"value": {"type": "static_select", "selected_option": None}}


def idea_values(title: str, problem: str = "", change: str = "", *, clinic: str = "north",
              anonymous: bool = False, category: str = "scheduling", clinic_text: str | None = None,
              category_text: str | None = None) -> dict[str, Any]:
    """``view.state.values`` of the idea form (``bot.views.ideas``), no KPI chosen."""
    anon = [{"text": {"type": "plain_text", "text": "anon"}, "value": "yes"}] if anonymous else []
    return {IdeaField.TITLE: text_input(title), IdeaField.PROBLEM: text_input(problem),
            IdeaField.CHANGE: text_input(change), IdeaField.CATEGORY: static_select(category, category_text),
            IdeaField.CLINIC: static_select(clinic, clinic_text), IdeaField.KPI: no_selection(),
            IdeaField.ANONYMOUS: {"value": {"type": "checkboxes", "selected_options": anon}}}


def pdsa_start_values() -> dict[str, Any]:
    """``view.state.values`` of the PDSA start form: cycle 1, no KPI."""
    return {"pdsa_objective": text_input("Start on time"), "pdsa_predictions": text_input("80% on time"),
            "pdsa_number": text_input("1"), "pdsa_kpi": no_selection()}


@dataclass
class InProcessBot:
    """The app ``create_app`` builds, its stand-in Slack and its session factory."""

    app: App
    slack: SlackStandIn
    sessions: sessionmaker[Session]
    secret: str = SECRET

    def send(self, body: str) -> BoltResponse:
        """Dispatch ``body`` signed with the app's secret; the ack as Bolt returns it."""
        return self.app.dispatch(signed_request(self.secret, body))

    def slash(self, command: str, text: str = "", **fields: Any) -> BoltResponse:
        """A slash command (fields as :func:`devtools.signing.slash_command_body`), replies to the stand-in."""
        return self.send(slash_command_body(command, text, response_url=self.slack.new_response_url(), **fields))

    def click(self, action_id: str, value: str = "", **fields: Any) -> BoltResponse:
        """A button click (fields as :func:`devtools.signing.block_actions_payload`), replies to the stand-in."""
        return self.interact(block_actions_payload(action_id, value, response_url=self.slack.new_response_url(),
                                                   **fields))

    def submit(self, callback_id: str, values: dict[str, Any], **fields: Any) -> BoltResponse:
        """A modal submit (fields as :func:`devtools.signing.view_submission_payload`)."""
        return self.interact(view_submission_payload(callback_id, values, **fields))

    def submit_idea(self, values: dict[str, Any], user: str = "U0NAMED", metadata: str = "") -> BoltResponse:
        """The idea form submitted by ``user``."""
        return self.submit(Callback.IDEA_SUBMIT, values, user_id=user, private_metadata=metadata)

    def idea_stored(self, values: dict[str, Any]) -> int:
        """The idea form submitted by the default user, Slack left quiet; the id of the one idea stored."""
        self.submit_idea(values)
        self.slack.wait_until_quiet()
        with self.sessions() as s:
            return s.scalars(select(Idea.id)).one()

    def interact(self, payload: dict[str, Any]) -> BoltResponse:
        """Any interactivity payload, as its ``payload=`` form body."""
        return self.send(interactive_body(payload))


@contextmanager
def in_process_bot(org_yaml: str, directory: Path, engine: Any, sessions: sessionmaker[Session]) -> Iterator[InProcessBot]:
    """``create_app`` on the organisation file ``org_yaml`` (written to ``directory/org.yml``),
    its Web API pointed at a running stand-in Slack; the stand-in stops on exit."""
    config = directory / "org.yml"
    config.write_text(org_yaml)
    with SlackStandIn() as slack:
        settings = load_settings(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                                 SLACK_API_URL=slack.base_url, OPSBOT_CONFIG=str(config))
        yield InProcessBot(create_app(settings, engine, sessions), slack, sessions)


@contextmanager
def local_slack(db_url: str, org_yaml: str, directory: Path, seed: Callable[[Session], None],
                **local: Any) -> Iterator[LocalSlack]:
    """``seed(session)`` committed on ``db_url``, then a :class:`LocalSlack` (``local`` are its
    keyword arguments: ``user_id``, ``channel_id``) on it with the org file ``org_yaml`` written to
    ``directory/org.yml``; the engine is disposed of on exit."""
    config = directory / "org.yml"
    config.write_text(org_yaml)
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    try:
        with session_scope(sessions) as s:
            seed(s)
        with LocalSlack(load_settings(DATABASE_URL=db_url, OPSBOT_CONFIG=str(config)), engine, sessions,
                        **local) as bot:
            yield bot
    finally:
        engine.dispose()
