"""Requests exactly as Slack sends them: v0 signatures and wire-format payload builders.

Signature (Slack docs "Verifying requests from Slack"): ``X-Slack-Signature`` = ``v0=`` + hex
HMAC-SHA256 of ``v0:{timestamp}:{raw body}`` keyed with the signing secret, next to
``X-Slack-Request-Timestamp``. Payload shapes follow the genuine fixtures in ``shared/slack``
(bolt-python's scenario tests and Slack's docs): slash commands are flat form fields,
interactivity is one ``payload=`` form field holding URL-encoded JSON, events are JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def signature(secret: str, body: str, timestamp: int | str) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: str, timestamp: int | None = None,
                   content_type: str | None = None) -> dict[str, str]:
    """Headers Slack adds to an HTTP delivery of ``body`` (timestamp defaults to now).

    ``content_type`` defaults to JSON when ``body`` starts with ``{``, else form-encoded.
    """
    ts = int(time.time()) if timestamp is None else int(timestamp)
    ctype = content_type or (JSON if body.lstrip().startswith("{") else FORM)
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": signature(secret, body, ts),
            "Content-Type": ctype}


def slash_command_body(command: str, text: str = "", *, user_id: str = "U0LOCAL",
                       channel_id: str = "C0LOCAL", team_id: str = "T0LOCAL",
                       response_url: str = "https://hooks.slack.com/commands/T0LOCAL/1/x",
                       trigger_id: str | None = None, user_name: str = "local-user",
                       channel_name: str = "clinic-ops", team_domain: str = "local",
                       enterprise_id: str | None = None, enterprise_name: str | None = None,
                       api_app_id: str | None = "A0LOCAL", token: str = "verification_token") -> str:
    """A slash-command body, form-encoded in Slack's field order.

    With ``api_app_id=None`` and the enterprise fields set it reproduces
    ``slash_command.form-urlencoded.txt`` byte for byte; Slack's current deliveries also carry
    ``api_app_id`` and ``is_enterprise_install`` (appended when ``api_app_id`` is given).
    """
    fields = [
        ("token", token), ("team_id", team_id), ("team_domain", team_domain),
        ("channel_id", channel_id), ("channel_name", channel_name), ("user_id", user_id),
        ("user_name", user_name), ("command", command), ("text", text),
    ]
    if enterprise_id is not None:
        fields += [("enterprise_id", enterprise_id), ("enterprise_name", enterprise_name or "")]
    fields += [("response_url", response_url), ("trigger_id", trigger_id or _trigger_id())]
    if api_app_id is not None:
        fields += [("api_app_id", api_app_id), ("is_enterprise_install", "false")]
    return urlencode(fields)


def interactive_body(payload: dict[str, Any]) -> str:
    """``payload=<url-encoded JSON>``, as interactivity requests arrive."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))})


def _trigger_id() -> str:
    return f"{int(time.time())}.{uuid.uuid4().int % 10**11}.{uuid.uuid4().hex}"


def _user(user_id: str, team_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id}


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": "local", "enterprise_id": None, "enterprise_name": None}


def block_actions_payload(action_id: str, value: str = "", *, block_id: str = "b",
                          user_id: str = "U0LOCAL", channel_id: str = "C0LOCAL",
                          team_id: str = "T0LOCAL", message_ts: str = "111.222",
                          response_url: str = "https://hooks.slack.com/actions/T0LOCAL/1/x",
                          trigger_id: str | None = None, is_ephemeral: bool = False,
                          message: dict[str, Any] | None = None,
                          view: dict[str, Any] | None = None) -> dict[str, Any]:
    """A button click (``block_actions.json``): in a message, or in ``view`` when given."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": _user(user_id, team_id), "api_app_id": "A0LOCAL",
        "token": "verification_token", "trigger_id": trigger_id or _trigger_id(), "team": _team(team_id),
        "actions": [{"action_id": action_id, "block_id": block_id, "value": value, "type": "button",
                     "text": {"type": "plain_text", "text": "Button", "emoji": True},
                     "action_ts": f"{time.time():.6f}"}],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0LOCAL")}
        payload["view"] = view
    else:
        payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                                "is_ephemeral": is_ephemeral}
        payload["channel"] = {"id": channel_id, "name": "clinic-ops"}
        payload["response_url"] = response_url
        if message is not None:
            payload["message"] = message
    return payload


def view_submission_payload(callback_id: str, values: dict[str, dict[str, dict[str, Any]]], *,
                            private_metadata: str = "", user_id: str = "U0LOCAL",
                            team_id: str = "T0LOCAL", view_id: str = "V0LOCAL",
                            blocks: list[dict[str, Any]] | None = None,
                            response_urls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A modal submit (``view_submission.json``); ``values`` is ``view.state.values``:
    ``{block_id: {action_id: {"type": ..., "value"/"selected_option"/...: ...}}}``."""
    view = {
        "id": view_id, "team_id": team_id, "type": "modal", "blocks": blocks or [],
        "private_metadata": private_metadata, "callback_id": callback_id,
        "state": {"values": values}, "hash": f"{int(time.time())}.abcdEFGH",
        "title": {"type": "plain_text", "text": "Clinic Ops"}, "clear_on_close": False,
        "notify_on_close": False, "close": {"type": "plain_text", "text": "Cancel"},
        "submit": {"type": "plain_text", "text": "Submit"}, "previous_view_id": None,
        "root_view_id": view_id, "app_id": "A0LOCAL", "external_id": "",
        "app_installed_team_id": team_id, "bot_id": "B0LOCAL",
    }
    return {"type": "view_submission", "team": _team(team_id), "user": _user(user_id, team_id),
            "api_app_id": "A0LOCAL", "token": "verification_token", "trigger_id": _trigger_id(),
            "view": view, "response_urls": response_urls or []}


def event_body(event: dict[str, Any], *, team_id: str = "T0LOCAL", event_id: str | None = None,
               event_time: int | None = None, user_id: str = "U0STANDBOT") -> str:
    """An Events API delivery (``event_callback`` envelope, JSON), with ``authorizations``."""
    now = int(time.time())
    envelope = {
        "token": "verification_token", "team_id": team_id, "api_app_id": "A0LOCAL",
        "event": {"event_ts": f"{now}.000100", **event}, "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": event_time or now,
        "authorizations": [{"enterprise_id": None, "team_id": team_id, "user_id": user_id,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope, separators=(",", ":"))
