"""Which Web API outcomes are clear (success or refusal) and which are ambiguous (the message may
have landed), and the paged history search that settles the ambiguous ones (issue 14).

Sources: slack.md (Outbound: 429 + Retry-After; ok:false errors; 5xx and non-JSON pages);
Slack's method docs for ``internal_error`` / ``fatal_error`` ("it's possible some aspect of the
operation succeeded before the error was raised"); conversations.history's cursor pagination
(``response_metadata.next_cursor``, ``has_more``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.delivery.history import find_landed
from bot.delivery.outcome import classify


def api_error(status: int, data: Any, headers: dict[str, Any] | None = None) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data=data, headers=headers or {}, status_code=status)
    return SlackApiError("error", response)


@pytest.mark.parametrize(("exc", "kind", "ambiguous"), [
    (api_error(504, "<html>504 Gateway Timeout</html>"), "transient", True),
    (api_error(500, "<html>500</html>"), "transient", True),
    (api_error(503, "<html>503</html>"), "transient", True),
    (api_error(200, {"ok": False, "error": "internal_error"}), "transient", True),
    (api_error(200, {"ok": False, "error": "fatal_error"}), "transient", True),
    (api_error(200, {"ok": False, "error": "something_new"}), "transient", True),
    (TimeoutError("timed out"), "transient", True),
    (TimeoutError("timed out"), "transient", True),
    (ConnectionResetError(), "transient", True),
    (api_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}), "rate_limited", False),
    (api_error(200, {"ok": False, "error": "channel_not_found"}), "channel_gone", False),
    (api_error(200, {"ok": False, "error": "invalid_blocks"}), "permanent", False),
    (api_error(200, {"ok": False, "error": "service_unavailable"}), "transient", False),
    (URLError(ConnectionRefusedError()), "transient", False),  # never reached Slack
])
def test_only_clear_answers_are_taken_at_their_word(exc: BaseException, kind: str, ambiguous: bool) -> None:
    outcome = classify(exc)
    assert (outcome.kind, outcome.ambiguous) == (kind, ambiguous)


def test_retry_after_is_read_from_the_429() -> None:
    assert classify(api_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"})).retry_after == 7.0


class PagedHistory:
    """A fake client serving ``messages`` newest first, ``per_page`` at a time, by cursor."""

    def __init__(self, messages: list[dict[str, Any]], per_page: int, fail_on_page: int | None = None,
                 cursorless: bool = False) -> None:
        self.messages, self.per_page, self.fail_on_page, self.cursorless = messages, per_page, fail_on_page, cursorless
        self.calls: list[dict[str, Any]] = []

    def api_call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(params)
        start = int(params.get("cursor") or 0)
        if self.fail_on_page is not None and len(self.calls) == self.fail_on_page:
            raise api_error(500, "<html>500</html>")
        page = self.messages[start:start + self.per_page]
        more = start + self.per_page < len(self.messages)
        cursor = "" if (not more or self.cursorless) else str(start + self.per_page)
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def chatter(n: int) -> list[dict[str, Any]]:
    return [{"ts": f"1772452900.{i:06d}", "text": f"chatter {i}"} for i in range(n)]


FIRST = {"ts": "1772452800.000001", "metadata": {"event_type": "opsbot_delivery",
                                                 "event_payload": {"delivery_key": "k/1"}}}
CREATED = datetime(2026, 3, 2, 12, 0)


def test_the_search_follows_the_cursor_past_newer_messages() -> None:
    client = PagedHistory(chatter(200) + [FIRST], per_page=15)
    found = find_landed(client, "C1", "k/1", CREATED)  # type: ignore[arg-type]
    assert (found.answered, found.ts) == (True, "1772452800.000001")
    assert len(client.calls) == 14  # ceil(201 / 15) pages
    assert all(c["include_all_metadata"] == "true" for c in client.calls)


def test_a_complete_search_without_the_key_answers_not_found() -> None:
    found = find_landed(PagedHistory(chatter(40), per_page=15), "C1", "k/1", CREATED)  # type: ignore[arg-type]
    assert (found.answered, found.ts) == (True, None)


def test_a_failing_page_means_cannot_answer_not_absent() -> None:
    found = find_landed(PagedHistory(chatter(40) + [FIRST], per_page=15, fail_on_page=2),  # type: ignore[arg-type]
                        "C1", "k/1", CREATED)
    assert found.answered is False and found.reason == "conversations.history: http_500"


def test_more_without_a_cursor_means_cannot_answer() -> None:
    found = find_landed(PagedHistory(chatter(40) + [FIRST], per_page=15, cursorless=True),  # type: ignore[arg-type]
                        "C1", "k/1", CREATED)
    assert found.answered is False
