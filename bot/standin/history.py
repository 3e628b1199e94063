"""Messages the stand-in has accepted, per channel, so ``conversations.history`` /
``conversations.replies`` answer like Slack (newest first / thread oldest first; ``metadata``
only with ``include_all_metadata``). Lets delivery code check whether a post already landed."""

from __future__ import annotations

import copy
import threading
from typing import Any


class MessageStore:
    def __init__(self) -> None:
        self._by_channel: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

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

    @staticmethod
    def _page(found: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = int(params.get("limit") or 100)
        if str(params.get("include_all_metadata", "")).lower() not in ("true", "1"):
            for msg in found:
                msg.pop("metadata", None)
        return {"ok": True, "messages": found[:limit], "has_more": len(found) > limit,
                "response_metadata": {"next_cursor": ""}}
