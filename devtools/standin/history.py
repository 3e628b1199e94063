"""Messages the stand-in has accepted, per channel, so ``conversations.history`` /
``conversations.replies`` answer like Slack (newest first / thread oldest first; ``metadata``
only with ``include_all_metadata``) and page as Slack does: at most ``limit`` messages a page
(``max_limit`` caps it: 15 for apps outside the Marketplace since May 2025, else 999), then
``has_more`` and an opaque ``response_metadata.next_cursor`` for the next page. Lets delivery
code check whether a post already landed."""

from __future__ import annotations

import base64
import copy
import threading
from typing import Any


class MessageStore:
    def __init__(self) -> None:
        self._by_channel: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.max_limit = 999

    def record(self, method: str, params: dict[str, Any], body: dict[str, Any]) -> None:
        """Remember a successful chat.postMessage (append) or chat.update (replace)."""
        if not body.get("ok") or "message" not in body:
            return
        channel = str(body.get("channel") or params.get("channel"))
        with self._lock:
            messages = self._by_channel.setdefault(channel, [])
            if method == "chat.update":
                for i, msg in enumerate(messages):
                    if msg["ts"] == body["ts"]:
                        messages[i] = {**msg, **copy.deepcopy(body["message"]), "edited": {"user": msg.get("user")}}
                return
            messages.append(copy.deepcopy(body["message"]))

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(self._by_channel.get(channel, []))

    def history(self, params: dict[str, Any]) -> dict[str, Any]:
        oldest = float(params.get("oldest") or 0)
        latest = float(params.get("latest") or "inf")
        found = [m for m in self.messages(str(params.get("channel"))) if oldest < float(m["ts"]) <= latest]
        return self._page(found[::-1], params)

    def replies(self, params: dict[str, Any]) -> dict[str, Any]:
        ts = str(params.get("ts"))
        found = [m for m in self.messages(str(params.get("channel"))) if ts in (m["ts"], m.get("thread_ts"))]
        if not found:
            return {"ok": False, "error": "thread_not_found"}
        return self._page(found, params)

    def _page(self, found: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = max(1, min(int(params.get("limit") or 100), self.max_limit))
        cursor = str(params.get("cursor") or "")
        try:
            start = int(base64.b64decode(cursor).decode().removeprefix("next_ts:")) if cursor else 0
        except ValueError:
            return {"ok": False, "error": "invalid_cursor"}
        page = found[start:start + limit]
        if str(params.get("include_all_metadata", "")).lower() not in ("true", "1"):
            for msg in page:
                msg.pop("metadata", None)
        more = len(found) > start + limit
        after = base64.b64encode(f"next_ts:{start + limit}".encode()).decode() if more else ""
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": {"next_cursor": after}}
