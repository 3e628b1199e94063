"""The request id of the work in progress, as a context variable.

Set by the WSGI wrapper for each HTTP request (taken from ``X-Request-Id`` — nginx's
``$request_id`` — or generated) and by the job runner wrapper for each job run. Bolt's
``dispatch`` and our ``ContextExecutor``\\ s run work in a copy of the submitting context, so the
id follows a request onto listener and worker threads and into every log line they write.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("opsbot_request_id", default=None)
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id(incoming: str | None = None) -> str:
    """``incoming`` when it is a plausible id (≤ 64 of ``[A-Za-z0-9._:-]``), else a new one —
    a header is never trusted to inject text into log lines."""
    if incoming and _SAFE.match(incoming):
        return incoming
    return uuid.uuid4().hex[:16]


@contextmanager
def request_context(request_id: str | None = None) -> Iterator[str]:
    """Bind a request id for the block (a new one when None); yields it."""
    rid = new_request_id(request_id)
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)
