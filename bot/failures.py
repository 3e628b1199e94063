"""The one error pipeline (issues 14 and 17): what a person reads when a listener, a worker or a
job fails, and at what level it is logged. Listeners reach it through the ``@app.error`` handler
in ``bot.app`` (which chooses *where* the answer goes: into the modal for a view submission, an
ephemeral ``response_url`` reply for a click or a command); workers through :func:`report`.

- a typed error (:class:`~bot.errors.OpsBotError`, e.g. a hostile button value read through
  ``bot.slack.payload``): its user-safe message, logged at DEBUG (an expected condition, not an event;
  the message itself is not logged: it may quote what the person typed);
- the data store down or hung (:func:`bot.store_health.store_unavailable`):
  :data:`~bot.errors.STORE_NOT_ANSWERING` (issue 14), logged as a warning without a trace;
- Slack rate-limiting a call the person waits for: ``bot.slack.retry.BUSY_MESSAGE``, at INFO;
- anything else: "something went wrong (ref …)", logged at ERROR with the trace and the same reference.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bot.errors import STORE_NOT_ANSWERING, OpsBotError
from bot.slack.retry import rate_limited_message
from bot.store_health import store_unavailable

log = logging.getLogger(__name__)


def user_message(exc: BaseException, what: str) -> str:
    """The reply for ``exc`` raised while doing ``what`` (e.g. ``"/kpi"``), logged as above."""
    if isinstance(exc, OpsBotError):
        log.debug("%s: refused with %s", what, type(exc).__name__)
        return exc.user_message
    if store_unavailable(exc):
        log.warning("%s: data store unavailable (%s)", what, type(exc).__name__)
        return STORE_NOT_ANSWERING
    if (busy := rate_limited_message(exc)) is not None:
        log.info("%s: Slack rate-limited a call the user is waiting for: %s", what, exc)
        return busy
    ref = uuid.uuid4().hex[:8]
    log.error("%s failed ref=%s", what, ref, exc_info=exc)
    return f"Sorry, something went wrong on our side (ref {ref}). The team has been told."


def block_of(exc: BaseException) -> str | None:
    """The modal input block ``exc`` is about (:class:`~bot.errors.FieldError`), else None."""
    return getattr(exc, "block_id", None) if isinstance(exc, OpsBotError) else None


def what_of(body: dict[str, Any]) -> str:
    """A short name of the request for log lines: the command, action id or modal callback id."""
    if body.get("command"):
        return str(body["command"])[:40]
    if body.get("type") == "view_submission":
        view = body.get("view")
        return f"view {(view.get('callback_id') if isinstance(view, dict) else None) or '?'}"[:80]
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    return f"{body.get('type') or 'request'} {first.get('action_id') or ''}".strip()[:80]


def report(exc: BaseException, respond: Any, what: str) -> None:
    """Answer the person ephemerally with :func:`user_message`; never raises."""
    message = user_message(exc, what)
    try:
        respond(text=message, response_type="ephemeral", replace_original=False)
    except Exception:  # noqa: BLE001 - reporting must not raise another error
        log.warning("could not send the %s error reply", what)
