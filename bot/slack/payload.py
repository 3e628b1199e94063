"""Reading what Slack sends back: button values, ``private_metadata`` and modal state (issue 14).

Everything in an interaction payload came through the person's client and may have been changed
on the way: a button value or a modal's ``private_metadata`` that this bot wrote can come back
as any string, and ``view.state.values`` can miss blocks or hold other shapes. These readers
are the one way listeners take them apart. They never raise anything but
:class:`~bot.errors.UsageError` (a :class:`~bot.errors.FieldError` when one input of a modal is
at fault), which the error pipeline (``bot.failures``) shows to the person: in the modal for a
submission, ephemerally for a click.

Shapes: Slack's "Reference: interaction payloads" (``actions[]``, ``view.state.values`` as
``{block_id: {action_id: {type, value | selected_option | selected_date | selected_user |
selected_options}}}``) and "Modals: private_metadata" (a string of up to 3,000 characters).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.errors import FieldError

M = TypeVar("M", bound=BaseModel)
VALUE = "value"  # the action_id of every input element the bot builds (bot.views)
STALE_FORM = "This form is out of date or was changed on the way; close it and open it again."
STALE_BUTTON = "That button is out of date or was changed on the way; open the latest message and try again."
# Slack user ids: U… (or W… on Enterprise Grid), upper-case letters and digits (Slack's "Formatting
# text: user ids"); 255 characters is far beyond any real one and the bound of our delivery keys
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")


def json_object(raw: object, message: str = STALE_BUTTON, block_id: str | None = None) -> dict[str, Any]:
    """``raw`` (a button value or metadata string) parsed as a JSON object; an empty value is
    ``{}``. Raises: FieldError(``message``) for anything else (not JSON, or JSON but not an object)."""
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, str):
        raise FieldError(message, block_id)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise FieldError(message, block_id) from None
    if not isinstance(data, dict):
        raise FieldError(message, block_id)
    return data


def metadata(view: Mapping[str, Any]) -> dict[str, Any]:
    """A submitted view's ``private_metadata`` as the JSON object the bot wrote; raises
    UsageError(:data:`STALE_FORM`) when it is anything else."""
    return json_object(view.get("private_metadata") if isinstance(view, Mapping) else None, STALE_FORM)


def action(body: Mapping[str, Any]) -> dict[str, Any]:
    """The first entry of ``body["actions"]`` (``{}`` when there is none or it is not an object)."""
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    return first if isinstance(first, dict) else {}


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def state_value(view: Mapping[str, Any], block: str, action_id: str = VALUE) -> Any:
    """The submitted value of input ``block``: text, a selected option's value, a date, a user
    (``str``), the checked options' values (``list[str]``), or None when empty or not of a shape
    Slack sends."""
    values = _dict(_dict(view.get("state") if isinstance(view, Mapping) else None).get("values"))
    entry = _dict(_dict(values.get(block)).get(action_id))
    kind = entry.get("type")
    if kind == "checkboxes":
        chosen = entry.get("selected_options")
        return [v for o in chosen if isinstance(v := _dict(o).get("value"), str)] if isinstance(chosen, list) else []
    if kind in ("static_select", "external_select", "radio_buttons"):
        return _text(_dict(entry.get("selected_option")).get("value"))
    if kind == "datepicker":
        return _text(entry.get("selected_date"))
    if kind == "users_select":
        return _text(entry.get("selected_user"))
    return _text(entry.get("value"))


def iso_date(text: str | None, block_id: str | None = None, what: str = "date") -> date | None:
    """A date picker's ``YYYY-MM-DD`` (None when empty). Raises: FieldError on ``block_id``."""
    if not text:
        return None
    refusal = FieldError(f"Pick the {what} from the calendar (YYYY-MM-DD).", block_id)
    if len(text) != 10 or not text.isascii():  # 3.11's fromisoformat also takes "20261205" and more
        raise refusal
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise refusal from None


def user_id(value: object, block_id: str | None = None) -> str:
    """A Slack user id chosen in a users select. Raises: FieldError when it is not one."""
    if isinstance(value, str) and _USER_ID.fullmatch(value):
        return value
    raise FieldError("Choose a person from the list.", block_id)


def typed(model: type[M], blocks: Mapping[str, str], default_block: str | None = None, **values: Any) -> M:
    """``model(**values)``: the typed request a listener hands to a service. Raises: FieldError
    with pydantic's message for the first invalid field, on the block ``blocks`` maps it to
    (else ``default_block``)."""
    try:
        return model(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else ""
        words = str(err.get("msg", "not valid")).removeprefix("Value error, ")
        raise FieldError(f"{field.replace('_', ' ') or 'This field'}: {words}"[:300],
                         blocks.get(field, default_block)) from None

