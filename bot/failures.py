"""What a person reads when work after an acknowledgement fails (one place for workers; the
``@app.error`` handler in ``bot.app`` applies the same rules to listeners).

- a typed error (:class:`~bot.errors.OpsBotError`): its user-safe message;
- the data store down or hung (:func:`bot.store_health.store_unavailable`):
  :data:`~bot.errors.STORE_NOT_ANSWERING` (issue 14), logged as a warning without a trace;
- anything else: "something went wrong (ref …)", logged with the trace and the same reference.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from bot.errors import STORE_NOT_ANSWERING, OpsBotError
from bot.store_health import store_unavailable

log = logging.getLogger(__name__)


def user_message(exc: BaseException, what: str) -> str:
    """The reply for ``exc`` raised while doing ``what`` (e.g. ``"/kpi"``), logged as above."""
    if isinstance(exc, OpsBotError):
        return exc.user_message
    if store_unavailable(exc):
        log.warning("%s: data store unavailable (%s)", what, type(exc).__name__)
        return STORE_NOT_ANSWERING
    ref = uuid.uuid4().hex[:8]
    log.error("%s failed ref=%s", what, ref, exc_info=exc)
    return f"Sorry, something went wrong on our side (ref {ref})."


def report(exc: BaseException, respond: Any, what: str) -> None:
    """Answer the person ephemerally with :func:`user_message`; never raises."""
    message = user_message(exc, what)
    try:
        respond(text=message, response_type="ephemeral", replace_original=False)
    except Exception:  # noqa: BLE001 - reporting must not raise another error
        log.warning("could not send the %s error reply", what)
