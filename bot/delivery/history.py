"""Settling an ambiguous attempt: did a message with this delivery key land in the channel?

``chat.postMessage`` has no idempotency key (slack.md), so every post carries the delivery key in
its message metadata (``event_type: opsbot_delivery``) and an attempt whose outcome is unknown
(timeout, 5xx, a 504 after the message landed, a dead sender) is settled by reading the
conversation back before anything is re-sent: ``conversations.history`` from just before the
row was created (``conversations.replies`` for a thread reply), ``include_all_metadata=true``,
following ``response_metadata.next_cursor`` page by page (Slack's cursor pagination: ``limit``
per page, ``has_more``; apps outside the Marketplace get at most 15 messages a page since
May 2025, so a search may take many pages).

When the search cannot answer (an error, a 429, a restricted method, too many pages) the result
says so and the caller must neither re-send nor give up: the row waits as ``unconfirmed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.delivery.outcome import classify

METADATA_TYPE = "opsbot_delivery"
PAGE_LIMIT = 200  # Slack recommends no more than 200 per page
MAX_PAGES = 100
EARLIER_S = 120  # messages posted a little before the row's created_at (clock skew) count too


@dataclass(frozen=True)
class Search:
    """``answered``: the whole window was read. ``ts``: the landed message's ts (None: not
    found). When not answered, ``reason`` says why and ``retry_after`` (s) when Slack gave one."""

    answered: bool
    ts: str | None = None
    reason: str | None = None
    retry_after: float | None = None


def delivery_key_of(message: dict[str, Any]) -> str | None:
    meta = message.get("metadata") or {}
    if meta.get("event_type") not in (None, METADATA_TYPE):
        return None
    payload = meta.get("event_payload") or {}
    key = payload.get("delivery_key")
    return str(key) if key is not None else None


def find_landed(client: WebClient, channel: str | None, key: str, created_at: datetime, *,
                thread_ts: str | None = None, page_limit: int = PAGE_LIMIT,
                max_pages: int = MAX_PAGES) -> Search:
    """Search ``channel`` (a thread when ``thread_ts``) for a message carrying ``key``, from
    ``created_at`` (naive UTC) minus two minutes, every page. Never raises."""
    if not channel:
        return Search(False, reason="no channel to search")
    oldest = f"{(created_at - datetime(1970, 1, 1)).total_seconds() - EARLIER_S:.6f}"
    method = "conversations.replies" if thread_ts else "conversations.history"
    query: dict[str, Any] = {"channel": channel, "limit": page_limit, "include_all_metadata": "true",
                             "oldest": oldest}
    if thread_ts:
        query["ts"] = thread_ts
    cursor = ""
    for _ in range(max_pages):
        try:
            resp = client.api_call(method, params={**query, **({"cursor": cursor} if cursor else {})})
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot answer", never "absent"
            outcome = classify(exc)
            return Search(False, reason=f"{method}: {outcome.error}", retry_after=outcome.retry_after)
        for message in resp.get("messages") or []:
            if delivery_key_of(message) == key:
                return Search(True, ts=str(message.get("ts")))
        cursor = str((resp.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            if resp.get("has_more"):  # more exists but Slack gave no way to read it
                return Search(False, reason=f"{method}: has_more without a cursor")
            return Search(True)
    return Search(False, reason=f"{method}: more than {max_pages} pages since the first attempt")
