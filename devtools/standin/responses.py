"""Slack-shaped ``ok: true`` bodies for the Web API methods the stand-in answers.

Shapes follow Slack's method reference pages and ``web_api.chat_postMessage.responses.json``
(slack-api-specs). Every builder takes the decoded request parameters and a :class:`Ids`
generator and returns the JSON body as a dict.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

TEAM_ID = "T0STANDIN"
BOT_USER_ID = "U0STANDBOT"
BOT_ID = "B0STANDIN"
APP_ID = "A0STANDIN"


class Ids:
    """Thread-safe generator of message timestamps and Slack-style object ids."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            return next(self._counter)

    def ts(self) -> str:
        """A message ``ts``: epoch seconds, a dot, six digits (unique per stand-in)."""
        return f"{int(time.time())}.{self.next():06d}"

    def object_id(self, prefix: str) -> str:
        return f"{prefix}0{self.next():08X}"


def _message(params: dict[str, Any], ts: str) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "type": "message", "subtype": "bot_message", "text": params.get("text", ""),
        "ts": ts, "bot_id": BOT_ID, "app_id": APP_ID, "user": BOT_USER_ID, "team": TEAM_ID,
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if params.get(key) is not None:
            msg[key] = params[key]
    return msg


def chat_post_message(params: dict[str, Any], ids: Ids, _base: str) -> dict[str, Any]:
    ts = ids.ts()
    return {"ok": True, "channel": params.get("channel"), "ts": ts, "message": _message(params, ts)}


def chat_update(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    ts = str(params.get("ts"))
    return {"ok": True, "channel": params.get("channel"), "ts": ts, "text": params.get("text", ""),
            "message": _message(params, ts)}


def chat_post_ephemeral(_params: dict[str, Any], ids: Ids, _base: str) -> dict[str, Any]:
    return {"ok": True, "message_ts": ids.ts()}


def chat_delete(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}


def chat_get_permalink(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    ts = str(params.get("message_ts", "")).replace(".", "")
    return {"ok": True, "channel": params.get("channel"),
            "permalink": f"https://standin.slack.com/archives/{params.get('channel')}/p{ts}"}


def views_any(params: dict[str, Any], ids: Ids, _base: str) -> dict[str, Any]:
    view = params.get("view") or {}
    if isinstance(view, str):  # form-encoded callers send the view as a JSON string
        import json

        view = json.loads(view)
    view_id = params.get("view_id") or ids.object_id("V")
    return {"ok": True, "view": {
        "id": view_id, "team_id": TEAM_ID, "type": view.get("type", "modal"),
        "blocks": view.get("blocks", []), "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""), "state": {"values": {}},
        "hash": f"{int(time.time())}.{ids.next():08x}", "title": view.get("title"),
        "close": view.get("close"), "submit": view.get("submit"), "clear_on_close": False,
        "notify_on_close": False, "previous_view_id": None, "root_view_id": view_id,
        "app_id": APP_ID, "external_id": view.get("external_id", ""), "bot_id": BOT_ID,
    }}


def conversations_open(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    users = str(params.get("users", "U0NOBODY"))
    # Slack returns the same IM for the same user; derive a stable D… id from the user ids.
    suffix = "".join(ch for ch in users.upper() if ch.isalnum())[-9:]
    return {"ok": True, "no_op": False, "already_open": False, "channel": {"id": f"D{suffix}"}}


def conversations_info(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    ch = str(params.get("channel", "C0UNKNOWN"))
    return {"ok": True, "channel": {"id": ch, "name": ch.lower(), "is_channel": ch.startswith("C"),
                                    "is_im": ch.startswith("D"), "is_archived": False, "is_member": True}}


def users_info(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    uid = str(params.get("user", "U0NOBODY"))
    return {"ok": True, "user": {
        "id": uid, "team_id": TEAM_ID, "name": uid.lower(), "deleted": False,
        "real_name": f"User {uid}", "tz": "America/New_York", "tz_offset": -18000,
        "is_admin": False, "is_owner": False, "is_bot": False,
        "profile": {"real_name": f"User {uid}", "display_name": uid.lower()},
    }}


def auth_test(_params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    return {"ok": True, "url": "https://standin.slack.com/", "team": "Stand-in Clinic",
            "user": "opsbot", "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID,
            "is_enterprise_install": False}


def users_list(_params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    # nobody besides the caller's own stubs: tests give people with devtools.standin.directory
    return {"ok": True, "members": [], "response_metadata": {"next_cursor": ""}}


def usergroups_list(_params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    return {"ok": True, "usergroups": []}


def usergroups_users_list(_params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    return {"ok": True, "users": []}


def files_get_upload_url(params: dict[str, Any], ids: Ids, base: str) -> dict[str, Any]:
    file_id = ids.object_id("F")
    root = base[: -len("api/")]
    return {"ok": True, "upload_url": f"{root}upload/v1/{file_id}", "file_id": file_id}


def files_complete_upload(params: dict[str, Any], _ids: Ids, _base: str) -> dict[str, Any]:
    import json

    files = params.get("files") or []
    if isinstance(files, str):
        files = json.loads(files)
    out = [{"id": f.get("id"), "title": f.get("title") or "", "name": f.get("title") or f.get("id"),
            "permalink": f"https://standin.slack.com/files/{BOT_USER_ID}/{f.get('id')}"} for f in files]
    return {"ok": True, "files": out}


Builder = Callable[[dict[str, Any], Ids, str], dict[str, Any]]

BUILDERS: dict[str, Builder] = {
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.delete": chat_delete,
    "chat.getPermalink": chat_get_permalink,
    "views.open": views_any,
    "views.update": views_any,
    "views.push": views_any,
    "views.publish": views_any,
    "conversations.open": conversations_open,
    "conversations.info": conversations_info,
    "users.info": users_info,
    "auth.test": auth_test,
    "users.list": users_list,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
