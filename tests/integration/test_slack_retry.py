"""The app's Web API client never sleeps out a 429 for a call with a 3-second trigger
(``views.open``/``views.push``, slack.md: ``trigger_id`` expires after 3 seconds) nor past 30 s;
the user is told Slack is busy instead of a generic error (issue 13, finding 11)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk.errors import SlackApiError

from bot.app import make_web_client
from bot.settings import load_settings
from bot.slack.retry import BUSY_MESSAGE, rate_limited_message
from devtools.standin import SlackStandIn

VIEW = {"type": "modal", "title": {"type": "plain_text", "text": "Snooze"}, "blocks": []}


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        yield standin


def client_for(slack: SlackStandIn):  # type: ignore[no-untyped-def]
    return make_web_client(load_settings(SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=slack.base_url))


@pytest.mark.parametrize("method", ["views.open", "views.push"])
def test_a_429_on_a_trigger_method_is_not_retried(slack: SlackStandIn, method: str) -> None:
    slack.inject(method, status=429, retry_after=5)
    with pytest.raises(SlackApiError) as caught:
        client_for(slack).api_call(method, json={"trigger_id": "1.2.abc", "view": VIEW})
    assert len(slack.calls_to(method)) == 1  # one call: nothing slept out
    assert rate_limited_message(caught.value) == BUSY_MESSAGE


def test_a_long_retry_after_is_not_slept_out_but_a_short_one_is(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", status=429, retry_after=120)
    with pytest.raises(SlackApiError):
        client_for(slack).chat_postMessage(channel="C1", text="x")
    assert len(slack.calls_to("chat.postMessage")) == 1
    slack.inject("chat.postMessage", status=429, retry_after=1)
    assert client_for(slack).chat_postMessage(channel="C1", text="y")["ok"] is True
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200]


def test_other_errors_are_not_called_busy(slack: SlackStandIn) -> None:
    slack.inject("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as caught:
        client_for(slack).chat_postMessage(channel="C1", text="x")
    assert rate_limited_message(caught.value) is None
