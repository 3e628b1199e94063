"""Payload bounds: reject oversized bodies and over-long fields before anything else runs.

Limits follow Slack's own (slack.md, Block Kit limits): a button value holds at most 2,000
characters, ``private_metadata`` 3,000, a plain-text input 3,000; Slack ids are short. The body
limit is generous for a message-carrying interaction payload (50 blocks × 3,000 characters,
URL-encoded) and small enough that nothing larger is ever parsed further.
"""

from __future__ import annotations

from typing import Any

MAX_BODY_BYTES = 512 * 1024
MAX_COMMAND_TEXT = 3_000
MAX_ACTION_VALUE = 2_000
MAX_METADATA = 3_000
MAX_INPUT = 3_000
MAX_ID = 64
MAX_QUESTION = MAX_COMMAND_TEXT  # an @mention or DM question: the same room as ``/kpi <question>``


def _too_long(what: str, value: Any, limit: int) -> str | None:
    n = len(str(value or ""))
    return f"{what} is {n:,} characters long; the bot accepts at most {limit:,}." if n > limit else None


def question_problem(text: str) -> str | None:
    """The refusal for an @mention / DM question over :data:`MAX_QUESTION` characters (counted
    without the @mentions), else None. Events cannot be refused in the acknowledgement (Slack
    would retry), so the conversation listener posts this in the question's thread."""
    n = len(text)
    if n <= MAX_QUESTION:
        return None
    return (f"That message is too long: {n:,} characters, the limit is {MAX_QUESTION:,}. "
            "Ask one question in a sentence or two, e.g. “no-show rate at north last month”.")


def body_problem(raw_body: str | bytes) -> str | None:
    n = len(raw_body.encode() if isinstance(raw_body, str) else raw_body)
    if n > MAX_BODY_BYTES:
        return f"That request is too large ({n // 1024:,} KB; the limit is {MAX_BODY_BYTES // 1024} KB)."
    return None


def field_problem(body: dict[str, Any]) -> str | None:
    """The first over-long field of a parsed request, as a message for the person; None if fine."""
    for key in ("user_id", "team_id", "channel_id", "trigger_id", "command"):
        if key in body and (problem := _too_long(f"The field {key}", body.get(key), 255 if key == "trigger_id" else MAX_ID)):
            return problem
    if problem := _too_long("That command text", body.get("text"), MAX_COMMAND_TEXT) if "command" in body else None:
        return problem + " Please shorten it."
    for action in body.get("actions") or []:
        if isinstance(action, dict):
            for key, limit in (("value", MAX_ACTION_VALUE), ("action_id", 255), ("block_id", 255)):
                if problem := _too_long(f"The button {key}", action.get(key), limit):
                    return problem
    view = body.get("view")
    if isinstance(view, dict):
        if problem := _too_long("The form's hidden data", view.get("private_metadata"), MAX_METADATA):
            return problem
        values = ((view.get("state") or {}).get("values") or {})
        for block in values.values() if isinstance(values, dict) else ():
            for element in (block or {}).values() if isinstance(block, dict) else ():
                if isinstance(element, dict) and (problem := _too_long("A form field", element.get("value"), MAX_INPUT)):
                    return problem
    return None
